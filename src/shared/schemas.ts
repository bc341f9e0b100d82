/** A zod schema per call of the contract: every input that crosses a process boundary is parsed here. */
import { z } from 'zod';
import type { ApiCall, ApiInput } from './api';
import { REPORT_SECTION_IDS } from './model/report';
import { SEVERITY_NAMES } from './model/view';

const caseId = z.string().regex(/^[a-f0-9]{16}$/, 'caseId is 16 hex characters');
const empty = z.object({}).strict();
const textMatch = z
  .object({
    pattern: z.string().min(1).max(1000),
    mode: z.enum(['text', 'regex']),
    caseSensitive: z.boolean(),
  })
  .strict();
const severityName = z.enum(SEVERITY_NAMES);
const utcMs = z.number().int().min(-62_135_596_800_000).max(253_402_300_799_999);
const filter = z
  .object({
    include: z.array(textMatch).max(32),
    exclude: z.array(textMatch).max(32),
    from: utcMs.nullable(),
    to: utcMs.nullable(),
    hosts: z.array(z.string().min(1).max(256)).max(256),
    programs: z.array(z.string().min(1).max(256)).max(256),
    severities: z.array(severityName).max(8),
    sourceIds: z.array(z.number().int().positive()).max(10_000),
  })
  .strict();
const view = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('merged') }).strict(),
  z.object({ kind: z.literal('source'), sourceId: z.number().int().positive() }).strict(),
  z.object({ kind: z.literal('filtered'), filter }).strict(),
]);
const searchRequest = z
  .object({
    caseId,
    view,
    query: z.string().min(1).max(1000),
    mode: z.enum(['text', 'regex']),
    caseSensitive: z.boolean(),
    limit: z.number().int().min(1).max(10_000),
  })
  .strict();
const searchId = z.string().regex(/^[a-z0-9-]{1,64}$/);
const lang = z.enum(['en', 'zh-CN']);
const reportOptions = z.object({ lang, redact: z.boolean(), paper: z.enum(['A4', 'Letter']) }).strict();
const sectionId = z.enum(REPORT_SECTION_IDS);
const uiState = z
  .object({
    cursorLineId: z.number().int().positive().nullable(),
    viewSource: z.number().int().positive().nullable(),
    filter,
    openPanel: z.string().max(64).nullable(),
    layout: z
      .object({
        left: z.number().min(0).max(10_000),
        right: z.number().min(0).max(10_000),
        bottom: z.number().min(0).max(10_000),
      })
      .strict(),
    bookmarks: z.array(z.number().int().positive()).max(10_000),
  })
  .strict();
const redactionSettings = z
  .object({
    hostnames: z.boolean(),
    ips: z.boolean(),
    users: z.boolean(),
    terms: z.array(z.string().min(1).max(256)).max(500),
  })
  .strict();
const jobId = z.string().regex(/^[a-z0-9-]{1,64}$/);
const MAX_PAGE = 20_000;
/** Lines per locateLines call (the renderer places at most a few hundred marks per kind). */
const MAX_LOCATE = 5_000;

export const callSchemas = {
  appInfo: empty,
  listCases: empty,
  openInput: z.object({ pick: z.enum(['archive', 'folder', 'files']) }).strict(),
  openPaths: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(1000) }).strict(),
  openCaseFile: empty,
  caseSummary: z.object({ caseId }).strict(),
  getLines: z
    .object({
      caseId,
      view,
      start: z.number().int().min(0),
      count: z.number().int().min(1).max(MAX_PAGE),
    })
    .strict(),
  locateLine: z.object({ caseId, view, lineId: z.number().int().positive() }).strict(),
  locateLines: z
    .object({ caseId, view, lineIds: z.array(z.number().int().positive()).max(MAX_LOCATE) })
    .strict(),
  search: searchRequest,
  startSearch: searchRequest,
  cancelSearch: z.object({ searchId }).strict(),
  locateTime: z.object({ caseId, view, ts: utcMs }).strict(),
  seekLine: z
    .object({
      caseId,
      view,
      from: z.number().int().min(-1),
      direction: z.enum(['next', 'prev']),
      severities: z.array(severityName).min(1).max(8),
    })
    .strict(),
  histogram: z
    .object({
      caseId,
      filter: filter.nullable(),
      from: utcMs.nullable(),
      to: utcMs.nullable(),
      buckets: z.number().int().min(1).max(5000),
    })
    .strict(),
  facets: z.object({ caseId }).strict(),
  getUiState: z.object({ caseId }).strict(),
  saveUiState: z.object({ caseId, state: uiState }).strict(),
  listFindings: z.object({ caseId }).strict(),
  getAnalysis: z.object({ caseId }).strict(),
  listAnnotations: z.object({ caseId }).strict(),
  saveAnnotation: z
    .object({
      caseId,
      annotationId: z.number().int().positive().optional(),
      findingKey: z.string().min(1).max(2000).nullable().optional(),
      lineId: z.number().int().positive().nullable().optional(),
      lineCount: z.number().int().min(1).max(1_000_000).optional(),
      spanStart: z.number().int().nullable().optional(),
      spanEnd: z.number().int().nullable().optional(),
      body: z.string().max(1_000_000),
      tags: z.array(z.string().min(1).max(64)).max(64),
      starred: z.boolean(),
    })
    .strict(),
  deleteAnnotation: z.object({ caseId, annotationId: z.number().int().positive() }).strict(),
  restoreAnnotation: z.object({ caseId, annotationId: z.number().int().positive() }).strict(),
  getReportDraft: z.object({ caseId, lang }).strict(),
  saveReportDraft: z
    .object({
      caseId,
      edits: z
        .object({
          lang,
          title: z.string().max(500),
          customer: z.string().max(500),
          host: z.string().max(500),
          windowFrom: utcMs.nullable(),
          windowTo: utcMs.nullable(),
          sections: z
            .array(
              z
                .object({
                  id: sectionId,
                  title: z.string().max(500),
                  body: z.string().max(1_000_000).nullable(),
                  enabled: z.boolean(),
                })
                .strict(),
            )
            .max(REPORT_SECTION_IDS.length),
          excerptAnnotationIds: z.array(z.number().int().positive()).max(10_000).nullable(),
        })
        .strict(),
    })
    .strict(),
  previewReport: z.object({ caseId, options: reportOptions }).strict(),
  getRedaction: z.object({ caseId }).strict(),
  saveRedaction: z.object({ caseId, settings: redactionSettings }).strict(),
  exportReport: z
    .object({ caseId, format: z.enum(['pdf', 'html', 'md', 'jsonl', 'timesketch']), options: reportOptions })
    .strict(),
  getJob: z.object({ jobId }).strict(),
  cancelJob: z.object({ jobId }).strict(),
} satisfies { [K in ApiCall]: z.ZodType<ApiInput<K>> };

/** Parses a call's input; throws a ZodError naming the bad field. */
export function parseCallInput<K extends ApiCall>(call: K, input: unknown): ApiInput<K> {
  return callSchemas[call].parse(input) as ApiInput<K>;
}

export function isApiCall(name: unknown): name is ApiCall {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(callSchemas, name);
}
