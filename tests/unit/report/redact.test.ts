import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/main/report/redact';
import { corpusAvailable, readCorpus } from '../../helpers/corpus';
import { SAMPLE_TREE } from '../../helpers/tmp';

const ALL = { hostnames: true, ips: true, users: true, terms: [] as string[] };
const syslog = readFileSync(path.join(SAMPLE_TREE, 'var/log/syslog'), 'utf8');

describe('Redactor', () => {
  it('replaces the sample host everywhere with one pseudonym, case-insensitively', () => {
    const r = new Redactor(ALL, { hosts: ['video-stream'], users: [] });
    const out = r.document(syslog + '\nVIDEO-STREAM.example.com said hi\n');
    expect(out.toLowerCase()).not.toContain('video-stream');
    expect(out).toContain('Jun  6 21:33:13 host-1 kernel: stream_convert invoked oom-killer');
    expect(out).toContain('host-1.example.com said hi');
    expect(r.replacements()).toEqual([{ kind: 'hostname', original: 'video-stream', pseudonym: 'host-1' }]);
  });

  it('gives IPv4 and IPv6 addresses consistent documentation-range pseudonyms and leaves times, MACs and loopback alone', () => {
    const r = new Redactor(ALL, { hosts: [], users: [] });
    const text =
      'Accepted publickey for deploy from 10.20.30.40 port 22; 10.20.30.40 again, 172.16.0.9, fe80::1c2:3dff:fe4e:5f6a%eth0 and 2400:cb00:2048:1::c629:d7a2 at 21:33:14 mac 52:54:00:12:34:56 lo 127.0.0.1 kernel 4.4.0-150';
    const out = r.text(text);
    expect(out).toContain('from 192.0.2.1 port 22; 192.0.2.1 again, 192.0.2.2');
    expect(out).toContain('2001:db8::1 and 2001:db8::2');
    expect(out).toContain('at 21:33:14 mac 52:54:00:12:34:56 lo 127.0.0.1 kernel 4.4.0-150');
    expect(out).not.toMatch(/10\.20\.30\.40|172\.16\.0\.9|2400:cb00/);
    // `Accepted … for deploy` names a user.
    expect(out).toContain('for user-1 from');
    // A second pass over already redacted text changes nothing.
    expect(r.text(out)).toBe(out);
  });

  it('learns user names from wtmp/last, user=, /home and uid=N(name), but never system accounts', () => {
    const r = new Redactor(ALL, { hosts: [], users: ['alice', 'root', 'reboot'] });
    const out = r.document(
      'pam_unix(sshd:session): session opened for user bob by (uid=0)\nalice ran /home/carol/run.sh; uid=1001(dave) user=erin; root stays root\nalicel is another word',
    );
    expect(out).toContain('session opened for user user-');
    expect(out).not.toMatch(/\b(alice|bob|carol|dave|erin)\b/);
    expect(out).toContain('root stays root');
    // User names are replaced as whole words only.
    expect(out).toContain('alicel is another word');
    const kinds = r.replacements().map((x) => `${x.kind}:${x.original}`);
    expect(kinds).toEqual(
      expect.arrayContaining(['user:alice', 'user:bob', 'user:carol', 'user:dave', 'user:erin']),
    );
    expect(kinds).not.toContain('user:root');
  });

  it('replaces custom terms case-insensitively and can be switched off per kind', () => {
    const r = new Redactor(
      { hostnames: false, ips: false, users: false, terms: ['RapidStor', 'Acme Corp'] },
      {
        hosts: ['video-stream'],
        users: ['alice'],
      },
    );
    const out = r.text('video-stream rapidstor ACME CORP alice 10.1.1.1');
    expect(out).toBe('video-stream term-1 term-2 alice 10.1.1.1');
  });

  it('redacts HTML text and attribute values without touching markup or the style sheet', () => {
    const r = new Redactor({ ...ALL, terms: ['div', 'sans'] }, { hosts: ['video-stream'], users: [] });
    const html =
      '<html><head><style>div { font-family: "DejaVu Sans" }</style><title>video-stream &amp; div</title></head><body><div title="video-stream">Host video-stream &lt;div&gt;</div><svg><text>video-stream</text></svg></body></html>';
    const out = r.html(html);
    expect(out).toContain('<style>div { font-family: "DejaVu Sans" }</style>');
    expect(out).toContain('<title>host-1 &amp; term-1</title>');
    expect(out).toContain('<div title="host-1">Host host-1 &lt;term-1&gt;</div>');
    expect(out).toContain('<svg><text>host-1</text></svg>');
  });
});

