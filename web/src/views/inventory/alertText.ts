// The sentence of an alert in the UI language, from its kind and figures
// (details for the anomaly kinds, quantity/threshold for the stock ones):
// the API's `message` is English only. Shared by the alert list and the
// dashboard's panel.
import { money } from '@/utils/money'
import { formatNumber, formatPercent } from '@/utils/format'

type Tr = (key: string, named?: Record<string, unknown>) => string
type Details = Record<string, unknown>

export interface AlertLike {
  kind: string
  message: string
  quantity: number | null
  threshold: number | null
  details?: Details | null
}

export const ALERT_KINDS = [
  'low_stock',
  'negative_stock',
  'store_sales',
  'product_sales',
  'cashier_voids',
  'cashier_returns',
  'cashier_discounts',
  'stock_adjustment',
] as const
export type AlertKind = (typeof ALERT_KINDS)[number]

/** Tag colour of a kind: stock problems and shortfalls red, the rest amber. */
export function alertKindType(kind: string): 'danger' | 'warning' {
  return kind === 'negative_stock' || kind === 'stock_adjustment' || kind === 'cashier_voids' ? 'danger' : 'warning'
}

const num = (d: Details, k: string) => (typeof d[k] === 'number' ? (d[k] as number) : 0)
const str = (d: Details, k: string) => (typeof d[k] === 'string' ? (d[k] as string) : '')

/**
 * The sentence for `a` in the current language; productName names the
 * product of a stock alert. Falls back to the English message when the
 * figures are missing.
 */
export function alertSentence(a: AlertLike, t: Tr, productName = ''): string {
  const d = a.details ?? null
  if (a.kind === 'low_stock')
    return t('alerts.sentence.low_stock', { product: productName, qty: formatNumber(a.quantity, 3), min: formatNumber(a.threshold, 3) })
  if (a.kind === 'negative_stock') return t('alerts.sentence.negative_stock', { product: productName, qty: formatNumber(a.quantity, 3) })
  if (!d) return a.message
  const store = str(d, 'store_name') || str(d, 'store_code')
  if (a.kind === 'store_sales' || a.kind === 'product_sales') {
    const pct = num(d, 'pct')
    return t(`alerts.sentence.${a.kind}`, {
      store,
      product: `${str(d, 'product_name')} ${str(d, 'sku')}`.trim(),
      actual: money(num(d, 'actual')),
      hour: `${String(num(d, 'hour')).padStart(2, '0')}:00`,
      pct: formatPercent(Math.abs(pct) / 100, 0),
      dir: t(`alerts.dir.${pct < 0 ? 'below' : 'above'}`),
      expected: money(num(d, 'expected')),
      weekday: t(`alerts.weekday.${num(d, 'weekday')}`),
      lower: money(num(d, 'lower')),
      upper: money(num(d, 'upper')),
    })
  }
  if (a.kind.startsWith('cashier_')) {
    return t('alerts.sentence.cashier', {
      cashier: str(d, 'cashier'),
      store,
      days: num(d, 'days'),
      sales: formatNumber(num(d, 'sales')),
      events: formatNumber(num(d, 'events')),
      what: t(`alerts.what.${str(d, 'metric') || 'voids'}`),
      rate: formatPercent(num(d, 'rate'), 1),
      median: formatPercent(num(d, 'median'), 1),
      z: formatNumber(num(d, 'z'), 1),
    })
  }
  if (a.kind === 'stock_adjustment') {
    return t('alerts.sentence.stock_adjustment', {
      store,
      qty: formatNumber(num(d, 'quantity'), 3),
      value: money(num(d, 'value')),
      meanQty: formatNumber(num(d, 'mean_quantity'), 1),
      meanValue: money(num(d, 'mean_value')),
      days: num(d, 'days'),
    })
  }
  return a.message
}
