// The staff-performance API (issue #15's contract) for the staff screens:
// people, targets, attainment, KPIs, footfall, leaderboards, recognitions,
// and the few reads of other areas My performance shows (statement, tasks,
// training). Untyped paths go through the same client (session, CSRF).
import { call, client } from '@/api/client'
import { queryString, type Query } from '@/utils/download'

type Answer = Promise<{ data?: unknown; error?: unknown; response: Response }>
type Init = { body?: unknown; headers?: Record<string, string>; bodySerializer?: (b: unknown) => string }
// The staff paths are not all in the OpenAPI document of every branch yet:
// the same client, seen without its path types.
const raw = client as unknown as Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', (path: string, init?: Init) => Answer>

/** One request to `/api/v1` + path with the query (empty values left out); throws ApiError / NetworkError. */
export function staffCall<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, query: Query = {}, init: Init = {}): Promise<T> {
  return call(raw[method](`/api/v1${path}${queryString(query)}`, init)) as Promise<T>
}

export type Role = 'admin' | 'hq' | 'store_manager' | 'sales' | 'service' | string
export type Metric = 'revenue' | 'units' | 'margin'

export interface Person {
  id: number
  username: string
  display_name: string
  role: Role
  store_ids: number[]
  active: boolean
  stores?: { id: number; name: string }[]
}
export interface List<T> {
  items: T[]
  next_cursor?: string | null
}

export interface SplitMonth {
  month: string
  amount: number
  last_year: number
  share_bp: number
}
export type SplitBasis = 'store_last_year' | 'company_last_year' | 'even'
export interface SplitAnswer {
  entry_id: number | null
  basis: SplitBasis
  months: SplitMonth[]
}
export interface SplitInput {
  store_id: number
  user_id: number | null
  metric: Metric
  category_id: number | null
  period: string
  total: number
  dry_run: boolean
}
export interface TargetRow {
  id: number
  entry_id: number | null
  store_id: number
  user_id: number | null
  metric: Metric
  category_id: number | null
  month: string
  amount: number
  edited: boolean
  actual: number | null
  attainment_bp: number | null
}
export interface TargetEntry {
  id: number
  store_id: number
  user_id: number | null
  metric: Metric
  category_id: number | null
  period: string
  total: number
  basis: SplitBasis
}
export interface AttainmentItem {
  metric: Metric
  category_id: number | null
  target: number
  actual: number
  attainment_bp: number | null
  remaining: number
  run_rate_needed: number
  projected: number
}
export interface Attainment {
  month: string
  days_in_month: number
  days_elapsed: number
  days_left: number
  items: AttainmentItem[]
}

export interface KpiRow {
  key: string | number
  label: string
  store_id: number | null
  period_start: string
  revenue: number
  transactions: number
  avg_ticket: number
  upt: number
  discount_rate_bp: number
  return_rate_bp: number
  gross_margin: number
  margin_rate_bp: number
  members_recruited: number
  opportunities_won: number
  sales_cycle_days: number | null
  csat: number | null
  entries: number | null
  conversion_bp: number | null
}
export type KpiFigures = Omit<KpiRow, 'key' | 'label' | 'store_id' | 'period_start'>
export interface KpiAnswer extends List<KpiRow> {
  medians?: { store?: Partial<KpiFigures> | null; company?: Partial<KpiFigures> | null }
}
export interface KpiQuery extends Query {
  level: 'person' | 'store'
  store_id?: number | null
  user_id?: number | null
  period: 'day' | 'week' | 'month'
  from: string
  to: string
}

export interface FootfallDay {
  store_id: number
  day: string
  entries: number
  hours: { hour: number; entries: number }[]
  source: string
}
export interface FootfallImport {
  rows: number
  errors: { line: number; column: string; message: string }[]
  applied: boolean
}

export type LeaderKpi = 'revenue' | 'transactions' | 'avg_ticket' | 'upt' | 'gross_margin' | 'conversion' | 'members_recruited' | 'attainment'
export const LEADER_KPIS: LeaderKpi[] = ['revenue', 'transactions', 'avg_ticket', 'upt', 'gross_margin', 'conversion', 'members_recruited', 'attainment']
export interface LeaderRow {
  rank: number
  id: number
  name: string
  store_id: number | null
  store_name: string | null
  region: string | null
  value: number | null
}
export interface Leaderboard {
  kpi: LeaderKpi
  period: 'day' | 'month'
  from: string
  to: string
  items: LeaderRow[]
  me: { rank: number; value: number | null; of: number } | null
}
export interface LeaderQuery extends Query {
  subject: 'people' | 'stores'
  scope: 'store' | 'region' | 'company'
  store_id?: number | null
  region?: string | null
  kpi: LeaderKpi
  period: 'day' | 'month'
  day?: string
}

