/**
 * Apport `.crash` reports (problem_report.py layout): RFC822-style `Key: value`, continuation
 * lines starting with a space, and `Key: base64` blocks (gzip'd core dumps, often the bulk of
 * the file) that are measured, never decoded or joined.
 */

export interface ApportBase64Field {
  key: string;
  /** 1-based line of the `Key: base64` line. */
  lineNo: number;
  lines: number;
  /** Characters of base64 text (about 4/3 of the compressed size). */
  chars: number;
}

export interface ApportField {
  key: string;
  value: string;
  lineNo: number;
}

export interface ApportReport {
  fields: Record<string, ApportField>;
  base64: ApportBase64Field[];
  problemType?: string;
  date?: string;
  executablePath?: string;
  signal?: number;
  procCmdline?: string;
  uname?: string;
  package?: string;
  /** Function names of `Stacktrace` frames (`#0  0x… in fn (…)`). */
  stacktrace: string[];
}

const KEY = /^([A-Za-z][\w.-]*):(?: (.*))?$/;

/** Parses a report line by line; `lines` may be a lazy iterable so a large core blob is never held. */
export function parseApportCrash(lines: Iterable<string>): ApportReport {
  const fields: Record<string, ApportField> = {};
  const base64: ApportBase64Field[] = [];
  let current: ApportField | null = null;
  let blob: ApportBase64Field | null = null;
  let lineNo = 0;
  const parts: string[] = [];
  const flush = (): void => {
    if (current) {
      current.value = parts.join('\n');
      fields[current.key] = current;
    }
    current = null;
    parts.length = 0;
  };
  for (const raw of lines) {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith(' ')) {
      if (blob) {
        blob.lines++;
        blob.chars += line.length - 1;
      } else if (current) {
        parts.push(line.slice(1));
      }
      continue;
    }
    const m = KEY.exec(line);
    if (!m) continue;
    flush();
    blob = null;
    if (m[2] === 'base64') {
      blob = { key: m[1]!, lineNo, lines: 0, chars: 0 };
      base64.push(blob);
      continue;
    }
    current = { key: m[1]!, value: '', lineNo };
    if (m[2] !== undefined && m[2] !== '') parts.push(m[2]);
  }
  flush();
  const report: ApportReport = { fields, base64, stacktrace: [] };
  const get = (k: string): string | undefined => fields[k]?.value;
  const set = <K extends keyof ApportReport>(k: K, v: ApportReport[K] | undefined): void => {
    if (v !== undefined) report[k] = v;
  };
  set('problemType', get('ProblemType'));
  set('date', get('Date'));
  set('executablePath', get('ExecutablePath'));
  const sig = get('Signal');
  if (sig !== undefined && /^\d+$/.test(sig.trim())) report.signal = Number(sig.trim());
  set('procCmdline', get('ProcCmdline'));
  set('uname', get('Uname'));
  set('package', get('Package'));
  const st = get('Stacktrace');
  if (st) {
    for (const l of st.split('\n')) {
      const f = /^#\d+\s+(?:0x[0-9a-f]+ in )?([^\s(]+)/.exec(l);
      if (f) report.stacktrace.push(f[1]!);
    }
  }
  return report;
}
