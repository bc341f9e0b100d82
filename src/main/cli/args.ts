import { parseArgs } from 'node:util';
import type { ReportOptions } from '../../shared/model/report';

export const USAGE =
  'usage: postmortem <index|analyze|report|serve> [case.pmcase | input...] [options]  (postmortem --help)';

export const HELP = `Postmortem — offline forensic workbench for Linux incidents

  postmortem index <input...> [-o case.pmcase] [--json]
      Index archives, folders or files into a case. Progress on stderr.
      Exit 0, or 3 when some inputs failed (the rest is indexed; each error named).
  postmortem analyze [case.pmcase | input...] [--json]
      Print the case's findings. --json prints one document (see docs/cli.md).
  postmortem report [case.pmcase | input...] -o report.pdf [--html f] [--md f]
                    [--jsonl f] [--timesketch f] [--lang zh-CN|en] [--redact] [--paper A4|Letter]
      Write the incident report as PDF (Chromium's print engine), self-contained HTML
      and/or Markdown; every line and finding as JSONL or Timesketch CSV. --redact
      replaces host names, IP addresses, user names with pseudonyms (list kept in the case).
  postmortem serve [case.pmcase | input...] [--port N] [--json-ready]
      Serve the workbench UI on 127.0.0.1 with a random token; prints the URL.

With no input, commands use the built-in sample case (the seed incident).
Inputs: folders, files, archives (tar, tar.gz, tar.xz, tar.bz2, tar.zst, zip; nested)
and single compressed files (.gz, .xz, .bz2, .zst).
Environment: POSTMORTEM_HOME (cases folder, default ~/.local/share/postmortem),
POSTMORTEM_CHROMIUM (browser used to print PDFs).
`;

export class UsageError extends Error {}

export interface CliArgs {
  command: 'index' | 'analyze' | 'report' | 'serve' | 'help' | 'version';
  inputs: string[];
  output: string | null;
  html: string | null;
  md: string | null;
  jsonl: string | null;
  timesketch: string | null;
  report: ReportOptions;
  json: boolean;
  jsonReady: boolean;
  port: number;
}

const COMMANDS = ['index', 'analyze', 'report', 'serve'] as const;
const PAPERS = ['A4', 'Letter'] as const;

export function parseCli(argv: string[]): CliArgs {
  const first = argv[0];
  if (first === undefined) throw new UsageError('no command given');
  if (first === '--help' || first === '-h' || first === 'help') return base('help');
  if (first === '--version' || first === '-v') return base('version');
  if (!(COMMANDS as readonly string[]).includes(first))
    throw new UsageError(`unknown command ${JSON.stringify(first)}`);
  const command = first as CliArgs['command'];
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(1),
      allowPositionals: true,
      strict: true,
      options: {
        output: { type: 'string', short: 'o' },
        html: { type: 'string' },
        md: { type: 'string' },
        jsonl: { type: 'string' },
        timesketch: { type: 'string' },
        lang: { type: 'string' },
        redact: { type: 'boolean' },
        paper: { type: 'string' },
        json: { type: 'boolean', default: false },
        'json-ready': { type: 'boolean', default: false },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const v = parsed.values;
  if (v.help) return base('help');
  const port = v.port === undefined ? 0 : Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port takes a number from 0 to 65535, not ${JSON.stringify(v.port)}`);
  if (command === 'index' && parsed.positionals.length === 0)
    throw new UsageError('index needs at least one input');
  const reportOnly = (['html', 'md', 'jsonl', 'timesketch', 'lang', 'redact', 'paper'] as const).filter(
    (k) => v[k] !== undefined,
  );
  if (command !== 'report' && reportOnly.length > 0)
    throw new UsageError(`--${reportOnly[0]} is for the report command`);
  if (command === 'report' && !v.output && !v.html && !v.md && !v.jsonl && !v.timesketch)
    throw new UsageError('report needs at least one of -o report.pdf, --html, --md, --jsonl, --timesketch');
  const lang =
    v.lang === undefined ? 'en' : v.lang.toLowerCase() === 'zh-cn' || v.lang === 'zh' ? 'zh-CN' : v.lang;
  if (lang !== 'en' && lang !== 'zh-CN')
    throw new UsageError(`--lang takes zh-CN or en, not ${JSON.stringify(v.lang)}`);
  const paper = v.paper === undefined ? 'A4' : PAPERS.find((p) => p.toLowerCase() === v.paper!.toLowerCase());
  if (!paper) throw new UsageError(`--paper takes A4 or Letter, not ${JSON.stringify(v.paper)}`);
  if (command !== 'serve' && (v.port !== undefined || v['json-ready']))
    throw new UsageError('--port and --json-ready are for the serve command');
  if ((command === 'analyze' || command === 'serve') && v.output)
    throw new UsageError(`-o is not an option of ${command}`);
  return {
    command,
    inputs: parsed.positionals,
    output: v.output ?? null,
    html: v.html ?? null,
    md: v.md ?? null,
    jsonl: v.jsonl ?? null,
    timesketch: v.timesketch ?? null,
    report: { lang, redact: v.redact ?? false, paper },
    json: v.json ?? false,
    jsonReady: v['json-ready'] ?? false,
    port,
  };
}

function base(command: CliArgs['command']): CliArgs {
  return {
    command,
    inputs: [],
    output: null,
    html: null,
    md: null,
    jsonl: null,
    timesketch: null,
    report: { lang: 'en', redact: false, paper: 'A4' },
    json: false,
    jsonReady: false,
    port: 0,
  };
}
