/**
 * UI strings through i18next (+ react-i18next for components): `en` and `zh-CN`, chosen from
 * navigator.language, switchable, remembered in localStorage. The message tables keep their
 * compact `{name}` / `one|other` form (typed by key); they are converted to i18next resources
 * here, so panels keep calling `useT()`, `translate()` and `panelMessages()` as before.
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { create } from 'zustand';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

export type Lang = 'en' | 'zh-CN';
export type { MessageKey };

/** Each language named in itself, so a reader can find theirs whatever the current language. */
export const LANGUAGES: ReadonlyArray<{ lang: Lang; endonym: string }> = [
  { lang: 'en', endonym: 'English' },
  { lang: 'zh-CN', endonym: '简体中文' },
];

const STORAGE_KEY = 'postmortem.lang';
const SHELL_NS = 'shell';

export function detectLang(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // Storage can be unavailable (sandboxed or private contexts): fall back to the browser.
  }
  return detectLang(navigator.languages.length > 0 ? navigator.languages : [navigator.language]);
}

/**
 * One template of ours as i18next resources: `{name}` becomes `{{name}}` (`{{count, number}}`
 * for counts, so they follow the locale), `one|other` becomes `_one` / `_other` plural keys,
 * the bare key holding the other form for calls without a count.
 */
function toResources(table: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const convert = (s: string): string =>
    s.replace(/\{(\w+)\}/g, (_whole, name: string) =>
      name === 'count' ? '{{count, number}}' : `{{${name}}}`,
    );
  for (const [key, raw] of Object.entries(table)) {
    const bar = raw.indexOf('|');
    if (bar === -1) {
      out[key] = convert(raw);
      continue;
    }
    const one = convert(raw.slice(0, bar));
    const other = convert(raw.slice(bar + 1));
    out[`${key}_one`] = one;
    out[`${key}_other`] = other;
    out[key] = other;
  }
  return out;
}

const lang0 = initialLang();

export const i18n: I18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  lng: lang0,
  fallbackLng: 'en',
  supportedLngs: ['en', 'zh-CN'],
  ns: [SHELL_NS],
  defaultNS: SHELL_NS,
  resources: {
    en: { [SHELL_NS]: toResources(en) },
    'zh-CN': { [SHELL_NS]: toResources(zhCN) },
  },
  // React escapes text itself; log text is never turned into markup anywhere.
  interpolation: { escapeValue: false },
  // Our keys are flat (`search.count`), never nested objects or `ns:key` strings.
  keySeparator: false,
  nsSeparator: false,
  initAsync: false,
});

interface LangState {
  lang: Lang;
  setLang: (lang: Lang) => void;
}

export const useLang = create<LangState>((set) => ({
  lang: lang0,
  setLang: (lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // Not remembered; the choice still applies to this page.
    }
    document.documentElement.lang = lang;
    void i18n.changeLanguage(lang);
    set({ lang });
  },
}));

export type Params = Record<string, string | number>;

type LooseT = (key: string, options?: Record<string, unknown>) => string;

function fixedT(lang: Lang, ns: string): LooseT {
  return i18n.getFixedT(lang, ns) as unknown as LooseT;
}

/** Numbers other than `count` are formatted here (counts go through i18next's number format). */
function options(lang: Lang, params?: Params): Record<string, unknown> | undefined {
  if (!params) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    out[name] = typeof value === 'number' && name !== 'count' ? value.toLocaleString(lang) : value;
  }
  return out;
}

/** `one|other` templates pick their form by `count` (English plurals; zh-CN has none). */
export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  return fixedT(lang, SHELL_NS)(key, options(lang, params));
}

export type Translate = (key: MessageKey, params?: Params) => string;

export function useT(): Translate {
  const lang = useLang((s) => s.lang);
  return (key, params) => translate(lang, key, params);
}

let panelSeq = 0;

/**
 * A panel's own message table (en and zh-CN, same keys), so each panel keeps its strings
 * beside its code: `const useT = panelMessages({ en, 'zh-CN': zh })` then `const t = useT()`.
 * Each table becomes an i18next namespace of its own.
 */
export function panelMessages<K extends string>(
  tables: Record<Lang, Record<K, string>>,
): () => (key: K, params?: Params) => string {
  const ns = `panel${++panelSeq}`;
  for (const lang of ['en', 'zh-CN'] as const) i18n.addResourceBundle(lang, ns, toResources(tables[lang]));
  return function usePanelT() {
    const lang = useLang((s) => s.lang);
    const t = fixedT(lang, ns);
    return (key, params) => t(key, options(lang, params));
  };
}
