import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Annotation } from '../../../shared/model/annotation';
import type {
  CaseInfo,
  CaseSummary,
  IngestError,
  LinePage,
  LineView,
  SearchHit,
  SearchResult,
  SourceInfo,
  SourceStatus,
  ViewLine,
} from '../../../shared/model/case';
import { findingKeyOf, type Finding } from '../../../shared/model/finding';
import type { Evidence, TimeQuality } from '../../../shared/model/log';
import {
  INGEST_OWNER_KEY,
  isBusy,
  liveIngestOwner,
  openCaseDb,
  openCaseDbReadOnly,
  type Db,
  type IngestOwner,
} from './database';
import os from 'node:os';
import { CapturePatcher, dropCapture, HOST, OrderCapture, PROGRAM } from './order-capture';
import { BlockWriter, nextBlockId, TextBlocks } from './text-blocks';
import { type DecodedHeads, HeadsWriter, lastLineId, LineHeads, ZONED } from './line-heads';
import { SCHEMA_VERSION, TIME_QUALITY_CODES } from './schema';
import { orderIsCurrent, readOrderStats } from '../query/order';
import { levelOf } from '../query/severity';

export interface LineRow {
  sourceId: number;
  lineNo: number;
  byteOffset: number;
  ts: number | null;
  tsQuality: TimeQuality;
  text: string;
  /** Parsed header fields; absent = NULL (the format does not give them). */
  host?: string | null;
  program?: string | null;
  pid?: number | null;
  severity?: number | null;
  /** The ts is a local wall time resolved through a zone (it moves when the zone changes). */
  zoned?: boolean;
}

/** A row's final time, written back over its provisional one. */
export interface TimeRewrite {
  /** Row index within its source (0-based): line_id = first line id + index. */
  index: number;
  time: { ts: number | null; quality: TimeQuality; zoned: boolean };
}

/** What the ingest learnt about a source besides its lines. */
export interface SourceDetails {
  sourceId: number;
  format: string | null;
  formatReason: string | null;
  quirks: string[];
  timeAnchor: string | null;
  /** The zone its zone-less times were resolved with (null: none needed). */
  zone: { zone: number | string; source: string; assumed: boolean } | null;
}

export interface FinishSourceFields {
  sha256: string | null;
  encoding: string | null;
  kind: string;
  status: SourceStatus;
  error: string | null;
  format?: string | null;
  formatReason?: string | null;
  quirks?: readonly string[];
  timeAnchor?: string | null;
  /** JSON of the ZoneSpec used. */
  zone?: string | null;
}

interface LineDbRow {
  line_id: number;
  source_id: number;
  line_no: number;
  byte_offset: number;
  ts: number | null;
  ts_quality: number;
  text: string;
  level: number | null;
  severity: number | null;
}

function viewLineOf(r: LineDbRow): ViewLine {
  return {
    lineId: r.line_id,
    sourceId: r.source_id,
    lineNo: r.line_no,
    byteOffset: r.byte_offset,
    ts: r.ts,
    tsQuality: qualityOf(r.ts_quality),
    text: r.text,
    level: r.level,
    levelInferred: r.level !== null && r.severity === null,
  };
}

interface SourceRow {
  source_id: number;
  input_id: number;
  path: string;
  size_bytes: number;
  mtime_ms: number | null;
  sha256: string | null;
  kind: string;
  encoding: string | null;
  line_count: number;
  first_line_id: number | null;
  status: SourceStatus;
  error: string | null;
  input_name: string;
  family?: string | null;
  rotation?: number | null;
  truncated?: number | null;
}

const qualityCode = new Map<TimeQuality, number>(TIME_QUALITY_CODES.map((q, i) => [q, i]));
function qualityOf(code: number): TimeQuality {
  return TIME_QUALITY_CODES[code] ?? 'none';
}

/** Meta values longer than this (characters) are kept in meta_large. */
const LARGE_META = 16_384;

export function textHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Everything the engine reads and writes in one case file. Synchronous: it runs in the engine worker. */
export class CaseStore {
  readonly db: Db;
  readonly file: string;
  readonly caseId: string;
  private readonly insertLine;
  /** INSERT of ROWS_PER_INSERT rows at once: one call into SQLite per 32 rows, not per row. */
  private readonly insertMany;
  /** Parameters of the rows not yet inserted (13 a row), flushed when full and before COMMIT. */
  private readonly pendingRows: unknown[] = new Array<unknown>(ROWS_PER_INSERT * LINE_COLUMNS);
  private pendingCount = 0;
  private readonly capture: OrderCapture;
  /** Texts of the rows being inserted, until their block is written (text_store = blocks). */
  private readonly blockWriter: BlockWriter;
  private readonly insertBlockRow;
  /** Reads texts out of blocks; registers the SQL function line_text(block, line_id, text). */
  readonly texts: TextBlocks;
  /**
   * Where this case keeps line texts: in compressed blocks (cases made since schema v8) or in
   * the rows (older cases; see store/text-blocks.ts).
   */
  readonly textInBlocks: boolean;
  /** Reads packed line headers (schema v9); registers the SQL function line_rows(from, to). */
  readonly heads: LineHeads;
  /** Set when this case packs line headers per block (text_store 'packed') instead of rows. */
  private readonly headsWriter: HeadsWriter | null;
  private regexCache = new Map<string, RegExp>();
  /**
   * Why this case is open read-only (another process is indexing into it), or null when it
   * is writable. Read-only: lines, sources and the ingest-order view are readable while the
   * other ingest goes on; writes fail with this reason. Reopen once that ingest has finished.
   */
  readonly readOnly: string | null;

