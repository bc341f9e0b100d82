import { useState } from 'react';
import type { RedactionSettings } from '../../../shared/model/report';
import { useReportT } from './messages';
import { useReportEditor } from './store';

/**
 * What the redacted export replaces, and what the last one replaced. The list of replacements is
 * kept in the case for the engineer; it never goes into the report.
 */
export function RedactionSettingsView(): React.JSX.Element | null {
  const t = useReportT();
  const redaction = useReportEditor((s) => s.redaction);
  const error = useReportEditor((s) => s.redactionError);
  const setRedaction = useReportEditor((s) => s.setRedaction);
  const caseId = useReportEditor((s) => s.caseId);
  if (!redaction)
    return error ? <p className="note-error">{t('redaction.error', { message: error })}</p> : null;
  const settings = redaction.settings;
  const update = (patch: Partial<RedactionSettings>): void => setRedaction({ ...settings, ...patch });
  return (
    <section className="report-redaction" data-testid="report-redaction">
      <h3>{t('redaction.title')}</h3>
      {(['hostnames', 'ips', 'users'] as const).map((k) => (
        <label key={k}>
          <input
            type="checkbox"
            data-testid={`report-redact-${k}`}
            checked={settings[k]}
            onChange={(e) => update({ [k]: e.target.checked })}
          />
          <span>{t(`redaction.${k}`)}</span>
        </label>
      ))}
      <TermsInput key={caseId} initial={settings.terms} onTerms={(terms) => update({ terms })} />
      {error && <p className="note-error">{t('redaction.error', { message: error })}</p>}
      <h4>{t('redaction.replacements')}</h4>
      {redaction.replacements.length === 0 ? (
        <p className="notes-dim">{t('redaction.noReplacements')}</p>
      ) : (
        <table className="report-replacements" data-testid="report-replacements">
          <tbody>
            {redaction.replacements.map((r) => (
              <tr key={`${r.kind}:${r.original}`}>
                <td>{t(`redaction.kind.${r.kind}`)}</td>
                <td className="note-where">{r.original}</td>
                <td>→</td>
                <td className="note-where">{r.pseudonym}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Custom terms, one a line; the text keeps blank and half-typed lines while the settings get the terms. */
function TermsInput(props: { initial: string[]; onTerms: (terms: string[]) => void }): React.JSX.Element {
  const t = useReportT();
  const [text, setText] = useState(props.initial.join('\n'));
  return (
    <label className="report-field">
      <span>{t('redaction.terms')}</span>
      <textarea
        data-testid="report-redact-terms"
        rows={3}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          props.onTerms([
            ...new Set(
              e.target.value
                .split('\n')
                .map((x) => x.trim())
                .filter((x) => x.length > 0),
            ),
          ]);
        }}
        onBlur={() => void useReportEditor.getState().flush()}
      />
    </label>
  );
}
