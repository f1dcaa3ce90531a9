// The evaluation endpoints (templates, evaluations and their two parts,
// publish, cancel) and the person KPIs shown beside an evaluation.
import { call } from '@/api/client'
import { raw } from '../commission/api'
import type { Page } from '../commission/commission'
import type { EvalAction, Evaluation, Template } from './evaluations'

const q = (query: Record<string, unknown>) => ({ params: { query } })
export type TemplateBody = Omit<Template, 'id'>

/** One row of GET /kpis (the fields these screens show). */
export interface Kpi {
  key: string
  period_start: string
  revenue: number
  transactions: number
  avg_ticket: number
  upt: number | null
  discount_rate_bp: number | null
  return_rate_bp: number | null
  gross_margin: number
  margin_rate_bp: number | null
  members_recruited: number
  conversion_bp: number | null
}

export const evaluationApi = {
  templates: (query: Record<string, unknown>) => call(raw.GET('/api/v1/evaluation-templates', q(query))) as Promise<Page<Template>>,
  createTemplate: (body: TemplateBody) => call(raw.POST('/api/v1/evaluation-templates', { body })) as Promise<Template>,
  updateTemplate: (id: number, body: Partial<TemplateBody>) => call(raw.PATCH(`/api/v1/evaluation-templates/${id}`, { body })) as Promise<Template>,
  list: (query: Record<string, unknown>) => call(raw.GET('/api/v1/evaluations', q(query))) as Promise<Page<Evaluation>>,
  get: (id: number) => call(raw.GET(`/api/v1/evaluations/${id}`)) as Promise<Evaluation>,
  create: (body: { template_id: number | null; user_id: number | null; period_from: string; period_to: string; due_day: string }) =>
    call(raw.POST('/api/v1/evaluations', { body })) as Promise<Evaluation>,
  saveSelf: (id: number, body: { scores: Record<string, number>; comment: string; submit: boolean }) => call(raw.PUT(`/api/v1/evaluations/${id}/self`, { body })) as Promise<Evaluation>,
  saveManager: (id: number, body: { scores: Record<string, number>; comment: string; actions: EvalAction[] }) =>
    call(raw.PUT(`/api/v1/evaluations/${id}/manager`, { body })) as Promise<Evaluation>,
  act: (id: number, action: 'publish' | 'cancel') => call(raw.POST(`/api/v1/evaluations/${id}/${action}`, { body: {} })) as Promise<Evaluation>,
  kpis: (query: Record<string, unknown>) => call(raw.GET('/api/v1/kpis', q(query))) as Promise<{ items: Kpi[] }>,
}
