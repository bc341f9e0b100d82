import type { ViewLine } from '../../../../shared/model/case';
import type { OomReport } from '../../../../shared/model/oom';
import { useLang } from '../../i18n';
import { Cite, CiteList } from './Cite';
import { humanKb } from './format';
import { useOomT, type OomKey } from './messages';
import { findingText } from './sentences';
import { traceLines } from './useReportLines';

/** The analyser's sentences about this report, each with the lines it rests on. */
export function Findings({ r }: { r: OomReport }): React.JSX.Element | null {
  const t = useOomT();
  const lang = useLang((s) => s.lang);
  // Damage has its own list below; the score sentence is in the verdict card.
  const shown = r.findings.filter(
    (f) => !['repaired', 'missing', 'unreadable'].includes(f.code) && !f.code.startsWith('score-'),
  );
  if (shown.length === 0) return null;
  return (
    <section className="oom-section" data-testid="oom-findings">
      <h3>{t('findings.title')}</h3>
      <ul className="oom-findings">
        {shown.map((f, i) => (
          <li key={`${f.code}-${i}`} className={`sev-${f.severity}`} data-code={f.code}>
            <Cite ev={f.evidence[0]} className="oom-finding-text">
              {findingText(r, f, lang, t)}
            </Cite>
            <CiteList evidence={f.evidence} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Lines that had to be repaired to be read, and parts of the report that are missing. */
export function Damage({ r }: { r: OomReport }): React.JSX.Element | null {
  const t = useOomT();
  const lang = useLang((s) => s.lang);
  if (r.damage.length === 0) return null;
  return (
    <section className="oom-section" data-testid="oom-damage">
      <h3>{t('damage.title')}</h3>
      <ul className="oom-findings">
        {r.damage.map((d, i) => (
          <li key={`${d.kind}-${i}`} className="sev-warning" data-kind={d.kind}>
            <span className="oom-flag">{t(`damage.${d.kind}` as OomKey)}</span>{' '}
            <Cite ev={d.evidence[0]} className="oom-finding-text">
              {lang === 'en' ? d.text : t(`f.${d.kind}` as OomKey)}
            </Cite>
            <CiteList evidence={d.evidence} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The call trace, each frame linked to its line when the report's lines were read. */
export function CallTrace({
  r,
  lines,
}: {
  r: OomReport;
  lines: ViewLine[] | null;
}): React.JSX.Element | null {
  const t = useOomT();
  if (r.callTrace.length === 0) return null;
  const found = lines ? traceLines(r.callTrace, lines) : [];
  return (
    <section className="oom-section" data-testid="oom-trace">
      <h3>{t('trace.title')}</h3>
      <ol className="oom-trace">
        {r.callTrace.map((frame, i) => {
          const line = found[i] ?? null;
          const ev = line
            ? { sourceId: line.sourceId, sourcePath: r.source, lineNo: line.lineNo, lineId: line.lineId }
            : null;
          return (
            <li key={`${i}-${frame}`} className={frame.startsWith('?') ? 'oom-dim' : undefined}>
              <Cite ev={ev} className="oom-mono">
                {frame}
              </Cite>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** The memory cgroup that hit its limit: paths, counters against limits, memory.stat. */
export function Memcg({ r }: { r: OomReport }): React.JSX.Element | null {
  const t = useOomT();
  const lang = useLang((s) => s.lang);
  const m = r.memcg;
  if (!m) return null;
  const first = m.evidence[0];
  const stats = Object.entries(m.stats);
  const statsEv = m.evidence.find((e) => e.what?.includes('stats')) ?? first;
  const statValue = (v: number): string =>
    m.statsUnit === 'bytes'
      ? humanKb(Math.round(v / 1024), lang)
      : m.statsUnit === 'kB'
        ? humanKb(v, lang)
        : v.toLocaleString(lang);
  return (
    <section className="oom-section" data-testid="oom-memcg">
      <h3>
        {t('memcg.title')}
        {m.version !== null && (
          <span className="oom-h-extra oom-dim">{t('memcg.version', { version: String(m.version) })}</span>
        )}
      </h3>
      {m.taskIn && (
        <Cite ev={first} className="oom-mono oom-wrap">
          {t('memcg.taskIn', { path: m.taskIn })}
        </Cite>
      )}
      {m.limitOf && (
        <Cite ev={first} className="oom-mono oom-wrap">
          {t('memcg.limitOf', { path: m.limitOf })}
        </Cite>
      )}
      {(m.oomMemcg ?? r.taskMemcg) && (
        <div className="oom-mono oom-dim oom-wrap">
          {m.oomMemcg && <>oom_memcg={m.oomMemcg} </>}
          {(m.taskMemcg ?? r.taskMemcg) && <>task_memcg={m.taskMemcg ?? r.taskMemcg}</>}
        </div>
      )}
      {m.counters.length > 0 && (
        <table className="oom-table oom-memcg-table">
          <thead>
            <tr>
              <th />
              <th>{t('memcg.usage')}</th>
              <th>{t('memcg.limit')}</th>
              <th>{t('memcg.failcnt')}</th>
            </tr>
          </thead>
          <tbody>
            {m.counters.map((c) => {
              const full = c.limitKb > 0 && c.usageKb >= c.limitKb * 0.99;
              return (
                <tr key={c.name} className={full ? 'at-limit' : undefined}>
                  <td className="oom-mono">
                    <Cite ev={c.evidence}>{c.name}</Cite>
                  </td>
                  <td className="oom-num">
                    <Cite ev={c.evidence}>{humanKb(c.usageKb, lang)}</Cite>
                  </td>
                  <td className="oom-num">
                    <Cite ev={c.evidence}>{humanKb(c.limitKb, lang)}</Cite>
                  </td>
                  <td className="oom-num">
                    <Cite ev={c.evidence}>{c.failcnt.toLocaleString(lang)}</Cite>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {stats.length > 0 && (
        <details className="oom-stats">
          <summary>
            {t('memcg.stats')}
            {m.statsPath && <span className="oom-mono oom-dim"> {m.statsPath}</span>}
          </summary>
          <ul>
            {stats.map(([k, v]) => (
              <li key={k}>
                <Cite ev={statsEv} className="oom-mono">
                  {k} {statValue(v)}
                </Cite>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
