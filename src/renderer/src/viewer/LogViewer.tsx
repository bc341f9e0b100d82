import { useEffect, useMemo, useRef, useState } from 'react';
import type { ViewLine } from '../../../shared/model/case';
import type { Finding } from '../../../shared/model/finding';
import { getWorkbench } from '../api';
import { translate, useLang, useT, type Lang } from '../i18n';
import { useCase } from '../state/case';
import { useClock } from '../state/clock';
import { firstLine, useFindings } from '../state/findings';
import { panelOf, useMarks } from '../state/marks';
import { usePanelTabs } from '../state/panels';
import { useSearch } from '../state/search';
import { sameView, useViewer } from '../state/viewer';
import { useDarkTheme } from '../theme';
import { formatTime } from '../time';
import { setActiveViewer } from './active';
import { LogViewerController, type LineMarks, type ViewerStatus } from './controller';
import { Overview, type Marker } from './Overview';
import { useWindowInfo } from './window-store';
import { startNote } from '../notes/store';

function describe(line: ViewLine, sourcePath: string | undefined): string[] {
  const lang = useLang.getState().lang;
  const clock = useClock.getState();
  const out = [
    translate(lang, 'viewer.hover.source', { path: sourcePath ?? `#${line.sourceId}`, lineNo: line.lineNo }),
  ];
  if (line.ts === null) out.push(translate(lang, 'viewer.hover.noTime'));
  else {
    out.push(
      translate(lang, 'viewer.hover.time', {
        time: formatTime(line.ts, lang, clock.offsetMin),
        quality: translate(lang, `time.${line.tsQuality}`),
      }),
    );
    if (line.tsQuality !== 'exact') out.push(translate(lang, `time.how.${line.tsQuality}`));
  }
  return out;
}

interface MarkIndex {
  findings: Map<number, Finding[]>;
  notes: Map<number, string[]>;
  bookmarks: Set<number>;
}

const SEVERITY_RANK = { info: 0, warning: 1, error: 2, critical: 3 } as const;

function marksOf(index: MarkIndex, lineId: number, lang: Lang): LineMarks | null {
  const findings = index.findings.get(lineId);
  const notes = index.notes.get(lineId);
  const bookmark = index.bookmarks.has(lineId);
  if (!findings && !notes && !bookmark) return null;
  let finding: LineMarks['finding'] = null;
  if (findings && findings.length > 0) {
    const worst = findings.reduce((a, b) => (SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity] ? b : a));
    finding = {
      severity: worst.severity,
      summary: [
        ...findings.map((f) => `${translate(lang, `finding.kind.${f.kind}`)}: ${f.title}`),
        translate(lang, 'viewer.glyph.open'),
      ],
    };
  }
  return {
    finding,
    note: notes ? notes.map((body) => `${translate(lang, 'viewer.glyph.note')}: ${body}`) : null,
    bookmark,
  };
}

