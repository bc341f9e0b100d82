import { useLang } from '../../i18n';
import { useViewer } from '../../state/viewer';
import { useRebootsT } from './messages';
import type { Cite } from './model';

/** Moves the viewer to a line; a single-source view that does not hold it gives way to the merged view. */
export function goTo(target: { lineId: number; sourceId: number }): void {
  const v = useViewer.getState();
  if (v.view.kind === 'source' && v.view.sourceId !== target.sourceId) v.setView({ kind: 'merged' });
  v.jumpTo(target.lineId);
}

interface Props {
  cite: Cite;
  testId: string;
  children?: React.ReactNode;
}

/** `source:line`, a button to the line when the case's sources resolve it. */
export function CiteLink({ cite, testId, children }: Props): React.JSX.Element {
  const t = useRebootsT();
  const lang = useLang((s) => s.lang);
  const text = `${cite.source}:${cite.line}`;
  const target = cite.target;
  if (!target) {
    return (
      <span className="rb-cite rb-data" data-testid={testId} title={t('cite.unresolved', { cite: text })}>
        {children ?? text}
      </span>
    );
  }
  return (
    <button
      type="button"
      className="rb-cite rb-link rb-data"
      data-testid={testId}
      data-line-id={target.lineId}
      title={lang === 'en' ? `${t('cite.go', { cite: text })}\n${cite.what}` : t('cite.go', { cite: text })}
      onClick={() => goTo(target)}
    >
      {children ?? text}
    </button>
  );
}
