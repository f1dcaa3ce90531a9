// The cart as plain data: lines added by scan or search, the SaleInput the
// server prices, and the tender arithmetic mirrored from the server's
// settlement (cash rounding). No Vue here, so it is tested alone.
import type { Schemas } from '@/api/client'

export type Product = Schemas['Product']
export type Sale = Schemas['Sale']
export type SaleInput = Schemas['SaleInput']
export type SaleLine = Schemas['SaleLine']
export type TenderMethod = 'cash' | 'card' | 'wechat' | 'alipay' | 'stored_value' | 'points'
export const TENDERS: TenderMethod[] = ['cash', 'card', 'wechat', 'alipay', 'stored_value', 'points']

/** One line of the cart as the cashier rang it. */
export interface CartLine {
  /** Stable key for the list (not sent). */
  key: string
  productId: number | null
  /** A scale label: the server reads product and quantity from it. */
  barcode?: string
  name: string
  sku: string
  /** Units (up to 3 decimals); ignored for a scale label. */
  quantity: number
  /** Shelf price in fen (display until the preview answers). */
  listPrice: number
  /** A price typed by a user with the price override permission. */
  unitPrice?: number
}

let seq = 0
function key(): string {
  seq += 1
  return `l${Date.now().toString(36)}${seq}`
}

/** Adds one unit of a product: the same product again raises its quantity. */
export function addProduct(lines: CartLine[], p: Pick<Product, 'id' | 'name' | 'sku' | 'price'>): CartLine[] {
  const i = lines.findIndex((l) => l.productId === p.id && !l.barcode && l.unitPrice === undefined)
  if (i >= 0) return lines.map((l, j) => (j === i ? { ...l, quantity: roundQty(l.quantity + 1) } : l))
  return [...lines, { key: key(), productId: p.id, name: p.name, sku: p.sku, quantity: 1, listPrice: p.price }]
}

/** Adds a scale label as its own line (weight or price is in the code). */
export function addScaleLabel(lines: CartLine[], code: string, name: string): CartLine[] {
  return [...lines, { key: key(), productId: null, barcode: code, name, sku: code.slice(2, 7), quantity: 1, listPrice: 0 }]
}

/** Sets a line's quantity (at most 3 decimals); 0 or less removes the line. */
export function setQuantity(lines: CartLine[], k: string, qty: number): CartLine[] {
  const q = roundQty(qty)
  if (!(q > 0)) return lines.filter((l) => l.key !== k)
  return lines.map((l) => (l.key === k ? { ...l, quantity: q } : l))
}

export function removeLine(lines: CartLine[], k: string): CartLine[] {
  return lines.filter((l) => l.key !== k)
}

/** Sets (or with undefined clears) a line's overridden unit price in fen. */
export function setUnitPrice(lines: CartLine[], k: string, fen: number | undefined): CartLine[] {
  return lines.map((l) => (l.key === k ? { ...l, unitPrice: fen } : l))
}

function roundQty(q: number): number {
  return Math.round(q * 1000) / 1000
}

/** EAN-13 check digit correct. */
export function ean13Valid(code: string): boolean {
  if (!/^\d{13}$/.test(code)) return false
  let sum = 0
  for (let i = 0; i < 12; i++) sum += Number(code[i]) * (i % 2 ? 3 : 1)
  return (10 - (sum % 10)) % 10 === Number(code[12])
}

/** An in-store scale label: EAN-13 with prefix 20–29 (the server decodes it). */
export function isScaleLabel(code: string): boolean {
  return /^2\d{12}$/.test(code) && ean13Valid(code)
}

/** A receipt number as the server makes them: <store code>-<YYYYMMDD>-<NNNN>. */
export function parseReceiptNumber(text: string): { store: string; day: string; number: string } | null {
  const m = /^\s*([0-9A-Za-z_]+)-(\d{4})(\d{2})(\d{2})-(\d{3,})\s*$/.exec(text)
  if (!m) return null
  return { store: m[1], day: `${m[2]}-${m[3]}-${m[4]}`, number: text.trim() }
}