  private constructor(file: string, db: Db, title: string | undefined, readOnly: string | null) {
    this.file = file;
    this.db = db;
    this.readOnly = readOnly;
    this.db.function('pm_regexp', { deterministic: true }, (pattern: unknown, text: unknown) =>
      this.compiled(String(pattern)).test(String(text)) ? 1 : 0,
    );
    if (readOnly === null) {
      this.moveLargeMeta();
      this.db.pragma('busy_timeout = 5000');
    }
    const id = this.meta('case_id');
    if (id === undefined && readOnly !== null)
      throw new Error(
        `${file}: ${readOnly}, and it has no case id yet: open it when that ingest has started`,
      );
    this.caseId = id ?? this.initMeta(title);
    this.texts = new TextBlocks(db, file);
    this.blockWriter = new BlockWriter(this.texts.codec);
    if (readOnly === null) this.chooseEmptyStore();
    this.heads = new LineHeads(db, file);
    this.textInBlocks = this.heads.packed || this.meta('text_store') === 'blocks';
    this.headsWriter = this.heads.packed && readOnly === null ? new HeadsWriter(db) : null;
    const cols =
      'INSERT INTO lines (line_id, source_id, line_no, byte_offset, ts, ts_quality, text, host, program, pid, severity, ts_zoned, level, block) VALUES ';
    const one = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
    this.insertBlockRow = db.prepare(
      'INSERT INTO line_blocks (block_id, first_line_id, n, data) VALUES (?, ?, ?, ?)',
    );
    this.insertLine = db.prepare(cols + one);
    this.insertMany = db.prepare(cols + new Array(ROWS_PER_INSERT).fill(one).join(', '));
    this.capture = new OrderCapture(db);
  }

  /**
   * POSTMORTEM_TEXT_STORE=blocks (or rows) makes a new, still empty case keep one row per line
   * as cases made before schema v9 (or v8) do: for comparing the stores (bench, tests).
   */
  private chooseEmptyStore(): void {
    const want = process.env.POSTMORTEM_TEXT_STORE;
    if (want !== 'blocks' && want !== 'rows') return;
    if (this.meta('text_store') !== 'packed' || lastLineId(this.db) > 0) return;
    this.setMeta('text_store', want);
  }

  /**
   * Opens a case. When another live process is indexing into it (its ingest owner is alive),
   * or another connection holds the write lock while opening would write (a migration, a
   * repair), the case opens read-only (see `readOnly`) instead of waiting or failing busy.
   */
  static open(file: string, options: { create: boolean; title?: string }): CaseStore {
    const owner = liveIngestOwner(file);
    if (owner !== null && owner.pid !== process.pid)
      return CaseStore.openReadOnly(
        file,
        `another Postmortem process (pid ${owner.pid}) is indexing into this case since ${new Date(owner.since).toISOString()}`,
      );
    let db: Db;
    try {
      db = openCaseDb(file, options);
    } catch (err) {
      if (!isBusy(err)) throw err;
      return CaseStore.openReadOnly(file, 'another connection is writing to this case');
    }
    try {
      return new CaseStore(file, db, options.title, null);
    } catch (err) {
      db.close();
      if (!isBusy(err)) throw err;
      return CaseStore.openReadOnly(file, 'another connection is writing to this case');
    }
  }

  private static openReadOnly(file: string, why: string): CaseStore {
    return new CaseStore(file, openCaseDbReadOnly(file, why), undefined, why);
  }

  /** Throws with the read-only reason; called before any ingest write. */
  assertWritable(what: string): void {
    if (this.readOnly !== null)
      throw new Error(`cannot ${what}: ${this.file} is open read-only (${this.readOnly})`);
  }

  /** Marks this process as the case's ingest (other openers then open it read-only). */
  claimIngest(): void {
    const owner: IngestOwner = { pid: process.pid, host: os.hostname(), since: Date.now() };
    this.setMeta(INGEST_OWNER_KEY, JSON.stringify(owner));
  }

  releaseIngest(): void {
    this.db.prepare('DELETE FROM meta WHERE key = ?').run(INGEST_OWNER_KEY);
  }

  close(): void {
    this.texts.close();
    this.heads.close();
    this.db.close();
  }

  private compiled(pattern: string): RegExp {
    let re = this.regexCache.get(pattern);
    if (!re) {
      const flags = pattern.startsWith('(?i)') ? 'i' : '';
      re = new RegExp(flags ? pattern.slice(4) : pattern, flags);
      if (this.regexCache.size > 32) this.regexCache.clear();
      this.regexCache.set(pattern, re);
    }
    return re;
  }

  private initMeta(title: string | undefined): string {
    const id = randomBytes(8).toString('hex');
    const now = String(Date.now());
    this.db.transaction(() => {
      this.setMeta('case_id', id);
      this.setMeta('created_at', now);
      this.setMeta('updated_at', now);
      this.setMeta('state', 'empty');
      this.setMeta('title', title ?? path.basename(this.file, '.pmcase'));
    })();
    return id;
  }

