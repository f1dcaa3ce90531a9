// The evaluation endpoints (templates, evaluations and their two parts,
// publish, cancel).
import type { Query } from '@/utils/download'
import { staffCall } from '../api'
import type { Page } from '../commission/commission'
import type { EvalAction, Evaluation, Template } from './evaluations'

// A list's query as useServerTable hands it (filters with a value, limit, cursor).
type Q = Record<string, unknown>
export type TemplateBody = Omit<Template, 'id'>

export const evaluationApi = {
  templates: (q: Q) => staffCall<Page<Template>>('GET', '/evaluation-templates', q as Query),
  createTemplate: (body: TemplateBody) => staffCall<Template>('POST', '/evaluation-templates', {}, { body }),
  updateTemplate: (id: number, body: Partial<TemplateBody>) => staffCall<Template>('PATCH', `/evaluation-templates/${id}`, {}, { body }),
  list: (q: Q) => staffCall<Page<Evaluation>>('GET', '/evaluations', q as Query),
  get: (id: number) => staffCall<Evaluation>('GET', `/evaluations/${id}`),
  create: (body: { template_id: number | null; user_id: number | null; period_from: string; period_to: string; due_day: string }) =>
    staffCall<Evaluation>('POST', '/evaluations', {}, { body }),
  saveSelf: (id: number, body: { scores: Record<string, number>; comment: string; submit: boolean }) => staffCall<Evaluation>('PUT', `/evaluations/${id}/self`, {}, { body }),
  saveManager: (id: number, body: { scores: Record<string, number>; comment: string; actions: EvalAction[] }) =>
    staffCall<Evaluation>('PUT', `/evaluations/${id}/manager`, {}, { body }),
  act: (id: number, action: 'publish' | 'cancel') => staffCall<Evaluation>('POST', `/evaluations/${id}/${action}`, {}, { body: {} }),
}
