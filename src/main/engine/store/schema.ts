/**
 * The case database schema, as an ordered list of migrations. `PRAGMA user_version`
 * records how many have run; opening an older case runs the rest in one transaction.
 * Never edit a shipped migration: add a new one.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'case metadata, inputs, sources, lines, ingest log, findings, annotations',
    sql: `
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      -- What the engineer opened: an archive, a folder or a file on their disk.
      CREATE TABLE inputs (
        input_id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,            -- base name, shown in the UI
        location TEXT NOT NULL,        -- absolute path on the engineer's disk (never sent to the renderer)
        size_bytes INTEGER,
        mtime_ms INTEGER,
        state TEXT NOT NULL,           -- indexing | complete | failed
        added_at INTEGER NOT NULL
      );

      -- One readable file inside an input. Lines of a source are contiguous in line ids.
      CREATE TABLE sources (
        source_id INTEGER PRIMARY KEY,
        input_id INTEGER NOT NULL REFERENCES inputs(input_id),
        path TEXT NOT NULL,            -- member path inside the input
        size_bytes INTEGER NOT NULL,
        mtime_ms INTEGER,
        sha256 TEXT,
        kind TEXT NOT NULL,
        encoding TEXT,
        line_count INTEGER NOT NULL DEFAULT 0,
        first_line_id INTEGER,
        status TEXT NOT NULL,          -- indexing | complete | failed | skipped
        error TEXT
      );
      CREATE INDEX sources_by_sha ON sources(sha256);

      -- Every path under which a source's content was found (duplicates, symlinks).
      CREATE TABLE source_paths (
        source_id INTEGER NOT NULL REFERENCES sources(source_id),
        input_id INTEGER NOT NULL,
        path TEXT NOT NULL,
        PRIMARY KEY (source_id, input_id, path)
      ) WITHOUT ROWID;

      -- line_id is the global line number: dense, 1-based, in merged-view order.
      CREATE TABLE lines (
        line_id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL,
        line_no INTEGER NOT NULL,
        byte_offset INTEGER NOT NULL,
        ts INTEGER,
        ts_quality INTEGER NOT NULL DEFAULT 0,
        text TEXT NOT NULL
      );
      CREATE INDEX lines_by_source ON lines(source_id, line_no);

      CREATE TABLE ingest_log (
        entry_id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        level TEXT NOT NULL,           -- info | warning | error
        input TEXT NOT NULL,
        path TEXT NOT NULL,
        message TEXT NOT NULL
      );

      CREATE TABLE findings (
        finding_id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        ts INTEGER,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        severity TEXT NOT NULL,
        evidence TEXT NOT NULL,        -- JSON array of Evidence
        data TEXT                      -- JSON, the analyser's full model
      );

      -- Anchored by content, not by line id, so notes survive re-ingest.
      CREATE TABLE annotations (
        annotation_id INTEGER PRIMARY KEY,
        source_sha256 TEXT,
        source_path TEXT,
        line_no INTEGER,
        line_count INTEGER,
        text_hash TEXT,
        span_start INTEGER,
        span_end INTEGER,
        body TEXT NOT NULL,
        tags TEXT NOT NULL,            -- JSON array
        starred INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted_at INTEGER
      );
    `,
  },
  {
    version: 2,
    description:
      'parsed line headers, the zone flag for re-normalising times, source format, quirks and clock anchors',
    sql: `
      -- Parsed header fields (NULL when the format does not give them). ts_zoned = 1 when the
      -- line printed a local wall time without an offset, so its ts moves with the zone: a zone
      -- change re-normalises those rows from ts alone (one byte per row, nothing re-parsed).
      ALTER TABLE lines ADD COLUMN host TEXT;
      ALTER TABLE lines ADD COLUMN program TEXT;
      ALTER TABLE lines ADD COLUMN pid INTEGER;
      ALTER TABLE lines ADD COLUMN severity INTEGER;
      ALTER TABLE lines ADD COLUMN ts_zoned INTEGER;

      ALTER TABLE sources ADD COLUMN format TEXT;         -- sniffed FormatKind (wtmp/utmp/btmp for binary records)
      ALTER TABLE sources ADD COLUMN format_reason TEXT;  -- why that format: the sniffer's evidence
      ALTER TABLE sources ADD COLUMN quirks TEXT;         -- JSON array of strings
      ALTER TABLE sources ADD COLUMN time_anchor TEXT;    -- how years, zone and boot starts were obtained
      ALTER TABLE sources ADD COLUMN zone TEXT;           -- JSON ZoneSpec the zone-less times were resolved with
    `,
  },
  {
    version: 3,
    description: 'notes made from a finding keep its stable key',
    sql: `
      ALTER TABLE annotations ADD COLUMN finding_key TEXT;
    `,
  },
  {
    version: 4,
    description:
      'every line keeps a level (printed or inferred); the merged view in time order; per-minute counts for the timeline',
    sql: `
      -- Effective severity 0 (emerg) … 7 (debug): the printed one (severity) or, when severity
      -- is NULL, inferred from the message's words (query/severity.ts). NULL: neither.
      ALTER TABLE lines ADD COLUMN level INTEGER;

      -- The merged view in UTC time order, in chunks of 4096 positions: chunk c holds
      -- positions c*4096 … as little-endian arrays: ids (int32 line ids), keys (float64 sort
      -- times, ms), flags (uint8: level 0-7 or 8 for none, +16 when the line has no time of
      -- its own and sorts by its predecessor's), names (uint16 pairs: host id, program id,
      -- indexes + 1 into the lists in meta merged_order; 0 = none).
      CREATE TABLE merged_order (
        chunk INTEGER PRIMARY KEY,
        ids BLOB NOT NULL,
        keys BLOB NOT NULL,
        flags BLOB NOT NULL,
        names BLOB NOT NULL
      );
      -- The reverse: chunk c holds the positions (int32, -1 = no such line) of line ids
      -- c*4096+1 ….
      CREATE TABLE merged_position (
        chunk INTEGER PRIMARY KEY,
        positions BLOB NOT NULL
      );
      -- Lines with a time per UTC minute and level (8 = none), for the timeline.
      CREATE TABLE minute_counts (
        minute INTEGER NOT NULL,
        level INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (minute, level)
      ) WITHOUT ROWID;
      -- The same per UTC hour (a long case's whole timeline sums few rows).
      CREATE TABLE hour_counts (
        hour INTEGER NOT NULL,
        level INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (hour, level)
      ) WITHOUT ROWID;
      -- Meta values over 16 KiB (the analysis JSON, the order's figures): a rowid table reached
      -- through its key index, so a big value is read only when asked for (see CaseStore.meta).
      CREATE TABLE IF NOT EXISTS meta_large (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      -- A case indexed before v4 has lines without a level: the next order build fills them in.
      INSERT INTO meta (key, value) SELECT 'levels_pending', '1' WHERE EXISTS (SELECT 1 FROM lines);
    `,
  },
  {
    version: 5,
    description: 'log rotation family and index per source; sos .tailed sources flagged as truncated',
    sql: `
      -- The rotation family (the live file's path, e.g. var/log/syslog for syslog.2.gz) and the
      -- rotation index, newest = 0; NULL when the source is not part of a rotated family.
      ALTER TABLE sources ADD COLUMN family TEXT;
      ALTER TABLE sources ADD COLUMN rotation INTEGER;
      -- 1 when the source is known to lack its start (sos_strings/…tailed: sos kept the newest 25 MiB).
      ALTER TABLE sources ADD COLUMN truncated INTEGER;
    `,
  },
  {
    version: 6,
    description:
      'the merged order captured while lines are inserted; the redundant lines_by_source index dropped',
    sql: `
      -- Lines of a source are contiguous in line ids and numbered densely from 1, so line
      -- (source, n) is line_id first_line_id + n - 1: the index cost ~15 % of every insert.
      DROP INDEX IF EXISTS lines_by_source;
      -- Per piece of up to 4096 consecutive lines of one source, what the merged order needs
      -- (query/order.ts), as little-endian arrays: keys (float64 UTC ms, NaN = no time of its
      -- own), flags (uint8: level 0-7 or 8, +16 untimed), names (uint16 pairs: host id,
      -- program id from order_names; 0 = none). Written in the batch's transaction.
      CREATE TABLE order_capture (
        first_line_id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL,
        n INTEGER NOT NULL,
        keys BLOB NOT NULL,
        flags BLOB NOT NULL,
        names BLOB NOT NULL
      );
      CREATE INDEX order_capture_by_source ON order_capture(source_id);
      -- Host (kind 0) and program (kind 1) names by id, for order_capture.names.
      CREATE TABLE order_names (
        kind INTEGER NOT NULL,
        name TEXT NOT NULL,
        id INTEGER NOT NULL,
        PRIMARY KEY (kind, name)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX order_names_by_id ON order_names(kind, id);
    `,
  },
  {
    version: 7,
    description: 'the full-text index (phase 2): words of every line, keyed by line id',
    sql: `
      -- Contentless (the text stays in lines), detail=none (which lines hold a word, not where)
      -- and no per-row sizes: the smallest FTS5 index. Digits are separators (categories without
      -- N*): numbers are most of a log's vocabulary and few searches need them. The index only
      -- narrows a search's candidates; every hit is still checked against the line's text
      -- (search/plan.ts). Filled after phase 1 by search/fulltext.ts; meta fulltext_next is the
      -- next line id to index.
      CREATE VIRTUAL TABLE line_fts USING fts5(
        text, content='', detail=none, columnsize=0, tokenize="unicode61 categories 'L* Co'"
      );
      -- Merge 16 segments at a time (not 4) and fill 16 KiB pages: on the 64 MB bench case the
      -- build took 1.1 s instead of 1.7 s, for an index 15 % larger. No "crisis" merge before 64
      -- segments: at the default (16) one commit in ~50 merged a whole level and took 0.3–0.5 s
      -- on the 256 MB case (a note written then waited that long); at 64 the slowest took 0.19 s.
      INSERT INTO line_fts (line_fts, rank) VALUES ('automerge', 16);
      INSERT INTO line_fts (line_fts, rank) VALUES ('crisismerge', 64);
      INSERT INTO line_fts (line_fts, rank) VALUES ('pgsz', 16000);
    `,
  },
  {
    version: 8,
    description: 'line texts in deflated blocks (store/text-blocks.ts); rows keep their block id',
    sql: `
      -- Texts of up to 4096 consecutive lines of one source (~64 KiB of UTF-8), deflated. The
      -- key never reuses an id (AUTOINCREMENT): a decoded block can be cached by id for good.
      CREATE TABLE line_blocks (
        block_id INTEGER PRIMARY KEY AUTOINCREMENT,
        first_line_id INTEGER NOT NULL,
        n INTEGER NOT NULL,
        data BLOB NOT NULL
      );
      -- Covering (with n): finding the blocks of a line range reads no block's data.
      CREATE INDEX line_blocks_by_line ON line_blocks(first_line_id, n);
      -- The block holding the line's text (lines.text is then ''); NULL: the text is in the row.
      ALTER TABLE lines ADD COLUMN block INTEGER;
      -- A case that already has lines keeps its texts in rows (one store per case).
      INSERT INTO meta (key, value)
        SELECT 'text_store', CASE WHEN EXISTS (SELECT 1 FROM lines) THEN 'rows' ELSE 'blocks' END;
    `,
  },
  {
    version: 9,
    description: 'line headers packed per text block (store/line-heads.ts): no row per line',
    sql: `
      -- The header fields of a text block's lines (first_line_id … + n - 1, lines line_no … of
      -- source_id, texts in line_blocks block_id) as deflated arrays. A case made since v9
      -- (text_store 'packed') has no rows in lines; older cases keep theirs.
      CREATE TABLE line_heads (
        first_line_id INTEGER PRIMARY KEY,
        n INTEGER NOT NULL,
        source_id INTEGER NOT NULL,
        line_no INTEGER NOT NULL,
        block_id INTEGER NOT NULL,
        min_ts REAL,                   -- the earliest and latest ts among them (NULL: none has one)
        max_ts REAL,
        data BLOB NOT NULL
      );
      UPDATE meta SET value = 'packed'
        WHERE key = 'text_store' AND value = 'blocks' AND NOT EXISTS (SELECT 1 FROM lines);
    `,
  },
  {
    version: 10,
    description: 'text blocks of new cases compressed with LZ4 (store/text-blocks.ts, meta text_codec)',
    sql: `
      -- A case that already has blocks keeps deflate (one codec per case); a new or block-less
      -- one writes LZ4 (text-blocks.ts: TextCodec).
      INSERT INTO meta (key, value)
        SELECT 'text_codec', CASE WHEN EXISTS (SELECT 1 FROM line_blocks) THEN 'deflate' ELSE 'lz4' END;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** ts_quality is stored as a small integer; the order here is the on-disk code. */
export const TIME_QUALITY_CODES = [
  'none',
  'exact',
  'year-inferred',
  'zone-assumed',
  'boot-relative-converted',
  'boot-relative',
] as const;
