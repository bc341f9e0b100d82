import { useRef } from 'react';
import { useT } from '../i18n';
import { useLayout, type LayoutSizes } from '../state/layout';

interface Props {
  region: keyof LayoutSizes;
  /** Which way a drag grows the region: +1 when moving right / down grows it, -1 when left / up does. */
  sign: 1 | -1;
}

/** A drag handle between two regions; arrow keys move it too. Sizes are remembered with the case. */
export function Resizer({ region, sign }: Props): React.JSX.Element {
  const t = useT();
  const size = useLayout((s) => s.sizes[region]);
  const start = useRef<{ at: number; size: number } | null>(null);
  const vertical = region !== 'bottom';
  return (
    <div
      className={vertical ? 'resizer resizer-v' : 'resizer resizer-h'}
      role="separator"
      aria-orientation={vertical ? 'vertical' : 'horizontal'}
      aria-label={t(`layout.resize.${region}`)}
      aria-valuenow={size}
      tabIndex={0}
      data-testid={`resize-${region}`}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        start.current = { at: vertical ? e.clientX : e.clientY, size };
      }}
      onPointerMove={(e) => {
        const s = start.current;
        if (!s) return;
        const delta = (vertical ? e.clientX : e.clientY) - s.at;
        useLayout.getState().resize(region, s.size + sign * delta);
      }}
      onPointerUp={(e) => {
        start.current = null;
        e.currentTarget.releasePointerCapture(e.pointerId);
      }}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 50 : 10;
        const grow = vertical ? e.key === 'ArrowRight' : e.key === 'ArrowDown';
        const shrink = vertical ? e.key === 'ArrowLeft' : e.key === 'ArrowUp';
        if (!grow && !shrink) return;
        e.preventDefault();
        useLayout.getState().resize(region, size + sign * (grow ? step : -step));
      }}
    />
  );
}
