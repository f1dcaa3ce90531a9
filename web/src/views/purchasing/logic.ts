// Purchasing arithmetic without Vue: which replenishment lines become an
// order and whether the draft needs its lines set afterwards, and receiving
// by scan (each scan one unit on its line). Quantities are units with up to
// three decimals, as the purchasing API sends them.

export type PurchaseStatus = 'draft' | 'sent' | 'partially_received' | 'received' | 'cancelled'

/** The states an order goes through, in order (cancelled stands apart). */
export const STATUS_FLOW: PurchaseStatus[] = ['draft', 'sent', 'partially_received', 'received']

/** Tag colour of a status. */
export function statusType(s: PurchaseStatus): 'info' | 'primary' | 'warning' | 'success' | 'danger' {
  return ({ draft: 'info', sent: 'primary', partially_received: 'warning', received: 'success', cancelled: 'danger' } as const)[s]
}

/** Rounds a quantity to thousandths (the API's precision), dropping float noise. */
export function q3(n: number): number {
  return Math.round(n * 1000) / 1000
}

export interface PlanLine {
  product_id: number
  quantity: number
}

/**
 * The lines to order from one supplier group: the selected products with the
 * quantities as edited (a quantity of 0 or less leaves the line out).
 */
export function planLines(lines: { product_id: number; quantity: number }[], selected: Set<number>, qty: Record<number, number | undefined>): PlanLine[] {
  const out: PlanLine[] = []
  for (const l of lines) {
    if (!selected.has(l.product_id)) continue
    const n = q3(qty[l.product_id] ?? l.quantity)
    if (n > 0) out.push({ product_id: l.product_id, quantity: n })
  }
  return out
}

/**
 * Whether a draft made from the suggestions differs from the plan (other
 * products or other quantities), so its lines must be set to the plan.
 */
export function differs(made: { product_id: number; quantity: number }[], plan: PlanLine[]): boolean {
  if (made.length !== plan.length) return true
  const want = new Map(plan.map((l) => [l.product_id, l.quantity]))
  return made.some((l) => want.get(l.product_id) !== q3(l.quantity))
}

/** A line of an order being received. */
export interface ReceiveLine {
  line_id: number
  product_id: number
  barcode: string | null
  sku: string | null
  ordered: number
  received: number
  /** This receipt (edited or scanned). */
  count: number
}

/** What is still expected on a line. */
export function openQty(l: ReceiveLine): number {
  return Math.max(0, q3(l.ordered - l.received))
}

export type ScanResult = { kind: 'added'; line: ReceiveLine } | { kind: 'full'; line: ReceiveLine } | { kind: 'unknown' }

/**
 * One scan: the line whose barcode (or SKU) is `code` gets one more unit,
 * unless that would be more than is still on order ('full'). A product on
 * several lines fills the first that has room.
 */
export function scan(lines: ReceiveLine[], code: string): ScanResult {
  const c = code.trim()
  if (!c) return { kind: 'unknown' }
  const match = lines.filter((l) => l.barcode === c || l.sku === c)
  if (!match.length) return { kind: 'unknown' }
  const room = match.find((l) => q3(l.count + 1) <= openQty(l))
  if (!room) return { kind: 'full', line: match[0] }
  room.count = q3(room.count + 1)
  return { kind: 'added', line: room }
}

/** The body of POST /purchase-orders/{id}/receive: every line with something received. */
export function receiptLines(lines: ReceiveLine[]): { line_id: number; quantity: number }[] {
  return lines.filter((l) => q3(l.count) > 0).map((l) => ({ line_id: l.line_id, quantity: q3(l.count) }))
}

/** Whether the receipt leaves something still on order (the order becomes partly received). */
export function leavesOpen(lines: ReceiveLine[]): boolean {
  return lines.some((l) => q3(l.count) < openQty(l))
}
