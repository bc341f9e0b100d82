/** A zod schema per call of the contract: every input that crosses a process boundary is parsed here. */
import { z } from 'zod';
import type { ApiCall, ApiInput } from './api';

const caseId = z.string().regex(/^[a-f0-9]{16}$/, 'caseId is 16 hex characters');
const empty = z.object({}).strict();
const view = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('merged') }).strict(),
  z.object({ kind: z.literal('source'), sourceId: z.number().int().positive() }).strict(),
]);
const jobId = z.string().regex(/^[a-z0-9-]{1,64}$/);
const MAX_PAGE = 20_000;

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
  search: z
    .object({
      caseId,
      view,
      query: z.string().min(1).max(1000),
      mode: z.enum(['text', 'regex']),
      caseSensitive: z.boolean(),
      limit: z.number().int().min(1).max(10_000),
    })
    .strict(),
  listFindings: z.object({ caseId }).strict(),
  getAnalysis: z.object({ caseId }).strict(),
  listAnnotations: z.object({ caseId }).strict(),
  saveAnnotation: z
    .object({
      caseId,
      annotationId: z.number().int().positive().optional(),
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
  exportReport: z.object({ caseId, format: z.enum(['pdf', 'html']) }).strict(),
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
