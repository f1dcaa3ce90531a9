// Server searches for the loyalty screens' pickers (RemoteSelect): one page
// of customers or coupon templates for what was typed (products: utils/lookup).
import { call, client, type Schemas } from '@/api/client'
import type { Choice } from '@/components/entity/RemoteSelect.vue'

/** Customers by name, pinyin initials, phone, last four digits or member code. */
export async function searchCustomers(q: string): Promise<Choice[]> {
  const r = (await call(client.GET('/api/v1/customers', { params: { query: { q: q || undefined, limit: 20 } } }))) as Schemas['CustomerList']
  return r.items.map((c) => ({ value: c.id, label: c.name, hint: c.phone ?? c.member_code }))
}

/** Active coupon templates by name. */
export async function searchTemplates(q: string): Promise<Choice[]> {
  const r = (await call(client.GET('/api/v1/coupon-templates', { params: { query: { q: q || undefined, active: 'true', limit: 20 } } }))) as Schemas['CouponTemplateList']
  return r.items.map((t) => ({ value: t.id, label: t.name }))
}

