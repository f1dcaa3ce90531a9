// Dates and numbers as text, in the UI language and the company's time zone
// (Settings.time_zone): the one place screens turn them into words.
import { shallowRef } from 'vue'

// Reactive, so templates that format follow a language or zone switch.
const state = shallowRef({ locale: 'zh-CN', timeZone: 'Asia/Shanghai' })
const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>()

/** Sets the display locale and the company time zone (IANA name). */
export function setFormat(locale: string, timeZone: string): void {
  const s = state.value
  if (s.locale === locale && s.timeZone === timeZone) return
  try {
    new Intl.DateTimeFormat(locale, { timeZone })
  } catch {
    timeZone = 'UTC' // an unknown zone would make every date throw
  }
  state.value = { locale, timeZone }
}

/** The company time zone dates are shown in. */
export function timeZone(): string {
  return state.value.timeZone
}

function dtf(kind: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const { locale, timeZone } = state.value
  const key = `d|${kind}|${locale}|${timeZone}`
  let f = cache.get(key) as Intl.DateTimeFormat | undefined
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, { timeZone, ...opts })))
  return f
}

function nf(kind: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${kind}|${state.value.locale}`
  let f = cache.get(key) as Intl.NumberFormat | undefined
  if (!f) cache.set(key, (f = new Intl.NumberFormat(state.value.locale, opts)))
  return f
}

type When = string | number | Date | null | undefined

function toDate(v: When): Date | null {
  if (v === null || v === undefined || v === '') return null
  const d = v instanceof Date ? v : new Date(v)
  return Number.isNaN(d.getTime()) ? null : d
}

/** 2026/12/7 or 12/7/2026 for an RFC 3339 instant; an em dash for none. */
export function formatDate(v: When): string {
  const d = toDate(v)
  return d ? dtf('date', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(d) : '—'
}

/** Date and time to the minute. */
export function formatDateTime(v: When): string {
  const d = toDate(v)
  return d
    ? dtf('datetime', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d)
    : '—'
}

/** Time of day, to the second (tickers, receipts). */
export function formatTime(v: When): string {
  const d = toDate(v)
  return d ? dtf('time', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(d) : '—'
}

/** The company's calendar day of an instant as YYYY-MM-DD (report `from`/`to`). */
export function businessDay(v: When = new Date()): string {
  const d = toDate(v)
  if (!d) return ''
  const parts = dtf('iso', { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(d)
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
  return `${get('year')}-${get('month')}-${get('day')}`
}

/** 1,234 or 1,234.5 (at most `digits` decimals). */
export function formatNumber(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—'
  return nf(`num${digits}`, { maximumFractionDigits: digits }).format(n)
}

/** 12.5% for 0.125 (a ratio, not a percentage). */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return '—'
  return nf(`pct${digits}`, { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(ratio)
}
