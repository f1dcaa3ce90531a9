// The printed receipt as plain data: built from the server's sale (or, for
// a sale still in the outbox, from what was rung with its local number).
import type { Schemas } from '@/api/client'

export type PaperWidth = 58 | 80

export interface ReceiptLine {
  name: string
  quantity: number
  unitPrice: number | null
  total: number
  discounts: { source: string; amount: number }[]
  gift: boolean
}

export interface Receipt {
  number: string
  pending: boolean
  at: string
  cashier: string
  company: string
  header: string
  footer: string
  storeName: string
  storeAddress: string
  lines: ReceiptLine[]
  subtotal: number | null
  discount: number | null
  rounding: number | null
  vat: number | null
  total: number
  payments: { method: string; amount: number }[]
  change: number | null
  pointsEarned: number | null
}

export interface ReceiptContext {
  company?: string
  header?: string
  footer?: string
  storeName?: string
  storeAddress?: string | null
}

/** The store's own lines of a receipt (company, header, footer, store name and address), '' where not given. */
function storeText(ctx: ReceiptContext): Pick<Receipt, 'company' | 'header' | 'footer' | 'storeName' | 'storeAddress'> {
  return {
    company: ctx.company ?? '',
    header: ctx.header ?? '',
    footer: ctx.footer ?? '',
    storeName: ctx.storeName ?? '',
    storeAddress: ctx.storeAddress ?? '',
  }
}

/** The receipt of a sale the server recorded. */
export function receiptFromSale(s: Schemas['Sale'], cashier: string, ctx: ReceiptContext): Receipt {
  return {
    number: s.number ?? '',
    pending: false,
    at: s.at ?? '',
    cashier,
    ...storeText(ctx),
    lines: (s.lines ?? []).map((l) => ({
      name: l.name ?? '',
      quantity: l.quantity ?? 0,
      unitPrice: l.unit_price ?? null,
      total: l.total ?? 0,
      discounts: (l.discounts ?? []).map((d) => ({ source: d.source ?? '', amount: d.amount ?? 0 })),
      gift: !!l.is_gift,
    })),
    subtotal: s.subtotal ?? null,
    discount: s.discount_total ?? null,
    rounding: s.rounding ?? null,
    vat: s.vat_total ?? null,
    total: s.total ?? 0,
    payments: (s.payments ?? []).map((p) => ({ method: p.method ?? '', amount: p.amount ?? 0 })),
    change: s.change_due ?? null,
    pointsEarned: s.points_earned ?? null,
  }
}

/** The receipt of a sale waiting in the outbox: its local number, "pending sync". */
export function receiptPending(
  localNumber: string,
  at: string,
  cashier: string,
  lines: { name: string; quantity: number; total: number }[],
  total: number,
  payments: { method: string; amount: number }[],
  ctx: ReceiptContext,
): Receipt {
  return {
    number: localNumber,
    pending: true,
    at,
    cashier,
    ...storeText(ctx),
    lines: lines.map((l) => ({ name: l.name, quantity: l.quantity, unitPrice: null, total: l.total, discounts: [], gift: false })),
    subtotal: null,
    discount: null,
    rounding: null,
    vat: null,
    total,
    payments,
    change: null,
    pointsEarned: null,
  }
}

/** Quantity as printed: whole units plainly, weights with up to 3 decimals. */
export function qtyText(q: number): string {
  return Number.isInteger(q) ? String(q) : q.toFixed(3).replace(/0+$/, '')
}
