import { linesFromText, type RecordLine } from '../../../src/shared/model/log';
import { readCorpus } from '../../helpers/corpus';

/** The kern.log embedded in a hotsos scenario (a YAML block scalar; its first line sets the indent). */
export function hotsosKernLog(yaml: string): string {
  const out: string[] = [];
  let inBlock = false;
  let indent = '';
  for (const line of yaml.split('\n')) {
    if (/^\s{4}var\/log\/kern\.log: \|$/.test(line)) {
      inBlock = true;
      continue;
    }
    if (inBlock) {
      if (indent === '') indent = /^\s*/.exec(line)?.[0] ?? '';
      if (indent.length <= 4 || !line.startsWith(indent)) break;
      out.push(line.slice(indent.length));
    }
  }
  return out.join('\n');
}

/** A corpus file as the ingest would give it: hotsos scenarios yield their kern.log only. */
export function corpusLines(folder: string, file: string): RecordLine[] {
  const raw = readCorpus(folder, file).toString('latin1');
  const text = file.startsWith('hotsos__') ? hotsosKernLog(raw) : raw;
  return linesFromText(text, `${folder}/${file}`);
}
