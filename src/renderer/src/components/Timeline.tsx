import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Annotation } from '../../../shared/model/annotation';
import type { Finding } from '../../../shared/model/finding';
import type { Histogram } from '../../../shared/model/view';
import { errorMessage, getWorkbench } from '../api';
import { useLang, useT } from '../i18n';
import { goToTime } from '../nav';
import { useAnalysis } from '../state/analysis';
import { useCase } from '../state/case';
import { useClock } from '../state/clock';
import { noteTs, useNoteExcerpts } from '../notes/lines';
import { startNote, useNotes } from '../notes/store';
import { useFindings } from '../state/findings';
import { panelOf } from '../state/marks';
import { usePanelTabs } from '../state/panels';
import { useViewer } from '../state/viewer';
import { useDarkTheme } from '../theme';
import { formatShort, formatTime } from '../time';

/** Severity groups the bars are stacked by (from the histogram's SEVERITY_NAMES counts + none). */
const GROUPS = [
  { key: 'crit', idx: [0, 1, 2], light: '#c62828', dark: '#ef5350' },
  { key: 'err', idx: [3], light: '#ef6c00', dark: '#ff9e40' },
  { key: 'warning', idx: [4], light: '#f9a825', dark: '#e5c07b' },
  { key: 'info', idx: [5, 6, 7], light: '#5c8ac6', dark: '#6f9fd8' },
  { key: 'none', idx: [8], light: '#a8b0bd', dark: '#5d6573' },
] as const;

const STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 20160, 43200];
const WANTED_BUCKETS = 160;

/** Tick positions every readable step, on boundaries of the case's zone. */
function timeSplits(min: number, max: number, width: number, offsetMin: number): number[] {
  const wanted = Math.max(2, Math.floor(width / 110));
  const span = (max - min) / 60_000;
  const step = (STEPS_MIN.find((s) => span / s <= wanted) ?? STEPS_MIN[STEPS_MIN.length - 1]!) * 60_000;
  const shift = offsetMin * 60_000;
  const out: number[] = [];
  for (let v = Math.ceil((min + shift) / step) * step - shift; v <= max; v += step) out.push(v);
  return out;
}

interface Hover {
  left: number;
  text: string[];
}

/** The right-click menu: a note at that time, or on the time filter's span. */
interface NoteMenu {
  left: number;
  top: number;
  ts: number;
}

/** A note's marker: its span's start or its line's time. */
function noteMarks(notes: readonly Annotation[], times: (n: Annotation) => number | null): NoteMark[] {
  const out: NoteMark[] = [];
  for (const note of notes) {
    const ts = times(note);
    if (ts !== null) out.push({ ts, end: note.spanEnd ?? ts, note });
  }
  return out;
}

/** What a click on a note's marker does: the viewer on its line (or time), the note in the Notes panel. */
function openNote(note: Annotation): void {
  if (note.lineId !== null && !note.orphaned) useViewer.getState().jumpTo(note.lineId);
  else if (note.spanStart !== null) void goToTime(note.spanStart);
  useNotes.getState().focusNote(note.annotationId);
}

