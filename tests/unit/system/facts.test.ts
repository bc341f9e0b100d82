/** System facts (issue 6): read from the archive's files, decoded in both languages, unknown when absent. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectSystemFacts } from '../../../src/main/engine/analysis/system/facts';
import { linesFromText } from '../../../src/shared/model/log';
import { corpusAvailable, corpusPath } from '../../helpers/corpus';

const file = (path: string, text: string) => ({ path, lines: linesFromText(text, path) });

describe('system facts', () => {
  it('panic_on_oom=0 from proc/sys (the sample case’s file) decoded; what is absent is unknown, never assumed', () => {
    const facts = collectSystemFacts([file('proc/sys/vm/panic_on_oom', '0\n')]);
    const f = (k: string) => facts.find((x) => x.key === k)!;
    expect(f('vm.panic_on_oom')).toMatchObject({ value: '0', known: true });
    expect(f('vm.panic_on_oom').meaning.en).toMatch(/kill/i);
    expect(f('vm.panic_on_oom').meaning.zh).not.toBe('');
    expect(f('vm.panic_on_oom').evidence[0]).toMatchObject({
      sourcePath: 'proc/sys/vm/panic_on_oom',
      lineNo: 1,
    });
    for (const k of ['vm.overcommit_memory', 'kernel.core_pattern', 'kernel.hung_task_panic', 'swap']) {
      expect(f(k)).toMatchObject({ value: null, known: false });
      expect(f(k).meaning.en).toBe('unknown (not in the archive)');
    }
  });

  it('sysctl -a lines and the swap inferred from an OOM report (marked inferred)', () => {
    const facts = collectSystemFacts(
      [
        file(
          'sos_commands/kernel/sysctl_-a',
          'kernel.core_pattern = |/usr/share/apport/apport %p %s %c %d %P %E\nvm.overcommit_memory = 0\n',
        ),
      ],
      {
        swapFromOom: {
          totalSwapKb: 0,
          evidence: { sourceId: 1, sourcePath: 'var/log/syslog', lineNo: 80, lineId: 80 },
        },
      },
    );
    const f = (k: string) => facts.find((x) => x.key === k)!;
    expect(f('kernel.core_pattern').value).toBe('|/usr/share/apport/apport %p %s %c %d %P %E');
    expect(f('vm.overcommit_memory')).toMatchObject({ value: '0', known: true });
    expect(f('swap')).toMatchObject({ known: true, inferred: true });
  });
});

describe.skipIf(!corpusAvailable)('hotsos sosreport', () => {
  it('kernel release from sos_commands/kernel/uname_-a', () => {
    const p = 'sos_commands/kernel/uname_-a';
    const text = readFileSync(corpusPath('f-sos', 'hotsos_openstack_sosreport', p), 'utf8');
    const facts = collectSystemFacts([file(p, text)]);
    expect(facts.find((x) => x.key === 'kernel-release')).toMatchObject({
      value: '5.4.0-97-generic',
      known: true,
    });
  });
});
