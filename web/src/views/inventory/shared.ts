// What the inventory screens share: quantities (the stock API sends units
// with up to three decimals, not thousandths), store names, how the product
// picker shows a product, and status tags.
import { useCompany } from '@/stores/company'
import { formatNumber } from '@/utils/format'
import type { ProductChoiceStyle } from '@/utils/lookup'

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

/** How the inventory pickers show a product: its name, with the barcode (else the SKU) beside it. */
export const productChoice: ProductChoiceStyle = { label: 'name', hint: 'barcode-or-sku' }

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
