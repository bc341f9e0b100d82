/**
 * /dev/kmsg records as dumped to a file: `prio,seq,usec,flags[,caller=T1];message`, one per
 * record, records separated by NUL (`cat /dev/kmsg` keeps the kernel's separator), dictionary
 * lines ` KEY=value` after the message, and non-printable bytes escaped as `\xNN`.
 * (Documentation/ABI/testing/dev-kmsg describes the record layout.)
 */
import type { ParsedLine } from './registry';

const RECORD = /^(\d+),(\d+),(\d+),([^;,]*)((?:,[^;]*)?);(.*)$/s;

/** Decodes the kernel's `\xNN` escapes (e.g. `\x5c` for a backslash in a command line). */
export function unescapeKmsg(s: string): string {
  if (!s.includes('\\x')) return s;
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function parseKmsg(line: string): ParsedLine | null {
  const m = RECORD.exec(line);
  if (m) {
    const prio = Number(m[1]);
    const out: ParsedLine = {
      message: unescapeKmsg(m[6]!),
      ts: { bootSecs: Number(m[3]) / 1e6 },
      severity: prio & 7,
      facility: prio >> 3,
    };
    // Fields after flags: `caller=T1` (CONFIG_PRINTK_CALLER); others are skipped.
    const extra = m[5]!;
    if (extra !== '') {
      const cm = /caller=([TC]\d+)/.exec(extra);
      if (cm) out.callerId = cm[1];
    }
    return out;
  }
  if (line === '') return null;
  // ` SUBSYSTEM=pci` / ` DEVICE=+pci:0000:00:1f.3` dictionary lines belong to the record above.
  return { message: line.startsWith(' ') ? line.slice(1) : line, continuation: true };
}
