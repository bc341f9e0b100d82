import type { ReactNode } from 'react';
import type { Evidence } from '../../../../shared/model/log';
import { useViewer } from '../../state/viewer';
import { useOomT } from './messages';

export function where(ev: Evidence): string {
  return `${ev.sourcePath}:${ev.lineNo}`;
}

/** Moves the log viewer to the line a value came from. */
export function jumpToEvidence(ev: Evidence | null | undefined): void {
  if (ev && ev.lineId > 0) useViewer.getState().jumpTo(ev.lineId);
}

/**
 * A value that clicks through to its line. Without a usable line id it is plain text, so nothing
 * pretends to be a link.
 */
export function Cite(props: {
  ev: Evidence | null | undefined;
  children: ReactNode;
  className?: string;
  /** Print `sourcePath:lineNo` after the value. */
  showWhere?: boolean;
  testId?: string;
}): React.JSX.Element {
  const t = useOomT();
  const { ev, children, className, showWhere, testId } = props;
  if (!ev || ev.lineId <= 0)
    return (
      <span className={className} data-testid={testId}>
        {children}
      </span>
    );
  const at = where(ev);
  return (
    <button
      type="button"
      className={className ? `oom-cite ${className}` : 'oom-cite'}
      title={t('cite.title', { where: at })}
      data-line-id={ev.lineId}
      data-testid={testId}
      onClick={(e) => {
        e.stopPropagation();
        jumpToEvidence(ev);
      }}
    >
      {children}
      {showWhere && <span className="oom-where">{at}</span>}
    </button>
  );
}

/** The `sourcePath:lineNo` citations of a finding, each a link to its line. */
export function CiteList({ evidence }: { evidence: Array<Evidence | null> }): React.JSX.Element | null {
  // The analyser's JSON has been seen with null entries in an evidence list (memcg ledger): skip them.
  const shown = evidence.filter((e): e is Evidence => e !== null && e !== undefined);
  if (shown.length === 0) return null;
  return (
    <span className="oom-cites">
      {shown.map((ev, i) => (
        <Cite key={`${ev.lineId}-${i}`} ev={ev} className="oom-where-link">
          {i > 0 && shown[i - 1]?.sourceId === ev.sourceId ? `:${ev.lineNo}` : where(ev)}
        </Cite>
      ))}
    </span>
  );
}
