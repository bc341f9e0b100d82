/**
 * Redaction of an exported report or timeline: host names, IP addresses, user names and custom
 * terms become consistent pseudonyms (host-1, 192.0.2.1, 2001:db8::1, user-1, term-1) across
 * everything one Redactor sees. IPs use the documentation ranges (RFC 5737, RFC 3849), which
 * never belong to a real machine. The list of replacements is for the case, never the report.
 */
import { isIPv6 } from 'node:net';
import type { Redaction, RedactionSettings } from '../../shared/model/report';

/** Accounts that identify no one (left as they are). */
const SYSTEM_USERS = new Set([
  'root',
  'reboot',
  'shutdown',
  'runlevel',
  'wtmp',
  'btmp',
  'utmp',
  'login',
  'nobody',
  'daemon',
  'bin',
  'sys',
  'sync',
  'syslog',
  'messagebus',
  'www-data',
  'sshd',
  'polkitd',
  'dbus',
  'ntp',
  'chrony',
  'postfix',
  'mail',
  'news',
  'uucp',
  'proxy',
  'backup',
  'list',
  'irc',
  'gnats',
  'man',
  'lp',
  'games',
  'unknown',
  'invalid',
  'user',
  'users',
]);
const NOT_HOSTS = new Set([
  'localhost',
  'localhost.localdomain',
  'localdomain',
  '(none)',
  'kernel',
  'ubuntu',
]);
const PSEUDONYM = /^(?:host|user|term|ip)-\d+$/;
/** Shorter names are only replaced as whole words (a host called "db" must not eat "mysqldb"). */
const SUBSTRING_MIN = 4;

const IPV4 =
  '(?<![\\w.])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?![\\w]|\\.\\d)';
const IPV6_CANDIDATE = '(?<![\\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%\\w+)?(?![\\w:])';
const KEEP_IPS = new Set(['0.0.0.0', '127.0.0.1', '255.255.255.255', '::', '::1']);

/** Where user names show up in log text: `user=alice`, `for user alice`, `/home/alice`, `uid=1000(alice)`, `acct="alice"`. */
const USER_PATTERNS: RegExp[] = [
  /\b(?:user|USER|ruser|acct|login|LOGNAME|username)[=:]\s?"?([A-Za-z_][\w.-]{0,31})/g,
  /\bfor (?:invalid |illegal )?user "?([A-Za-z_][\w.-]{0,31})/g,
  /\b(?:Accepted|Failed) \w+ for (?:invalid user )?([A-Za-z_][\w.-]{0,31}) from/g,
  /\/home\/([A-Za-z_][\w.-]{0,31})/g,
  /\buid=\d+\(([A-Za-z_][\w.-]{0,31})\)/g,
  /\bsession (?:opened|closed) for user ([A-Za-z_][\w.-]{0,31})/g,
];

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const HTML_DECODE: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};
function decodeHtml(s: string): string {
  return s.replace(/&(?:amp|lt|gt|quot|#39);/g, (m) => HTML_DECODE[m] ?? m);
}
function encodeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

export interface RedactorSeed {
  hosts: readonly string[];
  users: readonly string[];
}

export class Redactor {
  /** lower-case original → replacement. */
  private readonly map = new Map<string, Redaction>();
  private readonly counters = { hostname: 0, ip4: 0, ip6: 0, user: 0, term: 0 };
  private termsRe: RegExp | null = null;
  private dirty = true;
  private readonly ipRe: RegExp | null;

  constructor(
    readonly settings: RedactionSettings,
    seed: RedactorSeed,
  ) {
    if (settings.hostnames)
      for (const h of seed.hosts) {
        const name = h.trim();
        if (name.length >= 2 && !NOT_HOSTS.has(name.toLowerCase())) {
          this.add('hostname', name);
          // The short name of an FQDN is the same machine.
          const short = name.split('.')[0] ?? '';
          if (short !== name && short.length >= 2 && !NOT_HOSTS.has(short.toLowerCase()))
            this.add('hostname', short);
        }
      }
    if (settings.users) for (const u of seed.users) this.addUser(u);
    for (const t of settings.terms) if (t.trim()) this.add('term', t.trim());
    this.ipRe = settings.ips ? new RegExp(`${IPV4}|${IPV6_CANDIDATE}`, 'g') : null;
  }

  get active(): boolean {
    return (
      this.settings.hostnames || this.settings.ips || this.settings.users || this.settings.terms.length > 0
    );
  }

  private addUser(name: string): void {
    const n = name.trim();
    // Our own pseudonyms are not names to learn (redacting twice changes nothing).
    if (n.length < 2 || SYSTEM_USERS.has(n.toLowerCase()) || /^\d+$/.test(n) || PSEUDONYM.test(n)) return;
    this.add('user', n);
  }

  private add(kind: Redaction['kind'], original: string): Redaction {
    const key = original.toLowerCase();
    const have = this.map.get(key);
    if (have) return have;
    let pseudonym: string;
    if (kind === 'hostname') pseudonym = `host-${++this.counters.hostname}`;
    else if (kind === 'user') pseudonym = `user-${++this.counters.user}`;
    else if (kind === 'term') pseudonym = `term-${++this.counters.term}`;
    else if (original.includes(':')) pseudonym = `2001:db8::${(++this.counters.ip6).toString(16)}`;
    else pseudonym = ipv4Pseudonym(++this.counters.ip4);
    const r: Redaction = { kind, original, pseudonym };
    this.map.set(key, r);
    this.dirty = true;
    return r;
  }

  private compiled(): RegExp | null {
    if (!this.dirty) return this.termsRe;
    this.dirty = false;
    const names = [...this.map.values()].filter((r) => r.kind !== 'ip').map((r) => r.original);
    if (names.length === 0) {
      this.termsRe = null;
      return null;
    }
    const longFirst = (a: string, b: string): number => b.length - a.length;
    const free = names.filter(
      (n) => n.length >= SUBSTRING_MIN && this.map.get(n.toLowerCase())?.kind !== 'user',
    );
    const bounded = names.filter((n) => !free.includes(n));
    const parts: string[] = [];
    if (free.length) parts.push(`(?:${free.sort(longFirst).map(escapeRe).join('|')})`);
    if (bounded.length)
      parts.push(`(?<![A-Za-z0-9_])(?:${bounded.sort(longFirst).map(escapeRe).join('|')})(?![A-Za-z0-9_])`);
    this.termsRe = new RegExp(parts.join('|'), 'gi');
    return this.termsRe;
  }

  /** Learns user names from text (`user=`, `/home/…`, …) without changing it. */
  discover(text: string): void {
    if (!this.settings.users) return;
    for (const re of USER_PATTERNS) {
      re.lastIndex = 0;
      for (const m of text.matchAll(re)) if (m[1]) this.addUser(m[1]);
    }
  }

  /** Redacts plain text (discovering user names in it first). */
  text(input: string): string {
    if (!this.active || input === '') return input;
    this.discover(input);
    let out = input;
    const re = this.compiled();
    if (re) out = out.replace(re, (m) => this.map.get(m.toLowerCase())?.pseudonym ?? m);
    if (this.ipRe)
      out = out.replace(this.ipRe, (m: string, at: number, whole: string) => {
        if (KEEP_IPS.has(m)) return m;
        if (m.includes(':')) {
          const bare = m.split('%')[0] ?? m;
          if (!isIPv6(bare) || (!bare.includes('::') && bare.split(':').length < 8)) return m;
          if (/^2001:db8:/i.test(bare)) return m;
          return this.add('ip', bare).pseudonym;
        }
        if (m.startsWith('127.') || /^(?:192\.0\.2|198\.51\.100|203\.0\.113)\./.test(m)) return m;
        if (isVersionAt(whole, at, at + m.length)) return m;
        return this.add('ip', m).pseudonym;
      });
    return out;
  }

  /**
   * Redacts an HTML document we generated: text between tags and quoted attribute values
   * (decoded, redacted, re-escaped), never tag or attribute names.
   */
  html(doc: string): string {
    if (!this.active) return doc;
    // Learn every user name first, so the first mention is replaced like the later ones.
    this.discover(decodeHtml(doc.replace(/<style[\s\S]*?<\/style>/g, ' ').replace(/<[^>]*>/g, ' ')));
    return doc
      .split(/(<style[^>]*>[\s\S]*?<\/style>)/)
      .map((part) =>
        part.startsWith('<style')
          ? part
          : part.replace(/(<[^>]*>)|([^<]+)/g, (_m, tag: string | undefined, text: string | undefined) => {
              if (text !== undefined) return encodeHtml(this.text(decodeHtml(text)));
              return (tag ?? '').replace(
                /="([^"]*)"/g,
                (_a, v: string) => `="${encodeHtml(this.text(decodeHtml(v)))}"`,
              );
            }),
      )
      .join('');
  }

  /** Markdown or any text document: discover over the whole first, then replace. */
  document(doc: string): string {
    if (!this.active) return doc;
    this.discover(doc);
    return this.text(doc);
  }

  replacements(): Redaction[] {
    return [...this.map.values()];
  }
}

