// Products as choices for pickers: one page from the server's search.
import { call, client, type Schemas } from '@/api/client'
import type { Choice } from '@/components/entity/RemoteSelect.vue'
import { money } from '@/utils/money'

export async function searchProducts(q: string): Promise<Choice[]> {
  const r = (await call(client.GET('/api/v1/products', { params: { query: { q: q || undefined, active: true, limit: 20 } } }))) as Schemas['ProductList']
  return r.items.map((p) => ({ value: p.id, label: p.name, hint: `${p.sku} · ${money(p.price)}` }))
}
