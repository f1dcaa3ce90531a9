// Money is an integer count of fen everywhere; this is the one place that
// turns it into text, and the one place that reads typed amounts back.
import { shallowRef } from 'vue'

// Reactive, so a template that shows money() follows a language switch.
const format = shallowRef({ currency: 'CNY', locale: 'zh-CN' })
let cached: { key: string; nf: Intl.NumberFormat } | null = null

/** Sets the company currency and the display locale used by `money`. */
export function setMoneyFormat(cur: string, loc: string): void {
  if (format.value.currency !== cur || format.value.locale !== loc) format.value = { currency: cur, locale: loc }
}

/** The currency `money` writes (ISO 4217, e.g. CNY). */
export function moneyCurrency(): string {
  return format.value.currency
}

function numberFormat(): Intl.NumberFormat {
  const { currency, locale } = format.value
  const key = `${locale}|${currency}`
  if (cached?.key !== key) cached = { key, nf: new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }) }
  return cached.nf
}

/** ¥12.99 for 1299; an em dash for null. */
export function money(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—'
  return numberFormat().format(fen / 100)
}

/** 12.99 for 1299, without the currency sign (for inputs and receipts). */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const a = Math.abs(fen)
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`
}

/**
 * Reads "12.5", "12.50" or "12" as fen; null when it is not a plain amount
 * with at most two decimals (no floating point on the way).
 */
export function parseYuan(text: string): number | null {
  const m = /^\s*(-?)(\d{1,13})(?:\.(\d{1,2}))?\s*$/.exec(text)
  if (!m) return null
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'))
  return m[1] ? -fen : fen
}
