/**
 * npm run bench:archives — decode throughput of Postmortem's stream decoders (gzip: node zlib;
 * xz: xz-decompress WASM; bzip2: bzip2.ts, ours; zstd: fzstd) on a generated log, each beside
 * the system tool on the same file (`gzip -dc`, `xz -dc`, `bzip2 -dc`, `zstd -dc`) when it is
 * installed. BENCH_ARCHIVE_MB sets the size (default 256). The system tools are used only to
 * make the compressed copies and as the yardstick; the product never shells out.
 *
 * Each decode runs in its own process (this script with --decode) so its peak RSS is its own.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { type CompressionFormat, DEFAULT_LIMITS, decompress } from '../src/main/engine/ingest/containers';
import { generateSyslog } from './bench/gen-syslog';
import { has, measure } from './bench/measure';

const ROOT = path.resolve(__dirname, '..');
const MB = Number(process.env.BENCH_ARCHIVE_MB ?? 256);
const DATA = path.join(ROOT, 'bench-data');

const FORMATS: Array<{ format: CompressionFormat; ext: string; tool: string; make: string[] }> = [
  { format: 'gzip', ext: 'gz', tool: 'gzip', make: [] },
  // sos's default: xz preset 3 (linux-artefacts §2.6)
  { format: 'xz', ext: 'xz', tool: 'xz', make: ['xz', '-3', '-T1', '-c'] },
  { format: 'bzip2', ext: 'bz2', tool: 'bzip2', make: ['bzip2', '-9', '-c'] },
  { format: 'zstd', ext: 'zst', tool: 'zstd', make: ['zstd', '-3', '-q', '-c'] },
];

/** Child mode: decode one file with the product's decoder and print bytes and time as JSON. */
async function decodeOnly(format: CompressionFormat, file: string): Promise<void> {
  const started = performance.now();
  const size = statSync(file).size;
  const out = decompress(
    format,
    createReadStream(file, { highWaterMark: 1 << 20 }),
    path.basename(file),
    size,
    DEFAULT_LIMITS,
    { used: 0 },
  );
  let bytes = 0;
  for await (const c of out) bytes += (c as Buffer).length;
  process.stdout.write(JSON.stringify({ bytes, ms: performance.now() - started }) + '\n');
}

function mbps(bytes: number, ms: number): string {
  return ((bytes / 1024 / 1024) * (1000 / ms)).toFixed(1);
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const file = path.join(DATA, `archives-${MB}mb.log`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${file} (${MB} MB)…\n`);
    const g = await generateSyslog(file, { targetBytes: MB * 1024 * 1024 });
    process.stderr.write(`  ${g.lines} lines, ${g.bytes} bytes\n`);
  }
  const size = statSync(file).size;
  const rows: string[][] = [];
  for (const f of FORMATS) {
    const packed = `${file}.${f.ext}`;
    if (!existsSync(packed)) {
      if (f.format === 'gzip') {
        process.stderr.write(`compressing ${packed}…\n`);
        await pipeline(createReadStream(file), createGzip({ level: 6 }), createWriteStream(packed));
      } else if (has(f.tool)) {
        process.stderr.write(`compressing ${packed} with ${f.make.join(' ')}…\n`);
        execFileSync('sh', [
          '-c',
          `${f.make.join(' ')} '${file}' > '${packed}.part' && mv '${packed}.part' '${packed}'`,
        ]);
      } else {
        rows.push([f.format, '-', '-', '-', '-', `${f.tool} not installed: no .${f.ext} copy to decode`]);
        continue;
      }
    }
    const packedSize = statSync(packed).size;
    const m = await measure(process.execPath, [
      ...process.execArgv,
      __filename,
      '--decode',
      f.format,
      packed,
    ]);
    if (m.code !== 0) {
      rows.push([f.format, '-', '-', '-', '-', `decode failed: ${m.stderr.trim().split('\n').pop() ?? ''}`]);
      continue;
    }
    const r = JSON.parse(m.stdout.trim()) as { bytes: number; ms: number };
    if (r.bytes !== size) throw new Error(`${packed}: decoded ${r.bytes} bytes, expected ${size}`);
    let toolCell = 'not installed';
    if (has(f.tool)) {
      const t = await measure('sh', ['-c', `${f.tool} -dc '${packed}' > /dev/null`]);
      toolCell = `${mbps(size, t.wallMs)} MB/s (${(t.wallMs / 1000).toFixed(2)} s)`;
    }
    rows.push([
      f.format,
      `${(packedSize / 1024 / 1024).toFixed(1)} MB (${(size / packedSize).toFixed(1)}:1)`,
      `${mbps(size, r.ms)} MB/s (${(r.ms / 1000).toFixed(2)} s)`,
      `${(m.peakRssBytes / 1024 / 1024).toFixed(0)} MB`,
      toolCell,
      '',
    ]);
  }
  const head = [
    'format',
    'compressed',
    'Postmortem decode (expanded MB/s)',
    'peak RSS',
    `${'system tool -dc'}`,
    'note',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(
    `decode of ${file} (${(size / 1024 / 1024).toFixed(0)} MB expanded), ${new Date().toISOString()}, ` +
      `${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}\n`,
  );
  process.stdout.write(line(head) + '\n' + rows.map(line).join('\n') + '\n');
}

if (process.argv[2] === '--decode') {
  decodeOnly(process.argv[3] as CompressionFormat, process.argv[4]!).catch((err: unknown) => {
    process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  });
}
