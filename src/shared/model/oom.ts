/**
 * Plain data types for kernel OOM-killer reports: what `analyze --json` prints in `oom[]`
 * and what the OOM panel shows. Every extracted part carries the Evidence of its line(s).
 */
import type { Evidence, TimeQuality } from './log';

export type OomKind = 'global' | 'memcg' | 'cpuset' | 'mempolicy' | 'manual';

/** One plain sentence the analyser concluded, with the lines it rests on. */
export interface OomFinding {
  /** Stable key of the kind of finding (e.g. `zone-below-min`, `no-swap`, `score-match`). */
  code: string;
  severity: 'info' | 'warning' | 'error';
  text: string;
  evidence: Evidence[];
}

/** A line that had to be repaired to be read, or a part of the report that is missing. */
export interface OomDamage {
  kind: 'repaired' | 'missing' | 'unreadable';
  text: string;
  evidence: Evidence[];
}

export interface OomTrigger {
  pid: number | null;
  comm: string;
  /** As printed, e.g. `0x24280ca`. */
  gfpMask: string | null;
  /** Decoded for the kernel generation (or as the kernel printed them, when it did). */
  gfpFlags: string[];
  /** The symbolic form the kernel printed itself (4.6+), e.g. `GFP_HIGHUSER_MOVABLE|__GFP_ZERO`. */
  gfpPrinted: string | null;
  /** Which GFP bit table decoded the mask (e.g. `4.4–4.9`). */
  gfpTable: string | null;
  /** Bits no table entry explains (hex), null when all bits are known. */
  gfpUnknownBits: string | null;
  /** Zones the allocation may be served from, highest first (e.g. Normal, DMA32, DMA). */
  gfpZones: string[];
  /** -1 for a sysrq/manual OOM (no allocation). */
  order: number | null;
  oomScoreAdj: number | null;
  oomAdj: number | null;
  nodemask: string | null;
  /** From the `<comm> cpuset=… mems_allowed=…` line or the oom-kill summary. */
  cpuset: string | null;
  memsAllowed: string | null;
  evidence: Evidence[];
}

export interface OomTaint {
  tainted: boolean;
  letters: string[];
  meanings: string[];
}

export interface OomVictim {
  pid: number;
  comm: string;
  totalVmKb: number | null;
  anonRssKb: number | null;
  fileRssKb: number | null;
  shmemRssKb: number | null;
  uid: number | null;
  pgtablesKb: number | null;
  oomScoreAdj: number | null;
  /** Kill-line form, e.g. `5.4+ UID/pgtables/oom_score_adj`, `RHEL6 UID`, `4.5+ shmem-rss`. */
  form: string;
  evidence: Evidence[];
}

export interface OomScore {
  /** The `score S` the kernel printed (2.6.36–5.0), null when it printed none. */
  printed: number | null;
  /** The score recomputed from the task table (the variant that matches, or the kernel's rule). */
  computed: number | null;
  /** The victim's badness points (pages) as recomputed. */
  points: number | null;
  /** True when the computation reproducing the printed score applies the root (CAP_SYS_ADMIN) discount. */
  rootDiscount: boolean | null;
  totalPages: number | null;
  /** How totalPages was obtained (`pages RAM − pages reserved + swap pages`, memcg limit, …). */
  totalPagesFrom: string;
  /** The badness rule of the kernel generation (e.g. `3.14–4.16: rss+swapents+page tables, −3 % for CAP_SYS_ADMIN`). */
  rule: string;
  /** `match`, `match-with-discount`, `match-without-discount`, `mismatch`, `not-printed`, `not-computable`. */
  result:
    | 'match'
    | 'match-with-discount'
    | 'match-without-discount'
    | 'mismatch'
    | 'not-printed'
    | 'not-computable';
  /** One sentence: what the check found and what it implies. */
  verdict: string;
  /** The candidate computations tried (for the panel). */
  variants: { label: string; points: number; totalPages: number; score: number }[];
  evidence: Evidence[];
}

export interface OomBuddyOrder {
  order: number;
  sizeKb: number;
  count: number;
  migrateTypes: string[];
}

export interface OomBuddy {
  orders: OomBuddyOrder[];
  /** The `= NkB` total as printed. */
  totalKb: number | null;
  /** Sum of count × size. */
  computedTotalKb: number;
  evidence: Evidence[];
}

