/**
 * kernelMessage's hand-written fast paths (the month looked up from char codes, the line
 * terminators looked for one by one, the dmesg `[ secs]` stamp read without its regex) give what
 * the regexes give. The expected values were printed by the version before the fast paths, on
 * lines chosen at their edges: blanks \s matches outside ASCII (no-break, em and ideographic
 * spaces), a vertical tab, stamps that are not stamps, a damaged month, line terminators.
 */
import { describe, expect, it } from 'vitest';
import { kernelMessage, type KernelMessage } from '../../../src/main/engine/analysis/kernel/message';

const CASES: [string, KernelMessage][] = [
  [
    'Jun  6 21:33:13 video-stream kernel: [ 1234.567890] oom-kill:constraint=CONSTRAINT_NONE',
    {
      message: 'oom-kill:constraint=CONSTRAINT_NONE',
      isKernel: true,
      host: 'video-stream',
      program: 'kernel',
      bootSecs: 1234.56789,
    },
  ],
  [
    'Jun  6 21:33:13 video-stream kernel: [1.5]x',
    { message: 'x', isKernel: true, host: 'video-stream', program: 'kernel', bootSecs: 1.5 },
  ],
  [
    'Jun  6 21:33:13 video-stream kernel: [\t12.25] Out of memory: Killed process 30002 (stream_convert)',
    {
      message: 'Out of memory: Killed process 30002 (stream_convert)',
      isKernel: true,
      host: 'video-stream',
      program: 'kernel',
      bootSecs: 12.25,
    },
  ],
  [
    'Jun  6 21:33:13 video-stream kernel: [ 12.25] tab-like blank',
    { message: 'tab-like blank', isKernel: true, host: 'video-stream', program: 'kernel', bootSecs: 12.25 },
  ],
  [
    'Jun  6 21:33:13 video-stream kernel: [ 12.34.56] not a stamp',
    { message: '[ 12.34.56] not a stamp', isKernel: true, host: 'video-stream', program: 'kernel' },
  ],
  [
    'Jun  6 21:33:13 video-stream kernel: [12.] not a stamp',
    { message: '[12.] not a stamp', isKernel: true, host: 'video-stream', program: 'kernel' },
  ],
  [
    'Jun  6 21:33:13 video-stream kernel: [ 0.000000] Linux version 5.4.0',
    { message: 'Linux version 5.4.0', isKernel: true, host: 'video-stream', program: 'kernel', bootSecs: 0 },
  ],
  [
    'Jun  6 21:33:13 video-stream kernel: [ 7.0]　ideographic space',
    { message: 'ideographic space', isKernel: true, host: 'video-stream', program: 'kernel', bootSecs: 7 },
  ],
  [
    'Jun  6 21:33:13 video-stream kernel: [ 7.0]éaccent after',
    { message: 'éaccent after', isKernel: true, host: 'video-stream', program: 'kernel', bootSecs: 7 },
  ],
  [
    'Jun  6 21:33:13 video-stream kernel: [ 3.5]\u000bvertical tab',
    { message: 'vertical tab', isKernel: true, host: 'video-stream', program: 'kernel', bootSecs: 3.5 },
  ],
  [
    'Jun  6 21:33:13 video-stream kernel: [  5.000001] [    T1] caller id',
    {
      message: 'caller id',
      isKernel: true,
      host: 'video-stream',
      program: 'kernel',
      bootSecs: 5.000001,
      callerId: 'T1',
    },
  ],
  [
    'Dec 31 23:59:59 db-primary kernel: [ 9.9] last day',
    { message: 'last day', isKernel: true, host: 'db-primary', program: 'kernel', bootSecs: 9.9 },
  ],
  [
    'jan  6 21:33:13 video-stream kernel: lower-case month',
    { message: 'jan  6 21:33:13 video-stream kernel: lower-case month', isKernel: false },
  ],
  [
    'JĀn  6 21:33:13 video-stream kernel: wide char in month',
    { message: 'JĀn  6 21:33:13 video-stream kernel: wide char in month', isKernel: false },
  ],
  [
    'Jun  6 21:33:13 video-stream kernel: carriage\rreturn',
    { message: 'Jun  6 21:33:13 video-stream kernel: carriage\rreturn', isKernel: false },
  ],
  [
    'Jun  6 21:33:13 video-stream kernel: line separator',
    { message: 'Jun  6 21:33:13 video-stream kernel: line separator', isKernel: false },
  ],
  [
    'Jun  6 21:33:13 video-stream sshd[51032]: Accepted publickey for monitor',
    { message: 'Accepted publickey for monitor', isKernel: false, host: 'video-stream', program: 'sshd' },
  ],
  ['[  180.123456] dmesg line', { message: 'dmesg line', isKernel: true, bootSecs: 180.123456 }],
  [
    '<6>[  180.123456] dmesg with priority',
    { message: 'dmesg with priority', isKernel: true, priority: 6, bootSecs: 180.123456 },
  ],
];

// dmesg's stamp as the kernel/message.ts regex reads it: the oracle for the stamps below.
const DMESG_SECS = /^\[\s*(\d+\.\d+)\]\s?/;

describe('kernelMessage fast paths', () => {
  for (const [line, expected] of CASES)
    it(`reads ${JSON.stringify(line)} as before`, () => {
      expect(kernelMessage(line)).toEqual(expected);
    });

  it('reads every blank and stamp shape as the dmesg regex does', () => {
    const blanks = ['', ' ', '  ', '\t', '\u00a0', '\u2003', '\u3000', '\u000b', 'x', '\u00e9'];
    const numbers = ['1.5', '0.000000', '12', '12.', '.5', '1.2.3', '99999.999999'];
    let stamped = 0;
    for (const lead of blanks)
      for (const n of numbers)
        for (const after of blanks) {
          const msg = `[${lead}${n}]${after}rest`;
          const km = kernelMessage(`Jun  6 21:33:13 video-stream kernel: ${msg}`);
          const m = DMESG_SECS.exec(msg);
          expect(km.bootSecs, msg).toBe(m ? Number(m[1]) : undefined);
          if (m) {
            stamped++;
            expect(km.message, msg).toBe(msg.slice(m[0].length));
          }
        }
    expect(stamped).toBeGreaterThan(50);
  });
});
