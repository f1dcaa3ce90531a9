// Commission plans, payout periods and statements as the API answers them,
// and what needs no Vue: the rules' defaults, the tier curve for the chart,
// the actions a state allows, the plan body sent on save.

export type PlanStatus = 'draft' | 'approved' | 'closed'
export type PeriodStatus = 'open' | 'approved' | 'closed'
export type PeriodKind = 'month' | 'quarter'
export type TierMode = 'brackets' | 'linear'
export type LineKind = 'sale' | 'return' | 'tier' | 'pool' | 'clawback'

export const PLAN_STATUSES: PlanStatus[] = ['draft', 'approved', 'closed']
export const PERIOD_STATUSES: PeriodStatus[] = ['open', 'approved', 'closed']
export const PERIOD_KINDS: PeriodKind[] = ['month', 'quarter']

export interface DiscountBand {
  min_price_bp: number
  rate_bp: number
}
/** One tier level: an amount (brackets, fen) or a rate of sales (bp). */
export interface TierLevel {
  attainment_bp: number
  amount?: number | null
  rate_bp?: number | null
}
export interface Rules {
  base: 'revenue'
  discount_bands: DiscountBand[]
  default_rate_bp: number
  margin_floor_bp: number | null
  tiers: { mode: TierMode; metric: 'revenue'; levels: TierLevel[] }
  pool_bp: number
  clawback_days: number
  require_training: boolean
}
export interface PlanMember {
  kind: 'user' | 'store'
  member_id: number
  name?: string
}
export interface Plan {
  id: number
  name: string
  period_kind: PeriodKind
  status: PlanStatus
  rules: Rules
  valid_from: string
  valid_to: string | null
  members: PlanMember[]
  created_at?: string
  approved_at?: string | null
  closed_at?: string | null
}
export interface Page<T> {
  items: T[]
  next_cursor?: string | null
}

export interface SampleLine {
  list_price: number | null
  unit_price: number | null
  quantity: number
  unit_cost: number | null
  share_bp: number
}
export interface CalcLine extends SampleLine {
  /** The price sold as a share of the list price. */
  price_bp: number
  rate_bp: number
  amount: number
  reason: string
}
export interface CalcResult {
  lines: CalcLine[]
  sales: number
  attainment_bp: number
  commission: number
  tier_bonus: number
  total: number
}

export interface Period {
  id: number
  plan_id: number
  plan_name?: string
  period: string
  from_day: string
  to_day: string
  status: PeriodStatus
  computed_at?: string | null
  approved_at?: string | null
  closed_at?: string | null
  payouts?: Payout[]
}
export interface Payout {
  period_id?: number
  user_id: number
  user_name?: string
  store_id?: number | null
  sales: number
  target: number
  attainment_bp: number
  commission: number
  tier_bonus: number
  pool: number
  clawback: number
  total: number
}
export interface PayoutLine {
  id: number
  period_id?: number
  user_id: number
  user_name?: string
  store_id?: number | null
  kind: LineKind
  day: string | null
  sale_id: number | null
  sale_number?: string | null
  sale_line_id?: number | null
  return_id?: number | null
  base: number
  rate_bp: number
  amount: number
  reason?: string | null
  detail?: Record<string, unknown> | null
}
/** A person's statement: each period (any plan) with its payout and its lines. */
export interface StatementPeriod extends Payout {
  plan_id: number
  plan_name?: string
  period: string
  status?: PeriodStatus
  lines: PayoutLine[]
}
export interface Statement {
  user_id: number
  user_name?: string
  items: StatementPeriod[]
}

/** The rules a new plan starts from: 10% at 65% of list or more, 9% from 60%, nothing below. */
export function defaultRules(): Rules {
  return {
    base: 'revenue',
    discount_bands: [
      { min_price_bp: 6500, rate_bp: 1000 },
      { min_price_bp: 6000, rate_bp: 900 },
    ],
    default_rate_bp: 0,
    margin_floor_bp: null,
    tiers: {
      mode: 'brackets',
      metric: 'revenue',
      levels: [
        { attainment_bp: 8000, amount: 20000 },
        { attainment_bp: 9000, amount: 30000 },
        { attainment_bp: 10000, amount: 50000 },
      ],
    },
    pool_bp: 0,
    clawback_days: 30,
    require_training: false,
  }
}

/** The rules as the server keeps them: bands sorted by price ratio (highest first), levels by attainment. */
export function normalizeRules(r: Rules): Rules {
  const bands = [...r.discount_bands].sort((a, b) => b.min_price_bp - a.min_price_bp)
  const levels = [...r.tiers.levels].sort((a, b) => a.attainment_bp - b.attainment_bp).map((l) => {
    // A level pays an amount or a rate, never both.
    return l.rate_bp !== null && l.rate_bp !== undefined ? { attainment_bp: l.attainment_bp, rate_bp: l.rate_bp } : { attainment_bp: l.attainment_bp, amount: l.amount ?? 0 }
  })
  return { ...r, discount_bands: bands, tiers: { ...r.tiers, levels } }
}

/** Whether the levels pay rates (of sales) rather than amounts. */
export function levelsPayRate(levels: TierLevel[]): boolean {
  return levels.some((l) => l.rate_bp !== null && l.rate_bp !== undefined)
}

