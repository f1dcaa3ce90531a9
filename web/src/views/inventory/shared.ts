// What the inventory screens share: quantities (the stock API sends units
// with up to three decimals, not thousandths), store names, product names
// for rows that carry only an id, and the product picker's search.
import { reactive } from 'vue'
import { call, client, type Schemas } from '@/api/client'
import { useCompany } from '@/stores/company'
import { formatNumber } from '@/utils/format'
import type { Choice } from '@/components/entity/RemoteSelect.vue'

/** A stock quantity as text: whole units without decimals, else three. */
export function qty(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—'
  return formatNumber(v, Number.isInteger(v) ? 0 : 3)
}

/** A signed quantity (+3, −2), for moves and variances. */
export function signedQty(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—'
  return v > 0 ? `+${qty(v)}` : qty(v)
}

/** The store's name when the user sees it, else its number. */
export function storeName(id: number | null | undefined): string {
  if (!id) return '—'
  const s = useCompany().stores.find((x) => x.id === id)
  return s ? s.name : `#${id}`
}

/** Up to one page of active products matching `q` (name, SKU, barcode), for RemoteSelect. */
export async function searchProducts(q: string): Promise<Choice[]> {
  const r = (await call(client.GET('/api/v1/products', { params: { query: { q: q || undefined, active: true, limit: 20 } } }))) as Schemas['ProductList']
  return r.items.map((p) => ({ value: p.id, label: p.name, hint: p.barcode ?? p.sku }))
}

// Product names by id, loaded once per id for rows that carry only the id
// (alerts, transfer lines, reorder rules): at most one page of rows at a time.
const names = reactive(new Map<number, { sku: string; name: string }>())
const pending = new Set<number>()

export function productName(id: number | null | undefined): string {
  if (!id) return '—'
  const p = names.get(id)
  return p ? p.name : `#${id}`
}
export function productSku(id: number | null | undefined): string {
  return (id && names.get(id)?.sku) || ''
}

/** Loads the names of the products not known yet (failures leave the id shown). */
export async function loadProductNames(ids: (number | null | undefined)[]): Promise<void> {
  const want = [...new Set(ids.filter((i): i is number => !!i && !names.has(i) && !pending.has(i)))]
  want.forEach((i) => pending.add(i))
  await Promise.all(
    want.map(async (id) => {
      try {
        const p = await call(client.GET('/api/v1/products/{id}', { params: { path: { id } } }))
        names.set(id, { sku: p.sku, name: p.name })
      } catch {
        /* the id stays visible */
      } finally {
        pending.delete(id)
      }
    }),
  )
}

type Tr = (key: string, named?: Record<string, unknown>) => string
type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

/** A count's status as a tag. */
export function countStatusTag(s: 'open' | 'applied' | 'cancelled', t: Tr): { text: string; type: TagType } {
  return { text: t(`inventory.countStatus.${s}`), type: s === 'open' ? 'primary' : s === 'applied' ? 'success' : 'info' }
}

/** A transfer's status as a tag. */
export function transferStatusTag(s: 'draft' | 'shipped' | 'received' | 'closed' | 'cancelled', t: Tr): { text: string; type: TagType } {
  const type: Record<string, TagType> = { draft: 'info', shipped: 'warning', received: 'primary', closed: 'success', cancelled: 'info' }
  return { text: t(`inventory.transferStatus.${s}`), type: type[s] }
}
