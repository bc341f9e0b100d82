/**
 * A deterministic, realistic syslog for the benchmarks: RFC3164 lines from several hosts
 * and programs (sshd, CRON, systemd, kernel, dockerd, containerd, rsyslogd…), kernel
 * messages, a few complete OOM reports (the seed's, re-timed), reboots with boot banners,
 * and floods of one repeated warning. Same seed, same bytes.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';

class Rng {
  constructor(private s: number) {}
  next(): number {
    // mulberry32
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HOSTS = ['video-stream', 'video-stream', 'video-stream', 'db-primary', 'edge-03'];
const USERS = ['root', 'deploy', 'ubuntu', 'backup', 'monitor'];
const IPS = ['10.20.1.17', '10.20.1.23', '192.168.122.1', '172.17.0.4', '203.0.113.9'];

function stamp(ms: number): string {
  const d = new Date(ms);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const t = d.toISOString().slice(11, 19);
  return `${MONTHS[d.getUTCMonth()]} ${day} ${t}`;
}

type Gen = (r: Rng, host: string, ts: number) => string;

const PROGRAMS: [number, Gen][] = [
  [
    18,
    (r, h) =>
      `${h} sshd[${1000 + r.int(60000)}]: Accepted publickey for ${r.pick(USERS)} from ${r.pick(IPS)} port ${1024 + r.int(60000)} ssh2: RSA SHA256:${'k3Jd9aQ2xq0Wm4ZpL8vN1cR7tY5uE6oI0pA3sD2fG1h'.slice(r.int(10))}`,
  ],
  [
    8,
    (r, h) =>
      `${h} sshd[${1000 + r.int(60000)}]: pam_unix(sshd:session): session closed for user ${r.pick(USERS)}`,
  ],
  [
    14,
    (r, h) =>
      `${h} CRON[${1000 + r.int(60000)}]: (root) CMD (   cd / && run-parts --report /etc/cron.hourly)`,
  ],
  [10, (r, h) => `${h} systemd[1]: Started Session ${r.int(9000)} of user ${r.pick(USERS)}.`],
  [6, (r, h) => `${h} systemd[1]: Starting Cleanup of Temporary Directories...`],
  [
    12,
    (r, h, ts) =>
      `${h} containerd: time="${new Date(ts).toISOString().replace('Z', '000000+00:00')}" level=info msg="shim containerd-shim started" address="/containerd-shim/moby/${r.int(1e9).toString(16).padStart(8, '0')}/shim.sock" debug=false pid=${r.int(40000)}`,
  ],
  [
    8,
    (r, h, ts) =>
      `${h} dockerd: time="${new Date(ts).toISOString().replace('Z', '000000+00:00')}" level=info msg="ignoring event" module=libcontainerd namespace=moby topic=/tasks/delete type="*events.TaskDelete"`,
  ],
  [
    10,
    (r, h) =>
      `${h} kernel: [${r.int(900000)}.${String(r.int(999999)).padStart(6, '0')}] IPv4: martian source ${r.pick(IPS)} from ${r.pick(IPS)}, on dev eth0`,
  ],
  [
    6,
    (r, h) =>
      `${h} kernel: [${r.int(900000)}.${String(r.int(999999)).padStart(6, '0')}] EXT4-fs (vda1): re-mounted. Opts: errors=remount-ro`,
  ],
  [
    5,
    (r, h) =>
      `${h} kernel: [${r.int(900000)}.${String(r.int(999999)).padStart(6, '0')}] docker0: port ${1 + r.int(8)}(veth${r.int(1e7).toString(16)}) entered forwarding state`,
  ],
  [
    4,
    (r, h) =>
      `${h} rsyslogd: [origin software="rsyslogd" swVersion="8.16.0" x-pid="${1000 + r.int(3000)}" x-info="http://www.rsyslog.com"] rsyslogd was HUPed`,
  ],
  [
    3,
    (r, h) =>
      `${h} systemd-journald[${200 + r.int(300)}]: Forwarding to syslog missed ${1 + r.int(20)} messages.`,
  ],
  [4, (r, h) => `${h} dhclient[${1700 + r.int(100)}]: DHCPACK of ${r.pick(IPS)} from 10.20.0.1`],
  [3, (r, h) => `${h} ntpd[${1100 + r.int(100)}]: adjusting local clock by ${(r.next() * 0.2).toFixed(6)}s`],
  [
    3,
    (r, h) =>
      `${h} node_exporter[1976]: level=error ts=${Date.now()} caller=textfile.go:197 collector=textfile msg="failed to read textfile collector directory" path=/var/lib/node_exporter err="open /var/lib/node_exporter: no such file or directory"`,
  ],
];
const TOTAL_WEIGHT = PROGRAMS.reduce((a, [w]) => a + w, 0);

export interface GenOptions {
  targetBytes: number;
  seed?: number;
  /** UTC ms of the first line. */
  start?: number;
  seedSyslog?: string;
}

