import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { Lang } from '../i18n';
import type { Finding } from '../../../shared/model/finding';
import { useLang, useT } from '../i18n';
import { summaryOf } from '../panels/crash/format';
import { useCrashT } from '../panels/crash/messages';
import { useRebootsT } from '../panels/reboots/messages';
import { useOomT } from '../panels/oom/messages';
import { crossFindingText } from '../panels/oom/sentences';
import { useAnalysis } from '../state/analysis';
import { useClock } from '../state/clock';
import { firstLine, useFindingKeysAtCursor, useFindings } from '../state/findings';
import { panelOf } from '../state/marks';
import { usePanelTabs } from '../state/panels';
import { useViewer } from '../state/viewer';
import { formatTime } from '../time';
import { findingTitle, titleIndex, type TitleWords } from './finding-title';
import { startNote } from '../notes/store';

/** Moves the viewer to a finding's first evidence line and opens the panel that explains it. */
export function openFinding(f: Finding): void {
  const lineId = firstLine(f);
  const v = useViewer.getState();
  if (lineId !== null) {
    // A one-source view that does not hold the evidence gives way to the merged view.
    const ev = f.evidence.find((e) => e.lineId === lineId);
    if (v.view.kind === 'source' && ev && v.view.sourceId !== ev.sourceId) v.setView({ kind: 'merged' });
    v.jumpTo(lineId);
  }
  usePanelTabs.getState().show(panelOf(f));
}

interface RowProps {
  f: Finding;
  /** What the title is built from (finding-title.ts); stable per analysis, language and zone. */
  index: ReturnType<typeof titleIndex>;
  words: TitleWords;
  here: boolean;
  kind: string;
  lang: Lang;
  offsetMin: number | null;
  /** Label of the "add a note on this finding" button; null when the finding has no line. */
  noteLabel: string | null;
}

/**
 * One finding; memoised so a cursor move re-renders only the rows whose highlight changed (the
 * title and time are formatted here, once per row, not on every cursor move).
 */
const Row = memo(function Row({
  f,
  index,
  words,
  here,
  kind,
  lang,
  offsetMin,
  noteLabel,
}: RowProps): React.JSX.Element {
  const title = findingTitle(f, index, words);
  return (
    <li>
      <button
        type="button"
        className={`finding finding-${f.severity}${here ? ' at-cursor' : ''}`}
        data-testid="finding-item"
        data-kind={f.kind}
        data-finding-key={f.findingKey}
        data-at-cursor={here ? 'true' : undefined}
        aria-current={here ? 'true' : undefined}
        title={f.summary}
        onClick={() => openFinding(f)}
      >
        <span className="finding-kind">{kind}</span>
        <span className="finding-title" data-text="data">
          {title}
        </span>
        {f.ts !== null && <span className="finding-time">{formatTime(f.ts, lang, offsetMin)}</span>}
      </button>
      {noteLabel !== null && (
        <button
          type="button"
          className="finding-note"
          data-testid="finding-add-note"
          aria-label={noteLabel}
          title={noteLabel}
          onClick={() => {
            // The note keeps the finding's stable key (it survives a re-analysis) and its first line.
            const lineId = firstLine(f);
            if (lineId !== null) void startNote({ findingKey: f.findingKey, lineId });
          }}
        >
          ✎
        </button>
      )}
    </li>
  );
});

/**
 * Rows rendered at first and added each time the list is scrolled near its end: a flood case has
 * thousands of findings, and rendering them all at once held the page for seconds.
 */
export const FINDINGS_STEP = 200;
/** How close to the end of the rendered rows (px) a scroll adds the next step. */
const NEAR_END_PX = 600;

/** The case's findings in evidence order; those whose span holds the cursor are highlighted. */
export function FindingsList(): React.JSX.Element | null {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const findings = useFindings((s) => s.findings);
  const atCursor = useFindingKeysAtCursor();
  const offsetMin = useClock((s) => s.offsetMin);
  const listRef = useRef<HTMLUListElement>(null);
  const [limit, setLimit] = useState(FINDINGS_STEP);
  const analysis = useAnalysis((s) => s.analysis);
  const crashT = useCrashT();
  const oomT = useOomT();
  const rebootsT = useRebootsT();
  const index = useMemo(() => titleIndex(analysis), [analysis]);
  // The translators are fresh closures each render but depend only on the language: the words are
  // rebuilt per language, zone and analysis, so the memoised rows keep their titles on a cursor move.
  const words = useMemo<TitleWords>(
    () => ({
      zh: lang === 'zh-CN',
      time: (ts) => formatTime(ts, lang, offsetMin),
      oomKill: (kind, comm, pid) =>
        t(
          kind === 'manual'
            ? 'finding.title.oomManual'
            : kind === 'memcg'
              ? 'finding.title.oomMemcg'
              : 'finding.title.oomKill',
          { comm, pid },
        ),
      oomNoKill: () => t('finding.title.oomNoKill'),
      oomCross: (f) => (analysis ? crossFindingText(analysis.oomCross, analysis.oom, f, lang, oomT) : f.text),
      incident: (kindName, count, summary) =>
        count > 1
          ? t('finding.title.incidentRepeated', { kind: kindName, count, summary })
          : t('finding.title.incident', { kind: kindName, summary }),
      incidentKind: (kind) => crashT(`kind.${kind}`),
      incidentSummary: (i) => summaryOf(i, lang, crashT),
      boot: (time, end) => t('finding.title.boot', { time, end }),
      endKind: (kind) => rebootsT(`kind.${kind}`),
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- t, crashT, oomT, rebootsT follow lang
    [lang, offsetMin, analysis],
  );

  // A finding at the cursor beyond the rendered rows is rendered too (with the rows before it).
  const lastAtCursor = useMemo(() => {
    if (atCursor.size === 0) return -1;
    for (let i = findings.length - 1; i >= 0; i--) if (atCursor.has(findings[i]!.findingKey)) return i;
    return -1;
  }, [findings, atCursor]);
  const shown = Math.min(findings.length, Math.max(limit, lastAtCursor + 1));

  useEffect(() => {
    const el = listRef.current?.querySelector('[data-at-cursor="true"]');
    if (el instanceof HTMLElement) el.scrollIntoView({ block: 'nearest' });
  }, [atCursor]);

  if (findings.length === 0) return null;
  const onScroll = (e: React.UIEvent<HTMLElement>): void => {
    const el = e.currentTarget;
    if (shown < findings.length && el.scrollTop + el.clientHeight > el.scrollHeight - NEAR_END_PX)
      setLimit(shown + FINDINGS_STEP);
  };
  return (
    <section
      className="findings"
      data-testid="findings-list"
      data-shown={shown}
      aria-label={t('findings.title')}
      onScroll={onScroll}
    >
      <h2 className="side-title">
        {t('findings.title')} <span className="dim">({findings.length.toLocaleString(lang)})</span>
      </h2>
      <ul ref={listRef}>
        {findings.slice(0, shown).map((f) => (
          <Row
            key={f.findingKey}
            f={f}
            index={index}
            words={words}
            here={atCursor.has(f.findingKey)}
            kind={t(`finding.kind.${f.kind}`)}
            lang={lang}
            offsetMin={offsetMin}
            noteLabel={firstLine(f) !== null ? t('findings.addNote') : null}
          />
        ))}
      </ul>
    </section>
  );
}