/** The Monaco log viewer: a window of the current view's lines, linked to the shared cursor. */
export function LogViewer(): React.JSX.Element {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const hostRef = useRef<HTMLDivElement>(null);
  const controllerRef = useRef<LogViewerController | null>(null);
  const [status, setStatus] = useState<ViewerStatus>({ kind: 'loading' });
  const caseId = useCase((s) => (s.status === 'ready' ? s.caseId : null));
  const updatedAt = useCase((s) => s.summary?.updatedAt ?? null);
  const view = useViewer((s) => s.view);
  const jump = useViewer((s) => s.jump);
  const jumpPosition = useViewer((s) => s.jumpPosition);
  const bookmarks = useViewer((s) => s.bookmarks);
  const findings = useFindings((s) => s.findings);
  const annotations = useFindings((s) => s.annotations);
  const search = useSearch();
  const placed = useMarks();
  const dark = useDarkTheme();

  const index = useMemo<MarkIndex>(() => {
    const byLine = new Map<number, Finding[]>();
    for (const f of findings) {
      const id = firstLine(f);
      if (id === null) continue;
      const list = byLine.get(id) ?? [];
      list.push(f);
      byLine.set(id, list);
    }
    const notes = new Map<number, string[]>();
    for (const a of annotations) {
      if (a.lineId === null || a.orphaned) continue;
      const list = notes.get(a.lineId) ?? [];
      list.push(a.body.length > 200 ? `${a.body.slice(0, 200)}…` : a.body);
      notes.set(a.lineId, list);
    }
    return { findings: byLine, notes, bookmarks: new Set(bookmarks) };
  }, [findings, annotations, bookmarks]);
  const indexRef = useRef(index);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const c = new LogViewerController(host, getWorkbench(), {
      onCursor: (cursor, position) => useViewer.getState().setCursor(cursor, position),
      onStatus: (s) => {
        setStatus(s);
        if (s.kind === 'ready') useViewer.getState().setTotal(s.total);
      },
      onWindow: (info) => useWindowInfo.getState().set(info),
      onLines: (lines) => {
        const id = useCase.getState().caseId;
        if (id) useClock.getState().learn(id, lines);
      },
      describe: (line) => {
        const source = useCase.getState().summary?.sources.find((s) => s.sourceId === line.sourceId);
        return describe(line, source?.path);
      },
      marksOf: (lineId) => marksOf(indexRef.current, lineId, useLang.getState().lang),
      onGlyph: (lineId) => {
        const found = indexRef.current.findings.get(lineId)?.[0];
        if (found) usePanelTabs.getState().show(panelOf(found));
        else if (indexRef.current.notes.has(lineId)) usePanelTabs.getState().show('notes');
      },
      onAddNote: (lineId, lineCount) => void startNote({ lineId, lineCount }),
      addNoteLabel: translate(useLang.getState().lang, 'viewer.addNote'),
    });
    controllerRef.current = c;
    setActiveViewer(c);
    return () => {
      setActiveViewer(null);
      controllerRef.current = null;
      c.dispose();
    };
  }, []);

  // The effects below run after the one above in the same commit, so the controller exists.
  useEffect(() => {
    controllerRef.current?.setDark(dark);
  }, [dark]);

  // The jump that show() already went to: a restored cursor arrives as a cursor and a jump to
  // it; going there twice raced (the second load could land after the user's first click).
  const shownJump = useRef<number | null>(null);
  useEffect(() => {
    const c = controllerRef.current;
    if (!c || !caseId) return;
    // Switching views keeps the cursor on the same record when the new view holds it.
    const { cursor, jump: pending } = useViewer.getState();
    const lineId = cursor?.lineId ?? null;
    shownJump.current = pending && pending.lineId === lineId ? pending.seq : null;
    void c.show(caseId, view, lineId);
  }, [caseId, view]);

  useEffect(() => {
    indexRef.current = index;
    controllerRef.current?.refreshMarks();
  }, [index, lang]);

  useEffect(() => {
    if (caseId) void useMarks.getState().place(caseId, view, findings, bookmarks, [...index.notes.keys()]);
  }, [caseId, view, findings, bookmarks, index]);

  const searchShown = search.caseId === caseId && search.view !== null && sameView(search.view, view);
  const highlight = searchShown ? search.shown : null;
  useEffect(() => {
    controllerRef.current?.setHighlight(highlight);
  }, [highlight]);

  // A finished ingest changes the open case's lines: re-read the window in place.
  const seen = useRef<{ caseId: string | null; updatedAt: number | null }>({ caseId: null, updatedAt: null });
  useEffect(() => {
    const c = controllerRef.current;
    const before = seen.current;
    seen.current = { caseId, updatedAt };
    if (
      c &&
      caseId &&
      before.caseId === caseId &&
      before.updatedAt !== null &&
      updatedAt !== before.updatedAt
    ) {
      void c.refresh();
    }
  }, [caseId, updatedAt]);

  // A jump gives the viewer the keys (U, M, N…) when it is asked for, not when its lines have
  // arrived: by then the user may be typing elsewhere (the next go-to, a search), and focusing
  // late took those keys away (the 10M-line bench's go-to jumps that never painted).
  useEffect(() => {
    const c = controllerRef.current;
    if (!c || !jump || jump.seq === shownJump.current) return;
    c.focus();
    void c.jumpTo(jump.lineId);
  }, [jump]);

  useEffect(() => {
    const c = controllerRef.current;
    if (!c || !jumpPosition) return;
    c.focus();
    void c.goToPosition(jumpPosition.position, true);
  }, [jumpPosition]);

  const markers = useMemo<Marker[]>(() => {
    const out: Marker[] = [];
    if (searchShown) for (const h of search.hits) out.push({ position: h.position, kind: 'hit' });
    for (const p of placed.notes) out.push({ position: p.position, kind: 'note' });
    for (const p of placed.bookmarks) out.push({ position: p.position, kind: 'bookmark' });
    for (const p of placed.findings) out.push({ position: p.position, kind: 'finding' });
    return out;
  }, [searchShown, search.hits, placed]);

  let note: string | null = null;
  if (status.kind === 'error') note = t('viewer.loadFailed', { message: status.message });
  else if (status.kind === 'not-in-view') note = t('viewer.notInView', { lineId: status.lineId });
  else if (status.kind === 'ready' && status.total === 0) note = t('viewer.empty');

  return (
    <section className="viewer" data-testid="log-viewer">
      <div className="viewer-body">
        <div className="viewer-editor" id="log-viewer-editor" ref={hostRef} />
        <Overview
          markers={markers}
          onSeek={(position, how) => {
            const c = controllerRef.current;
            if (!c) return;
            if (how === 'click') useViewer.getState().jumpToPosition(position);
            else c.dragTo(position);
          }}
          onDragEnd={() => controllerRef.current?.endDrag()}
        />
      </div>
      {note !== null && (
        <div className="viewer-note" role="status" data-testid="viewer-note">
          {note}
          {status.kind === 'not-in-view' && (
            <button
              type="button"
              onClick={() => {
                const lineId = status.lineId;
                useViewer.getState().setView({ kind: 'merged' });
                useViewer.getState().jumpTo(lineId);
              }}
            >
              {t('viewer.showInMerged')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