describe('Redactor: version strings shaped like IPv4 addresses', () => {
  const corpusLine = (file: string, lineNo: number): string =>
    readCorpus(file).toString('utf8').split('\n')[lineNo - 1] ?? '';
  const HOTSOS_JOURNAL =
    'f-sos/hotsos_openstack_sosreport/sos_commands/logs/journalctl_--no-pager_--catalog_--boot_-1';

  it('keeps kernel, package and dotted versions in lines machines print, and still replaces the addresses', () => {
    const r = new Redactor(ALL, { hosts: [], users: [] });
    const lines = [
      'Jun  8 10:10:01 host kernel: [    0.000000] Linux version 4.15.0.1-generic (buildd@lcy01-amd64-023) #52-Ubuntu SMP',
      'Jun  8 10:10:01 host kernel: [    0.000000] Linux version 5.4.0-42-generic (buildd@lgw01-amd64-038) (gcc version 9.3.0 (Ubuntu 9.3.0-10ubuntu2)) #46-Ubuntu SMP',
      '2022-06-08 10:11:02 status installed libfoo1:amd64 2.3.4.5-1ubuntu1',
      'Version: 2.3.4.5-1ubuntu1',
      'Jun  8 10:11:09 host kernel: igb 0000:03:00.0: FW version 1.63.0.0, ip 10.20.30.40',
      'Jun  8 10:11:10 host sshd[981]: Accepted publickey for root from 10.20.30.41 port 51514 ssh2',
      'Jun  8 10:11:11 host dhclient[700]: DHCPACK of 172.16.5.9 from 172.16.5.1',
      'Jun  8 10:11:12 host dnsmasq[812]: using nameserver 10.1.10.1#53 for range 10.1.10.2-10.1.10.9',
    ];
    const out = r.text(lines.join('\n')).split('\n');
    expect(out[0]).toContain('Linux version 4.15.0.1-generic');
    expect(out[1]).toContain('Linux version 5.4.0-42-generic');
    expect(out[2]).toContain('libfoo1:amd64 2.3.4.5-1ubuntu1');
    expect(out[3]).toBe('Version: 2.3.4.5-1ubuntu1');
    expect(out[4]).toContain('FW version 1.63.0.0, ip 192.0.2.1');
    expect(out[5]).toContain('from 192.0.2.2 port 51514');
    expect(out[6]).toContain('DHCPACK of 192.0.2.3 from 192.0.2.4');
    // An address range is two addresses, not a version with a revision.
    expect(out[7]).toContain('nameserver 192.0.2.5#53 for range 192.0.2.6-192.0.2.7');
    expect(r.replacements().filter((x) => x.kind === 'ip')).toHaveLength(7);
  });

  it.skipIf(!corpusAvailable)(
    'in real logs: deb epochs and file names, a git-describe version, a kernel release',
    () => {
      const r = new Redactor(ALL, { hosts: [], users: [] });
      // canonical/hotsos (Apache-2.0): apt output in a journal, and an address in the same journal.
      const unpack = corpusLine(HOTSOS_JOURNAL, 2812);
      const deb = corpusLine(HOTSOS_JOURNAL, 2811);
      const agent = corpusLine(HOTSOS_JOURNAL, 2996);
      expect(unpack).toContain('(1:20.04.10.10) over (1:20.04.10.9)');
      expect(r.text(unpack)).toBe(unpack);
      expect(deb).toContain('_1%3a20.04.10.10_all.deb');
      expect(r.text(deb)).toBe(deb);
      expect(agent).toContain('https://10.0.0.217:17070/');
      expect(r.text(agent)).toContain('https://192.0.2.1:17070/');
      expect(r.text(agent)).toContain('/tools/2.9.22-ubuntu-amd64');
      // abrt/satyr (GPL, read in place): the abrt version file is a git-describe string.
      const abrt = readCorpus('e-crash/satyr__problem_dir/abrt_version').toString('utf8');
      expect(abrt).toBe('2.8.0.43.gf3f1');
      expect(r.text(abrt)).toBe(abrt);
      // abrt (GPL): a kernel release in an oops header.
      const pid = corpusLine('a-syslog/abrt__not_oops2.test.template', 19);
      expect(pid).toContain('(2.6.27.9-159.fc10.i686 #1)');
      expect(r.text(pid)).toBe(pid);
      // tstack/lnav (BSD-2-Clause): an address at the end of a sentence is still an address.
      const avahi = corpusLine('a-syslog/lnav__logfile_partitions.0', 80);
      expect(avahi).toMatch(/from host 10\.1\.10\.10\.$/);
      expect(r.text(avahi)).toMatch(/from host 192\.0\.2\.2\.$/);
      expect(r.replacements().map((x) => x.original)).toEqual(['10.0.0.217', '10.1.10.10']);
    },
  );

  it('keeps versions in HTML text and Markdown documents too', () => {
    const r = new Redactor(ALL, { hosts: [], users: [] });
    const html = r.html(
      '<p title="kernel 4.15.0.1">Linux version 4.15.0.1 on 10.9.8.7 — libfoo 2.3.4.5-1ubuntu1</p>',
    );
    expect(html).toBe(
      '<p title="kernel 4.15.0.1">Linux version 4.15.0.1 on 192.0.2.1 — libfoo 2.3.4.5-1ubuntu1</p>',
    );
    const md = r.document('- `linux-image-4.15.0.1` upgraded; peer 10.9.8.7 and 10.9.8.6\n');
    expect(md).toBe('- `linux-image-4.15.0.1` upgraded; peer 192.0.2.1 and 192.0.2.2\n');
  });
});
