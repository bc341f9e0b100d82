import { useEffect, useRef, useState } from 'react';
import type { ViewLine } from '../../../shared/model/case';
import { getWorkbench } from '../api';
import { translate, useLang, useT } from '../i18n';
import { useCase } from '../state/case';
import { useViewer } from '../state/viewer';
import { usePrefersDark } from '../theme';
import { LogViewerController, type ViewerStatus } from './controller';

function formatTs(ts: number): string {
  return `${new Date(ts).toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

function describe(line: ViewLine, sourcePath: string | undefined): string[] {
  const lang = useLang.getState().lang;
  const out = [
    translate(lang, 'viewer.hover.source', { path: sourcePath ?? `#${line.sourceId}`, lineNo: line.lineNo }),
  ];
  out.push(
    line.ts === null
      ? translate(lang, 'viewer.hover.noTime')
      : translate(lang, 'viewer.hover.time', {
          time: formatTs(line.ts),
          quality: translate(lang, `time.${line.tsQuality}`),
        }),
  );
  return out;
}

/** The Monaco log viewer: a window of the current view's lines, linked to the shared cursor. */
export function LogViewer(): React.JSX.Element {
  const t = useT();
  const hostRef = useRef<HTMLDivElement>(null);
  const controllerRef = useRef<LogViewerController | null>(null);
  const [status, setStatus] = useState<ViewerStatus>({ kind: 'loading' });
  const caseId = useCase((s) => (s.status === 'ready' ? s.caseId : null));
  const updatedAt = useCase((s) => s.summary?.updatedAt ?? null);
  const view = useViewer((s) => s.view);
  const jump = useViewer((s) => s.jump);
  const dark = usePrefersDark();

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const c = new LogViewerController(host, getWorkbench(), {
      onCursor: (cursor) => useViewer.getState().setCursor(cursor),
      onStatus: setStatus,
      describe: (line) => {
        const source = useCase.getState().summary?.sources.find((s) => s.sourceId === line.sourceId);
        return describe(line, source?.path);
      },
    });
    controllerRef.current = c;
    return () => {
      controllerRef.current = null;
      c.dispose();
    };
  }, []);

  // The effects below run after the one above in the same commit, so the controller exists.
  useEffect(() => {
    controllerRef.current?.setDark(dark);
  }, [dark]);

  useEffect(() => {
    const c = controllerRef.current;
    if (!c || !caseId) return;
    void c.show(caseId, view, useViewer.getState().cursor?.lineId ?? null);
  }, [caseId, view]);

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

  useEffect(() => {
    const c = controllerRef.current;
    if (!c || !jump) return;
    void c.jumpTo(jump.lineId).then(() => c.focus());
  }, [jump]);

  let note: string | null = null;
  if (status.kind === 'error') note = t('viewer.loadFailed', { message: status.message });
  else if (status.kind === 'not-in-view') note = t('viewer.notInView', { lineId: status.lineId });
  else if (status.kind === 'ready' && status.total === 0) note = t('viewer.empty');

  return (
    <section className="viewer" data-testid="log-viewer">
      <div className="viewer-editor" ref={hostRef} />
      {note !== null && (
        <div className="viewer-note" role="status">
          {note}
        </div>
      )}
    </section>
  );
}