function firstLine(body: string): string {
  const line = body.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/**
 * The case's timeline: lines per bucket stacked by severity (from the engine's histogram over
 * the current filter), findings as markers, silences and floods shaded, boots as vertical
 * rules, the cursor as a line. Drag to set the time filter (brush); click to move the viewer
 * there; wheel to zoom, Shift+wheel to pan, double-click to see the whole case again.
 */
export function Timeline(): React.JSX.Element {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const caseId = useCase((s) => (s.status === 'ready' ? s.caseId : null));
  const stamp = useCase((s) => s.summary?.updatedAt ?? null);
  const summary = useCase((s) => s.summary);
  const notes = useNotes((s) => s.notes);
  const noteLineIds = useMemo(
    () => notes.flatMap((n) => (n.spanStart === null && n.lineId !== null ? [n.lineId] : [])),
    [notes],
  );
  const noteLines = useNoteExcerpts(caseId, summary, noteLineIds);
  const [menu, setMenu] = useState<NoteMenu | null>(null);
  const caseFirst = useCase((s) => s.summary?.firstTs ?? null);
  const caseLast = useCase((s) => s.summary?.lastTs ?? null);
  const filter = useViewer((s) => s.filter);
  const findings = useFindings((s) => s.findings);
  const analysis = useAnalysis((s) => s.analysis);
  // Loaded lazily, possibly after the case opened: ask for the analysis (read once per case and summary).
  const complete = useCase((s) => s.summary?.state === 'complete');
  useEffect(() => {
    if (caseId && complete && stamp !== null) void useAnalysis.getState().load(caseId, stamp);
  }, [caseId, complete, stamp]);
  const offsetMin = useClock((s) => s.offsetMin) ?? 0;
  const dark = useDarkTheme();
  const [zoomed, setZoomed] = useState<{ caseId: string | null; from: number; to: number } | null>(null);
  // A zoom belongs to the case it was made in.
  const zoom = zoomed && zoomed.caseId === caseId ? zoomed : null;
  const setZoom = (z: { from: number; to: number } | null): void =>
    setZoomed(z ? { caseId: useCase.getState().caseId, ...z } : null);
  const [hist, setHist] = useState<Histogram | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const tRef = useRef(t);
  useEffect(() => {
    tRef.current = t;
  });
  const plotRef = useRef<uPlot | null>(null);

  // Shapes drawn over the bars, read by the draw hook (kept in a ref: the plot lives across renders).
  const overlay = useMemo(() => {
    const floods = (analysis?.incidents ?? [])
      .filter((i) => i.kind === 'flood' && i.firstTs !== null)
      // One flood incident groups the bursts of a message: shade each burst, not the quiet between.
      .flatMap((i) =>
        i.details.type === 'flood' && i.details.bursts && i.details.bursts.length > 0
          ? i.details.bursts
              .filter((b) => b.firstTs !== null)
              .map((b) => ({ from: b.firstTs!, to: b.lastTs ?? b.firstTs! }))
          : [{ from: i.firstTs!, to: i.lastTs ?? i.firstTs! }],
      );
    const boots = (analysis?.boots ?? []).map((b) => Date.parse(b.start)).filter((v) => Number.isFinite(v));
    const marks = findings
      .filter((f) => f.ts !== null && f.kind !== 'boot')
      .map((f) => ({ ts: f.ts!, severity: f.severity, finding: f }));
    const notesAt = noteMarks(notes, (n) =>
      noteTs(n, n.lineId !== null ? noteLines.get(n.lineId) : undefined),
    );
    return { floods, boots, marks, notes: notesAt, silences: hist?.silences ?? [], dark };
  }, [analysis, findings, notes, noteLines, hist, dark]);
  // The cursor's time is read by the draw hook, not rendered: a cursor move redraws the canvas
  // without re-rendering the timeline (or rebuilding the markers).
  const cursorTsRef = useRef<number | null>(useViewer.getState().cursor?.ts ?? null);
  const overlayRef = useRef(overlay);

  useEffect(() => {
    if (!caseId) return;
    let live = true;
    getWorkbench()
      .histogram({ caseId, filter, from: zoom?.from ?? null, to: zoom?.to ?? null, buckets: WANTED_BUCKETS })
      .then((h) => {
        if (!live) return;
        setHist(h);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!live) return;
        setHist(null);
        setError(errorMessage(err));
      });
    return () => {
      live = false;
    };
  }, [caseId, stamp, filter, zoom]);

  const data = useMemo<uPlot.AlignedData | null>(() => {
    if (!hist) return null;
    const xs = hist.buckets.map((b) => b.t);
    const groupSums = GROUPS.map((g) =>
      hist.buckets.map((b) => g.idx.reduce<number>((s, i) => s + (b.counts[i] ?? 0), 0)),
    );
    // Stacked bars: c[k] is groups 0…k (critical at the bottom); the series are drawn tallest first.
    const cumulative: number[][] = [];
    groupSums.forEach((g, k) => cumulative.push(g.map((v, i) => v + (k > 0 ? cumulative[k - 1]![i]! : 0))));
    return [xs, ...cumulative.reverse()];
  }, [hist]);

  // Build the plot once per theme and language; data changes go through setData.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const fg = dark ? '#c9ced8' : '#3b4352';
    const grid = dark ? '#2f333a' : '#e3e6ec';
    const series: uPlot.Series[] = [{}];
    // Drawn first = tallest stack (the last group); each next series covers the lower part.
    for (let k = GROUPS.length - 1; k >= 0; k--) {
      const g = GROUPS[k]!;
      series.push({
        label: tRef.current(`timeline.group.${g.key}`),
        fill: dark ? g.dark : g.light,
        stroke: dark ? g.dark : g.light,
        width: 0,
        paths: uPlot.paths.bars!({ size: [1, 100], align: 1, gap: 0 }),
        points: { show: false },
      });
    }
    const opts: uPlot.Options = {
      width: Math.max(200, host.clientWidth),
      height: Math.max(60, host.clientHeight),
      legend: { show: false },
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [
        {
          stroke: fg,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
          splits: (u) =>
            timeSplits(
              u.scales.x?.min ?? 0,
              u.scales.x?.max ?? 1,
              u.bbox.width / devicePixelRatio,
              offsetMin,
            ),
          values: (_u, splits) => splits.map((v) => formatShort(v, lang, offsetMin)),
          size: 28,
        },
        { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 48 },
      ],
      series,
      cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
      hooks: {
        setSelect: [
          (u) => {
            const sel = u.select;
            if (sel.width < 3) return;
            const from = Math.round(u.posToVal(sel.left, 'x'));
            const to = Math.round(u.posToVal(sel.left + sel.width, 'x'));
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            const v = useViewer.getState();
            v.setFilter({ ...v.filter, from, to });
          },
        ],
        setCursor: [
          (u) => {
            const idx = u.cursor.idx;
            const left = u.cursor.left ?? -1;
            const d = u.data;
            if (idx === null || idx === undefined || left < 0 || !d[0] || d[0][idx] === undefined) {
              setHover(null);
              return;
            }
            const ts = d[0][idx]!;
            const lines = [formatTime(ts, lang, offsetMin)];
            for (let k = GROUPS.length - 1; k >= 0; k--) {
              const here = (d[GROUPS.length - k] as number[] | undefined)?.[idx] ?? 0;
              const above = k > 0 ? ((d[GROUPS.length - k + 1] as number[] | undefined)?.[idx] ?? 0) : 0;
              const n = here - above;
              if (n > 0)
                lines.push(`${tRef.current(`timeline.group.${GROUPS[k]!.key}`)}: ${n.toLocaleString(lang)}`);
            }
            const near = nearest(u, overlayRef.current.notes, left);
            if (near) lines.push(tRef.current('timeline.note', { text: firstLine(near.note.body) || '…' }));
            setHover({ left, text: lines });
          },
        ],
        draw: [(u) => drawOverlay(u, overlayRef.current, cursorTsRef.current)],
      },
    };
    const plot = new uPlot(opts, [[], [], [], [], [], []], host);
    plotRef.current = plot;
    const ro = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(200, host.clientWidth), height: Math.max(60, host.clientHeight) });
    });
    ro.observe(host);

    // Click without a drag: move the viewer to that time. Wheel: zoom; Shift+wheel: pan.
    const over = plot.over;
    let downX = 0;
    const onDown = (e: MouseEvent): void => {
      downX = e.clientX;
    };
    const onUp = (e: MouseEvent): void => {
      if (e.button !== 0 || Math.abs(e.clientX - downX) > 3) return;
      setMenu(null);
      const rect = over.getBoundingClientRect();
      const ts = plot.posToVal(e.clientX - rect.left, 'x');
      // Notes sit along the bottom edge, findings along the top: the half clicked decides first.
      const note = nearest(plot, overlayRef.current.notes, e.clientX - rect.left);
      const low = e.clientY - rect.top > rect.height / 2;
      const hit = nearest(plot, overlayRef.current.marks, e.clientX - rect.left);
      if (note && (low || !hit)) {
        openNote(note.note);
        return;
      }
      if (hit) {
        const lineId = hit.finding.evidence.find((ev) => ev.lineId > 0)?.lineId;
        if (lineId) {
          useViewer.getState().jumpTo(lineId);
          usePanelTabs.getState().show(panelOf(hit.finding));
          return;
        }
      }
      void goToTime(Math.round(ts));
    };
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault();
      const min = plot.scales.x?.min;
      const max = plot.scales.x?.max;
      if (min === undefined || max === undefined) return;
      const span = max - min;
      if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        const d = (e.shiftKey ? e.deltaY : e.deltaX) > 0 ? span * 0.2 : -span * 0.2;
        setZoom({ from: min + d, to: max + d });
        return;
      }
      const rect = over.getBoundingClientRect();
      const at = plot.posToVal(e.clientX - rect.left, 'x');
      const factor = e.deltaY < 0 ? 0.6 : 1 / 0.6;
      const nextSpan = Math.max(60_000, span * factor);
      const ratio = (at - min) / span;
      setZoom({ from: Math.round(at - nextSpan * ratio), to: Math.round(at + nextSpan * (1 - ratio)) });
    };
    const onDbl = (): void => setZoom(null);
    const onLeave = (): void => setHover(null);
    const onMenu = (e: MouseEvent): void => {
      e.preventDefault();
      const rect = over.getBoundingClientRect();
      const host = hostRef.current?.getBoundingClientRect();
      const box = host ?? rect;
      // Kept inside the plot, which clips what overflows (the menu is at most 320 × 64 px).
      setMenu({
        left: Math.max(0, Math.min(e.clientX - box.left, box.width - 320)),
        top: Math.max(0, Math.min(e.clientY - box.top, box.height - 64)),
        ts: Math.round(plot.posToVal(e.clientX - rect.left, 'x')),
      });
    };
    over.addEventListener('mousedown', onDown);
    over.addEventListener('mouseup', onUp);
    over.addEventListener('wheel', onWheel, { passive: false });
    over.addEventListener('dblclick', onDbl);
    over.addEventListener('mouseleave', onLeave);
    over.addEventListener('contextmenu', onMenu);
    return () => {
      over.removeEventListener('contextmenu', onMenu);
      ro.disconnect();
      over.removeEventListener('mousedown', onDown);
      over.removeEventListener('mouseup', onUp);
      over.removeEventListener('wheel', onWheel);
      over.removeEventListener('dblclick', onDbl);
      over.removeEventListener('mouseleave', onLeave);
      plot.destroy();
      plotRef.current = null;
    };
  }, [dark, lang, offsetMin]);

  useEffect(() => {
    const plot = plotRef.current;
    if (!plot || !data || !hist) return;
    plot.setData(data, false);
    plot.setScale('x', { min: hist.from, max: hist.to + hist.bucketMs });
  }, [data, hist, dark, lang, offsetMin]);

  useEffect(() => {
    overlayRef.current = overlay;
    plotRef.current?.redraw(false, false);
  }, [overlay]);

  useEffect(() => {
    cursorTsRef.current = useViewer.getState().cursor?.ts ?? null;
    plotRef.current?.redraw(false, false);
    return useViewer.subscribe((s) => {
      const ts = s.cursor?.ts ?? null;
      if (ts === cursorTsRef.current) return;
      cursorTsRef.current = ts;
      plotRef.current?.redraw(false, false);
    });
  }, []);

  useEffect(() => {
    if (!menu) return;
    const close = (e: Event): void => {
      if (e instanceof KeyboardEvent && e.key !== 'Escape') return;
      if (e.target instanceof Node && document.querySelector('.timeline-menu')?.contains(e.target)) return;
      setMenu(null);
    };
    window.addEventListener('keydown', close, true);
    window.addEventListener('mousedown', close, true);
    return () => {
      window.removeEventListener('keydown', close, true);
      window.removeEventListener('mousedown', close, true);
    };
  }, [menu]);
  const span = filter.from !== null && filter.to !== null ? { from: filter.from, to: filter.to } : null;

  return (
    <section
      className="timeline"
      data-testid="timeline"
      data-total={hist?.total ?? ''}
      data-buckets={hist?.buckets.length ?? ''}
      data-from={hist?.from ?? ''}
      data-to={hist ? hist.to + hist.bucketMs : ''}
      aria-label={t('timeline.title')}
    >
      <div className="timeline-head">
        <span className="side-title">{t('timeline.title')}</span>
        {hist && (
          <span className="timeline-meta">
            {t('timeline.total', { count: hist.total })} ·{' '}
            {t('timeline.bucket', { span: spanText(hist.bucketMs, t) })}
            {hist.silences.length > 0 && ` · ${t('timeline.silences', { count: hist.silences.length })}`}
          </span>
        )}
        {caseFirst !== null && caseLast !== null && (
          <span className="timeline-meta dim">
            {formatTime(hist?.from ?? caseFirst, lang, offsetMin)} –{' '}
            {formatTime(hist ? hist.to + hist.bucketMs : caseLast, lang, offsetMin, true)}
          </span>
        )}
        <span className="timeline-legend">
          {GROUPS.map((g) => (
            <span key={g.key} className="legend-item">
              <i style={{ background: dark ? g.dark : g.light }} />
              {t(`timeline.group.${g.key}`)}
            </span>
          ))}
          <span className="legend-item">
            <i className="legend-flood" />
            {t('timeline.flood')}
          </span>
          <span className="legend-item">
            <i className="legend-silence" />
            {t('timeline.silence')}
          </span>
          <span className="legend-item">
            <i className="legend-boot" />
            {t('timeline.boot')}
          </span>
          {overlay.notes.length > 0 && (
            <span className="legend-item" data-testid="timeline-note-count" data-count={overlay.notes.length}>
              <i style={{ background: NOTE_COLOR, transform: 'rotate(45deg) scale(0.7)' }} />
              {t('timeline.notes', { count: overlay.notes.length })}
            </span>
          )}
        </span>
        {span && (
          <button
            type="button"
            data-testid="timeline-note-span"
            title={t('timeline.noteSpan', {
              from: formatTime(span.from, lang, offsetMin),
              to: formatTime(span.to, lang, offsetMin),
            })}
            onClick={() => void startNote({ spanStart: span.from, spanEnd: span.to })}
          >
            {t('timeline.noteSpanShort')}
          </button>
        )}
        {zoom && (
          <button type="button" onClick={() => setZoom(null)}>
            {t('timeline.resetZoom')}
          </button>
        )}
        <span className="timeline-hint dim">{t('timeline.hint')}</span>
      </div>
      {error && (
        <div className="timeline-error" role="alert">
          {t('timeline.failed', { message: error })}
        </div>
      )}
      <div className="timeline-plot" ref={hostRef}>
        {hover && (
          <div className="timeline-hover" data-testid="timeline-hover" style={{ left: hover.left + 56 }}>
            {hover.text.map((line, i) => (
              <div key={i}>{line}</div>
            ))}
          </div>
        )}
        {menu && (
          <div
            className="timeline-menu"
            role="menu"
            data-testid="timeline-menu"
            style={{
              position: 'absolute',
              zIndex: 6,
              left: menu.left,
              top: menu.top,
              display: 'flex',
              flexDirection: 'column',
              alignItems: 'stretch',
              background: 'var(--bg)',
              border: '1px solid var(--border)',
              borderRadius: 4,
              boxShadow: '0 2px 8px rgb(0 0 0 / 20%)',
              padding: 2,
              fontSize: 12,
            }}
          >
            <button
              type="button"
              role="menuitem"
              data-testid="timeline-note-at"
              onClick={() => {
                setMenu(null);
                void startNote({ spanStart: menu.ts, spanEnd: menu.ts });
              }}
            >
              {t('timeline.noteAt', { time: formatTime(menu.ts, lang, offsetMin) })}
            </button>
            {span && (
              <button
                type="button"
                role="menuitem"
                onClick={() => {
                  setMenu(null);
                  void startNote({ spanStart: span.from, spanEnd: span.to });
                }}
              >
                {t('timeline.noteSpan', {
                  from: formatTime(span.from, lang, offsetMin),
                  to: formatTime(span.to, lang, offsetMin),
                })}
              </button>
            )}
          </div>
        )}
      </div>
    </section>
  );
}

