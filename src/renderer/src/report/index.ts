/** The report editor (issue 8): the lead mounts `<ReportEditor />` once and puts `<ReportButton />` in the header. */
export { ReportButton, ReportEditor } from './ReportEditor';
export { openReportEditor, useReportEditor } from './store';
