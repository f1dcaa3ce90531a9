// The staff-performance API (issue #15's contract) for the staff screens:
// people, targets, attainment, KPIs, footfall, leaderboards, recognitions,
// and the few reads of other areas My performance shows (statement, tasks,
// training). Untyped paths go through the same client (session, CSRF).
import { call, client, type Schemas } from '@/api/client'
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

// The shapes are the OpenAPI document's: a field renamed on the server
// breaks the typecheck, not the screen.
export type Metric = 'revenue' | 'units' | 'margin'
export type Person = Schemas['StaffPerson'] & { stores?: { id: number; name: string }[] }
export interface List<T> {
  items: T[]
  next_cursor?: string | null
}
export type SplitAnswer = Schemas['TargetSplit']
export type SplitMonth = SplitAnswer['months'][number]
export type SplitBasis = SplitAnswer['basis']
export type SplitInput = Schemas['TargetSplitInput'] & { metric: Metric }
export type TargetRow = Schemas['Target'] & { metric: Metric }
export type TargetEntry = Schemas['TargetEntry']
export type Attainment = Schemas['TargetAttainment']
export type AttainmentItem = Attainment['items'][number]
export type KpiRow = Schemas['KpiRow']
export type KpiFigures = Omit<KpiRow, 'key' | 'label' | 'store_id' | 'period_start'>
export type KpiAnswer = Schemas['KpiReport']
export interface KpiQuery extends Query {
  level: 'person' | 'store'
  store_id?: number | null
  user_id?: number | null
  period: 'day' | 'week' | 'month'
  from: string
  to: string
}
export type FootfallDay = Schemas['FootfallDay']
export type FootfallImport = Schemas['FootfallImport']

export type LeaderKpi = 'revenue' | 'transactions' | 'avg_ticket' | 'upt' | 'gross_margin' | 'conversion' | 'members_recruited' | 'attainment'
export const LEADER_KPIS: LeaderKpi[] = ['revenue', 'transactions', 'avg_ticket', 'upt', 'gross_margin', 'conversion', 'members_recruited', 'attainment']
export type Leaderboard = Schemas['Leaderboard']
export type LeaderRow = Leaderboard['items'][number]
export interface LeaderQuery extends Query {
  subject: 'people' | 'stores'
  scope: 'store' | 'region' | 'company'
  store_id?: number | null
  region?: string | null
  kpi: LeaderKpi
  period: 'day' | 'month'
  day?: string
}

export type Badge = Schemas['Recognition']['badge']
export const BADGES: Badge[] = ['top_seller', 'customer_star', 'team_player', 'fast_learner', 'service_hero', 'milestone']
export type Recognition = Schemas['Recognition']
export type Statement = Schemas['CommissionStatement']
export type TaskRow = Schemas['Task']
export type Assignment = Schemas['CourseAssignment']

export const staffApi = {
  people: (q: { store_id?: number | null; q?: string; role?: string; limit?: number; cursor?: string }) => staffCall<List<Person>>('GET', '/staff', q),
  person: (id: number) => staffCall<Person>('GET', `/staff/${id}`),
  split: (body: SplitInput) => staffCall<SplitAnswer>('POST', '/targets/split', {}, { body }),
  targets: (q: { store_id?: number | null; user_id?: number | null; month?: string; year?: string; metric?: Metric }) =>
    staffCall<List<TargetRow>>('GET', '/targets', q),
  patchTarget: (id: number, amount: number, rebalance = true) => staffCall<Schemas['TargetMonths']>('PATCH', `/targets/${id}`, {}, { body: { amount, rebalance } }),
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
