// Names the purchasing screens show for ids in an answer (suppliers,
// products): fetched one by one when first needed and kept for the session,
// so a page of orders asks only for what it has not seen.
import { reactive } from 'vue'
import { call, client, type Schemas } from '@/api/client'

type Product = Schemas['Product']
type Supplier = Schemas['Supplier']

export const suppliers = reactive(new Map<number, Supplier>())
export const products = reactive(new Map<number, Product>())
const pending = new Map<string, Promise<unknown>>()

function once<T>(key: string, f: () => Promise<T>): Promise<T> {
  let p = pending.get(key) as Promise<T> | undefined
  if (!p) {
    p = f().finally(() => pending.delete(key))
    pending.set(key, p)
  }
  return p
}

/** Runs `f` over `items`, at most `n` at a time. */
async function limited<T>(items: T[], n: number, f: (x: T) => Promise<unknown>): Promise<void> {
  let i = 0
  const worker = async () => {
    while (i < items.length) await f(items[i++]).catch(() => undefined)
  }
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker))
}

/** Loads the suppliers not yet known (a missing one stays unknown). */
export async function loadSuppliers(ids: number[]): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !suppliers.has(id))
  await limited(missing, 4, (id) =>
    once(`s${id}`, async () => suppliers.set(id, await call(client.GET('/api/v1/suppliers/{id}', { params: { path: { id } } })))),
  )
}

/** Loads the products not yet known. */
export async function loadProducts(ids: number[]): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !products.has(id))
  await limited(missing, 6, (id) =>
    once(`p${id}`, async () => products.set(id, await call(client.GET('/api/v1/products/{id}', { params: { path: { id } } })))),
  )
}

export function supplierName(id: number): string {
  return suppliers.get(id)?.name ?? `#${id}`
}

export function productLabel(id: number): string {
  const p = products.get(id)
  return p ? `${p.sku} ${p.name}` : `#${id}`
}

/** Choices for a RemoteSelect of active suppliers. */
export async function searchSuppliers(q: string) {
  const r = (await call(client.GET('/api/v1/suppliers', { params: { query: { q: q || undefined, active: 'true', limit: 20 } } }))) as Schemas['SupplierList']
  for (const s of r.items) suppliers.set(s.id, s)
  return r.items.map((s) => ({ value: s.id, label: s.name, hint: s.code }))
}

/** Choices for a RemoteSelect of active products (name, SKU or barcode). */
export async function searchProducts(q: string) {
  const r = (await call(client.GET('/api/v1/products', { params: { query: { q: q || undefined, active: true, limit: 20 } } }))) as Schemas['ProductList']
  for (const p of r.items) products.set(p.id, p)
  return r.items.map((p) => ({ value: p.id, label: `${p.sku} ${p.name}`, hint: p.barcode ?? '' }))
}
