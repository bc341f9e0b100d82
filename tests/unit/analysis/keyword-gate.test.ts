/**
 * The pass's keyword gate (analysis/keywords.ts) may say "maybe" too often but never "no" to a
 * line one of the prefilters it stands before would let through: every keyword in every letter
 * case and position is let through, and over every line of the shared corpus's logs and the
 * seed, a line the gate rejects is rejected by the boot markers, the journal boot id test, the
 * fault and death prefilter, the OOM assembler's and the log-loss rules' prefilters too. It
 * must also be worth having: it rejects most of those lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeywordGate, PASS_KEYWORDS } from '../../../src/main/engine/analysis/keywords';
import { BOOT_MARKER_KEYWORDS, detectBootMarker } from '../../../src/main/engine/analysis/reboots/markers';
import { BOOT_ID_KEYWORD } from '../../../src/main/engine/analysis/reboots/scanner';
import {
  FAULT_OR_DEATH_KEYWORDS,
  mayBeFaultOrDeath,
} from '../../../src/main/engine/analysis/crashes/prefilter';
import { LOSS_KEYWORDS, LOSS_PREFILTER } from '../../../src/main/engine/analysis/crashes/floods';
import { mayConcernOom, OOM_KEYWORDS } from '../../../src/main/engine/analysis/oom/recognize';
import { kernelMessage } from '../../../src/main/engine/analysis/kernel/message';
import type { RecordLine } from '../../../src/shared/model/log';
import {
  corpusAvailable,
  corpusPath,
  corpusSkipReason,
  SEED_FILE,
  seedAvailable,
} from '../../helpers/corpus';

const KEYWORDS = [
  ...BOOT_MARKER_KEYWORDS,
  BOOT_ID_KEYWORD,
  ...FAULT_OR_DEATH_KEYWORDS,
  ...OOM_KEYWORDS,
  ...LOSS_KEYWORDS,
];

function line(text: string, lineNo = 1): RecordLine {
  return {
    lineId: lineNo,
    sourceId: 1,
    sourcePath: 'var/log/syslog',
    lineNo,
    ts: null,
    tsQuality: 'none',
    text,
  };
}

/** Text files under a corpus folder (the gate reads text; binary records are not lines). */
function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...files(p));
    else if (st.size < 8_000_000 && !readFileSync(p).subarray(0, 4096).includes(0)) out.push(p);
  }
  return out;
}

describe('the keyword gate', () => {
  it('lets through every keyword, in any letter case, anywhere in a line', () => {
    const prefix = 'Jun  6 21:33:13 video-stream kernel: ';
    for (const k of KEYWORDS)
      for (const form of [
        k,
        k.toUpperCase(),
        k.toLowerCase(),
        [...k].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join(''),
      ])
        for (const text of [form, `${prefix}${form}`, `${prefix}x${form}y and more`])
          expect(PASS_KEYWORDS.mayContain(text), `${k}: ${text}`).toBe(true);
  });

  it('says no to lines without any of them, also with letters outside ASCII that fold to ASCII ones', () => {
    for (const text of [
      '',
      'ab',
      'Jun  6 21:33:13 video-stream sshd[51032]: Accepted publickey for monitor from 172.17.0.4 port 4293 ssh2',
      // long s, Kelvin sign, dotless i: /i without the u flag never folds them into ASCII
      'Jun  6 21:33:13 video-stream app[1]: \u017fegfault at 0 \u212Aill',
    ]) {
      expect(PASS_KEYWORDS.mayContain(text), text).toBe(false);
      expect(mayBeFaultOrDeath(text), text).toBe(false);
    }
  });

  it('refuses keywords it cannot stand for', () => {
    expect(() => new KeywordGate(['oo'])).toThrow(/shorter than three/);
    expect(() => new KeywordGate(['mémoire'])).toThrow(/not ASCII/);
  });

  const corpusAndSeed = corpusAvailable && seedAvailable;
  it.skipIf(!corpusAndSeed)('never rejects a corpus or seed line a prefilter would let through', () => {
    if (!corpusAvailable) console.warn(`[skip] ${corpusSkipReason}`);
    const texts: string[] = [];
    for (const folder of ['a-syslog', 'b-dmesg', 'd-journal', 'e-crash', 'f-sos', 'g-oom'])
      for (const f of files(corpusPath(folder))) texts.push(...readFileSync(f, 'utf8').split('\n'));
    texts.push(...readFileSync(SEED_FILE, 'utf8').split('\n'));
    expect(texts.length).toBeGreaterThan(20_000);
    let rejected = 0;
    let kept = 0;
    for (const [i, text] of texts.entries()) {
      if (PASS_KEYWORDS.mayContain(text)) {
        kept++;
        continue;
      }
      rejected++;
      const message = kernelMessage(text).message;
      expect(detectBootMarker(line(text, i + 1)), text).toBeNull();
      expect(mayBeFaultOrDeath(message), text).toBe(false);
      expect(mayConcernOom(text), text).toBe(false);
      expect(LOSS_PREFILTER.test(message.trim()), text).toBe(false);
      expect(text.includes(BOOT_ID_KEYWORD), text).toBe(false);
    }
    // A gate that lets everything through would pass the loop above: it must reject most lines.
    expect(rejected).toBeGreaterThan(kept);
  });
});
