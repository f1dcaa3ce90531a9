// Evaluation templates and evaluations as the API answers them, and what
// needs no Vue: weights that must sum to 100, the weighted score, which
// part the signed-in user may write, the actions the state allows.

export type EvalStatus = 'scheduled' | 'open' | 'published' | 'cancelled'
export const EVAL_STATUSES: EvalStatus[] = ['scheduled', 'open', 'published', 'cancelled']
export const ROLES = ['sales', 'store_manager', 'service', 'hq', 'admin'] as const

export interface Criterion {
  key: string
  name: string
  weight: number
}
export interface Template {
  id: number
  name: string
  role: string
  criteria: Criterion[]
  cadence_months: number
  active: boolean
}
export interface EvalAction {
  title: string
  due_day: string | null
  task_id?: number | null
}
export interface SelfPart {
  scores: Record<string, number>
  comment: string | null
  submitted_at: string | null
}
export interface ManagerPart extends SelfPart {
  actions: EvalAction[]
}
export interface Evaluation {
  id: number
  template: Template
  user_id: number
  user_name?: string
  store_id: number | null
  manager_id: number | null
  manager_name?: string
  period_from: string
  period_to: string
  due_day: string
  status: EvalStatus
  self: SelfPart | null
  manager: ManagerPart | null
  score: number | null
  published_at: string | null
  next_id: number | null
}

/** The sum of the weights (a template is valid at exactly 100). */
export function weightSum(cs: Pick<Criterion, 'weight'>[]): number {
  return cs.reduce((s, c) => s + (Number(c.weight) || 0), 0)
}

/** A key for a criterion from its name: lower-case letters, digits and underscores, unique in the list. */
export function criterionKey(name: string, taken: string[]): string {
  const base = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'c'
  let k = base
  for (let i = 2; taken.includes(k); i++) k = `${base}_${i}`
  return k
}

/** The weighted score (1.00–5.00) of scores given for every criterion, or null while one is missing. */
export function weightedScore(cs: Criterion[], scores: Record<string, number | undefined>): number | null {
  const total = weightSum(cs)
  if (!cs.length || !total) return null
  let s = 0
  for (const c of cs) {
    const v = scores[c.key]
    if (!v) return null
    s += v * c.weight
  }
  return Math.round((s / total) * 100) / 100
}

/** What the signed-in user may do with an evaluation. */
export function evalRights(ev: Pick<Evaluation, 'status' | 'user_id' | 'self' | 'manager'>, me: number, can: (perm: string) => boolean) {
  // Both parts are written while open (a scheduled one opens when its period has ended).
  const open = ev.status === 'open'
  const own = ev.user_id === me
  const manages = can('STAFF_MANAGE') && !own
  return {
    own,
    manages,
    writeSelf: open && own && !ev.self?.submitted_at,
    writeManager: open && manages,
    publish: open && manages && !!ev.manager?.submitted_at,
    cancel: (open || ev.status === 'scheduled') && manages,
  }
}

export function statusType(s: string): 'primary' | 'success' | 'info' | 'warning' {
  return s === 'open' ? 'primary' : s === 'published' ? 'success' : s === 'scheduled' ? 'warning' : 'info'
}