/** What the cart asks the server to price (payments added at the till). */
export interface CartState {
  storeId: number
  register: string
  lines: CartLine[]
  customerId: number | null
  couponCodes: string[]
  pointsRedeemed: number
  manualDiscountBp: number
  approver: { username: string; password: string } | null
}

/** The SaleInput for the cart; fields left at their defaults are left out. */
export function toSaleInput(s: CartState, payments?: { method: string; amount: number }[]): SaleInput {
  const input: SaleInput = {
    store_id: s.storeId,
    register: s.register,
    // Online the server applies its promotions; an offline till sends false
    // (contract 2) through the outbox, not through here.
    apply_promotions: true,
    lines: s.lines.map((l) => {
      if (l.barcode) return { barcode: l.barcode }
      const line: SaleInput['lines'][number] = { product_id: l.productId ?? undefined, quantity: l.quantity }
      if (l.unitPrice !== undefined) line.unit_price = l.unitPrice
      return line
    }),
  }
  if (s.customerId) input.customer_id = s.customerId
  if (s.couponCodes.length) input.coupon_codes = [...s.couponCodes]
  if (s.pointsRedeemed > 0 && s.customerId) input.points_redeemed = s.pointsRedeemed
  if (s.manualDiscountBp > 0) input.manual_discount_bp = s.manualDiscountBp
  if (s.approver) input.approver = { ...s.approver }
  if (payments && payments.length)
    input.payments = payments.map((p) => ({ method: p.method as 'cash', amount: p.amount }))
  return input
}

/**
 * Pairs the server's lines with the cart's: the server keeps the cart's
 * order and may add gift lines. Returns, per cart line, its priced line (or
 * null when the preview is stale), and the gift lines apart.
 */
export function pairLines(cart: CartLine[], sale: Pick<Sale, 'lines'> | null): { priced: (SaleLine | null)[]; gifts: SaleLine[] } {
  const lines = sale?.lines ?? []
  const own = lines.filter((l) => !l.is_gift)
  const gifts = lines.filter((l) => l.is_gift)
  if (own.length !== cart.length) return { priced: cart.map(() => null), gifts }
  const priced = cart.map((c, i) => (c.productId === null || own[i].product_id === c.productId ? own[i] : null))
  return { priced, gifts }
}

/** One tender on the payment screen (points go as points_redeemed instead). */
export interface Tender {
  method: Exclude<TenderMethod, 'points'>
  amount: number
}

export interface Settlement {
  /** Rounding (抹零) taken off the cash due. */
  rounding: number
  /** Still to pay (0 when covered). */
  remaining: number
  /** Cash given back. */
  change: number
  /** Non-cash tenders exceed what is due. */
  overpaid: boolean
  /** The tenders cover the sale. */
  covered: boolean
}

/**
 * The server's settlement (sale.c settle): the cash still due after the
 * other tenders is rounded down to the store's unit (1, 10 or 100 fen) when
 * cash is among the tenders; only cash may exceed what is due.
 * `due` is the sale total less the points payment.
 */
export function settle(due: number, tenders: Tender[], unit: number): Settlement {
  let cash = 0
  let other = 0
  for (const t of tenders) {
    if (t.method === 'cash') cash += t.amount
    else other += t.amount
  }
  if (other > due) return { rounding: 0, remaining: 0, change: 0, overpaid: true, covered: false }
  let cashDue = due - other
  const rounding = cash > 0 && unit > 1 ? cashDue % unit : 0
  cashDue -= rounding
  if (cash < cashDue) return { rounding, remaining: cashDue - cash, change: 0, overpaid: false, covered: false }
  return { rounding, remaining: 0, change: cash - cashDue, overpaid: false, covered: true }
}

/** What cash due would be after rounding, for the quick-cash keys. */
export function roundCash(due: number, unit: number): number {
  return unit > 1 ? due - (due % unit) : due
}

/** Quick-cash keys for an amount due: exact, then the next round notes. */
export function quickCash(due: number): number[] {
  if (due <= 0) return []
  const out = [due]
  for (const step of [1000, 2000, 5000, 10000]) {
    const v = Math.ceil(due / step) * step
    if (v > due && !out.includes(v)) out.push(v)
  }
  return out.slice(0, 5)
}

/** A fresh idempotency key for one sale. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID()
  return `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
}
