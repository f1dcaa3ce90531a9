// The commission endpoints (plans, the calculator, payout periods and their
// lines, statements) through the session client, answering ./commission's shapes.
import { call, client } from '@/api/client'
import type { CalcResult, Page, Period, PeriodAction, Plan, PayoutLine, Rules, SampleLine, Statement, planBody } from './commission'

type Answer = Promise<{ data?: unknown; error?: unknown; response: Response }>
type Init = { params?: { query?: Record<string, unknown> }; body?: unknown }
// The staff endpoints are typed here, from the contract, rather than from
// the generated schema, so the screens build whichever API branch is merged.
export const raw = client as unknown as {
  GET: (path: string, init?: Init) => Answer
  POST: (path: string, init?: Init) => Answer
  PATCH: (path: string, init?: Init) => Answer
  PUT: (path: string, init?: Init) => Answer
  DELETE: (path: string, init?: Init) => Answer
}
const q = (query: Record<string, unknown>) => ({ params: { query } })

export type PlanBody = ReturnType<typeof planBody>

export const commissionApi = {
  plans: (query: Record<string, unknown>) => call(raw.GET('/api/v1/commission/plans', q(query))) as Promise<Page<Plan>>,
  plan: (id: number) => call(raw.GET(`/api/v1/commission/plans/${id}`)) as Promise<Plan>,
  create: (body: PlanBody) => call(raw.POST('/api/v1/commission/plans', { body })) as Promise<Plan>,
  update: (id: number, body: PlanBody) => call(raw.PATCH(`/api/v1/commission/plans/${id}`, { body })) as Promise<Plan>,
  remove: (id: number) => call(raw.DELETE(`/api/v1/commission/plans/${id}`)),
  act: (id: number, action: 'approve' | 'close') => call(raw.POST(`/api/v1/commission/plans/${id}/${action}`, { body: {} })) as Promise<Plan>,
  calculate: (body: { rules: Rules; sample: { target: number; lines: SampleLine[] } }) =>
    call(raw.POST('/api/v1/commission/calculate', { body })) as Promise<CalcResult>,
  openPeriod: (planId: number, period: string) => call(raw.POST(`/api/v1/commission/plans/${planId}/periods`, { body: { period } })) as Promise<Period>,
  periods: (query: Record<string, unknown>) => call(raw.GET('/api/v1/commission/periods', q(query))) as Promise<Page<Period>>,
  period: (id: number) => call(raw.GET(`/api/v1/commission/periods/${id}`)) as Promise<Period>,
  periodAct: (id: number, action: PeriodAction) => call(raw.POST(`/api/v1/commission/periods/${id}/${action}`, { body: {} })) as Promise<Period>,
  lines: (id: number, query: Record<string, unknown>) => call(raw.GET(`/api/v1/commission/periods/${id}/lines`, q(query))) as Promise<Page<PayoutLine>>,
  statement: (userId: number, period?: string) => call(raw.GET(`/api/v1/commission/statements/${userId}`, q(period ? { period } : {}))) as Promise<Statement>,
}