export interface OomZone {
  node: number | null;
  zone: string;
  freeKb: number | null;
  minKb: number | null;
  lowKb: number | null;
  highKb: number | null;
  boostKb: number | null;
  reservedHighatomicKb: number | null;
  presentKb: number | null;
  managedKb: number | null;
  /** Every `key:value` of the zone line (kB values in kB, counts as printed). */
  fields: Record<string, number>;
  allUnreclaimable: boolean | null;
  /** `lowmem_reserve[]` in pages, indexed by the class zone of the allocation. */
  lowmemReserve: number[] | null;
  buddy: OomBuddy | null;
  belowMin: boolean | null;
  /** True when the trigger allocation could be served from this zone. */
  usable: boolean;
  /** Watermark the allocation had to beat here: min + lowmem_reserve[class zone] (kB). */
  requiredKb: number | null;
  /** Largest order with a free block, null without a buddy line. */
  largestFreeOrder: number | null;
  evidence: Evidence[];
}

export interface OomHugepages {
  node: number | null;
  total: number;
  free: number;
  surp: number;
  sizeKb: number;
  evidence: Evidence[];
}

export interface OomMemInfo {
  /** The Mem-Info counters, in pages (active_anon, free, slab_reclaimable, …). */
  counters: Record<string, number>;
  /** Per-node summary line counters (`Node 0 active_anon:…kB …`), kB. */
  nodes: {
    node: number;
    fields: Record<string, number>;
    allUnreclaimable: boolean | null;
    evidence: Evidence[];
  }[];
  hugepages: OomHugepages[];
  pagecachePages: number | null;
  swapCachePages: number | null;
  freeSwapKb: number | null;
  totalSwapKb: number | null;
  pagesRam: number | null;
  pagesReserved: number | null;
  pagesHighMem: number | null;
  pagesCmaReserved: number | null;
  pagesHwpoisoned: number | null;
  unreclaimableSlab: { name: string; usedKb: number; totalKb: number }[];
  /** Line of each counter group above (key → evidence). */
  evidence: Record<string, Evidence>;
}

export interface OomMemcgCounter {
  /** `memory`, `memory+swap`, `kmem`, `swap`. */
  name: string;
  usageKb: number;
  limitKb: number;
  failcnt: number;
  evidence: Evidence;
}

export interface OomMemcg {
  /** 1 for cgroup v1 (memory+swap/kmem lines), 2 for v2 (`swap:` line), null when unknown. */
  version: 1 | 2 | null;
  taskIn: string | null;
  limitOf: string | null;
  oomMemcg: string | null;
  taskMemcg: string | null;
  counters: OomMemcgCounter[];
  statsPath: string | null;
  /** Stats as printed: v1 one-line values in kB, v2 memory.stat values in bytes (see statsUnit). */
  stats: Record<string, number>;
  statsUnit: 'kB' | 'bytes' | null;
  oomGroup: string | null;
  evidence: Evidence[];
}

export interface OomTaskColumn {
  name: string;
}

export interface OomTask {
  pid: number;
  uid: number | null;
  tgid: number | null;
  totalVm: number | null;
  rss: number | null;
  rssAnon: number | null;
  rssFile: number | null;
  rssShmem: number | null;
  nrPtes: number | null;
  nrPmds: number | null;
  nrPuds: number | null;
  pgtablesBytes: number | null;
  swapents: number | null;
  oomScoreAdj: number | null;
  oomAdj: number | null;
  cpu: number | null;
  name: string;
  /** Recomputed badness points (pages), null when the table lacks what the rule needs; -Infinity never used. */
  points: number | null;
  /** points × 1000 / totalPages (the printed-score scale), null when not computable. */
  score: number | null;
  eligible: boolean;
  /** Rank by points among eligible rows (1 = highest). */
  rank: number | null;
  repaired: string | null;
  evidence: Evidence;
}

export interface OomTaskTable {
  /** Header columns as printed, e.g. `pid uid tgid total_vm rss nr_ptes nr_pmds swapents oom_score_adj name`. */
  columns: string[];
  /** Layout name, e.g. `nr_ptes nr_pmds swapents`, `pgtables_bytes`, `rss_anon rss_file rss_shmem pgtables_bytes`. */
  layout: string;
  /** `[ pid ]` (≤4.18) or `[  pid  ]` (4.19+). */
  pidHeader: string;
  /** True when the header was missing and the layout inferred from the column count. */
  layoutInferred: boolean;
  evidence: Evidence | null;
}

