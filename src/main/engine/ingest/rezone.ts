/**
 * The case zone changed: every source whose zone-less times rested on the case setting (no
 * zone evidence of its own) is re-normalised in place. A row's ts and its ts_zoned flag are
 * all it takes: back to the printed wall time under the old zone, forward under the new one.
 * Nothing is parsed again. Years are kept as inferred at ingest (a zone change moves times by
 * hours; it could only move a year for lines within hours of New Year, and is not redone).
 */
import { buildMergedOrder } from '../query/order';
import { inferLevel } from '../query/severity';
import type { CaseStore } from '../store/case-store';
import { dropCapture, releaseCapture } from '../store/order-capture';
import { type ZoneSpec, describeZone, localToUtc, offsetAt, parseZone } from './clock';

const UTC_ASSUMED: ZoneSpec = { zone: 0, source: 'no zone known: UTC assumed', assumed: true };

export interface RezoneOutcome {
  zone: ZoneSpec;
  sources: number;
  lines: number;
}

/**
 * Sets the case zone (`+08:00`, `Asia/Shanghai`, or null for "unset: UTC assumed") and
 * re-normalises the sources that depend on it, in one transaction. Throws on an unknown zone.
 */
export function setCaseZone(store: CaseStore, zoneText: string | null): RezoneOutcome {
  const next = zoneText === null ? UTC_ASSUMED : parseZone(zoneText, `case setting ${zoneText}`, true);
  const sources = store.db
    .prepare(
      "SELECT source_id, first_line_id, line_count, zone, time_anchor FROM sources WHERE zone IS NOT NULL AND status IN ('complete', 'failed')",
    )
    .all() as {
    source_id: number;
    first_line_id: number;
    line_count: number;
    zone: string;
    time_anchor: string | null;
  }[];
  let lines = 0;
  let touched = 0;
  store.db.transaction(() => {
    for (const s of sources) {
      const old = JSON.parse(s.zone) as ZoneSpec;
      if (!old.assumed) continue;
      let prev: number | undefined;
      store.db.function('pm_rezone', { deterministic: false, safeIntegers: false }, (ts: unknown) => {
        const t = Number(ts);
        const utc = localToUtc(t + offsetAt(old.zone, t) * 60_000, next.zone, prev);
        prev = utc;
        return utc;
      });
      if (store.heads.packed)
        lines += store.heads.mapZonedTimes(s.first_line_id, s.first_line_id + s.line_count, (t) => {
          const utc = localToUtc(t + offsetAt(old.zone, t) * 60_000, next.zone, prev);
          prev = utc;
          return utc;
        });
      else
        lines += store.db
          .prepare('UPDATE lines SET ts = pm_rezone(ts) WHERE line_id >= ? AND line_id < ? AND ts_zoned = 1')
          .run(s.first_line_id, s.first_line_id + s.line_count).changes;
      touched++;
      // Its captured sort keys are now stale: the order reads this source from its lines.
      dropCapture(store.db, s.source_id);
      const anchor =
        s.time_anchor?.replace(
          /zone [^.]*?\(zone-assumed\)/,
          `zone ${describeZone(next)}: ${next.source} (zone-assumed)`,
        ) ?? null;
      store.setSourceZone(s.source_id, JSON.stringify(next), anchor);
    }
    store.setZoneSetting(zoneText);
  })();
  // Times moved: the merged view's time order (and its minute counts) is built again; a
  // CaseQuery holding the old order sees the new build id and reloads.
  if (touched > 0) {
    buildMergedOrder(store.db, inferLevel);
    releaseCapture(store.db);
  }
  return { zone: next, sources: touched, lines };
}
