/**
 * One cheap test before the pass's keyword prefilters: the boot markers' (reboots/markers.ts)
 * and the journal boot id's (reboots/scanner.ts),
 * the fault and death detectors' (crashes/prefilter.ts), the OOM assembler's
 * (oom/recognize.ts) and the log-loss rules' (crashes/floods.ts). Each of those is a regex
 * alternation of a dozen or more words, tried on every line of a case; together they cost
 * more than half a microsecond a line, and ~95 % of lines hold none of their words.
 *
 * The gate picks one three-character piece (trigram) of every keyword and looks for any of
 * them in the line in a single scan, letter case folded. A keyword that occurs in a line
 * brings all its trigrams along, so a line the gate rejects holds no keyword in any case, and
 * none of the prefilters (case-sensitive or not, over the line or over its message, which is
 * a part of it) can match it. The gate only ever says "maybe": the prefilters still decide.
 * Which trigram is picked only changes how often it says maybe: the least common in log text
 * (log-trigrams.ts).
 */
import { BOOT_MARKER_KEYWORDS } from './reboots/markers';
import { BOOT_ID_KEYWORD } from './reboots/scanner';
import { FAULT_OR_DEATH_KEYWORDS } from './crashes/prefilter';
import { LOSS_KEYWORDS } from './crashes/floods';
import { OOM_KEYWORDS } from './oom/recognize';
import { COMMON_TRIGRAMS } from './log-trigrams';

/** How common each trigram of COMMON_TRIGRAMS is: 1,500 for the most common, 0 for one not listed. */
const COMMONNESS = new Map<string, number>();
for (let i = 0; i < COMMON_TRIGRAMS.length; i += 3)
  COMMONNESS.set(COMMON_TRIGRAMS.slice(i, i + 3), (COMMON_TRIGRAMS.length - i) / 3);

/** ASCII letters lower-cased; a regex without the `u` flag never folds other characters into ASCII. */
function fold(c: number): number {
  return c >= 65 && c <= 90 ? c | 32 : c;
}

export class KeywordGate {
  /** Each character's 6-bit code (0: in no keyword); upper and lower case share one. */
  private readonly code = new Uint8Array(65536);
  /** 1 at the 18-bit code of each picked trigram. */
  private readonly trigrams = new Uint8Array(1 << 18);

  constructor(keywords: readonly string[]) {
    let next = 1;
    for (const k of keywords) {
      if (k.length < 3) throw new Error(`keyword gate: "${k}" is shorter than three characters`);
      for (let i = 0; i < k.length; i++) {
        const c = fold(k.charCodeAt(i));
        if (c >= 127) throw new Error(`keyword gate: "${k}" is not ASCII`);
        if (this.code[c] === 0) {
          if (next === 64) throw new Error('keyword gate: the keywords use more than 63 characters');
          this.code[c] = next;
          if (c >= 97 && c <= 122) this.code[c - 32] = next;
          next++;
        }
      }
    }
    for (const k of keywords) {
      // The least common of its trigrams (the first of those not listed at all).
      let best = 0;
      let bestScore = Infinity;
      for (let i = 0; i + 3 <= k.length; i++) {
        const score = COMMONNESS.get(k.slice(i, i + 3).toLowerCase()) ?? 0;
        if (score < bestScore) {
          bestScore = score;
          best = i;
        }
      }
      this.trigrams[this.key(k, best)] = 1;
    }
  }

  private key(s: string, at: number): number {
    const code = this.code;
    return (code[s.charCodeAt(at)]! << 12) | (code[s.charCodeAt(at + 1)]! << 6) | code[s.charCodeAt(at + 2)]!;
  }

  /** False only when no keyword occurs in `text`, in any letter case. */
  mayContain(text: string): boolean {
    const n = text.length;
    if (n < 3) return false;
    const code = this.code;
    const trigrams = this.trigrams;
    let k = (code[text.charCodeAt(0)]! << 6) | code[text.charCodeAt(1)]!;
    for (let i = 2; i < n; i++) {
      k = ((k << 6) | code[text.charCodeAt(i)]!) & 0x3ffff;
      if (trigrams[k] === 1) return true;
    }
    return false;
  }
}

const OOM_AND_BOOT = [...BOOT_MARKER_KEYWORDS, BOOT_ID_KEYWORD, ...OOM_KEYWORDS];
const INCIDENT = [...FAULT_OR_DEATH_KEYWORDS, ...LOSS_KEYWORDS];

/** The gate of the pass over a case's logs (analysis/run.ts). */
export const PASS_KEYWORDS = new KeywordGate([...OOM_AND_BOOT, ...INCIDENT]);
/**
 * The gates of the pass split in two threads (analysis/run.ts, analyzeCaseSplit): each side's
 * prefilters only, so each says "maybe" less often than the whole pass's gate.
 */
export const OOM_AND_BOOT_KEYWORDS = new KeywordGate(OOM_AND_BOOT);
export const INCIDENT_KEYWORDS = new KeywordGate(INCIDENT);
