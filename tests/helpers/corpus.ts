import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The shared real-world corpus beside the checkout (`../shared/corpus`), or null with the reason. */
export const SHARED_DIR = path.resolve(__dirname, '../../../shared');
export const CORPUS_DIR = path.join(SHARED_DIR, 'corpus');
export const SEED_FILE = path.join(SHARED_DIR, 'seed', '000_a357afd59c4adbac.txt');

export const corpusAvailable = existsSync(CORPUS_DIR);
export const corpusSkipReason = `../shared/corpus not found at ${CORPUS_DIR}: tests that read the real-world corpus are skipped`;
if (!corpusAvailable) console.warn(`[skip] ${corpusSkipReason}`);

/** The seed incident beside the checkout (`../shared/seed/000_a357afd59c4adbac.txt`), or the reason. */
export const seedAvailable = existsSync(SEED_FILE);
export const seedSkipReason = `../shared seed not found at ${SEED_FILE}: tests that read the seed incident are skipped`;
if (!seedAvailable) console.warn(`[skip] ${seedSkipReason}`);

export function corpusPath(...parts: string[]): string {
  return path.join(CORPUS_DIR, ...parts);
}

export function readCorpus(...parts: string[]): Buffer {
  return readFileSync(corpusPath(...parts));
}

export function listCorpus(folder: string): string[] {
  return readdirSync(corpusPath(folder))
    .filter((f) => f !== 'MANIFEST.tsv' && f !== 'README.md')
    .sort();
}

/** Rows of a MANIFEST.tsv as objects keyed by its header line. */
export function readManifest(folder?: string): Record<string, string>[] {
  const file = folder ? corpusPath(folder, 'MANIFEST.tsv') : corpusPath('MANIFEST.tsv');
  const [head, ...rows] = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const cols = (head ?? '').split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i] ?? `c${i}`, v])));
}
