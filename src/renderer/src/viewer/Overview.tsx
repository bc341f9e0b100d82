import { useEffect, useRef, useState } from 'react';
import { useT } from '../i18n';
import { useWindowInfo } from './window-store';

export type MarkerKind = 'finding' | 'bookmark' | 'hit' | 'note';

export interface Marker {
  position: number;
  kind: MarkerKind;
}

interface Props {
  markers: readonly Marker[];
  /** Moves the viewer so `position` is the top line (drag) or centred (click). */
  onSeek: (position: number, how: 'drag' | 'click') => void;
  /** A drag has ended (after its last `onSeek`). */
  onDragEnd: () => void;
}

const MIN_THUMB = 18;
const COLOURS: Record<MarkerKind, string> = {
  hit: '#e0a800',
  finding: '#d13438',
  note: '#2b88d8',
  bookmark: '#8e44ad',
};
// Drawn in this order so findings and bookmarks stay visible over thousands of hits.
const ORDER: MarkerKind[] = ['hit', 'note', 'bookmark', 'finding'];

/**
 * The viewer's scrollbar over the whole view (not only the window Monaco holds): its height is
 * every line of the view, the thumb is what is on screen, and findings, notes, bookmarks and
 * search hits are ticks at their positions. Dragging or clicking moves the window there.
 */
export function Overview({ markers, onSeek, onDragEnd }: Props): React.JSX.Element {
  const t = useT();
  const info = useWindowInfo((s) => s.info);
  const trackRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ grabOffset: number } | null>(null);
  const pending = useRef<number | null>(null);
  /** The pointer was released while a move waited for its frame: the drag ends after that move. */
  const endPending = useRef(false);
  const total = info?.total ?? 0;
  const [height, setHeight] = useState(0);

  useEffect(() => {
    const canvas = canvasRef.current;
    const track = trackRef.current;
    if (!canvas || !track) return;
    const draw = (): void => {
      const h = track.clientHeight;
      const w = track.clientWidth;
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.max(1, Math.round(w * ratio));
      canvas.height = Math.max(1, Math.round(h * ratio));
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
      const ctx = canvas.getContext('2d');
      if (!ctx || total === 0) return;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, w, h);
      for (const kind of ORDER) {
        ctx.fillStyle = COLOURS[kind];
        const x = kind === 'hit' ? 0 : kind === 'finding' ? w / 2 : w / 4;
        const width = kind === 'hit' ? w : w / 2;
        for (const m of markers) {
          if (m.kind !== kind) continue;
          const y = Math.min(h - 2, (m.position / total) * h);
          ctx.fillRect(x, y, width, 2);
        }
      }
    };
    draw();
    const ro = new ResizeObserver(() => {
      setHeight(track.clientHeight);
      draw();
    });
    ro.observe(track);
    return () => ro.disconnect();
  }, [markers, total]);

  const geometry = (h: number): { h: number; thumbH: number; thumbTop: number } => {
    if (!info || info.total === 0) return { h, thumbH: h, thumbTop: 0 };
    const visible = Math.max(1, info.lastVisible - info.firstVisible + 1);
    const thumbH = Math.max(MIN_THUMB, Math.min(h, (visible / info.total) * h));
    const room = Math.max(1, info.total - visible);
    const thumbTop = (Math.min(info.firstVisible, room) / room) * (h - thumbH);
    return { h, thumbH, thumbTop };
  };

  const positionAt = (clientY: number, grabOffset: number): number => {
    const track = trackRef.current;
    if (!track || !info) return 0;
    const rect = track.getBoundingClientRect();
    const { h, thumbH } = geometry(rect.height);
    const visible = Math.max(1, info.lastVisible - info.firstVisible + 1);
    const room = Math.max(1, info.total - visible);
    const top = Math.min(Math.max(0, clientY - rect.top - grabOffset), Math.max(0, h - thumbH));
    return Math.round((top / Math.max(1, h - thumbH)) * room);
  };

  // Drags are applied once per frame: each position move may read a new window.
  const seekSoon = (position: number): void => {
    const first = pending.current === null;
    pending.current = position;
    if (first)
      requestAnimationFrame(() => {
        const p = pending.current;
        pending.current = null;
        if (p !== null) onSeek(p, 'drag');
        if (endPending.current) {
          endPending.current = false;
          onDragEnd();
        }
      });
  };

  const endDrag = (): void => {
    const wasDrag = drag.current !== null;
    drag.current = null;
    if (!wasDrag) return;
    if (pending.current !== null) endPending.current = true;
    else onDragEnd();
  };

  const { thumbH, thumbTop } = geometry(height);
  return (
    <div
      className="overview"
      data-testid="overview"
      data-total={total}
      data-markers={markers.length}
      ref={trackRef}
      role="scrollbar"
      aria-orientation="vertical"
      aria-label={t('viewer.overview')}
      aria-valuemin={0}
      aria-valuemax={Math.max(0, total - 1)}
      aria-valuenow={info?.firstVisible ?? 0}
      aria-controls="log-viewer-editor"
      onPointerDown={(e) => {
        if (!info || e.button !== 0) return;
        const rect = e.currentTarget.getBoundingClientRect();
        const y = e.clientY - rect.top;
        const onThumb = y >= thumbTop && y <= thumbTop + thumbH;
        e.currentTarget.setPointerCapture(e.pointerId);
        if (onThumb) drag.current = { grabOffset: y - thumbTop };
        else {
          drag.current = { grabOffset: thumbH / 2 };
          onSeek(positionAt(e.clientY, thumbH / 2), 'click');
        }
      }}
      onPointerMove={(e) => {
        if (drag.current) seekSoon(positionAt(e.clientY, drag.current.grabOffset));
      }}
      onPointerUp={(e) => {
        e.currentTarget.releasePointerCapture(e.pointerId);
        endDrag();
      }}
      // The browser took the pointer away (a touch turned into a scroll, a window switch): the drag
      // ends there as well, or the viewer would wait for its end.
      onPointerCancel={endDrag}
      onLostPointerCapture={endDrag}
    >
      <canvas ref={canvasRef} className="overview-marks" />
      {total > 0 && (
        // Moved by a transform on its own layer: moving it repaints nothing else (a `top` change
        // repainted the whole document in every frame of a drag).
        <div
          className="overview-thumb"
          style={{ top: 0, height: thumbH, transform: `translateY(${thumbTop}px)`, willChange: 'transform' }}
        />
      )}
    </div>
  );
}
