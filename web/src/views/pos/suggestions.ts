// "Bought together" suggestions at the till, free of Vue: the rows of
// GET /products/{id}/bought-together for each product of the cart merged
// into the few best not already in it, and a per-product cache that never
// asks twice for the same product and never throws (offline: nothing).

/** One row of a product's bought-together answer. */
export interface TogetherRow {
  product_id: number
  sku: string | null
  name: string | null
  count: number
  confidence: number
  lift: number
}

/** A suggestion: the product and the best evidence for it. */
export interface Suggestion extends TogetherRow {
  /** The cart product whose sales suggested it (the best one). */
  from: number
}

/**
 * The products bought with the cart's products, not in the cart, at most
 * `max`, by best confidence first (then lift, count, product id). A product
 * suggested by several cart products keeps its best row. Rows of products
 * absent from `lists` (not fetched yet, offline) are simply missing.
 */
export function mergeSuggestions(cart: number[], lists: Map<number, TogetherRow[]>, max = 3): Suggestion[] {
  const inCart = new Set(cart)
  const best = new Map<number, Suggestion>()
  const better = (a: TogetherRow, b: TogetherRow) =>
    a.confidence !== b.confidence ? a.confidence > b.confidence
      : a.lift !== b.lift ? a.lift > b.lift
        : a.count > b.count
  for (const id of new Set(cart)) {
    for (const r of lists.get(id) ?? []) {
      if (inCart.has(r.product_id)) continue
      const have = best.get(r.product_id)
      if (!have || better(r, have)) best.set(r.product_id, { ...r, from: id })
    }
  }
  return [...best.values()]
    .sort((a, b) => b.confidence - a.confidence || b.lift - a.lift || b.count - a.count || a.product_id - b.product_id)
    .slice(0, max)
}

/**
 * A per-product cache of answers: `get(id)` gives what is known (or
 * undefined), `fill(ids)` asks `fetch` for the products not known and not
 * being asked yet, one at a time, and stores each answer; a failed fetch
 * (offline, 404, 403) stores nothing and is tried again on a later fill
 * after `retryMs`. Never throws.
 */
export function createCache<T>(fetch: (id: number) => Promise<T>, opts: { retryMs?: number; now?: () => number } = {}) {
  const known = new Map<number, T>()
  const failedAt = new Map<number, number>()
  const asking = new Set<number>()
  const retryMs = opts.retryMs ?? 60_000
  const now = opts.now ?? (() => Date.now())

  async function fill(ids: number[]): Promise<boolean> {
    let added = false
    for (const id of ids) {
      if (known.has(id) || asking.has(id)) continue
      const f = failedAt.get(id)
      if (f !== undefined && now() - f < retryMs) continue
      asking.add(id)
      try {
        known.set(id, await fetch(id))
        failedAt.delete(id)
        added = true
      } catch {
        failedAt.set(id, now())
      } finally {
        asking.delete(id)
      }
    }
    return added
  }
  return { get: (id: number) => known.get(id), fill, known }
}