export interface OomLedgerItem {
  key: string;
  label: string;
  kb: number;
  human: string;
  /** What the number comes from (counter names). */
  from: string;
}

export interface OomLedger {
  totalRamKb: number | null;
  totalRamHuman: string | null;
  items: OomLedgerItem[];
  /** RAM not explained by any counter (negative when counters overlap). */
  unaccountedKb: number | null;
  unaccountedHuman: string | null;
  taskRssSumKb: number | null;
  anonLruKb: number | null;
  swap: { configured: boolean | null; totalKb: number | null; freeKb: number | null; statement: string };
}

export interface OomAudit {
  /** The victim's rank among eligible rows by recomputed points (1 = top), null when not computable. */
  victimRank: number | null;
  eligibleRows: number;
  topPid: number | null;
  topComm: string | null;
  /** Why the top row was not the victim, when it was not. */
  explanation: string;
}

export interface OomReport {
  /** Stable id within the analysis: `<sourceId>:<lineNo of first line>`. */
  id: string;
  /** UTC ms of the first line with a time, null when none. */
  ts: number | null;
  /** How `ts` was obtained (the quality of the line it came from): exact, year-inferred, zone-assumed, … */
  tsQuality: TimeQuality;
  source: string;
  sourceId: number;
  /** Line number (in the source) of the report's first line. */
  line: number;
  lineId: number;
  lastLine: number;
  host: string | null;
  /** Kernel release as printed (e.g. `4.4.0-150-generic`), null when the dump_stack line is missing. */
  kernel: string | null;
  kind: OomKind;
  /** `CONSTRAINT_NONE` etc. as the 5.0+ summary line says it; null without that line. */
  constraint: string | null;
  /** The victim's memory cgroup (`task_memcg=` of the summary line), e.g. `/system.slice/varnish.service`. */
  taskMemcg: string | null;
  trigger: OomTrigger | null;
  taint: OomTaint | null;
  hardware: string | null;
  callTrace: string[];
  victim: OomVictim | null;
  /** The pid the kernel selected when it killed a child instead (`Kill process N … or sacrifice child`). */
  selectedPid: number | null;
  selectedComm: string | null;
  score: OomScore;
  zones: OomZone[];
  memInfo: OomMemInfo;
  memcg: OomMemcg | null;
  taskTable: OomTaskTable | null;
  tasks: OomTask[];
  ledger: OomLedger;
  audit: OomAudit;
  reaped: {
    pid: number;
    comm: string;
    anonRssKb: number | null;
    fileRssKb: number | null;
    shmemRssKb: number | null;
    evidence: Evidence;
  } | null;
  /** Other processes killed because they share the victim's mm. */
  sharingKilled: { pid: number; comm: string; evidence: Evidence }[];
  damage: OomDamage[];
  findings: OomFinding[];
  /** Evidence of every line of the report, in order (for highlighting in the viewer). */
  lines: Evidence[];
}

export type OomAftermathKind =
  | 'systemd-restart'
  | 'systemd-oom-result'
  | 'systemd-killed'
  | 'containerd-shim-reaped'
  | 'containerd-shim-started'
  | 'docker-task-delete'
  | 'docker-oom'
  | 'kubelet-oom';

/** A line after a kill that shows what happened to the victim (restart, reaping). */
export interface OomAftermath {
  kind: OomAftermathKind;
  reportId: string;
  text: string;
  /** Seconds after the kill, when both lines carry a time. */
  afterSecs: number | null;
  /** What tied the line to the report (container id, unit, comm). */
  link: string;
  evidence: Evidence;
}

export interface OomRepeatVictim {
  comm: string;
  count: number;
  reportIds: string[];
}

export interface OomTimelineEntry {
  reportId: string;
  ts: number | null;
  host: string | null;
  victimPid: number | null;
  victimComm: string | null;
  kind: OomKind;
  /** Seconds since the previous kill on the same host, when both have a time. */
  sincePreviousSecs: number | null;
}

export interface OomCrossReport {
  timeline: OomTimelineEntry[];
  repeatVictims: OomRepeatVictim[];
  /** Kill cadence per host: count, first/last time, median interval. */
  cadence: {
    host: string | null;
    kills: number;
    firstTs: number | null;
    lastTs: number | null;
    medianIntervalSecs: number | null;
  }[];
  aftermath: OomAftermath[];
  findings: OomFinding[];
}

export interface OomAnalysis {
  reports: OomReport[];
  cross: OomCrossReport;
}
