// The arithmetic of the staff screens that needs no Vue: periods and their
// months, basis points as text, how a metric's figure is written, shares of
// a sale between salespeople. Tested in tests/unit/staff.test.ts.
import { money } from '@/utils/money'
import { formatNumber, formatPercent } from '@/utils/format'
import type { Metric } from './api'

/** The months of a target period: '2027' → 2027-01…2027-12, '2027-Q2' → 2027-04…2027-06; [] when unreadable. */
export function periodMonths(period: string): string[] {
  const y = /^(\d{4})$/.exec(period)
  const q = /^(\d{4})-Q([1-4])$/.exec(period)
  if (!y && !q) return []
  const year = (y ?? q)![1]
  const first = q ? (Number(q[2]) - 1) * 3 + 1 : 1
  const count = q ? 3 : 12
  return Array.from({ length: count }, (_, i) => `${year}-${String(first + i).padStart(2, '0')}`)
}

/** 85.2% for 8520 basis points; "—" for none. */
export function bp(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '—' : formatPercent(v / 10000, digits)
}

/** A metric's amount as text: money for revenue and margin (fen), whole units otherwise. */
export function metricText(metric: Metric | string, v: number | null | undefined): string {
  if (v === null || v === undefined) return '—'
  return metric === 'units' ? formatNumber(v) : money(v)
}

/** The progress bar's percentage (0–100, capped) and its state for an attainment in basis points. */
export function progressOf(attainmentBp: number | null | undefined, elapsedShare: number): { pct: number; status: 'success' | 'warning' | 'exception' | '' } {
  if (attainmentBp === null || attainmentBp === undefined) return { pct: 0, status: '' }
  const pct = Math.max(0, Math.min(100, Math.round(attainmentBp / 100)))
  if (attainmentBp >= 10000) return { pct, status: 'success' }
  // Behind the calendar by more than a tenth of the month: warn; far behind: exception.
  const expected = elapsedShare * 10000
  if (attainmentBp >= expected - 1000) return { pct, status: '' }
  return { pct, status: attainmentBp >= expected / 2 ? 'warning' : 'exception' }
}

/** The colour of an attainment bar for progressOf's state (Element Plus's palette). */
export function barColor(status: ReturnType<typeof progressOf>['status']): string {
  return { success: '#67c23a', warning: '#e6a23c', exception: '#f56c6c', '': '#409eff' }[status]
}

/** The medal of a leaderboard rank (1–3), else ''. */
export function medal(rank: number): 'gold' | 'silver' | 'bronze' | '' {
  return rank === 1 ? 'gold' : rank === 2 ? 'silver' : rank === 3 ? 'bronze' : ''
}

/** One salesperson of a sale and their share (basis points; absent: even split). */
export interface SalespersonShare {
  user_id: number
  share_bp?: number
}
/**
 * The `salespeople` of a sale from the picked user ids and the first one's
 * share in percent (used only when two are picked): one person → [{user_id}]
 * (the whole sale), two → shares in basis points summing to 10000, none → undefined.
 */
export function salespeopleOf(ids: number[], firstPct: number): SalespersonShare[] | undefined {
  const list = [...new Set(ids)].slice(0, 4)
  if (list.length === 0) return undefined
  if (list.length === 1) return [{ user_id: list[0] }]
  if (list.length === 2) {
    const first = Math.max(0, Math.min(10000, Math.round(firstPct * 100)))
    return [
      { user_id: list[0], share_bp: first },
      { user_id: list[1], share_bp: 10000 - first },
    ]
  }
  return list.map((user_id) => ({ user_id }))
}

/** YYYY-MM of a business day YYYY-MM-DD. */
export function monthOf(day: string): string {
  return day.slice(0, 7)
}

/** The first day of the month of `day` and `day` itself. */
export function monthToDate(day: string): { from: string; to: string } {
  return { from: `${day.slice(0, 7)}-01`, to: day }
}

/** Days of `month` (YYYY-MM). */
export function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number)
  return new Date(Date.UTC(y, m, 0)).getUTCDate()
}

/** The period to enter a target for by default: next year in the last quarter, else this year. */
export function defaultPeriod(day: string): string {
  const y = Number(day.slice(0, 4))
  return Number(day.slice(5, 7)) >= 10 ? String(y + 1) : String(y)
}

/** A leaderboard or KPI value as text: money for revenue, ticket and margin; basis points for rates; else a number. */
export function kpiText(kpi: string, v: number | null | undefined): string {
  if (v === null || v === undefined) return '—'
  if (kpi === 'revenue' || kpi === 'avg_ticket' || kpi === 'gross_margin') return money(v)
  if (kpi === 'conversion' || kpi === 'attainment' || kpi.endsWith('_bp')) return bp(v)
  if (kpi === 'upt') return formatNumber(v, 2)
  return formatNumber(v, kpi === 'sales_cycle_days' || kpi === 'csat' ? 1 : 0)
}
