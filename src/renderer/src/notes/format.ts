/** UTC times as the log viewer prints them: `2022-06-06 21:33:14`. */
export function utc(ts: number): string {
  return new Date(ts).toISOString().replace('T', ' ').slice(0, 19);
}

/** `YYYY-MM-DDTHH:mm` for a `datetime-local` input showing UTC. */
export function toUtcInput(ts: number | null): string {
  return ts === null ? '' : new Date(ts).toISOString().slice(0, 16);
}

/** The UTC ms of a `datetime-local` value read as UTC; null when empty or not a date. */
export function fromUtcInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, Number.isNaN(s) ? 0 : s!);
  return Number.isFinite(ms) ? ms : null;
}

/** Tags typed as `oom, root cause ,flood`: trimmed, deduplicated, at most 64 characters each. */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  for (const raw of text.split(/[,，]/)) {
    const tag = raw.trim().slice(0, 64);
    if (tag) seen.add(tag);
  }
  return [...seen].slice(0, 64);
}
