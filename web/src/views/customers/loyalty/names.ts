// Names for the ids a page of rows carries (a coupon's template and
// customer): each id is read once with its own GET and kept for the visit,
// so a page never loads more than the rows it shows.
import { reactive } from 'vue'
import { call, client } from '@/api/client'
import { money } from '@/utils/money'
import { zhe } from './rules'
import type { Schemas } from '@/api/client'

type Getter = (id: number) => Promise<string>

function cache(get: Getter) {
  const names = reactive(new Map<number, string>())
  const asked = new Set<number>()
  /** Reads the names of ids not seen yet; an id that fails (404) shows as #id. */
  function want(ids: Iterable<number | null | undefined>): void {
    for (const id of ids) {
      if (!id || asked.has(id)) continue
      asked.add(id)
      get(id).then(
        (n) => names.set(id, n),
        () => names.set(id, `#${id}`),
      )
    }
  }
  function name(id: number | null | undefined): string {
    return id ? (names.get(id) ?? `#${id}`) : ''
  }
  return { want, name, set: (id: number, n: string) => names.set(id, n) }
}

export function templateNames() {
  return cache(async (id) => (await call(client.GET('/api/v1/coupon-templates/{id}', { params: { path: { id } } }))).name)
}

export function customerNames() {
  return cache(async (id) => (await call(client.GET('/api/v1/customers/{id}', { params: { path: { id } } }))).name)
}

export function productNames() {
  return cache(async (id) => (await call(client.GET('/api/v1/products/{id}', { params: { path: { id } } }))).name)
}

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
