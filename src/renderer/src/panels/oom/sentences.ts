/**
 * The analyser writes its sentences in English. In another language the panel rebuilds each
 * sentence from the report's own numbers (never by translating the text), so every value stays
 * the one the model holds; a code it does not know keeps the analyser's sentence.
 */
import type { Lang } from '../../i18n';
import type { OomCrossReport, OomFinding, OomReport, OomZone } from '../../../../shared/model/oom';
import { formatGap, humanKb, orderKb } from './format';
import type { OomKey, OomT } from './messages';

const TAINT_LETTERS = new Set('PFSRMBUDAWCIOELKXTNJ');

export function zoneName(z: OomZone): string {
  return z.node !== null ? `Node ${z.node} ${z.zone}` : z.zone;
}

function zoneOf(r: OomReport, f: OomFinding): OomZone | undefined {
  const ids = new Set(f.evidence.map((e) => e.lineId));
  return r.zones.find((z) => z.evidence.some((e) => ids.has(e.lineId)));
}

export function taintText(letters: string[], t: OomT): string {
  return letters.map((l) => (TAINT_LETTERS.has(l) ? t(`taint.${l}` as OomKey) : l)).join(t('list.sep'));
}

/** The score sentence: the analyser's own in English, rebuilt from the numbers otherwise. */
export function scoreSentence(r: OomReport, lang: Lang, t: OomT): string {
  const s = r.score;
  if (lang === 'en') return s.verdict;
  const other = s.variants.find((v) => v.score !== s.computed)?.score;
  const needsOther = s.result === 'match-with-discount' || s.result === 'match-without-discount';
  if (needsOther && other === undefined) return s.verdict;
  if (
    (s.result === 'match' || s.result === 'mismatch' || needsOther) &&
    (s.computed === null || s.printed === null)
  )
    return s.verdict;
  return t(`f.score.${s.result}` as OomKey, {
    computed: String(s.computed ?? ''),
    printed: String(s.printed ?? ''),
    other: String(other ?? ''),
  });
}

function victimFinding(r: OomReport, lang: Lang, t: OomT): string | null {
  const v = r.victim;
  if (!v) return null;
  const sizes = [
    v.anonRssKb !== null ? `anon-rss ${humanKb(v.anonRssKb, lang)}` : '',
    v.fileRssKb !== null ? `file-rss ${humanKb(v.fileRssKb, lang)}` : '',
    v.shmemRssKb !== null ? `shmem-rss ${humanKb(v.shmemRssKb, lang)}` : '',
    v.totalVmKb !== null ? `total-vm ${humanKb(v.totalVmKb, lang)}` : '',
  ].filter((x) => x !== '');
  const killer =
    r.kind === 'memcg' ? 'f.victim.memcg' : r.kind === 'manual' ? 'f.victim.manual' : 'f.victim.global';
  return t('f.victim', {
    killer: t(killer),
    comm: v.comm,
    pid: String(v.pid),
    uid: v.uid !== null ? t('f.victim.uid', { uid: String(v.uid) }) : '',
    sizes: sizes.length > 0 ? `：${sizes.join('，')}` : '',
  });
}

function triggerFinding(r: OomReport, t: OomT): string | null {
  const g = r.trigger;
  if (!g || !g.gfpMask) return null;
  return t('f.trigger', {
    comm: g.pid !== null ? `${g.comm}（pid ${g.pid}）` : g.comm,
    order: String(g.order ?? 0),
    size: `${orderKb(g.order ?? 0)}kB`,
    mask: g.gfpMask,
    flags: g.gfpFlags.join(' | ') || '?',
    table: g.gfpTable ?? '?',
    unknown: g.gfpUnknownBits ? t('f.trigger.unknown', { bits: g.gfpUnknownBits }) : '',
    where:
      r.kind === 'memcg'
        ? t('f.trigger.memcg')
        : t('f.trigger.zones', { zones: g.gfpZones.join(t('list.sep')) }),
  });
}

