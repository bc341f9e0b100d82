/**
 * A small message table (issue 7 moves the UI to i18next): `en` and `zh-CN`, chosen from
 * navigator.language, switchable, remembered in localStorage.
 */
import { create } from 'zustand';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

export type Lang = 'en' | 'zh-CN';
export type { MessageKey };

const TABLES: Record<Lang, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

/** Each language named in itself, so a reader can find theirs whatever the current language. */
export const LANGUAGES: ReadonlyArray<{ lang: Lang; endonym: string }> = [
  { lang: 'en', endonym: 'English' },
  { lang: 'zh-CN', endonym: '简体中文' },
];

const STORAGE_KEY = 'postmortem.lang';

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

interface LangState {
  lang: Lang;
  setLang: (lang: Lang) => void;
}

export const useLang = create<LangState>((set) => ({
  lang: initialLang(),
  setLang: (lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // Not remembered; the choice still applies to this page.
    }
    document.documentElement.lang = lang;
    set({ lang });
  },
}));

export type Params = Record<string, string | number>;

/** `one|other` templates pick their form by `count` (English plurals; zh-CN has none). */
export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  return fill(lang, TABLES[lang][key], params);
}

export type Translate = (key: MessageKey, params?: Params) => string;

export function useT(): Translate {
  const lang = useLang((s) => s.lang);
  return (key, params) => translate(lang, key, params);
}

/**
 * A panel's own message table (en and zh-CN, same keys), so each panel keeps its strings
 * beside its code: `const useT = panelMessages({ en, 'zh-CN': zh })` then `const t = useT()`.
 */
export function panelMessages<K extends string>(
  tables: Record<Lang, Record<K, string>>,
): () => (key: K, params?: Params) => string {
  return function usePanelT() {
    const lang = useLang((s) => s.lang);
    return (key, params) => fill(lang, tables[lang][key], params);
  };
}

function fill(lang: Lang, raw: string, params?: Params): string {
  let template = raw;
  const bar = template.indexOf('|');
  if (bar !== -1) template = params?.count === 1 ? template.slice(0, bar) : template.slice(bar + 1);
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? value.toLocaleString(lang) : value;
  });
}
