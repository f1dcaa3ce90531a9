// The commission endpoints (plans, the calculator, payout periods and their
// lines, statements), answering ./commission's shapes.
import type { Query } from '@/utils/download'
import { staffCall } from '../api'
import type { CalcResult, Page, Period, PeriodAction, Plan, PayoutLine, Rules, SampleLine, Statement, planBody } from './commission'

export type PlanBody = ReturnType<typeof planBody>
// A list's query as useServerTable hands it (filters with a value, limit, cursor).
type Q = Record<string, unknown>

export const commissionApi = {
  plans: (q: Q) => staffCall<Page<Plan>>('GET', '/commission/plans', q as Query),
  plan: (id: number) => staffCall<Plan>('GET', `/commission/plans/${id}`),
  create: (body: PlanBody) => staffCall<Plan>('POST', '/commission/plans', {}, { body }),
  update: (id: number, body: PlanBody) => staffCall<Plan>('PATCH', `/commission/plans/${id}`, {}, { body }),
  remove: (id: number) => staffCall<unknown>('DELETE', `/commission/plans/${id}`),
  act: (id: number, action: 'approve' | 'close') => staffCall<Plan>('POST', `/commission/plans/${id}/${action}`, {}, { body: {} }),
  calculate: (body: { rules: Rules; sample: { target: number; lines: SampleLine[] } }) => staffCall<CalcResult>('POST', '/commission/calculate', {}, { body }),
  openPeriod: (planId: number, period: string) => staffCall<Period>('POST', `/commission/plans/${planId}/periods`, {}, { body: { period } }),
  periods: (q: Q) => staffCall<Page<Period>>('GET', '/commission/periods', q as Query),
  period: (id: number) => staffCall<Period>('GET', `/commission/periods/${id}`),
  periodAct: (id: number, action: PeriodAction) => staffCall<Period>('POST', `/commission/periods/${id}/${action}`, {}, { body: {} }),
  lines: (id: number, q: Q) => staffCall<Page<PayoutLine>>('GET', `/commission/periods/${id}/lines`, q as Query),
  statement: (userId: number, period?: string) => staffCall<Statement>('GET', `/commission/statements/${userId}`, { period }),
}
