import { memo, useEffect, useRef, useState } from 'react';
import type { EndKind } from '../../../../shared/model/boot';
import { useLang } from '../../i18n';
import { formatUtc, timeTicks, type BootRow } from './model';
import { useRebootsT } from './messages';

const PAD_X = 10;
const TRACK_Y = 6;
const TRACK_H = 22;
const AXIS_Y = TRACK_Y + TRACK_H + 4;
const HEIGHT = AXIS_Y + 18;
const MIN_SOLID_PX = 2;
const CAP_PX = 3;

interface Props {
  rows: BootRow[];
  selected: number | null;
  onPick: (row: BootRow) => void;
}

/** Width of the element, followed as the panel resizes. */
function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(480);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(200, el.clientWidth)));
    ro.observe(el);
    setWidth(Math.max(200, el.clientWidth));
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

function domain(rows: BootRow[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    for (const t of [r.start, r.end, r.lsolTs]) {
      if (t === null) continue;
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
    }
  }
  if (!Number.isFinite(lo)) return null;
  const span = Math.max(hi - lo, 86_400_000);
  // Room after the newest start, so a running or open-ended last boot shows as a bar.
  return [lo, lo + span * 1.04];
}

/**
 * One bar per boot on a UTC axis: up time solid, its end coloured by endKind, downtime hatched.
 * Memoised: its labels format every boot's times, and the panel re-renders when the cursor
 * enters another boot.
 */
export const BootBar = memo(function BootBar({ rows, selected, onPick }: Props): React.JSX.Element | null {
  const t = useRebootsT();
  const lang = useLang((s) => s.lang);
  const [ref, width] = useWidth();
  const dom = domain(rows);
  if (!dom) return null;
  const [t0, t1] = dom;
  const x = (v: number): number => PAD_X + ((v - t0) / (t1 - t0)) * (width - 2 * PAD_X);
  const ticks = timeTicks(t0, t1, Math.max(2, Math.floor(width / 110)), lang);
  const kinds = new Set<EndKind>(rows.map((r) => r.boot.endKind));
  const openKind = rows.find((r) => r.end === null && r.boot.endKind !== 'running')?.boot.endKind ?? null;
  const hasDown = rows.some((r) => r.end !== null && r.nextStart !== null && r.nextStart > r.end);

  return (
    <div className="rb-bar" ref={ref}>
      <svg
        width={width}
        height={HEIGHT}
        role="group"
        aria-label={t('bar.label')}
        data-testid="boot-bar-chart"
      >
        <defs>
          <pattern
            id="rb-hatch"
            width="5"
            height="5"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="5" height="5" className="rb-hatch-bg" />
            <line x1="0" y1="0" x2="0" y2="5" className="rb-hatch-line" />
          </pattern>
        </defs>
        <rect x={PAD_X} y={TRACK_Y} width={width - 2 * PAD_X} height={TRACK_H} className="rb-track" />
        {rows.map((r) => {
          if (r.start === null) return null;
          const kind = r.boot.endKind;
          const running = kind === 'running';
          const xs = x(r.start);
          const solidEndT = running ? t1 : (r.end ?? Math.max(r.start, r.lsolTs ?? r.start));
          const xe = Math.max(xs + MIN_SOLID_PX, x(solidEndT));
          const openEnd = !running && r.end === null ? x(r.nextStart ?? t1) : null;
          const downEnd =
            r.end !== null && r.nextStart !== null && r.nextStart > r.end ? x(r.nextStart) : null;
          const hitEnd = Math.max(xe, openEnd ?? 0, downEnd ?? 0, xs + 6);
          const endLabel = running
            ? t('bar.runningEnd')
            : r.end !== null
              ? formatUtc(r.end, lang)
              : t('bar.endOpen');
          const label = t('bar.boot', {
            n: String(r.n),
            start: formatUtc(r.start, lang),
            end: endLabel,
            kind: t(`kind.${kind}`),
          });
          return (
            <g
              key={r.n}
              className={selected === r.n ? 'rb-boot selected' : 'rb-boot'}
              data-testid="boot-bar"
              data-boot={r.n}
              data-end-kind={kind}
              role="button"
              tabIndex={0}
              aria-label={label}
              onClick={() => onPick(r)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onPick(r);
                }
              }}
            >
              <title>{label}</title>
              <rect x={xs} y={TRACK_Y} width={hitEnd - xs} height={TRACK_H} className="rb-hit" />
              {openEnd !== null && openEnd > xe && (
                <rect
                  x={xe}
                  y={TRACK_Y + 3}
                  width={openEnd - xe}
                  height={TRACK_H - 6}
                  className={`rb-open rb-fill-${kind}`}
                />
              )}
              {downEnd !== null && downEnd > xe && (
                <rect
                  x={xe}
                  y={TRACK_Y}
                  width={downEnd - xe}
                  height={TRACK_H}
                  fill="url(#rb-hatch)"
                  className="rb-down"
                />
              )}
              <rect x={xs} y={TRACK_Y} width={xe - xs} height={TRACK_H} className="rb-up" />
              {(r.end !== null || running) && (
                <rect
                  x={Math.max(xs, xe - CAP_PX)}
                  y={TRACK_Y}
                  width={Math.min(CAP_PX, xe - xs)}
                  height={TRACK_H}
                  className={`rb-fill-${kind}`}
                />
              )}
              <line x1={xs} x2={xs} y1={TRACK_Y - 3} y2={TRACK_Y + TRACK_H + 3} className="rb-start" />
            </g>
          );
        })}
        <line x1={PAD_X} x2={width - PAD_X} y1={AXIS_Y} y2={AXIS_Y} className="rb-axis" />
        {ticks.map((k) => (
          <g key={k.t} className="rb-tick">
            <line x1={x(k.t)} x2={x(k.t)} y1={AXIS_Y} y2={AXIS_Y + 4} />
            <text
              x={x(k.t)}
              y={AXIS_Y + 15}
              textAnchor={x(k.t) > width - 36 ? 'end' : x(k.t) < 36 ? 'start' : 'middle'}
            >
              {k.label}
            </text>
          </g>
        ))}
      </svg>
      <ul className="rb-legend" data-testid="boot-legend">
        {(['clean', 'crash', 'hard', 'unknown', 'running'] as const)
          .filter((k) => kinds.has(k))
          .map((k) => (
            <li key={k}>
              <span className={`rb-swatch rb-bg-${k}`} />
              {t(`kind.${k}`)}
            </li>
          ))}
        <li>
          <span className="rb-swatch rb-swatch-up" />
          {t('legend.up')}
        </li>
        {openKind !== null && (
          <li>
            <span className={`rb-swatch rb-swatch-open rb-bg-${openKind}`} />
            {t('legend.unknownEnd')}
          </li>
        )}
        {hasDown && (
          <li>
            <span className="rb-swatch rb-swatch-down" />
            {t('legend.downtime')}
          </li>
        )}
        <li className="rb-legend-axis">{t('bar.axis')}</li>
      </ul>
    </div>
  );
});
