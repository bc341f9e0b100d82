/**
 * Turns a RecordLine into the kernel message(s) it carries, with the stream it belongs to.
 * rsyslog folds multi-line printk records into one line with `#012`; each part is a message.
 */
import type { RecordLine } from '../../../../shared/model/log';
import { kernelMessage, splitRsyslogEscapes } from '../kernel/message';

export interface PeeledLine {
  line: RecordLine;
  /** The kernel message after every prefix (one rsyslog `#012` part). */
  msg: string;
  /** Index of the `#012` part within the line (0 when not folded). */
  part: number;
  /** True when the line comes from the kernel or carries no program tag at all. */
  kernel: boolean;
  /** `sourceId:host`: lines of one report share it even when other programs' lines interleave. */
  stream: string;
  host: string | null;
  program: string | null;
  repair: string | null;
  bootSecs: number | null;
}

export function peelLine(line: RecordLine): PeeledLine[] {
  let message: string;
  let host: string | null;
  let program: string | null;
  let kernel: boolean;
  let repair: string | null = null;
  let bootSecs: number | null = null;
  if (line.program !== undefined && line.message !== undefined) {
    program = line.program;
    host = line.host ?? null;
    kernel = program === 'kernel';
    if (kernel) {
      const km = kernelMessage(line.message);
      message = km.message;
      bootSecs = km.bootSecs ?? null;
    } else message = line.message;
  } else {
    const km = kernelMessage(line.text);
    message = km.message;
    host = km.host ?? line.host ?? null;
    program = km.program ?? null;
    kernel = km.isKernel || km.program === undefined;
    repair = km.repair ?? null;
    bootSecs = km.bootSecs ?? null;
  }
  const stream = `${line.sourceId}:${host ?? ''}`;
  const parts = message.includes('#012') ? splitRsyslogEscapes(message) : [message];
  return parts.map((msg, part) => ({ line, msg, part, kernel, stream, host, program, repair, bootSecs }));
}