/**
 * What the tier pays at an attainment (bp): brackets pay the highest level
 * reached, linear interpolates between the levels around it; 0 below the
 * first level, flat above the last. Values are the levels' amounts (fen) or
 * rates (bp), whichever they carry.
 */
export function tierValue(mode: TierMode, levels: TierLevel[], attainment: number): number {
  const ls = [...levels].sort((a, b) => a.attainment_bp - b.attainment_bp)
  const v = (l: TierLevel) => Number(l.rate_bp ?? l.amount ?? 0)
  if (!ls.length || attainment < ls[0].attainment_bp) return 0
  const top = ls[ls.length - 1]
  if (attainment >= top.attainment_bp) return v(top)
  let i = 0
  while (i + 1 < ls.length && ls[i + 1].attainment_bp <= attainment) i++
  if (mode === 'brackets') return v(ls[i])
  const a = ls[i]
  const b = ls[i + 1]
  return Math.floor(v(a) + ((v(b) - v(a)) * (attainment - a.attainment_bp)) / (b.attainment_bp - a.attainment_bp))
}

/**
 * The tier curve as [attainment %, value] points for a chart from 0 to 20
 * points past the top level: steps for brackets, straight segments for
 * linear (both vertical at the first level, where payment starts).
 */
export function tierCurve(mode: TierMode, levels: TierLevel[]): [number, number][] {
  const ls = [...levels].sort((a, b) => a.attainment_bp - b.attainment_bp)
  if (!ls.length) return [[0, 0], [120, 0]]
  const v = (l: TierLevel) => Number(l.rate_bp ?? l.amount ?? 0)
  const pct = (bp: number) => bp / 100
  const out: [number, number][] = [[0, 0], [pct(ls[0].attainment_bp), 0]]
  ls.forEach((l, i) => {
    if (mode === 'brackets' && i > 0) out.push([pct(l.attainment_bp), v(ls[i - 1])])
    out.push([pct(l.attainment_bp), v(l)])
  })
  out.push([pct(ls[ls.length - 1].attainment_bp) + 20, v(ls[ls.length - 1])])
  return out
}

/** The state changes a plan allows, for the user's permissions. */
export type PlanAction = 'edit' | 'approve' | 'close' | 'delete'
export function planActions(p: Pick<Plan, 'status'>, can: (perm: string) => boolean): PlanAction[] {
  if (!can('STAFF_ADMIN')) return []
  if (p.status === 'draft') return ['approve', 'delete']
  if (p.status === 'approved') return ['close']
  return []
}

export type PeriodAction = 'recompute' | 'approve' | 'close'
export function periodActions(p: Pick<Period, 'status'>, can: (perm: string) => boolean): PeriodAction[] {
  const out: PeriodAction[] = []
  if (p.status === 'open') {
    if (can('STAFF_MANAGE')) out.push('recompute')
    if (can('STAFF_ADMIN')) out.push('approve')
  } else if (p.status === 'approved' && can('STAFF_ADMIN')) out.push('close')
  return out
}

export function planStatusType(s: string): 'info' | 'success' | 'warning' {
  return s === 'approved' ? 'success' : s === 'closed' ? 'info' : 'warning'
}
export function periodStatusType(s: string): 'primary' | 'success' | 'info' {
  return s === 'open' ? 'primary' : s === 'approved' ? 'success' : 'info'
}

/** A basis-point figure as a percentage with up to two decimals (6500 → "65%", 7999 → "79.99%"). */
export function bpText(bp: number | null | undefined): string {
  if (bp === null || bp === undefined) return '—'
  return `${Number((bp / 100).toFixed(2))}%`
}

/** The current month as the period of a monthly plan ('2026-12'), or the quarter ('2026-Q4'). */
export function currentPeriod(kind: PeriodKind, day: string): string {
  const [y, m] = day.split('-').map(Number)
  return kind === 'quarter' ? `${y}-Q${Math.floor((m - 1) / 3) + 1}` : `${y}-${String(m).padStart(2, '0')}`
}

/** A line's reason key in the locale file: the server's reason ("band", "margin", "training", …) or the line's kind. */
export function reasonOf(l: Pick<PayoutLine, 'reason' | 'detail' | 'kind'>): string {
  const d = l.detail as { reason?: unknown } | null | undefined
  const r = l.reason ?? (typeof d?.reason === 'string' ? d.reason : null)
  return r || l.kind
}

/** A reason in words (`t`/`te` of useI18n); one this screen does not know is shown as the server wrote it. */
export function reasonText(r: string, t: (k: string) => string, te: (k: string) => boolean): string {
  return te(`commission.reason.${r}`) ? t(`commission.reason.${r}`) : r
}

/** The plan body of POST / PATCH /commission/plans. */
export function planBody(p: Pick<Plan, 'name' | 'period_kind' | 'valid_from' | 'valid_to' | 'rules' | 'members'>) {
  return {
    name: p.name.trim(),
    period_kind: p.period_kind,
    valid_from: p.valid_from,
    valid_to: p.valid_to || null,
    rules: normalizeRules(p.rules),
    members: p.members.map((m) => ({ kind: m.kind, member_id: m.member_id })),
  }
}
