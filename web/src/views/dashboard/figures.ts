// What the dashboard computes from the server's figures, kept free of Vue so
// it is tested alone: the change against the same time last week, the
// ticker's list, the chart rows.

/** Direction of a change: up, down, flat, or none when last week was 0. */
export type Trend = 'up' | 'down' | 'flat' | 'none'

export function trendOf(pct: number | null | undefined): Trend {
  if (pct === null || pct === undefined || Number.isNaN(pct)) return 'none'
  if (pct > 0) return 'up'
  if (pct < 0) return 'down'
  return 'flat'
}

/** One line of the live ticker: a sale (amount > 0) or a return (amount = refund). */
export interface TickerItem {
  id: string
  kind: 'sale' | 'return'
  number: string
  storeName: string
  amount: number
  at: string
}

/** The ticker's length: the newest lines first, at most this many. */
export const TICKER_MAX = 20

/**
 * Adds an event to the ticker: newest first, an id already shown (a replay
 * after reconnecting) is not shown twice, at most TICKER_MAX lines.
 */
export function pushTicker(list: TickerItem[], item: TickerItem): TickerItem[] {
  if (list.some((i) => i.id === item.id)) return list
  return [item, ...list].slice(0, TICKER_MAX)
}

/** A LiveSale of GET /events as a ticker line. */
export function saleItem(id: string, d: { number: string; store_name: string | null; store_code: string | null; total: number; at: string }): TickerItem {
  return { id, kind: 'sale', number: d.number, storeName: d.store_name ?? d.store_code ?? '', amount: d.total, at: d.at }
}

/** A LiveReturn of GET /events as a ticker line. */
export function returnItem(id: string, d: { sale_number: string; store_name: string | null; store_code: string | null; refund: number; at: string }): TickerItem {
  return { id, kind: 'return', number: d.sale_number, storeName: d.store_name ?? d.store_code ?? '', amount: d.refund, at: d.at }
}

/** A report row as a chart row. */
export interface ChartRow {
  label: string
  value: number
}

/**
 * The rows of a share chart: positive revenue only (a category that only
 * had returns cannot be a slice), the first `top` as they come, the rest
 * summed into one row labelled `otherLabel`.
 */
export function shareRows(items: { label: string | null; revenue: number }[], top: number, otherLabel: string, noneLabel: string): ChartRow[] {
  const pos = items.filter((i) => i.revenue > 0).map((i) => ({ label: i.label ?? noneLabel, value: i.revenue }))
  if (pos.length <= top) return pos
  const rest = pos.slice(top).reduce((s, i) => s + i.value, 0)
  return [...pos.slice(0, top), { label: otherLabel, value: rest }]
}

/** The first day of the 30 days ending on `day` (YYYY-MM-DD). */
export function daysBefore(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() - n)
  return d.toISOString().slice(0, 10)
}

/** The ISO weekday of a business day (YYYY-MM-DD): 1 Monday … 7 Sunday. */
export function isoWeekday(day: string): number {
  return ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1
}
