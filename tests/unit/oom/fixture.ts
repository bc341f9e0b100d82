/** Reads the OOM fixtures (MIT/Apache copies of real reports) and turns text into lines. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { linesFromText, type RecordLine } from '../../../src/shared/model/log';
import { analyzeOom, analyzeOomCase } from '../../../src/main/engine/analysis/oom';
import type { OomReport } from '../../../src/shared/model/oom';

const DIR = path.resolve(__dirname, '../../fixtures/oom');

export function fixture(prefix: string): string {
  const name = [
    '03-rhel6-2.6.32-431-global-java.log',
    '04-rhel7-3.10.0-514-global-mysqld.log',
    '06-ubuntu-3.13.0-27-global-badsysprogram.log',
    '10-gentoo-4.8.0-memcg-v1-docker-memhog.log',
    '13-rhel8-4.18.0-553-global-cache-main.log',
    '16-ubuntu-5.13-sysrq-manual-oom.log',
    '17-proxmox-5.15.158-memcg-v2-lxc-php-fpm.log',
    '18-arch-6.1.1-global-doxygen.log',
  ].find((f) => f.startsWith(prefix));
  if (!name) throw new Error(`no fixture ${prefix}`);
  return readFileSync(path.join(DIR, name), 'utf8');
}

/** Lines of a text, without a trailing blank line. */
export function textLines(text: string): string[] {
  const parts = text.split(/\r?\n/);
  while (parts.length > 0 && parts[parts.length - 1]!.trim() === '') parts.pop();
  return parts;
}

export function lines(text: string, sourcePath = 'input', sourceId = 1): RecordLine[] {
  return linesFromText(text, sourcePath, sourceId);
}

export function one(text: string): OomReport {
  const reports = analyzeOom(lines(text));
  if (reports.length !== 1) throw new Error(`expected one report, got ${reports.length}`);
  return reports[0]!;
}

export { analyzeOom, analyzeOomCase };
