/**
 * The `syslog` Monarch grammar and the viewer's light and dark themes. Colours the parts an
 * engineer scans for: the timestamp, host, program[pid], kernel subsystem prefixes
 * (`EXT4-fs error`, `Out of memory:`), severity words, IPs, hex addresses, paths and quoted strings.
 */
import { monaco } from './monaco';

export const SYSLOG_LANGUAGE = 'syslog';
export const THEME_LIGHT = 'pm-light';
export const THEME_DARK = 'pm-dark';

const CRIT_WORDS =
  /\b(?:[Kk]ernel panic|not syncing|[Oo]ops|BUG|panic|PANIC|emerg|EMERG|alert|ALERT|crit|CRIT|critical|CRITICAL|fatal|FATAL|soft lockup|hard LOCKUP|segfault|Call Trace|general protection fault)\b/;
const ERR_WORDS =
  /\b(?:error|ERROR|Error|err|ERR|failed|FAILED|Failed|failure|Failure|fail|denied|Out of memory|Killed process|oom-kill(?:er)?|timed out|I\/O error|blocked for more than)\b/;
const WARN_WORDS = /\b(?:warning|WARNING|Warning|warn|WARN|Warn|tainted|Tainted|deprecated)\b/;
const INFO_WORDS = /\b(?:notice|NOTICE|info|INFO|debug|DEBUG)\b/;

const message: monaco.languages.IMonarchLanguageRule[] = [
  [/"(?:[^"\\]|\\.)*"/, 'string'],
  [/'(?:[^'\\\s]|\\.)*'/, 'string'],
  [CRIT_WORDS, 'sev.crit'],
  [ERR_WORDS, 'sev.err'],
  [WARN_WORDS, 'sev.warn'],
  [INFO_WORDS, 'sev.info'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/, 'ip'],
  [/\b(?:[0-9a-fA-F]{1,4}:){3,7}[0-9a-fA-F]{1,4}\b/, 'ip'],
  [/\b0x[0-9a-fA-F]+\b/, 'hex'],
  [/\b[0-9a-f]{8,16}\b/, 'hex'],
  [/(?:\/[\w.@+-]+)+\/?/, 'path'],
  [/\b\d+(?:\.\d+)?(?:[kKMG]i?B|kB|ms|s)?\b/, 'number'],
  [/[A-Za-z_][\w-]*/, ''],
  [/./, ''],
];

// Lines are tokenized with their LF so every state can return to the root at the end of a line
// (Monarch otherwise carries a state into the next line).
const EOL: monaco.languages.IMonarchLanguageRule = [/\n/, { token: '', next: '@popall' }];
const TO_TEXT: monaco.languages.IMonarchLanguageRule = [/(?=.)/, { token: '', next: '@text' }];

const language: monaco.languages.IMonarchLanguage = {
  defaultToken: '',
  ignoreCase: false,
  includeLF: true,
  tokenizer: {
    root: [
      // Syslog (`Jun  6 21:33:01 host prog[pid]: msg`) and ISO-8601 (rsyslog high-precision) headers.
      [/^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}(?:\.\d+)?/, { token: 'date', next: '@host' }],
      [
        /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/,
        { token: 'date', next: '@host' },
      ],
      // dmesg / kmsg: `[12345.678901] subsystem: message`.
      [/^\[\s*\d+\.\d+\]/, { token: 'date.boot', next: '@subsystem' }],
      [/\n/, ''],
      ...message,
    ],
    host: [EOL, [/[ \t]+/, ''], [/[\w.:-]+(?=\s)/, { token: 'host', next: '@program' }], TO_TEXT],
    program: [
      EOL,
      [/[ \t]+/, ''],
      [/kernel(?=:)/, { token: 'program.kernel', next: '@afterProgram' }],
      [/[\w./@()-]+(?:\[\d+\])?(?=:)/, { token: 'program', next: '@afterProgram' }],
      TO_TEXT,
    ],
    afterProgram: [EOL, [/:/, { token: 'delimiter', next: '@kernelTime' }], TO_TEXT],
    kernelTime: [
      EOL,
      [/[ \t]+/, ''],
      [/\[\s*\d+\.\d+\]/, { token: 'date.boot', next: '@subsystem' }],
      [/(?=.)/, { token: '', next: '@subsystem' }],
    ],
    subsystem: [
      EOL,
      [/[ \t]+/, ''],
      // `EXT4-fs (sda1):`, `usb 1-1:`, `Out of memory:`, `oom-kill:`, `[write_iter]`.
      [/\[[\w-]+\]/, { token: 'subsystem', next: '@text' }],
      [/[A-Za-z][\w-]*(?: \(?[\w.:-]+\)?)?:(?=\s|$)/, { token: 'subsystem', next: '@text' }],
      TO_TEXT,
    ],
    text: [EOL, ...message],
  },
};

function rules(dark: boolean): monaco.editor.ITokenThemeRule[] {
  const c = dark
    ? {
        date: '7fb5d9',
        boot: '8fb3c9',
        host: 'c0a3e3',
        program: '6fc3a8',
        kernel: 'e0b45e',
        sub: 'd7a4ff',
        crit: 'ff6b6b',
        err: 'ff8a70',
        warn: 'e5c07b',
        info: '8aa2b8',
        ip: '61afef',
        hex: 'b5cea8',
        path: '9cdcfe',
        str: 'ce9178',
        num: 'b5cea8',
      }
    : {
        date: '2b5d8a',
        boot: '51708a',
        host: '7a3e9d',
        program: '0b7a5c',
        kernel: '9a5b00',
        sub: '8132b0',
        crit: 'c0001a',
        err: 'c4320a',
        warn: '9a6b00',
        info: '5b6b7a',
        ip: '005fb8',
        hex: '3c7a2e',
        path: '1b5e8c',
        str: 'a3410e',
        num: '3c7a2e',
      };
  return [
    { token: 'date', foreground: c.date },
    { token: 'date.boot', foreground: c.boot },
    { token: 'host', foreground: c.host },
    { token: 'program', foreground: c.program, fontStyle: 'bold' },
    { token: 'program.kernel', foreground: c.kernel, fontStyle: 'bold' },
    { token: 'subsystem', foreground: c.sub },
    { token: 'sev.crit', foreground: c.crit, fontStyle: 'bold' },
    { token: 'sev.err', foreground: c.err, fontStyle: 'bold' },
    { token: 'sev.warn', foreground: c.warn, fontStyle: 'bold' },
    { token: 'sev.info', foreground: c.info },
    { token: 'ip', foreground: c.ip },
    { token: 'hex', foreground: c.hex },
    { token: 'path', foreground: c.path },
    { token: 'string', foreground: c.str },
    { token: 'number', foreground: c.num },
  ];
}

let registered = false;

export function registerSyslog(): void {
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: SYSLOG_LANGUAGE });
  monaco.languages.setMonarchTokensProvider(SYSLOG_LANGUAGE, language);
  monaco.editor.defineTheme(THEME_LIGHT, { base: 'vs', inherit: true, rules: rules(false), colors: {} });
  monaco.editor.defineTheme(THEME_DARK, {
    base: 'vs-dark',
    inherit: true,
    rules: rules(true),
    colors: { 'editor.background': '#1b1d21' },
  });
}
