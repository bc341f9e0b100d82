import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/main/report/redact';
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
