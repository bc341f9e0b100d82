/** The prefixes kernelMessage() peels, including the cases the OOM analysis added. */
import { describe, expect, it } from 'vitest';
import { kernelMessage, splitRsyslogEscapes } from '../../../src/main/engine/analysis/kernel/message';

describe('kernelMessage', () => {
  it('reads a syslog kernel line', () => {
    expect(kernelMessage('Jun  6 21:33:13 video-stream kernel: Mem-Info:')).toMatchObject({
      message: 'Mem-Info:',
      isKernel: true,
      host: 'video-stream',
      program: 'kernel',
    });
  });

  it('repairs a month that lost its first character, and says so', () => {
    const m = kernelMessage(
      'un  6 21:33:14 video-stream kernel: [ 1867]     0  1867    58693       43      17       3        0             0 lxcfs',
    );
    expect(m.message).toBe(
      '[ 1867]     0  1867    58693       43      17       3        0             0 lxcfs',
    );
    expect(m.repair).toBe('syslog month "un" repaired to "Jun"');
  });

  it('still reads the message when the month cannot be restored, and says so', () => {
    const m = kernelMessage('n  6 21:33:14 video-stream kernel: Free swap  = 0kB');
    expect(m.message).toBe('Free swap  = 0kB');
    expect(m.host).toBe('video-stream');
    expect(m.repair).toContain('damaged beyond repair');
  });

  it('peels dmesg -T stamps in any locale', () => {
    for (const stamp of [
      '[Tue Aug 12 03:54:03 2025]',
      '[Di Aug 12 03:54:03 2025]',
      '[mar. août 12 03:54:03 2025]',
    ])
      expect(
        kernelMessage(
          `${stamp} php-fpm invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0`,
        ),
      ).toMatchObject({
        isKernel: true,
        message:
          'php-fpm invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
      });
  });

  it('peels `<N>`, dmesg seconds and printk caller ids', () => {
    expect(kernelMessage('<4>[  484.352595][    C1] rcu: stall')).toMatchObject({
      message: 'rcu: stall',
      priority: 4,
      bootSecs: 484.352595,
      callerId: 'C1',
    });
  });

  it('does not take a program line for a kernel line', () => {
    expect(
      kernelMessage('Jun  6 21:33:13 video-stream systemd-journald: Forwarding to syslog missed 6 messages.'),
    ).toMatchObject({ isKernel: false, program: 'systemd-journald' });
  });

  it('splits rsyslog #012 escapes', () => {
    expect(splitRsyslogEscapes('active_anon:1 isolated_anon:0#012 active_file:2')).toEqual([
      'active_anon:1 isolated_anon:0',
      ' active_file:2',
    ]);
  });
});

describe('kernelMessage on journalctl -o short-monotonic', () => {
  it('drops the `kernel:` tag after the monotonic stamp', () => {
    expect(
      kernelMessage('[    0.000000] kernel: Command line: BOOT_IMAGE=/boot/vmlinuz-5.4.0-97-generic ro'),
    ).toMatchObject({
      message: 'Command line: BOOT_IMAGE=/boot/vmlinuz-5.4.0-97-generic ro',
      isKernel: true,
      program: 'kernel',
      bootSecs: 0,
    });
  });
});