function zoneFinding(r: OomReport, f: OomFinding, lang: Lang, t: OomT): string | null {
  const z = zoneOf(r, f);
  if (!z || z.freeKb === null || z.minKb === null) return null;
  if (f.code === 'zone-below-min')
    return t('f.belowMin', {
      zone: zoneName(z),
      free: String(z.freeKb),
      min: String(z.minKb),
      short: humanKb(z.minKb - z.freeKb, lang),
      unusable: z.usable ? '' : t('f.belowMin.unusable'),
    });
  if (z.requiredKb === null) return null;
  const short = f.code === 'zone-reserve-short';
  return t(short ? 'f.reserveShort' : 'f.reserveOk', {
    zone: zoneName(z),
    free: String(z.freeKb),
    min: String(z.minKb),
    reserve: String(z.requiredKb - z.minKb),
    required: String(z.requiredKb),
    gap: humanKb(Math.abs(z.requiredKb - z.freeKb), lang),
  });
}

function fragmentationFinding(r: OomReport, f: OomFinding, t: OomT): string | null {
  const ids = new Set(f.evidence.map((e) => e.lineId));
  const zones = r.zones.filter((z) => z.buddy?.evidence.some((e) => ids.has(e.lineId)));
  if (zones.length === 0 || r.trigger?.order === null || r.trigger?.order === undefined) return null;
  const parts = zones.map((z) =>
    t('f.fragmentation.zone', {
      zone: zoneName(z),
      free: String(z.freeKb ?? '?'),
      largest: String(z.largestFreeOrder ?? '—'),
    }),
  );
  return t('f.fragmentation', { zones: parts.join('；'), order: String(r.trigger.order) });
}

function swapFinding(r: OomReport, f: OomFinding, lang: Lang, t: OomT): string | null {
  const s = r.ledger.swap;
  if (f.code === 'no-swap') return t('f.noSwap');
  if (f.code === 'swap-exhausted' && s.totalKb !== null && s.freeKb !== null)
    return t('f.swapExhausted', { free: String(s.freeKb), total: String(s.totalKb) });
  if (f.code === 'swap' && s.configured === true && s.totalKb !== null)
    return t('f.swap', { total: humanKb(s.totalKb, lang) });
  if (f.code === 'swap' && s.configured === null && r.kind !== 'memcg') return t('f.swapUnknown');
  return null;
}

function auditFinding(r: OomReport, t: OomT): string | null {
  const a = r.audit;
  const v = r.victim;
  if (!v || a.victimRank === null) return null;
  if (a.victimRank === 1) return t('f.auditTop', { pid: String(v.pid), comm: v.comm, count: a.eligibleRows });
  // Why the top row was spared is the analyser's reasoning: keep its sentence rather than lose it.
  return null;
}

function ledgerFinding(r: OomReport, f: OomFinding, lang: Lang, t: OomT): string | null {
  const l = r.ledger;
  if (l.totalRamKb === null) return null;
  if (f.code === 'ledger') {
    const parts = l.items
      .filter((i) => i.kb > 0)
      .map((i) => `${ledgerLabel(i.key, i.label, t)} ${humanKb(i.kb, lang)}`);
    const rest = l.unaccountedKb ?? 0;
    return t('f.ledger', {
      total: humanKb(l.totalRamKb, lang),
      parts: parts.join(t('list.sep')),
      rest:
        rest >= 0
          ? t('f.ledger.unaccounted', { size: humanKb(rest, lang) })
          : t('ledger.overlap', { size: humanKb(-rest, lang) }),
    });
  }
  const rest = l.unaccountedKb ?? 0;
  return t('f.ledgerUnaccounted', {
    size: humanKb(rest, lang),
    percent: String(Math.round((rest * 100) / l.totalRamKb)),
  });
}

const LEDGER_KEYS = new Set([
  'free',
  'anon',
  'shmem',
  'file',
  'unevictable',
  'slabReclaimable',
  'slabUnreclaimable',
  'pagetables',
  'kernelStack',
  'hugetlb',
  'reserved',
  'slab',
  'percpu',
  'sock',
]);

export function ledgerLabel(key: string, label: string, t: OomT): string {
  return LEDGER_KEYS.has(key) ? t(`ledger.item.${key}` as OomKey) : label;
}

/** A report finding in the UI language. */
export function findingText(r: OomReport, f: OomFinding, lang: Lang, t: OomT): string {
  if (lang === 'en') return f.text;
  return localFinding(r, f, lang, t) ?? f.text;
}