export const BADGES = ['top_seller', 'customer_star', 'team_player', 'fast_learner', 'service_hero', 'milestone'] as const
export type Badge = (typeof BADGES)[number]
export interface Recognition {
  id: number
  user_id: number
  badge: Badge
  note: string | null
  given_by?: number | null
  given_by_name?: string | null
  at?: string | number | null
  created_at?: string | number | null
}

export interface Statement {
  user_id: number
  period?: string
  payouts?: { period_id?: number; plan_id?: number; plan_name?: string; total: number; status?: string }[]
  lines?: { amount: number }[]
  total?: number
}
export interface TaskRow {
  id: number
  title: string
  due_at: string | null
  status: string
  overdue?: boolean
  kind?: string
  assignee_id?: number | null
}
export interface Assignment {
  id: number
  course_id: number
  course_title: string
  user_id: number
  user_name?: string
  due_day: string | null
  status: string
  overdue: boolean
}

export const staffApi = {
  people: (q: { store_id?: number | null; q?: string; role?: string; limit?: number; cursor?: string }) => staffCall<List<Person>>('GET', '/staff', q),
  person: (id: number) => staffCall<Person>('GET', `/staff/${id}`),
  split: (body: SplitInput) => staffCall<SplitAnswer>('POST', '/targets/split', {}, { body }),
  targets: (q: { store_id?: number | null; user_id?: number | null; month?: string; year?: string; metric?: Metric }) =>
    staffCall<List<TargetRow>>('GET', '/targets', q),
  patchTarget: (id: number, amount: number, rebalance = true) => staffCall<List<TargetRow> | TargetRow[]>('PATCH', `/targets/${id}`, {}, { body: { amount, rebalance } }),
  entries: (q: { store_id?: number | null; period?: string }) => staffCall<List<TargetEntry>>('GET', '/targets/entries', q),
  deleteEntry: (id: number) => staffCall<unknown>('DELETE', `/targets/entries/${id}`),
  attainment: (q: { store_id?: number | null; user_id?: number | null; month?: string }) => staffCall<Attainment>('GET', '/targets/attainment', q),
  kpis: (q: KpiQuery) => staffCall<KpiAnswer>('GET', '/kpis', q),
  footfall: (q: { store_id?: number | null; from: string; to: string }) => staffCall<List<FootfallDay>>('GET', '/footfall', q),
  putFootfall: (body: { store_id: number; day: string; hours: { hour: number; entries: number }[] }) => staffCall<FootfallDay>('PUT', '/footfall', {}, { body }),
  importFootfall: (storeId: number, csv: string, dryRun: boolean) =>
    staffCall<FootfallImport>('POST', '/footfall/import', { store_id: storeId, dry_run: dryRun }, {
      body: csv,
      headers: { 'Content-Type': 'text/csv' },
      bodySerializer: (b) => String(b),
    }),
  leaderboard: (q: LeaderQuery) => staffCall<Leaderboard>('GET', '/leaderboards', q),
  recognitions: (q: { user_id?: number; store_id?: number | null }) => staffCall<List<Recognition>>('GET', '/recognitions', q),
  recognize: (body: { user_id: number; badge: Badge; note: string }) => staffCall<Recognition>('POST', '/recognitions', {}, { body }),
  unrecognize: (id: number) => staffCall<unknown>('DELETE', `/recognitions/${id}`),
  statement: (userId: number, period: string) => staffCall<Statement>('GET', `/commission/statements/${userId}`, { period }),
  tasks: (q: { assignee_id?: number; mine?: 'true'; status?: string; overdue?: 'true'; store_id?: number | null; limit?: number }) => staffCall<List<TaskRow>>('GET', '/tasks', q),
  assignments: (q: { user_id?: number; store_id?: number | null; status?: string; overdue?: boolean; limit?: number }) =>
    staffCall<List<Assignment>>('GET', '/course-assignments', q),
}