  /**
   * Meta values over 16 KiB (the analysis JSON reaches tens of MB on a big case) live in
   * meta_large, a rowid table found through its key index: in the WITHOUT ROWID meta table a
   * row that spills to overflow pages is read whole whenever a lookup compares against it,
   * which cost every small meta read ~300 ms on a 10M-line case.
   */
  meta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      { value: string } | undefined;
    if (row) return row.value;
    const big = this.db.prepare('SELECT value FROM meta_large WHERE key = ?').get(key) as
      { value: string } | undefined;
    return big?.value;
  }

  setMeta(key: string, value: string): void {
    const large = value.length > LARGE_META;
    this.db
      .prepare(
        `INSERT INTO ${large ? 'meta_large' : 'meta'} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      )
      .run(key, value);
    this.db.prepare(`DELETE FROM ${large ? 'meta' : 'meta_large'} WHERE key = ?`).run(key);
  }

  /** Moves large values written before meta_large existed out of meta (once per case). */
  private moveLargeMeta(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS meta_large (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    if (this.db.prepare("SELECT 1 FROM meta_large WHERE key = '-moved'").get()) return;
    this.db.transaction(() => {
      this.db.exec(
        `INSERT OR REPLACE INTO meta_large (key, value) SELECT key, value FROM meta WHERE length(value) > ${LARGE_META};
         DELETE FROM meta WHERE key IN (SELECT key FROM meta_large);
         INSERT OR REPLACE INTO meta_large (key, value) VALUES ('-moved', '1');`,
      );
    })();
  }

  // ---- ingest writes -------------------------------------------------------------------

  addInput(name: string, location: string, sizeBytes: number | null, mtimeMs: number | null): number {
    const r = this.db
      .prepare(
        'INSERT INTO inputs (name, location, size_bytes, mtime_ms, state, added_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(name, location, sizeBytes, mtimeMs, 'indexing', Date.now());
    return Number(r.lastInsertRowid);
  }

  finishInput(inputId: number, state: 'complete' | 'failed'): void {
    this.db.prepare('UPDATE inputs SET state = ? WHERE input_id = ?').run(state, inputId);
  }

  /** A complete source already read from the same input location and member path, same size. */
  findCompleteSource(location: string, memberPath: string, sizeBytes: number): number | null {
    const row = this.db
      .prepare(
        `SELECT s.source_id FROM sources s JOIN inputs i ON i.input_id = s.input_id
         WHERE i.location = ? AND s.path = ? AND s.size_bytes = ? AND s.status IN ('complete', 'failed', 'skipped')`,
      )
      .get(location, memberPath, sizeBytes) as { source_id: number } | undefined;
    return row?.source_id ?? null;
  }

  findSourceBySha(sha256: string, exceptSourceId: number): number | null {
    const row = this.db
      .prepare(
        "SELECT source_id FROM sources WHERE sha256 = ? AND source_id <> ? AND status = 'complete' LIMIT 1",
      )
      .get(sha256, exceptSourceId) as { source_id: number } | undefined;
    return row?.source_id ?? null;
  }

  beginSource(
    inputId: number,
    memberPath: string,
    sizeBytes: number,
    mtimeMs: number | null,
    kind: string,
  ): number {
    const r = this.db
      .prepare(
        'INSERT INTO sources (input_id, path, size_bytes, mtime_ms, kind, status, first_line_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(inputId, memberPath, sizeBytes, mtimeMs, kind, 'indexing', this.nextLineId());
    const sourceId = Number(r.lastInsertRowid);
    this.db
      .prepare('INSERT OR IGNORE INTO source_paths (source_id, input_id, path) VALUES (?, ?, ?)')
      .run(sourceId, inputId, memberPath);
    return sourceId;
  }

  addSourcePath(sourceId: number, inputId: number, memberPath: string): void {
    this.db
      .prepare('INSERT OR IGNORE INTO source_paths (source_id, input_id, path) VALUES (?, ?, ?)')
      .run(sourceId, inputId, memberPath);
  }

  nextLineId(): number {
    return lastLineId(this.db) + 1;
  }

  /** Appends a batch of lines in one transaction; returns the next free line id. */
  appendLines(firstLineId: number, rows: readonly LineRow[]): number {
    let id = firstLineId;
    this.db.transaction(() => {
      this.blockWriter.nextId = nextBlockId(this.db);
      for (const r of rows) {
        this.insertLineRow(
          id++,
          r.sourceId,
          r.lineNo,
          r.byteOffset,
          r.ts,
          r.tsQuality,
          r.text,
          r.host ?? null,
          r.program ?? null,
          r.pid ?? null,
          r.severity ?? null,
          r.zoned === true,
          levelOf(r.severity, r.text),
        );
      }
      this.flushRows();
      this.db
        .prepare('UPDATE sources SET line_count = line_count + ? WHERE source_id = ?')
        .run(rows.length, rows[0]?.sourceId ?? -1);
    })();
    return id;
  }

  /**
   * Row-at-a-time appends for the streaming ingest: rows go to SQLite as they are read (none
   * is held in memory), `commitLines` ends each batch's transaction. The transaction stays
   * open across the reader's awaits; nothing else writes to the case meanwhile.
   */
  beginLines(): void {
    this.db.exec('BEGIN');
    this.blockWriter.nextId = nextBlockId(this.db);
  }

  /**
   * Writes a block of texts compressed elsewhere (the parse worker) for lines firstLineId …
   * + n - 1, inside the open batch; returns its id, for those lines' rows (`insertLineRow`
   * with a null text). Only for cases whose texts are in blocks.
   */
  insertTextBlock(firstLineId: number, n: number, data: Uint8Array): number {
    this.flushBlock();
    const id = this.blockWriter.nextId++;
    this.insertBlockRow.run(id, firstLineId, n, data);
    return id;
  }

  private flushBlock(): void {
    const b = this.blockWriter.take();
    if (b) this.insertBlockRow.run(b.blockId, b.firstLineId, b.n, b.data);
  }

  insertLineRow(
    lineId: number,
    sourceId: number,
    lineNo: number,
    byteOffset: number,
    ts: number | null,
    quality: TimeQuality,
    text: string | null,
    host: string | null,
    program: string | null,
    pid: number | null,
    severity: number | null,
    zoned: boolean,
    level: number | null = severity,
    block: number | null = null,
  ): void {
    // A null text: the row's text is already in `block` (insertTextBlock).
    if (text !== null && this.textInBlocks) {
      const w = this.blockWriter;
      if (w.breaks(lineId)) this.flushBlock();
      block = w.add(lineId, text);
      if (w.full()) this.flushBlock();
      text = '';
    } else if (text === null) text = '';
    const hw = this.headsWriter;
    if (hw) {
      const hostId = this.capture.nameId(HOST, host);
      const programId = this.capture.nameId(PROGRAM, program);
      hw.add(
        lineId,
        sourceId,
        lineNo,
        block!,
        byteOffset,
        ts,
        qualityCode.get(quality) ?? 0,
        zoned,
        hostId,
        programId,
        pid,
        severity,
        level,
      );
      this.capture.addIds(lineId, sourceId, ts, level, hostId, programId);
      return;
    }
    const p = this.pendingRows;
    let j = this.pendingCount++ * LINE_COLUMNS;
    p[j++] = lineId;
    p[j++] = sourceId;
    p[j++] = lineNo;
    p[j++] = byteOffset;
    p[j++] = ts;
    p[j++] = qualityCode.get(quality) ?? 0;
    p[j++] = text;
    p[j++] = host;
    p[j++] = program;
    p[j++] = pid;
    p[j++] = severity;
    p[j++] = zoned ? 1 : null;
    p[j++] = level;
    p[j] = block;
    if (this.pendingCount === ROWS_PER_INSERT) {
      this.insertMany.run(p);
      this.pendingCount = 0;
    }
    this.capture.add(lineId, sourceId, ts, level, host, program);
  }

  /** Inserts the rows still held (fewer than ROWS_PER_INSERT) and writes the captured piece. */
  private flushRows(): void {
    this.flushBlock();
    this.headsWriter?.flush();
    const p = this.pendingRows;
    for (let i = 0; i < this.pendingCount; i++) {
      const j = i * LINE_COLUMNS;
      this.insertLine.run(
        p[j],
        p[j + 1],
        p[j + 2],
        p[j + 3],
        p[j + 4],
        p[j + 5],
        p[j + 6],
        p[j + 7],
        p[j + 8],
        p[j + 9],
        p[j + 10],
        p[j + 11],
        p[j + 12],
        p[j + 13],
      );
    }
    this.pendingCount = 0;
    this.capture.flush();
  }

  commitLines(sourceId: number, count: number): void {
    this.flushRows();
    this.db
      .prepare('UPDATE sources SET line_count = line_count + ? WHERE source_id = ?')
      .run(count, sourceId);
    this.db.exec('COMMIT');
  }

  /** Abandons an open batch (cancel, crash of the reader): its source stays `indexing` and is dropped. */
  rollbackLines(): void {
    if (this.db.inTransaction) {
      this.pendingCount = 0;
      this.headsWriter?.discard();
      this.capture.discard();
      this.blockWriter.discard();
      this.db.exec('ROLLBACK');
    }
  }

  finishSource(sourceId: number, fields: FinishSourceFields): void {
    this.db
      .prepare(
        `UPDATE sources SET sha256 = ?, encoding = ?, kind = ?, status = ?, error = ?,
           format = ?, format_reason = ?, quirks = ?, time_anchor = ?, zone = ? WHERE source_id = ?`,
      )
      .run(
        fields.sha256,
        fields.encoding,
        fields.kind,
        fields.status,
        fields.error,
        fields.format ?? null,
        fields.formatReason ?? null,
        JSON.stringify(fields.quirks ?? []),
        fields.timeAnchor ?? null,
        fields.zone ?? null,
        sourceId,
      );
  }

  /**
   * Replaces the provisional times of some rows of one source with their final ones, in one
   * transaction (the source is still `indexing`, so a kill here drops it and the re-run reads
   * it again). Returns the number of rows rewritten.
   */
  rewriteTimes(firstLineId: number, rows: Iterable<TimeRewrite>): number {
    if (this.heads.packed) return this.rewritePackedTimes(firstLineId, rows);
    const upd = this.db.prepare('UPDATE lines SET ts = ?, ts_quality = ?, ts_zoned = ? WHERE line_id = ?');
    let n = 0;
    this.db.transaction(() => {
      const patch = new CapturePatcher(this.db);
      let captured = true;
      for (const r of rows) {
        const lineId = firstLineId + r.index;
        upd.run(r.time.ts, qualityCode.get(r.time.quality) ?? 0, r.time.zoned ? 1 : null, lineId);
        if (captured) captured = patch.set(lineId, r.time.ts);
        n++;
      }
      patch.end();
      // A row without its piece: the order reads this source from the lines table instead.
      if (!captured) {
        const s = this.db.prepare('SELECT source_id FROM lines WHERE line_id = ?').get(firstLineId) as
          { source_id: number } | undefined;
        if (s) dropCapture(this.db, s.source_id);
      }
    })();
    return n;
  }

  /** rewriteTimes for packed headers: each heads row touched is read, patched and written once. */
  private rewritePackedTimes(firstLineId: number, rows: Iterable<TimeRewrite>): number {
    let n = 0;
    this.db.transaction(() => {
      const patch = new CapturePatcher(this.db);
      let captured = true;
      let h: DecodedHeads | null = null;
      let dirty = false;
      const end = (): void => {
        if (h && dirty) h.rewrite(this.db);
        dirty = false;
      };
      for (const r of rows) {
        const lineId = firstLineId + r.index;
        if (!h || lineId < h.first || lineId >= h.first + h.n) {
          end();
          h = this.heads.headsOf(lineId);
          if (!h) throw new Error(`line ${lineId} has no packed header to rewrite`);
        }
        const i = lineId - h.first;
        h.ts[i] = r.time.ts ?? NaN;
        h.quality[i] = (qualityCode.get(r.time.quality) ?? 0) | (r.time.zoned ? ZONED : 0);
        dirty = true;
        if (captured) captured = patch.set(lineId, r.time.ts);
        n++;
      }
      end();
      patch.end();
      if (!captured && h) dropCapture(this.db, h.sourceId);
    })();
    this.heads.invalidate();
    return n;
  }

  /** The case's zone for zone-less local times (`+08:00`, `Asia/Shanghai`); null = unset, UTC assumed. */
  zoneSetting(): string | null {
    const z = this.meta('zone');
    return z === undefined || z === '' ? null : z;
  }

  setZoneSetting(zone: string | null): void {
    if (zone === null) this.db.prepare("DELETE FROM meta WHERE key = 'zone'").run();
    else this.setMeta('zone', zone);
  }

  /** Stores the zone a source's zone-less times now use (after a re-normalisation). */
  setSourceZone(sourceId: number, zoneJson: string, timeAnchor: string | null): void {
    this.db
      .prepare('UPDATE sources SET zone = ?, time_anchor = coalesce(?, time_anchor) WHERE source_id = ?')
      .run(zoneJson, timeAnchor, sourceId);
  }

  recordSkipped(
    inputId: number,
    memberPath: string,
    sizeBytes: number,
    mtimeMs: number | null,
    kind: string,
    reason: string,
  ): number {
    const sourceId = this.beginSource(inputId, memberPath, sizeBytes, mtimeMs, kind);
    this.db
      .prepare('UPDATE sources SET first_line_id = NULL, status = ?, error = ? WHERE source_id = ?')
      .run('skipped', reason, sourceId);
    return sourceId;
  }

  /** Removes a source and its lines (a duplicate found after reading, or an interrupted one). */
  dropSource(sourceId: number): void {
    this.db.transaction(() => {
      // A source's lines are the line ids first_line_id … + line_count (no index on source_id).
      const s = this.db
        .prepare('SELECT first_line_id, line_count FROM sources WHERE source_id = ?')
        .get(sourceId) as { first_line_id: number | null; line_count: number } | undefined;
      if (s && s.first_line_id !== null && s.line_count > 0)
        this.db
          .prepare('DELETE FROM lines WHERE line_id >= ? AND line_id < ? AND source_id = ?')
          .run(s.first_line_id, s.first_line_id + s.line_count, sourceId);
      if (s && s.first_line_id !== null) {
        this.db
          .prepare('DELETE FROM line_blocks WHERE first_line_id >= ? AND first_line_id < ?')
          .run(s.first_line_id, s.first_line_id + Math.max(s.line_count, 1));
        this.db.prepare('DELETE FROM line_heads WHERE source_id = ?').run(sourceId);
        this.heads.invalidate();
      }
      dropCapture(this.db, sourceId);
      this.db.prepare('DELETE FROM source_paths WHERE source_id = ?').run(sourceId);
      this.db.prepare('DELETE FROM sources WHERE source_id = ?').run(sourceId);
    })();
  }

  /** After a kill: sources left `indexing` are dropped so the re-run reads them again. */
  dropInterrupted(): number {
    const rows = this.db
      .prepare("SELECT source_id FROM sources WHERE status = 'indexing' ORDER BY source_id DESC")
      .all() as { source_id: number }[];
    for (const r of rows) this.dropSource(r.source_id);
    return rows.length;
  }

  log(level: 'info' | 'warning' | 'error', input: string, memberPath: string, message: string): void {
    this.db
      .prepare('INSERT INTO ingest_log (at, level, input, path, message) VALUES (?, ?, ?, ?, ?)')
      .run(Date.now(), level, input, memberPath, message);
  }

  setState(state: CaseInfo['state']): void {
    this.db.transaction(() => {
      this.setMeta('state', state);
      this.setMeta('updated_at', String(Date.now()));
    })();
  }

  // ---- reads ---------------------------------------------------------------------------

  info(): CaseInfo {
    const counts = this.db
      .prepare('SELECT count(*) AS n, coalesce(sum(line_count), 0) AS lines FROM sources')
      .get() as { n: number; lines: number };
    return {
      caseId: this.caseId,
      title: this.meta('title') ?? path.basename(this.file),
      createdAt: Number(this.meta('created_at') ?? 0),
      updatedAt: Number(this.meta('updated_at') ?? 0),
      state: (this.meta('state') as CaseInfo['state'] | undefined) ?? 'empty',
      lineCount: counts.lines,
      sourceCount: counts.n,
      readOnly: this.readOnly,
    };
  }

  sourceRows(): SourceRow[] {
    return this.db
      .prepare(
        'SELECT s.*, i.name AS input_name FROM sources s JOIN inputs i ON i.input_id = s.input_id ORDER BY s.source_id',
      )
      .all() as SourceRow[];
  }

  sources(): SourceInfo[] {
    return this.sourceRows().map((r) => ({
      sourceId: r.source_id,
      path: r.path,
      input: r.input_name,
      sha256: r.sha256,
      sizeBytes: r.size_bytes,
      kind: r.kind,
      encoding: r.encoding,
      lineCount: r.line_count,
      firstLineId: r.line_count > 0 ? r.first_line_id : null,
      status: r.status,
      error: r.error,
      family: r.family ?? null,
      rotation: r.rotation ?? null,
      truncated: r.truncated === 1,
    }));
  }

  /** Format, quirks and clock anchors per source (the columns SourceInfo does not carry). */
  sourceDetails(): SourceDetails[] {
    const rows = this.db
      .prepare(
        'SELECT source_id, format, format_reason, quirks, time_anchor, zone FROM sources ORDER BY source_id',
      )
      .all() as {
      source_id: number;
      format: string | null;
      format_reason: string | null;
      quirks: string | null;
      time_anchor: string | null;
      zone: string | null;
    }[];
    return rows.map((r) => ({
      sourceId: r.source_id,
      format: r.format,
      formatReason: r.format_reason,
      quirks: r.quirks ? (JSON.parse(r.quirks) as string[]) : [],
      timeAnchor: r.time_anchor,
      zone: r.zone ? (JSON.parse(r.zone) as SourceDetails['zone']) : null,
    }));
  }

  errors(): IngestError[] {
    return this.db
      .prepare("SELECT input, path, message FROM ingest_log WHERE level = 'error' ORDER BY entry_id")
      .all() as IngestError[];
  }

  summary(): CaseSummary {
    // The time order keeps the range; scanning 10M rows for min/max would cost seconds.
    const order = readOrderStats(this.db);
    const range = orderIsCurrent(this.db, order)
      ? { a: order.firstTs, b: order.lastTs }
      : this.heads.packed
        ? this.heads.timeRange()
        : (this.db.prepare('SELECT min(ts) AS a, max(ts) AS b FROM lines WHERE ts IS NOT NULL').get() as {
            a: number | null;
            b: number | null;
          });
    return {
      ...this.info(),
      sources: this.sources(),
      errors: this.errors(),
      firstTs: range.a,
      lastTs: range.b,
      schemaVersion: SCHEMA_VERSION,
    };
  }

  private viewBounds(view: LineView): { first: number; total: number } {
    if (view.kind === 'source') {
      const s = this.db
        .prepare('SELECT first_line_id, line_count FROM sources WHERE source_id = ?')
        .get(view.sourceId) as { first_line_id: number | null; line_count: number } | undefined;
      if (!s) throw new Error(`no source ${view.sourceId} in this case`);
      return { first: s.first_line_id ?? 1, total: s.line_count };
    }
    return { first: 1, total: lastLineId(this.db) };
  }

  /** A page of a view by position: line ids are dense, so this is one range scan on the primary key. */
  page(view: LineView, start: number, count: number): LinePage {
    const { first, total } = this.viewBounds(view);
    const from = first + Math.min(start, total);
    const to = first + Math.min(start + count, total);
    const rows = this.db
      .prepare(
        `SELECT line_id, source_id, line_no, byte_offset, ts, ts_quality, line_text(block, line_id, text) AS text, level, severity FROM ${this.heads.packed ? 'line_rows(?, ?)' : 'lines WHERE line_id >= ? AND line_id < ?'} ORDER BY line_id`,
      )
      .all(from, to) as LineDbRow[];
    const lines: ViewLine[] = rows.map(viewLineOf);
    return { view, start: Math.min(start, total), total, lines };
  }

  locate(view: LineView, lineId: number): number | null {
    const { first, total } = this.viewBounds(view);
    const pos = lineId - first;
    return pos >= 0 && pos < total ? pos : null;
  }

  search(
    view: LineView,
    query: string,
    mode: 'text' | 'regex',
    caseSensitive: boolean,
    limit: number,
  ): SearchResult {
    const started = performance.now();
    const { first, total } = this.viewBounds(view);
    let predicate: string;
    let arg: string;
    if (mode === 'regex') {
      try {
        new RegExp(query);
      } catch (err) {
        throw new Error(`invalid regular expression ${JSON.stringify(query)}: ${(err as Error).message}`);
      }
      predicate = 'pm_regexp(?, line_text(block, line_id, text))';
      arg = caseSensitive ? query : `(?i)${query}`;
    } else if (caseSensitive) {
      predicate = 'instr(line_text(block, line_id, text), ?) > 0';
      arg = query;
    } else {
      // LIKE is ASCII-case-insensitive; escape its wildcards so the query is literal.
      predicate = "line_text(block, line_id, text) LIKE ? ESCAPE '\\'";
      arg = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    const range = this.heads.packed
      ? 'line_rows(?, ?) WHERE'
      : 'lines WHERE line_id >= ? AND line_id < ? AND';
    const hitsRows = this.db
      .prepare(
        `SELECT line_id, source_id, line_no, line_text(block, line_id, text) AS text FROM ${range} ${predicate} ORDER BY line_id LIMIT ?`,
      )
      .all(first, first + total, arg, limit) as {
      line_id: number;
      source_id: number;
      line_no: number;
      text: string;
    }[];
    const countRow = this.db
      .prepare(`SELECT count(*) AS n FROM ${range} ${predicate}`)
      .get(first, first + total, arg) as { n: number };
    const hits: SearchHit[] = hitsRows.map((r) => ({
      lineId: r.line_id,
      sourceId: r.source_id,
      lineNo: r.line_no,
      position: r.line_id - first,
      text: r.text,
    }));
    return {
      query,
      hits,
      total: countRow.n,
      truncated: countRow.n > hits.length,
      elapsedMs: Math.round(performance.now() - started),
    };
  }

  lineById(lineId: number): (ViewLine & { sourceSha256: string | null; sourcePath: string }) | null {
    const r = this.db
      .prepare(
        `SELECT l.line_id, l.source_id, l.line_no, l.byte_offset, l.ts, l.ts_quality, line_text(l.block, l.line_id, l.text) AS text, l.level, l.severity, s.sha256 AS sha, s.path AS spath FROM ${this.heads.packed ? 'line_rows(@id, @id + 1)' : 'lines'} l JOIN sources s ON s.source_id = l.source_id WHERE l.line_id = @id`,
      )
      .get({ id: lineId }) as (LineDbRow & { sha: string | null; spath: string }) | undefined;
    if (!r) return null;
    return { ...viewLineOf(r), sourceSha256: r.sha, sourcePath: r.spath };
  }

  // ---- findings --------------------------------------------------------------------------

  replaceFindings(
    kinds: readonly string[],
    findings: readonly Omit<Finding, 'findingId' | 'findingKey'>[],
    data: readonly unknown[],
  ): void {
    this.db.transaction(() => {
      for (const k of kinds) this.db.prepare('DELETE FROM findings WHERE kind = ?').run(k);
      const ins = this.db.prepare(
        'INSERT INTO findings (kind, ts, title, summary, severity, evidence, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      findings.forEach((f, i) =>
        ins.run(
          f.kind,
          f.ts,
          f.title,
          f.summary,
          f.severity,
          JSON.stringify(f.evidence),
          JSON.stringify(data[i] ?? null),
        ),
      );
    })();
  }

  findings(): Finding[] {
    const rows = this.db.prepare('SELECT * FROM findings ORDER BY coalesce(ts, 0), finding_id').all() as {
      finding_id: number;
      kind: Finding['kind'];
      ts: number | null;
      title: string;
      summary: string;
      severity: Finding['severity'];
      evidence: string;
    }[];
    return rows.map((r) => {
      const evidence = JSON.parse(r.evidence) as Evidence[];
      return {
        findingId: r.finding_id,
        findingKey: findingKeyOf({ kind: r.kind, ts: r.ts, evidence }),
        kind: r.kind,
        ts: r.ts,
        title: r.title,
        summary: r.summary,
        severity: r.severity,
        evidence,
      };
    });
  }

  // ---- annotations -----------------------------------------------------------------------

  annotations(): Annotation[] {
    const rows = this.db
      .prepare('SELECT * FROM annotations WHERE deleted_at IS NULL ORDER BY annotation_id')
      .all() as AnnotationRow[];
    return rows.map((r) => this.toAnnotation(r));
  }

  annotation(annotationId: number): Annotation | null {
    const r = this.db
      .prepare('SELECT * FROM annotations WHERE annotation_id = ? AND deleted_at IS NULL')
      .get(annotationId) as AnnotationRow | undefined;
    return r ? this.toAnnotation(r) : null;
  }

  /**
   * Finds the anchored line again: the same source content (sha256) at the same line number
   * with the same text hash; failing that (the log grew or was rotated, so its sha256 changed),
   * the line with that text hash nearest the old line number in a source of the same path.
   * Null means orphaned: the note is kept and shown as such.
   */
  private attach(r: AnnotationRow): number | null {
    if (!r.source_sha256 || r.line_no === null) return null;
    // Line n of a source is line id first_line_id + n - 1 (sources are contiguous, dense).
    const row = this.db
      .prepare(
        `SELECT l.line_id, line_text(l.block, l.line_id, l.text) AS text FROM sources s JOIN ${this.heads.packed ? 'line_rows(s.first_line_id + @no - 1, s.first_line_id + @no) l' : 'lines l ON l.line_id = s.first_line_id + @no - 1'}
         WHERE s.sha256 = @sha AND l.source_id = s.source_id AND l.line_no = @no LIMIT 1`,
      )
      .get({ no: r.line_no, sha: r.source_sha256 }) as { line_id: number; text: string } | undefined;
    if (row && textHash(row.text) === r.text_hash) return row.line_id;
    if (!r.source_path || !r.text_hash) return null;
    const lo = Math.max(1, r.line_no - REATTACH_WINDOW);
    const hi = r.line_no + REATTACH_WINDOW;
    const near = this.db
      .prepare(
        `SELECT l.line_id, l.line_no, line_text(l.block, l.line_id, l.text) AS text FROM source_paths p JOIN sources s ON s.source_id = p.source_id
         JOIN ${this.heads.packed ? 'line_rows(s.first_line_id + ? - 1, s.first_line_id + ?) l' : 'lines l ON l.line_id BETWEEN s.first_line_id + ? - 1 AND s.first_line_id + ? - 1'}
         WHERE p.path = ? AND l.source_id = s.source_id`,
      )
      .all(lo, hi, r.source_path) as {
      line_id: number;
      line_no: number;
      text: string;
    }[];
    let best: { lineId: number; distance: number } | null = null;
    for (const cand of near) {
      const distance = Math.abs(cand.line_no - r.line_no);
      if (best && distance >= best.distance) continue;
      if (textHash(cand.text) === r.text_hash) best = { lineId: cand.line_id, distance };
    }
    return best?.lineId ?? null;
  }

  private toAnnotation(r: AnnotationRow): Annotation {
    const anchored = r.source_sha256 !== null && r.line_no !== null;
    const lineId = anchored ? this.attach(r) : null;
    return {
      annotationId: r.annotation_id,
      anchor: anchored
        ? {
            sourceSha256: r.source_sha256 ?? '',
            sourcePath: r.source_path ?? '',
            lineNo: r.line_no ?? 0,
            lineCount: r.line_count ?? 1,
            textHash: r.text_hash ?? '',
          }
        : null,
      findingKey: r.finding_key,
      spanStart: r.span_start,
      spanEnd: r.span_end,
      body: r.body,
      tags: JSON.parse(r.tags) as string[],
      starred: r.starred === 1,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      orphaned: anchored && lineId === null,
      lineId,
    };
  }

  saveAnnotation(draft: {
    annotationId?: number;
    findingKey?: string | null;
    lineId?: number | null;
    lineCount?: number;
    spanStart?: number | null;
    spanEnd?: number | null;
    body: string;
    tags: string[];
    starred: boolean;
  }): Annotation {
    const now = Date.now();
    return this.db.transaction(() => {
      if (draft.annotationId !== undefined) {
        const r = this.db
          .prepare(
            'UPDATE annotations SET body = ?, tags = ?, starred = ?, span_start = coalesce(?, span_start), span_end = coalesce(?, span_end), updated_at = ? WHERE annotation_id = ? AND deleted_at IS NULL',
          )
          .run(
            draft.body,
            JSON.stringify(draft.tags),
            draft.starred ? 1 : 0,
            draft.spanStart ?? null,
            draft.spanEnd ?? null,
            now,
            draft.annotationId,
          );
        if (r.changes === 0) throw new Error(`no annotation ${draft.annotationId} in this case`);
        return this.annotation(draft.annotationId)!;
      }
      let anchor: { sha: string | null; path: string; lineNo: number; hash: string } | null = null;
      if (draft.lineId) {
        const line = this.lineById(draft.lineId);
        if (!line) throw new Error(`no line ${draft.lineId} in this case`);
        anchor = {
          sha: line.sourceSha256,
          path: line.sourcePath,
          lineNo: line.lineNo,
          hash: textHash(line.text),
        };
      }
      const r = this.db
        .prepare(
          `INSERT INTO annotations (source_sha256, source_path, line_no, line_count, text_hash, span_start, span_end, body, tags, starred, created_at, updated_at, finding_key)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          anchor?.sha ?? null,
          anchor?.path ?? null,
          anchor?.lineNo ?? null,
          anchor ? (draft.lineCount ?? 1) : null,
          anchor?.hash ?? null,
          draft.spanStart ?? null,
          draft.spanEnd ?? null,
          draft.body,
          JSON.stringify(draft.tags),
          draft.starred ? 1 : 0,
          now,
          now,
          draft.findingKey ?? null,
        );
      return this.annotation(Number(r.lastInsertRowid))!;
    })();
  }

  /** Soft delete, so an undo can restore it. */
  deleteAnnotation(annotationId: number): boolean {
    const r = this.db
      .prepare('UPDATE annotations SET deleted_at = ? WHERE annotation_id = ? AND deleted_at IS NULL')
      .run(Date.now(), annotationId);
    return r.changes > 0;
  }

  /** Undoes a soft delete. */
  restoreAnnotation(annotationId: number): Annotation {
    const r = this.db
      .prepare('UPDATE annotations SET deleted_at = NULL WHERE annotation_id = ? AND deleted_at IS NOT NULL')
      .run(annotationId);
    const a = this.annotation(annotationId);
    if (!a) throw new Error(`no annotation ${annotationId} in this case`);
    if (r.changes > 0)
      this.db
        .prepare('UPDATE annotations SET updated_at = ? WHERE annotation_id = ?')
        .run(Date.now(), annotationId);
    return this.annotation(annotationId)!;
  }
}

/** Rows per multi-row INSERT, and columns per row. */
const ROWS_PER_INSERT = 32;
const LINE_COLUMNS = 14;

/** How far (in lines) a note's anchor is looked for when its source changed. */
const REATTACH_WINDOW = 5000;

interface AnnotationRow {
  annotation_id: number;
  finding_key: string | null;
  source_sha256: string | null;
  source_path: string | null;
  line_no: number | null;
  line_count: number | null;
  text_hash: string | null;
  span_start: number | null;
  span_end: number | null;
  body: string;
  tags: string;
  starred: number;
  created_at: number;
  updated_at: number;
}
