/** Human units for kB quantities (binary multiples, as free(1) -h prints them). */
export function humanKb(kb: number): string {
  const neg = kb < 0;
  let v = Math.abs(kb);
  const units = ['kB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const s = u === 0 ? String(Math.round(v)) : v >= 100 ? v.toFixed(0) : v.toFixed(1);
  return `${neg ? '−' : ''}${s} ${units[u]}`;
}
