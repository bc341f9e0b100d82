/** /proc/meminfo: `Key:   123 kB` (values in kB unless unit-less, like HugePages_Total). */

export interface MeminfoEntry {
  key: string;
  /** kB for kB lines, a count otherwise. */
  value: number;
  unit: 'kB' | '';
  lineNo: number;
}

const LINE = /^([\w()]+):\s+(\d+)(?: (kB))?\s*$/;

export function parseMeminfo(text: string): Record<string, MeminfoEntry> {
  const out: Record<string, MeminfoEntry> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const m = LINE.exec(line);
    if (m) out[m[1]!] = { key: m[1]!, value: Number(m[2]), unit: m[3] ? 'kB' : '', lineNo: i + 1 };
  });
  return out;
}
