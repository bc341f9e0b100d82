/**
 * The Open Recent list: case ids in the order they were last opened in this app. Cases stay
 * opaque ids here; titles and existence come from the service's `listCases` when the menu is built.
 */
import { z } from 'zod';
import type { CaseInfo } from '../../shared/model/case';
import { readJsonFile, writeJsonAtomic } from './json-file';

export interface RecentCase {
  caseId: string;
  /** UTC ms. */
  openedAt: number;
}

export const MAX_RECENT_CASES = 10;

const listSchema = z.array(z.object({ caseId: z.string().regex(/^[a-f0-9]{16}$/), openedAt: z.number() }));

export function parseRecentCases(raw: unknown): RecentCase[] {
  const parsed = listSchema.safeParse(raw);
  return parsed.success ? parsed.data.slice(0, MAX_RECENT_CASES) : [];
}

/** Moves (or adds) a case to the front. */
export function touchRecent(list: readonly RecentCase[], caseId: string, now: number): RecentCase[] {
  return [{ caseId, openedAt: now }, ...list.filter((entry) => entry.caseId !== caseId)].slice(
    0,
    MAX_RECENT_CASES,
  );
}

/** The recent entries that still name a case the service knows, with that case's info, most recent first. */
export function resolveRecent(list: readonly RecentCase[], cases: readonly CaseInfo[]): CaseInfo[] {
  const byId = new Map(cases.map((info) => [info.caseId, info]));
  const out: CaseInfo[] = [];
  for (const entry of list) {
    const info = byId.get(entry.caseId);
    if (info) out.push(info);
  }
  return out;
}

export class RecentCasesStore {
  private entries: RecentCase[];

  constructor(private readonly file: string) {
    this.entries = parseRecentCases(readJsonFile(file));
  }

  list(): readonly RecentCase[] {
    return this.entries;
  }

  touch(caseId: string, now = Date.now()): void {
    if (this.entries[0]?.caseId === caseId) return;
    this.entries = touchRecent(this.entries, caseId, now);
    writeJsonAtomic(this.file, this.entries);
  }

  clear(): void {
    this.entries = [];
    writeJsonAtomic(this.file, this.entries);
  }
}
