/**
 * Kernel taint flags (Documentation/admin-guide/tainted-kernels.rst): the letters printed
 * after `Tainted:` and the bits of /proc/sys/kernel/tainted.
 */

export interface TaintFlag {
  bit: number;
  letter: string;
  meaning: string;
}

export const TAINT_FLAGS: readonly TaintFlag[] = [
  { bit: 0, letter: 'P', meaning: 'proprietary module was loaded' },
  { bit: 1, letter: 'F', meaning: 'module was force loaded' },
  { bit: 2, letter: 'S', meaning: 'kernel running on an out of specification system' },
  { bit: 3, letter: 'R', meaning: 'module was force unloaded' },
  { bit: 4, letter: 'M', meaning: 'processor reported a Machine Check Exception (MCE)' },
  { bit: 5, letter: 'B', meaning: 'bad page referenced or some unexpected page flags' },
  { bit: 6, letter: 'U', meaning: 'taint requested by userspace application' },
  { bit: 7, letter: 'D', meaning: 'kernel died recently, i.e. there was an OOPS or BUG' },
  { bit: 8, letter: 'A', meaning: 'ACPI table overridden by user' },
  { bit: 9, letter: 'W', meaning: 'kernel issued warning' },
  { bit: 10, letter: 'C', meaning: 'staging driver was loaded' },
  { bit: 11, letter: 'I', meaning: 'workaround for bug in platform firmware applied' },
  { bit: 12, letter: 'O', meaning: 'externally-built ("out-of-tree") module was loaded' },
  { bit: 13, letter: 'E', meaning: 'unsigned module was loaded' },
  { bit: 14, letter: 'L', meaning: 'soft lockup occurred' },
  { bit: 15, letter: 'K', meaning: 'kernel has been live patched' },
  { bit: 16, letter: 'X', meaning: 'auxiliary taint, defined for and used by distros' },
  { bit: 17, letter: 'T', meaning: 'kernel was built with the struct randomization plugin' },
  { bit: 18, letter: 'N', meaning: 'an in-kernel test has been run' },
  { bit: 19, letter: 'J', meaning: 'userspace used a mutating debug operation in fwctl' },
];

export interface DecodedTaint {
  /** The letters as printed, e.g. "G OE" → ["O","E"]; "G" alone means not tainted. */
  letters: string[];
  flags: TaintFlag[];
  /** Letters that are not in the table (a newer kernel). */
  unknown: string[];
  tainted: boolean;
}

/** Decodes the text after `Tainted:` up to the kernel version, e.g. `G           OE  `. */
export function decodeTaintLetters(field: string): DecodedTaint {
  const letters: string[] = [];
  const flags: TaintFlag[] = [];
  const unknown: string[] = [];
  // `P` or `G` in the first column says proprietary or GPL-only; other columns are one letter each.
  const trimmed = field.trim();
  for (let i = 0; i < trimmed.length; i++) {
    const ch = trimmed[i]!;
    if (ch === ' ' || (i === 0 && ch === 'G')) continue;
    letters.push(ch);
    const flag = TAINT_FLAGS.find((f) => f.letter === ch);
    if (flag) flags.push(flag);
    else unknown.push(ch);
  }
  return { letters, flags, unknown, tainted: letters.length > 0 };
}

/** Decodes /proc/sys/kernel/tainted (a decimal bitmask). */
export function decodeTaintMask(mask: number): DecodedTaint {
  const flags = TAINT_FLAGS.filter((f) => (mask & (2 ** f.bit)) !== 0);
  const knownBits = TAINT_FLAGS.reduce((acc, f) => acc + 2 ** f.bit, 0);
  const unknown = mask & ~knownBits ? [`bits 0x${(mask & ~knownBits).toString(16)}`] : [];
  return { letters: flags.map((f) => f.letter), flags, unknown, tainted: mask !== 0 };
}
