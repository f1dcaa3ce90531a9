// Records the back-office screens show for the ids a page of rows carries
// (a product, supplier, customer, coupon template): each id read once with its
// own GET, a few at a time, and kept; plus the product search for pickers.
import { reactive } from 'vue'
import { call, client, type Schemas } from '@/api/client'
import type { Choice } from '@/components/entity/RemoteSelect.vue'
import { money } from '@/utils/money'

type Id = number | null | undefined

export interface Lookup<T extends { name: string }> {
  /** The records read so far, by id (reactive: a template that reads it follows). */
  readonly records: Map<number, T>
  get(id: Id): T | undefined
  /** Reads the ids not known yet, at most `limit` at a time; resolves when all are settled. A failed id stays unknown (asked again by a later load). */
  load(ids: Iterable<Id>): Promise<void>
  /** `load` without waiting (a list's rows watcher). */
  want(ids: Iterable<Id>): void
  /** The record's name; `#id` while unknown or when it could not be read; '' for no id. */
  name(id: Id): string
  /** Keeps a record already in hand (a search answer), so it is not read again. */
  set(record: T & { id: number }): void
  /** A separate, empty lookup with the same reader (names kept for one page visit). */
  fresh(): Lookup<T>
}

/** A lookup of records by id read with `get`, at most `limit` requests at a time. */
export function createLookup<T extends { name: string }>(get: (id: number) => Promise<T>, limit = 6): Lookup<T> {
  const records = reactive(new Map<number, T>()) as Map<number, T>
  const pending = new Map<number, Promise<void>>()
  const queue: (() => void)[] = []
  let running = 0

  function next() {
    while (running < limit && queue.length) {
      running++
      queue.shift()!()
    }
  }
  function read(id: number): Promise<void> {
    let p = pending.get(id)
    if (!p) {
      p = new Promise<void>((resolve) => {
        queue.push(() => {
          get(id)
            .then((r) => void records.set(id, r), () => undefined)
            .finally(() => {
              pending.delete(id)
              running--
              resolve()
              next()
            })
        })
      })
      pending.set(id, p)
      next()
    }
    return p
  }

  const self: Lookup<T> = {
    records,
    get: (id) => (id ? records.get(id) : undefined),
    async load(ids) {
      const want = new Set<number>()
      for (const id of ids) if (id && !records.has(id)) want.add(id)
      await Promise.all([...want].map(read))
    },
    want(ids) {
      void self.load(ids)
    },
    name(id) {
      if (!id) return ''
      return records.get(id)?.name ?? `#${id}`
    },
    set(r) {
      records.set(r.id, r)
    },
    fresh: () => createLookup(get, limit),
  }
  return self
}

/** Products, for the session. */
export const products = createLookup<Schemas['Product']>((id) => call(client.GET('/api/v1/products/{id}', { params: { path: { id } } })), 6)
/** Suppliers, for the session. */
export const suppliers = createLookup<Schemas['Supplier']>((id) => call(client.GET('/api/v1/suppliers/{id}', { params: { path: { id } } })), 4)
/** Customers, for the session. */
export const customers = createLookup<Schemas['Customer']>((id) => call(client.GET('/api/v1/customers/{id}', { params: { path: { id } } })))
/** Coupon templates, for the session. */
export const couponTemplates = createLookup<Schemas['CouponTemplate']>((id) => call(client.GET('/api/v1/coupon-templates/{id}', { params: { path: { id } } })))

/** "SKU name" of a product read so far, else `#id`. */
export function productLabel(id: number): string {
  const p = products.get(id)
  return p ? `${p.sku} ${p.name}` : `#${id}`
}

/** How a product choice reads: its main line and its quieter hint. */
export interface ProductChoiceStyle {
  /** 'sku-name' (default): "SKU name"; 'name': the name alone. */
  label?: 'sku-name' | 'name'
  /** 'barcode' (default; none without one), 'barcode-or-sku', 'sku', or 'sku-price' ("SKU · ¥price"). */
  hint?: 'barcode' | 'barcode-or-sku' | 'sku' | 'sku-price'
}

function productHint(p: Schemas['Product'], hint: ProductChoiceStyle['hint']): string {
  switch (hint) {
    case 'barcode-or-sku':
      return p.barcode ?? p.sku
    case 'sku':
      return p.sku
    case 'sku-price':
      return `${p.sku} · ${money(p.price)}`
    default:
      return p.barcode ?? ''
  }
}

/**
 * One page (20) of active products matching `q` (name, SKU or barcode) as
 * RemoteSelect choices; the products found are kept in `products`.
 */
export async function searchProducts(q: string, style: ProductChoiceStyle = {}): Promise<Choice[]> {
  const r = (await call(client.GET('/api/v1/products', { params: { query: { q: q || undefined, active: true, limit: 20 } } }))) as Schemas['ProductList']
  for (const p of r.items) products.set(p)
  return r.items.map((p) => ({ value: p.id, label: style.label === 'name' ? p.name : `${p.sku} ${p.name}`, hint: productHint(p, style.hint) }))
}

/** Choices for a RemoteSelect of active suppliers (name, code as hint); the suppliers found are kept. */
export async function searchSuppliers(q: string): Promise<Choice[]> {
  const r = (await call(client.GET('/api/v1/suppliers', { params: { query: { q: q || undefined, active: 'true', limit: 20 } } }))) as Schemas['SupplierList']
  for (const s of r.items) suppliers.set(s)
  return r.items.map((s) => ({ value: s.id, label: s.name, hint: s.code }))
}