/** Words that introduce a version: `Linux version 4.15.0.1`, `Version: 2.3.4.5-1ubuntu1`, `fw 1.63.0.0`. */
const VERSION_WORD =
  /(?:^|[^A-Za-z])(?:(?:version|ver|release|firmware|fw|bios|build|rev|revision)\s*[:=]?\s*|(?:kernel|linux)\s+|v)$/i;
const IPV4_AT_START = /^(?:\d{1,3}\.){3}\d{1,3}(?![\w.])/;

/**
 * True when the dotted quad at `start…end` of `s` is a version string rather than an address:
 * a deb epoch before it (`1:20.04.10.10`, `_1%3a20.04.10.10_all.deb`), a package name
 * (`linux-image-4.15.0.1`, `pkg_2.3.4.5`), a `v` or a word such as `version`/`kernel`/`fw`;
 * or a revision after it (`2.3.4.5-1ubuntu1`, `2.6.27.9-159.fc10.i686`, `1.2.3.4~bpo`,
 * `1.2.3.4+dfsg`, git-describe `2.8.0.43.gf3f1`). An address range `10.0.0.1-10.0.0.9` stays an address.
 */
export function isVersionAt(s: string, start: number, end: number): boolean {
  const before = s.slice(Math.max(0, start - 24), start);
  if (/\d:$/.test(before) || /%3a$/i.test(before)) return true;
  if (/[A-Za-z][\w+.]*[-_]$/.test(before) && !/(?:^|\s)(?:from|to|via|at|src|dst)[-_]$/i.test(before))
    return true;
  if (VERSION_WORD.test(before)) return true;
  const after = s.slice(end, end + 24);
  if (/^[~+][0-9A-Za-z]/.test(after)) return true;
  if (/^\.g[0-9a-f]{4,}\b/.test(after)) return true;
  if (/^-[0-9A-Za-z]/.test(after) && !IPV4_AT_START.test(after.slice(1))) return true;
  return false;
}

function ipv4Pseudonym(n: number): string {
  const nets = ['192.0.2', '198.51.100', '203.0.113'];
  const net = nets[Math.floor((n - 1) / 254)];
  return net ? `${net}.${((n - 1) % 254) + 1}` : `ip-${n}`;
}
