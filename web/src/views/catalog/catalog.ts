// Catalog arithmetic that needs no Vue: barcode check digits, the category
// tree from the flat list, and promotion parameters per kind (tested in
// tests/unit/catalog.test.ts).
import type { Schemas } from '@/api/client'

type Category = Schemas['Category']

/** Why a typed barcode cannot be saved, or null when it is well formed (EAN-13, EAN-8, UPC-A). */
export function barcodeProblem(code: string): 'digits' | 'length' | 'check' | null {
  if (!/^[0-9]*$/.test(code)) return 'digits'
  if (![8, 12, 13].includes(code.length)) return 'length'
  let sum = 0
  // Weights 3,1,3,… from the digit left of the check digit, as GS1 counts.
  for (let i = code.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += Number(code[i]) * w
  return (10 - (sum % 10)) % 10 === Number(code[code.length - 1]) ? null : 'check'
}

export interface CategoryNode {
  id: number
  label: string
  parentId: number | null
  path: string
  children: CategoryNode[]
}

/** The flat list (any order) as a tree, children by name; orphans become roots. */
export function categoryTree(list: Category[]): CategoryNode[] {
  const byId = new Map<number, CategoryNode>()
  for (const c of list) byId.set(c.id, { id: c.id, label: c.name, parentId: c.parent_id ?? null, path: c.path, children: [] })
  const roots: CategoryNode[] = []
  for (const n of byId.values()) {
    const p = n.parentId !== null ? byId.get(n.parentId) : undefined
    ;(p ? p.children : roots).push(n)
  }
  const sort = (ns: CategoryNode[]) => {
    ns.sort((a, b) => a.label.localeCompare(b.label))
    ns.forEach((n) => sort(n.children))
  }
  sort(roots)
  return roots
}

/**
 * Where a node dropped on `target` ends up: its new parent id (null = top
 * level), from el-tree's drop type ('inner' = into target, 'before'/'after' =
 * beside it).
 */
export function dropParent(target: { id: number; parentId: number | null }, type: 'inner' | 'before' | 'after'): number | null {
  return type === 'inner' ? target.id : target.parentId
}

export const PROMOTION_KINDS = ['percent_off', 'amount_off', 'buy_x_get_y', 'spend_threshold', 'bundle_price', 'gift'] as const
export type PromotionKind = (typeof PROMOTION_KINDS)[number]

/** The form's working values for every kind (money in fen, percent in basis points). */
export interface PromoParamsForm {
  percent: number
  amount: number | null
  per: 'unit' | 'line'
  buy: number
  get: number
  getPercent: number
  spendMode: 'every' | 'tiers'
  every: number | null
  off: number | null
  maxOff: number | null
  tiers: { threshold: number | null; off: number | null }[]
  size: number
  bundlePrice: number | null
  giftProductId: number | null
  giftQuantity: number
  minSpend: number | null
  minQuantity: number
}

export function blankParams(): PromoParamsForm {
  return {
    percent: 1000,
    amount: null,
    per: 'unit',
    buy: 1,
    get: 1,
    getPercent: 10000,
    spendMode: 'tiers',
    every: null,
    off: null,
    maxOff: null,
    tiers: [{ threshold: null, off: null }],
    size: 2,
    bundlePrice: null,
    giftProductId: null,
    giftQuantity: 1,
    minSpend: null,
    minQuantity: 0,
  }
}

/** The API's `params` for a kind, from the form's values (what the server checks). */
export function paramsFor(kind: PromotionKind, f: PromoParamsForm): Record<string, unknown> {
  switch (kind) {
    case 'percent_off':
      return { percent: f.percent }
    case 'amount_off':
      return { amount: f.amount, per: f.per }
    case 'buy_x_get_y':
      return { buy: f.buy, get: f.get, percent: f.getPercent }
    case 'spend_threshold':
      return f.spendMode === 'every'
        ? { every: f.every, off: f.off, max_off: f.maxOff }
        : { tiers: f.tiers.map((t) => ({ threshold: t.threshold, off: t.off })) }
    case 'bundle_price':
      return { size: f.size, price: f.bundlePrice }
    case 'gift':
      return { product_id: f.giftProductId, quantity: f.giftQuantity, min_spend: f.minSpend ?? 0, min_quantity: f.minQuantity }
  }
}

/** The form's values from a stored promotion's params. */
export function paramsForm(kind: PromotionKind, p: Record<string, unknown>): PromoParamsForm {
  const f = blankParams()
  const n = (k: string) => (typeof p[k] === 'number' ? (p[k] as number) : null)
  switch (kind) {
    case 'percent_off':
      f.percent = n('percent') ?? f.percent
      break
    case 'amount_off':
      f.amount = n('amount')
      f.per = p.per === 'line' ? 'line' : 'unit'
      break
    case 'buy_x_get_y':
      f.buy = n('buy') ?? 1
      f.get = n('get') ?? 1
      f.getPercent = n('percent') ?? 10000
      break
    case 'spend_threshold':
      if (Array.isArray(p.tiers)) {
        f.spendMode = 'tiers'
        f.tiers = (p.tiers as { threshold: number; off: number }[]).map((t) => ({ threshold: t.threshold, off: t.off }))
      } else {
        f.spendMode = 'every'
        f.every = n('every')
        f.off = n('off')
        f.maxOff = n('max_off')
      }
      break
    case 'bundle_price':
      f.size = n('size') ?? 2
      f.bundlePrice = n('price')
      break
    case 'gift':
      f.giftProductId = n('product_id')
      f.giftQuantity = n('quantity') ?? 1
      f.minSpend = n('min_spend')
      f.minQuantity = n('min_quantity') ?? 0
      break
  }
  return f
}

/**
 * Whether a promotion runs on `day` (YYYY-MM-DD): 'off' when inactive,
 * 'scheduled' before its first day, 'ended' after its last, else 'running'.
 */
export function promotionState(p: { active: boolean; starts_on: string | null; ends_on: string | null }, day: string): 'off' | 'scheduled' | 'ended' | 'running' {
  if (!p.active) return 'off'
  if (p.starts_on && day < p.starts_on) return 'scheduled'
  if (p.ends_on && day > p.ends_on) return 'ended'
  return 'running'
}
