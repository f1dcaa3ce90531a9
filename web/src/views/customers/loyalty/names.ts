// How the loyalty screens word a coupon template (its value, its validity)
// and colour a coupon's status. Names for ids: utils/lookup.
import { money } from '@/utils/money'
import { zhe } from './rules'
import type { Schemas } from '@/api/client'

type T = (key: string, values?: Record<string, unknown>) => string

/** What a template gives, in the UI language: "¥10.00 off", "15% off (8.5折)", "Gift: <product>". */
export function valueText(tpl: Pick<Schemas['CouponTemplate'], 'kind' | 'value' | 'max_discount'>, t: T, product?: string): string {
  if (tpl.kind === 'amount_off') return t('loyalty.value.amountOff', { amount: money(tpl.value) })
  if (tpl.kind === 'percent_off') {
    const s = t('loyalty.value.percentOff', { pct: tpl.value / 100, zhe: zhe(tpl.value) })
    return tpl.max_discount ? `${s} ${t('loyalty.value.cap', { amount: money(tpl.max_discount) })}` : s
  }
  return t('loyalty.value.gift', { product: product ?? `#${tpl.value}` })
}

/** How long a template's coupons are valid: "30 days from issue" or "until 2026-12-31". */
export function validityText(tpl: Pick<Schemas['CouponTemplate'], 'valid_days' | 'valid_from' | 'valid_to'>, t: T): string {
  if (tpl.valid_days) return t('loyalty.template.nDays', { n: tpl.valid_days })
  if (tpl.valid_from && tpl.valid_to) return `${tpl.valid_from} – ${tpl.valid_to}`
  if (tpl.valid_to) return t('loyalty.template.until', { date: tpl.valid_to })
  return '—'
}

/** The tag colour of a coupon status. */
export function statusType(s: Schemas['CouponStatus']): 'success' | 'info' | 'warning' | 'danger' | 'primary' {
  return s === 'issued' ? 'success' : s === 'redeemed' ? 'primary' : s === 'expired' ? 'warning' : 'info'
}
