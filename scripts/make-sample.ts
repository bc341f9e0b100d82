/**
 * Builds resources/samples/seed-incident.tar.gz from resources/samples/seed-incident/,
 * byte-for-byte reproducible: sorted members, fixed owner and mode, fixed mtime, gzip
 * header without a name or time. Run: npx tsx scripts/make-sample.ts
 */
import { createWriteStream, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import * as tar from 'tar-stream';

const ROOT = path.resolve(__dirname, '../resources/samples/seed-incident');
const OUT = path.resolve(__dirname, '../resources/samples/seed-incident.tar.gz');
// The customer collected the archive after the forced reboot of Wed Jun 8 2022 10:10 (+08:00).
export const SAMPLE_MTIME = new Date('2022-06-08T10:30:00+08:00');

// Members in the order a customer's `tar` of /var/log first, then the sos-style extras, would
// hold them; the minimal ingest shows sources in archive order.
const ORDER = ['var', 'sos_commands', 'proc'];
const rank = (name: string): number => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);

function walk(dir: string, rel = ''): string[] {
  return readdirSync(dir)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .flatMap((name) => {
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      return statSync(abs).isDirectory() ? [`${r}/`, ...walk(abs, r)] : [r];
    });
}

async function main(): Promise<void> {
  const pack = tar.pack();
  const members = walk(ROOT);
  const header = { mtime: SAMPLE_MTIME, uid: 0, gid: 0, uname: 'root', gname: 'root' };
  const done = pipeline(pack, createGzip({ level: 9 }), createWriteStream(OUT));
  for (const m of members) {
    if (m.endsWith('/')) pack.entry({ ...header, name: m, type: 'directory', mode: 0o755 });
    else pack.entry({ ...header, name: m, mode: 0o644 }, readFileSync(path.join(ROOT, m)));
  }
  pack.finalize();
  await done;
  console.log(`wrote ${OUT} (${members.length} members)`);
}

void main();