function localFinding(r: OomReport, f: OomFinding, lang: Lang, t: OomT): string | null {
  const v = r.victim;
  switch (f.code) {
    case 'victim':
      return victimFinding(r, lang, t);
    case 'panic-on-oom':
      return t('f.panic');
    case 'child-sacrificed':
      return v && r.selectedPid !== null
        ? t('f.child', {
            sel: r.selectedComm ?? '?',
            selPid: String(r.selectedPid),
            comm: v.comm,
            pid: String(v.pid),
          })
        : null;
    case 'manual':
      return t('f.manual');
    case 'trigger':
      return triggerFinding(r, t);
    case 'memcg-limit': {
      const mem = r.memcg?.counters.find((c) => c.name === 'memory');
      const path = r.memcg?.limitOf ?? r.memcg?.oomMemcg ?? r.memcg?.statsPath ?? '?';
      return mem
        ? t('f.memcgLimit', {
            path,
            usage: humanKb(mem.usageKb, lang),
            limit: humanKb(mem.limitKb, lang),
            failcnt: String(mem.failcnt),
          })
        : null;
    }
    case 'zone-below-min':
    case 'zone-reserve-short':
    case 'zone-reserve-ok':
      return zoneFinding(r, f, lang, t);
    case 'fragmentation':
      return fragmentationFinding(r, f, t);
    case 'lowmem-exhausted': {
      const free = r.zones
        .filter((z) => z.zone === 'HighMem' && !z.usable)
        .reduce((a, z) => a + (z.freeKb ?? 0), 0);
      return t('f.lowmem', { free: humanKb(free, lang) });
    }
    case 'no-swap':
    case 'swap-exhausted':
    case 'swap':
      return swapFinding(r, f, lang, t);
    case 'victim-audit':
      return auditFinding(r, t);
    case 'ledger':
    case 'ledger-unaccounted':
      return ledgerFinding(r, f, lang, t);
    case 'rss-sum':
      return r.ledger.taskRssSumKb !== null && r.ledger.anonLruKb !== null
        ? t('f.rssSum', {
            rss: humanKb(r.ledger.taskRssSumKb, lang),
            anon: humanKb(r.ledger.anonLruKb, lang),
            count: r.tasks.length,
          })
        : null;
    case 'taint':
      return r.taint ? t('f.taint', { letters: taintText(r.taint.letters, t) }) : null;
    case 'reaped':
      return r.reaped
        ? t('f.reaped', { anon: String(r.reaped.anonRssKb ?? '?'), file: String(r.reaped.fileRssKb ?? '?') })
        : null;
    case 'repaired':
      return t('f.repaired');
    case 'missing':
      return t('f.missing');
    case 'unreadable':
      return t('f.unreadable');
    default:
      if (f.code.startsWith('score-')) return scoreSentence(r, lang, t);
      return null;
  }
}

/** A cross-report finding in the UI language. */
export function crossFindingText(
  cross: OomCrossReport,
  reports: OomReport[],
  f: OomFinding,
  lang: Lang,
  t: OomT,
): string {
  if (lang === 'en') return f.text;
  const ids = new Set(f.evidence.map((e) => e.lineId));
  if (f.code === 'repeat-victim') {
    const rv = cross.repeatVictims.find((x) =>
      reports.some((r) => x.reportIds.includes(r.id) && r.victim?.evidence.some((e) => ids.has(e.lineId))),
    );
    if (rv) return t('f.repeatVictim', { comm: rv.comm, count: rv.count });
  }
  if (f.code === 'cadence') {
    const mine = reports.filter((r) => r.victim?.evidence.some((e) => ids.has(e.lineId)));
    const host = mine[0]?.host ?? null;
    const c = cross.cadence.find((x) => x.host === host);
    if (c)
      return t('f.cadence', {
        count: c.kills,
        host: c.host ? t('f.cadence.host', { host: c.host }) : '',
        median:
          c.medianIntervalSecs !== null
            ? t('f.cadence.median', { gap: formatGap(c.medianIntervalSecs, t) })
            : '',
      });
  }
  if (f.code === 'victim-restarted' || f.code === 'victim-aftermath') {
    const mine = cross.aftermath.filter((a) => ids.has(a.evidence.lineId));
    const r = reports.find((x) => x.id === mine[0]?.reportId);
    if (r?.victim && mine[0]) {
      const what = mine
        .map(
          (a) =>
            `${t(`aftermath.${a.kind}` as OomKey)}${a.afterSecs !== null ? ` +${formatGap(a.afterSecs, t)}` : ''}`,
        )
        .join(t('list.sep'));
      return t(f.code === 'victim-restarted' ? 'f.restarted' : 'f.aftermath', {
        comm: r.victim.comm,
        pid: String(r.victim.pid),
        what,
      });
    }
  }
  return f.text;
}
