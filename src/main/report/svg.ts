/**
 * The OOM memory ledger as an inline SVG: a vector chart in the PDF (Chromium keeps SVG as
 * paths and text), no script, no external reference. Every label is escaped.
 */
import type { OomLedger } from '../../shared/model/oom';
import type { ReportLang } from '../../shared/model/report';
import { esc } from './html';
import { LEDGER_ZH, WORDS } from './i18n';

const COLORS: Record<string, string> = {
  free: '#2da44e',
  anon: '#cf222e',
  shmem: '#bf8700',
  file: '#0969da',
  unevictable: '#8250df',
  slabReclaimable: '#1b7c83',
  slabUnreclaimable: '#57606a',
  pagetables: '#bc4c00',
  kernelStack: '#6e7781',
  hugetlb: '#953800',
  reserved: '#424a53',
  unaccounted: '#d0d7de',
};

export function ledgerSvg(ledger: OomLedger, lang: ReportLang): string {
  const total = ledger.totalRamKb;
  if (total === null || total <= 0) return '';
  const zh = lang === 'zh-CN';
  const items = ledger.items
    .filter((i) => i.kb > 0)
    .map((i) => ({
      key: i.key,
      label: zh ? (LEDGER_ZH[i.key] ?? i.label) : i.label,
      kb: i.kb,
      human: i.human,
    }));
  if (ledger.unaccountedKb !== null && ledger.unaccountedKb > 0)
    items.push({
      key: 'unaccounted',
      label: WORDS[lang].unaccounted,
      kb: ledger.unaccountedKb,
      human: ledger.unaccountedHuman ?? '',
    });
  const W = 640;
  const barY = 28;
  const barH = 26;
  const sum = Math.max(
    total,
    items.reduce((a, i) => a + i.kb, 0),
  );
  let x = 0;
  const rects: string[] = [];
  for (const i of items) {
    const w = (i.kb / sum) * W;
    rects.push(
      `<rect x="${x.toFixed(2)}" y="${barY}" width="${Math.max(w, 0.5).toFixed(2)}" height="${barH}" fill="${COLORS[i.key] ?? '#8c959f'}"><title>${esc(i.label)}: ${esc(i.human)}</title></rect>`,
    );
    x += w;
  }
  // Legend: two columns, biggest first.
  const legend = [...items].sort((a, b) => b.kb - a.kb);
  const rowH = 16;
  const legendY = barY + barH + 18;
  const cells = legend.map((i, n) => {
    const col = n % 2;
    const row = Math.floor(n / 2);
    const lx = col * (W / 2);
    const ly = legendY + row * rowH;
    const pct = ((i.kb / total) * 100).toFixed(i.kb / total < 0.01 ? 2 : 1);
    return `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${COLORS[i.key] ?? '#8c959f'}"/><text x="${lx + 15}" y="${ly}" font-size="10">${esc(i.label)} — ${esc(i.human)} (${pct} %)</text>`;
  });
  const H = legendY + Math.ceil(legend.length / 2) * rowH;
  const title = `${WORDS[lang].chartTitle}: ${ledger.totalRamHuman ?? ''}`;
  return `<figure class="chart"><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(title)}" font-family="inherit"><text x="0" y="14" font-size="12" font-weight="600">${esc(title)}</text>${rects.join('')}${cells.join('')}</svg></figure>`;
}
