/**
 * Microbenchmark of the ingest text layer: splitter, + decode, + sniff + per-line parse, over a
 * generated deterministic syslog (default 200 MB of ~110-byte lines). Prints MB/s and lines/s.
 * Run: npx tsx scripts/bench-textlayer.ts [sizeMB]
 */
import { performance } from 'node:perf_hooks';
import { createRecordReader, sniff } from '../src/main/engine/formats/registry';
import { decodeBytes } from '../src/main/engine/ingest/decode';
import { LineSplitter } from '../src/main/engine/ingest/lines';

const sizeMb = Number(process.argv[2] ?? 200);
const CHUNK = 4 * 1024 * 1024;

function generate(bytes: number): Buffer {
  let seed = 42;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  const hosts = ['video-stream', 'db01', 'web-3', 'compute4'];
  const progs = ['kernel', 'systemd[1]', 'sshd[2020]', 'containerd[1994]', 'CRON[31051]', 'dockerd[3624]'];
  const msgs = [
    'WARNING: [write_iter] inode ifops has restore.',
    'Started Session 42 of user root.',
    'Accepted publickey for ubuntu from 10.0.0.2 port 53422 ssh2: RSA SHA256:abc',
    '(root) CMD (touch /var/run/crond.somecheck)',
    '[ 1867]     0  1867    58693       43      17       3        0             0 lxcfs',
    'level=info msg="shim reaped" id=4ebca70fe5bffef91f0e4d355ecceca3',
  ];
  const out = Buffer.alloc(bytes);
  let pos = 0;
  let t = 0;
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  while (pos < bytes - 200) {
    t += Math.floor(rnd() * 3);
    const day = 1 + (Math.floor(t / 86400) % 28);
    const hh = String(Math.floor(t / 3600) % 24).padStart(2, '0');
    const mm = String(Math.floor(t / 60) % 60).padStart(2, '0');
    const ss = String(t % 60).padStart(2, '0');
    const m = mon[Math.floor(t / (86400 * 28)) % 12]!;
    const line = `${m} ${String(day).padStart(2, ' ')} ${hh}:${mm}:${ss} ${hosts[Math.floor(rnd() * hosts.length)]} ${progs[Math.floor(rnd() * progs.length)]}: ${msgs[Math.floor(rnd() * msgs.length)]}\n`;
    pos += out.write(line, pos, 'latin1');
  }
  return out.subarray(0, pos);
}

function run(name: string, data: Buffer, body: () => number): void {
  const t0 = performance.now();
  const lines = body();
  const ms = performance.now() - t0;
  const mb = data.length / 1e6;
  console.log(
    `${name.padEnd(34)} ${(mb / (ms / 1000)).toFixed(0).padStart(6)} MB/s ${(((lines / ms) * 1000) / 1e6).toFixed(2).padStart(6)} M lines/s ${ms.toFixed(0).padStart(7)} ms`,
  );
}

const data = generate(sizeMb * 1e6);
console.log(
  `generated ${(data.length / 1e6).toFixed(0)} MB syslog, chunks of ${CHUNK / 1048576} MiB, node ${process.version}`,
);

const feed = (sink: ConstructorParameters<typeof LineSplitter>[0]): void => {
  const sp = new LineSplitter(sink);
  for (let i = 0; i < data.length; i += CHUNK) sp.push(data.subarray(i, i + CHUNK));
  sp.end();
};

for (let rep = 0; rep < 2; rep++) {
  run('split', data, () => {
    let n = 0;
    feed({ line: () => void n++, nulRun: () => undefined });
    return n;
  });
  run('split + decode', data, () => {
    let n = 0;
    let chars = 0;
    feed({
      line: (b, s, e) => {
        chars += decodeBytes(b, s, e, 'utf-8').length;
        n++;
      },
      nulRun: () => undefined,
    });
    return chars > 0 ? n : 0;
  });
  run('split + decode + sniff + parse', data, () => {
    let n = 0;
    let headers = 0;
    const first: string[] = [];
    let reader: ReturnType<typeof createRecordReader> | undefined;
    feed({
      line: (b, s, e) => {
        const text = decodeBytes(b, s, e, 'utf-8');
        n++;
        if (!reader) {
          first.push(text);
          if (first.length < 200) return;
          reader = createRecordReader(sniff(first, 'messages').format);
          for (const l of first) if (reader.push(l)?.parsed?.ts) headers++;
          return;
        }
        if (reader.push(text)?.parsed?.ts) headers++;
      },
      nulRun: () => undefined,
    });
    if (headers < n * 0.99) throw new Error(`only ${headers} of ${n} lines parsed`);
    return n;
  });
}
