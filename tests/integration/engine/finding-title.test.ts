/**
 * The findings list's titles in the user's language (components/finding-title.ts) and the boot
 * under the viewer's cursor (panels/reboots/model.ts bootAt), on the sample case's real
 * analysis. The English sentences the engine stored are the cross-check: the data a title is
 * built from must say what the engine's sentence says.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/engine/engine';
import type { CaseAnalysis } from '../../../src/shared/model/analysis';
import type { Finding } from '../../../src/shared/model/finding';
import {
  findingTitle,
  titleIndex,
  type TitleWords,
} from '../../../src/renderer/src/components/finding-title';
import { bootAt, type BootSpan } from '../../../src/renderer/src/panels/reboots/boot-at';
import { SAMPLE, tmpDir } from '../../helpers/tmp';

const seen: { endKinds: string[]; kinds: string[]; cross: string[] } = {
  endKinds: [],
  kinds: [],
  cross: [],
};
const zh: TitleWords = {
  zh: true,
  time: (ts) => new Date(ts + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC+08:00',
  oomKill: (kind, comm, pid) => `${kind === 'global' ? 'OOM killer' : kind} 终止了 ${comm}（pid ${pid}）`,
  oomNoKill: () => '内核 OOM 报告，未终止任何进程',
  oomCross: (f) => {
    seen.cross.push(f.code);
    return `<cross ${f.code}>`;
  },
  incident: (kind, count, summary) => `${kind}${count > 1 ? `（${count} 次）` : ''}：${summary}`,
  incidentKind: (kind) => {
    seen.kinds.push(kind);
    return `<${kind}>`;
  },
  incidentSummary: (i) => i.summary,
  boot: (time, end) => `${time} 的启动，结束方式：${end}`,
  endKind: (kind) => {
    seen.endKinds.push(kind);
    return `<${kind}>`;
  },
};

describe('finding titles from the analysis, on the sample case', () => {
  const dir = tmpDir('pm-titles-');
  const e = new Engine();
  let findings: Finding[] = [];
  let analysis: CaseAnalysis;
  beforeAll(async () => {
    const { caseId } = e.openCase({ file: path.join(dir, 't.pmcase'), create: true });
    await e.ingest({ caseId, jobId: 'j', inputs: [SAMPLE] });
    findings = e.listFindings({ caseId });
    analysis = e.analysis({ caseId });
  });
  afterAll(() => e.closeAll());

  it('builds every kind of title from the data behind the engine sentence', () => {
    const index = titleIndex(analysis);
    const byKind = (k: Finding['kind']): Finding[] => findings.filter((f) => f.kind === k);

    const kill = byKind('oom').find((f) => f.ts !== null)!;
    expect(kill.title).toBe('OOM killer killed stream_convert (pid 30002)');
    expect(findingTitle(kill, index, zh)).toBe('OOM killer 终止了 stream_convert（pid 30002）');

    // The seed's kill was followed by containerd's exit of the victim's container: a cross-report
    // sentence with no time, rebuilt from the aftermath data instead of the engine's English.
    const cross = byKind('oom').filter((f) => f.ts === null);
    expect(cross.length).toBeGreaterThan(0);
    for (const f of cross) {
      seen.cross.length = 0;
      const title = findingTitle(f, index, zh);
      expect(seen.cross).toHaveLength(1);
      expect(title).toBe(`<cross ${seen.cross[0]}>`);
      expect(analysis.oomCross.findings.find((c) => c.code === seen.cross[0])?.text).toBe(f.title);
    }
    expect(cross.some((f) => f.title.startsWith('After stream_convert (pid 30002) was killed'))).toBe(true);

    const boots = byKind('boot');
    expect(boots.length).toBe(analysis.boots.length);
    for (const f of boots) {
      seen.endKinds.length = 0;
      const title = findingTitle(f, index, zh);
      // The engine's sentence ends with the end kind the analysis holds; the time is the boot's start.
      expect(f.title.endsWith(`ended ${seen.endKinds[0]}`)).toBe(true);
      expect(title).toBe(`${zh.time(f.ts!)} 的启动，结束方式：<${seen.endKinds[0]}>`);
    }
    expect(boots.map((f) => findingTitle(f, index, zh)).some((t) => t.includes('<hard>'))).toBe(true);

    const incidents = [...byKind('incident'), ...byKind('flood')];
    expect(incidents.length).toBeGreaterThan(0);
    for (const f of incidents) {
      seen.kinds.length = 0;
      const title = findingTitle(f, index, zh);
      expect(seen.kinds).toHaveLength(1);
      // The engine wrote `kind (n×): summary`; the same kind, count and summary are used.
      const m = /^([a-z-]+)(?: \((\d+)×\))?: (.*)$/.exec(f.title)!;
      expect(m[1]).toBe(seen.kinds[0]);
      expect(title).toBe(`<${m[1]}>${m[2] ? `（${m[2]} 次）` : ''}：${m[3]}`);
    }

    const system = byKind('system');
    expect(system.length).toBeGreaterThan(0);
    for (const f of system) expect(findingTitle(f, index, zh)).toMatch(/[\u4e00-\u9fff]/);
    expect(findingTitle(system[0]!, index, { ...zh, zh: false })).toBe(system[0]!.title);
  });

  it('keeps the engine title when the analysis does not explain a finding', () => {
    const empty = titleIndex(null);
    for (const f of findings) expect(findingTitle(f, empty, zh)).toBe(f.title);
  });

  it('finds the boot running at a time, and none while the machine was down', () => {
    // As the panel's rows (model.ts bootRows): oldest first, numbered from 1.
    const starts = analysis.boots.map((b) => Date.parse(b.start)).sort((a, b) => a - b);
    const rows = [...analysis.boots]
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
      .map((b, i): BootSpan & { boot: typeof b } => ({
        n: i + 1,
        boot: b,
        start: Date.parse(b.start),
        end: b.end === null ? null : Date.parse(b.end),
        lsolTs: b.lastSignOfLife ? Date.parse(b.lastSignOfLife.ts) : null,
        nextStart: starts[i + 1] ?? null,
      }));
    expect(rows.length).toBe(5);
    for (const r of rows) if (r.start !== null) expect(bootAt(rows, r.start)).toBe(r.n);
    const first = rows[0]!;
    expect(bootAt(rows, first.start! - 1)).toBeNull();
    expect(bootAt(rows, null)).toBeNull();
    // The seed's hung boot: after its last sign of life (syslog:111) and before the reset, no boot ran.
    const hung = rows.find((r) => r.boot.endKind === 'hard' && r.lsolTs !== null && r.nextStart !== null)!;
    expect(bootAt(rows, hung.lsolTs!)).toBe(hung.n);
    expect(bootAt(rows, Math.floor((hung.lsolTs! + hung.nextStart!) / 2))).toBeNull();
  });
});