function spanText(ms: number, t: ReturnType<typeof useT>): string {
  if (ms < 60_000) return t('timeline.seconds', { count: Math.round(ms / 1000) });
  if (ms < 3_600_000) return t('timeline.minutes', { count: Math.round(ms / 60_000) });
  if (ms < 86_400_000) return t('timeline.hours', { count: Math.round(ms / 3_600_000) });
  return t('timeline.days', { count: Math.round(ms / 86_400_000) });
}

const NOTE_COLOR = '#7e57c2';

type NoteMark = { ts: number; end: number; note: Annotation };

type Overlay = {
  floods: { from: number; to: number }[];
  boots: number[];
  marks: { ts: number; severity: string; finding: Finding }[];
  notes: NoteMark[];
  silences: { from: number; to: number }[];
  dark: boolean;
};

/** The item drawn within 6 px of x (finding and note markers), nearest first. */
function nearest<T extends { ts: number }>(u: uPlot, items: readonly T[], x: number): T | null {
  let best: T | null = null;
  let bestD = 6;
  for (const m of items) {
    const d = Math.abs(u.valToPos(m.ts, 'x') - x);
    if (d < bestD) {
      bestD = d;
      best = m;
    }
  }
  return best;
}

/** Silences, floods, boots, finding markers, note markers and the cursor, over the bars (canvas pixels). */
function drawOverlay(u: uPlot, o: Overlay, cursorTs: number | null): void {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const x = (v: number): number => u.valToPos(v, 'x', true);
  const ratio = devicePixelRatio;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.fillStyle = o.dark ? 'rgba(160,160,160,0.18)' : 'rgba(90,90,90,0.12)';
  for (const s of o.silences) ctx.fillRect(x(s.from), top, Math.max(1, x(s.to) - x(s.from)), height);
  ctx.fillStyle = o.dark ? 'rgba(255,140,0,0.22)' : 'rgba(255,140,0,0.18)';
  for (const f of o.floods) ctx.fillRect(x(f.from), top, Math.max(2 * ratio, x(f.to) - x(f.from)), height);
  ctx.strokeStyle = o.dark ? '#b39ddb' : '#6a1b9a';
  ctx.lineWidth = 1.5 * ratio;
  ctx.setLineDash([4 * ratio, 3 * ratio]);
  for (const b of o.boots) {
    ctx.beginPath();
    ctx.moveTo(x(b), top);
    ctx.lineTo(x(b), top + height);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  for (const m of o.marks) {
    const px = x(m.ts);
    ctx.fillStyle =
      m.severity === 'critical' || m.severity === 'error'
        ? '#d32f2f'
        : m.severity === 'warning'
          ? '#f57c00'
          : '#1976d2';
    ctx.beginPath();
    ctx.moveTo(px - 5 * ratio, top);
    ctx.lineTo(px + 5 * ratio, top);
    ctx.lineTo(px, top + 8 * ratio);
    ctx.closePath();
    ctx.fill();
  }
  // Notes: a diamond on the bottom edge (gold when starred), a span as a bar from its start to its end.
  for (const n of o.notes) {
    const px = x(n.ts);
    const y = top + height - 6 * ratio;
    if (n.end > n.ts) {
      ctx.fillStyle = o.dark ? 'rgba(179,157,219,0.35)' : 'rgba(126,87,194,0.25)';
      ctx.fillRect(px, y - 2 * ratio, Math.max(2 * ratio, x(n.end) - px), 4 * ratio);
    }
    ctx.fillStyle = n.note.starred ? '#f9a825' : o.dark ? '#b39ddb' : NOTE_COLOR;
    ctx.strokeStyle = o.dark ? '#1e1f22' : '#ffffff';
    ctx.lineWidth = 1 * ratio;
    ctx.beginPath();
    ctx.moveTo(px, y - 6 * ratio);
    ctx.lineTo(px + 5 * ratio, y);
    ctx.lineTo(px, y + 6 * ratio);
    ctx.lineTo(px - 5 * ratio, y);
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
  }
  if (cursorTs !== null) {
    ctx.strokeStyle = o.dark ? '#7aa7ff' : '#2458c6';
    ctx.lineWidth = 2 * ratio;
    ctx.beginPath();
    ctx.moveTo(x(cursorTs), top);
    ctx.lineTo(x(cursorTs), top + height);
    ctx.stroke();
  }
  ctx.restore();
}
