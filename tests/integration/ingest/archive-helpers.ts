/**
 * Builds test archives in the tests themselves: tar (tar-stream), zip (a small writer below:
 * stored or deflate members, Unix modes for symbolic links, UTF-8 or raw names), and xz, bzip2,
 * zstd through the system tools when present (the product never shells out; only test setup
 * does, and tests skip with the reason when a tool is missing).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { deflateRawSync } from 'node:zlib';
import * as tar from 'tar-stream';

export interface TarMember {
  name: string;
  body?: Buffer | string;
  type?: 'file' | 'symlink' | 'link' | 'directory' | 'fifo';
  linkname?: string;
  mtime?: Date;
}

export async function tarBuffer(members: readonly TarMember[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  })();
  for (const m of members) {
    const header = { name: m.name, mtime: m.mtime ?? new Date(Date.UTC(2022, 5, 8, 2, 30)) };
    if (m.type && m.type !== 'file') pack.entry({ ...header, type: m.type, linkname: m.linkname ?? '' });
    else pack.entry(header, typeof m.body === 'string' ? Buffer.from(m.body) : (m.body ?? Buffer.alloc(0)));
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export async function writeTarFile(file: string, members: readonly TarMember[]): Promise<void> {
  const buf = await tarBuffer(members);
  await pipeline(
    (async function* () {
      yield buf;
    })(),
    createWriteStream(file),
  );
}

export interface ZipMemberSpec {
  name: string | Buffer;
  body?: Buffer | string;
  /** Deflate (method 8) instead of stored. */
  deflate?: boolean;
  symlink?: boolean;
  /** Set the UTF-8 name flag (bit 11). Default: true for string names. */
  utf8?: boolean;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip file (PKWARE APPNOTE 4.3.7 local headers, 4.3.12 central directory, 4.3.16 end record). */
export function zipBuffer(members: readonly ZipMemberSpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  // 2022-06-08 02:30:00 in DOS format.
  const dosTime = (2 << 11) | (30 << 5);
  const dosDate = ((2022 - 1980) << 9) | (6 << 5) | 8;
  for (const m of members) {
    const name = typeof m.name === 'string' ? Buffer.from(m.name, 'utf8') : m.name;
    const utf8 = m.utf8 ?? typeof m.name === 'string';
    const data = typeof m.body === 'string' ? Buffer.from(m.body) : (m.body ?? Buffer.alloc(0));
    const stored = m.deflate ? deflateRawSync(data) : data;
    const crc = crc32(data);
    const method = m.deflate ? 8 : 0;
    const flags = utf8 ? 0x800 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, stored);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made on Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    const mode = m.symlink ? 0o120777 : 0o100644;
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + stored.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Compresses with a system tool (`xz`, `bzip2`, `zstd`); null when the tool is not installed. */
export function compressWith(tool: 'xz' | 'bzip2' | 'zstd', data: Buffer): Buffer | null {
  const args = tool === 'zstd' ? ['-q', '-c', '-3'] : ['-c', tool === 'xz' ? '-3' : '-9'];
  const r = spawnSync(tool, args, { input: data, maxBuffer: 1 << 30 });
  if (r.error || r.status !== 0) return null;
  return r.stdout;
}

export function hasTool(tool: string): boolean {
  const r = spawnSync(tool, ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}