/** Writes the file; resolves with its line count. */
export async function generateSyslog(
  file: string,
  opts: GenOptions,
): Promise<{ lines: number; bytes: number }> {
  const r = new Rng(opts.seed ?? 20220606);
  const seedFile =
    opts.seedSyslog ?? path.resolve(__dirname, '../../resources/samples/seed-incident/var/log/syslog');
  const oomBody = readFileSync(seedFile, 'utf8')
    .split('\n')
    .filter((l) => /^J?un {2}6 21:33:1[34] /.test(l))
    .map((l) => l.replace(/^J?un {2}6 21:33:1[34] video-stream /, ''));
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let ts = opts.start ?? Date.UTC(2022, 0, 3, 0, 0, 0);
  let bytes = 0;
  let lines = 0;
  let buf: string[] = [];
  let bufLen = 0;
  const emit = (line: string): void => {
    buf.push(line);
    bufLen += line.length + 1;
    lines++;
  };
  const drain = async (): Promise<void> => {
    const chunk = buf.join('\n') + '\n';
    buf = [];
    bytes += Buffer.byteLength(chunk);
    bufLen = 0;
    if (!out.write(chunk)) await new Promise<void>((res) => out.once('drain', () => res()));
  };
  while (bytes + bufLen < opts.targetBytes) {
    ts += r.int(400);
    const host = r.pick(HOSTS);
    const roll = r.int(1_000_000);
    if (roll < 3) {
      // a full OOM report, as the seed's kernel printed it
      for (const body of oomBody) emit(`${stamp(ts)} video-stream ${body}`);
    } else if (roll < 5) {
      // a reboot: banner lines of a fresh boot
      ts += 60_000 + r.int(600_000);
      emit(
        `${stamp(ts)} ${host} rsyslogd: [origin software="rsyslogd" swVersion="8.16.0" x-pid="1885" x-info="http://www.rsyslog.com"] start`,
      );
      emit(`${stamp(ts)} ${host} kernel: [    0.000000] Initializing cgroup subsys cpuset`);
      emit(
        `${stamp(ts)} ${host} kernel: [    0.000000] Linux version 4.4.0-150-generic (buildd@lgw01-amd64-040) (gcc version 5.4.0 20160609 (Ubuntu 5.4.0-6ubuntu1~16.04.10) ) #176-Ubuntu SMP Wed May 29 18:56:26 UTC 2019 (Ubuntu 4.4.0-150.176-generic 4.4.179)`,
      );
      emit(
        `${stamp(ts)} ${host} kernel: [    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-4.4.0-150-generic root=UUID=5c7a9e0b-1f0e-4d7a-9a3e-2b6f1d2c3e4f ro console=tty1 console=ttyS0`,
      );
    } else if (roll < 40) {
      // a flood: one kernel warning every 10 s for a while
      const n = 50 + r.int(500);
      for (let i = 0; i < n; i++) {
        ts += 10_000;
        emit(`${stamp(ts)} video-stream kernel: WARNING: [write_iter] inode ifops has restore.`);
      }
    } else {
      let x = r.int(TOTAL_WEIGHT);
      for (const [w, gen] of PROGRAMS) {
        if (x < w) {
          emit(`${stamp(ts)} ${gen(r, host, ts)}`);
          break;
        }
        x -= w;
      }
    }
    if (bufLen > 1 << 20) await drain();
  }
  if (buf.length) await drain();
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
  return { lines, bytes };
}
