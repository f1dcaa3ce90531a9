// vue-i18n with one message file per area and language under src/locales/;
// zh-CN by default, English on request, remembered in localStorage. Money,
// dates and numbers (utils/) switch language with it.
import { createI18n } from 'vue-i18n'
import { moneyCurrency, setMoneyFormat } from '@/utils/money'
import { setFormat, timeZone } from '@/utils/format'

export type Locale = 'zh-CN' | 'en'
export const LOCALES: Locale[] = ['zh-CN', 'en']
/** Each language named in itself, for the language switch. */
export const LOCALE_NAMES: Record<Locale, string> = { 'zh-CN': '简体中文', en: 'English' }
const KEY = 'tersa.locale'

type Tree = { [k: string]: string | Tree }

/** Every locales/<lang>/<area>.json, merged as { <area>: {...} } per language. */
function load(): Record<Locale, Tree> {
  const files = import.meta.glob<Tree>('../locales/*/*.json', { eager: true, import: 'default' })
  const out: Record<string, Tree> = { 'zh-CN': {}, en: {} }
  for (const [path, tree] of Object.entries(files)) {
    const m = /locales\/([^/]+)\/([^/]+)\.json$/.exec(path)
    if (m) out[m[1]][m[2]] = tree
  }
  return out as Record<Locale, Tree>
}

export const messages = load()

function initial(): Locale {
  const saved = localStorage.getItem(KEY)
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initial(),
  fallbackLocale: 'zh-CN',
  messages,
  missingWarn: false,
  fallbackWarn: false,
})

function apply(l: Locale): void {
  document.documentElement.lang = l
  setMoneyFormat(moneyCurrency(), l)
  setFormat(l, timeZone())
}
apply(initial())

/** The UI language now. */
export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale
}

/** Switches the UI language (messages, Element Plus, money, dates) and remembers it. */
export function setLocale(l: Locale): void {
  i18n.global.locale.value = l
  localStorage.setItem(KEY, l)
  apply(l)
}
