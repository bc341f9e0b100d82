import type { ReactNode } from 'react';
import type { Evidence } from '../../../../shared/model/log';
import { useViewer } from '../../state/viewer';

/** Moves the log viewer to a global line and selects it (nothing for lines outside the case). */
export function openLine(lineId: number): void {
  if (lineId > 0) useViewer.getState().jumpTo(lineId);
}

/** `source:line` of one evidence line, clickable. */
export function Cite({ ev, label }: { ev: Evidence; label?: string }): React.JSX.Element {
  return (
    <button
      type="button"
      className="crash-cite"
      data-testid="crash-cite"
      disabled={ev.lineId <= 0}
      onClick={() => openLine(ev.lineId)}
    >
      {ev.sourcePath}:{ev.lineNo}
      {label !== undefined && <span className="crash-cite-what"> {label}</span>}
    </button>
  );
}

/** A value that opens the line it was read from. */
export function LineLink({
  lineId,
  children,
  mono,
}: {
  lineId: number;
  children: ReactNode;
  mono?: boolean;
}): React.JSX.Element {
  return (
    <button
      type="button"
      className={mono ? 'crash-value mono' : 'crash-value'}
      disabled={lineId <= 0}
      onClick={() => openLine(lineId)}
    >
      {children}
    </button>
  );
}
