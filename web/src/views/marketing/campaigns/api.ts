// The campaign endpoints (docs/marketing.md), through the session client,
// answering the shapes of ./campaigns.
import { call, client } from '@/api/client'
import type { Action, Campaign, CampaignCost, CampaignList, CampaignMember, CampaignPreview, CampaignResults, toBody } from './campaigns'

type Answer = Promise<{ data?: unknown; error?: unknown; response: Response }>
type Init = { params?: { query?: Record<string, unknown> }; body?: unknown }
// The client with plain string paths: these endpoints are called by their URL.
const raw = client as unknown as {
  GET: (path: string, init?: Init) => Answer
  POST: (path: string, init?: Init) => Answer
  PATCH: (path: string, init?: Init) => Answer
  DELETE: (path: string, init?: Init) => Answer
}

const base = '/api/v1/campaigns'
export type CampaignBody = ReturnType<typeof toBody>

export const campaignApi = {
  list: (query: Record<string, unknown>) => call(raw.GET(base, { params: { query } })) as Promise<CampaignList>,
  get: (id: number) => call(raw.GET(`${base}/${id}`)) as Promise<Campaign>,
  create: (body: CampaignBody) => call(raw.POST(base, { body })) as Promise<Campaign>,
  update: (id: number, body: CampaignBody) => call(raw.PATCH(`${base}/${id}`, { body })) as Promise<Campaign>,
  remove: (id: number) => call(raw.DELETE(`${base}/${id}`)),
  /** A state change (submit, approve, start, …); reject takes a reason. */
  act: (id: number, action: Exclude<Action, 'edit' | 'delete'>, body?: unknown) =>
    call(raw.POST(`${base}/${id}/${action}`, { body: body ?? {} })) as Promise<Campaign | { requeued: number }>,
  preview: (id: number, query: { variant: string; lang: string; customer_id?: number }) =>
    call(raw.GET(`${base}/${id}/preview`, { params: { query } })) as Promise<CampaignPreview>,
  members: (id: number, query: Record<string, unknown>) =>
    call(raw.GET(`${base}/${id}/members`, { params: { query } })) as Promise<{ items: CampaignMember[]; next_cursor?: string | null }>,
  costs: (id: number) => call(raw.GET(`${base}/${id}/costs`, { params: { query: { limit: 500 } } })) as Promise<{ items: CampaignCost[] }>,
  addCost: (id: number, body: { label: string; amount: number; day: string }) => call(raw.POST(`${base}/${id}/costs`, { body })) as Promise<CampaignCost>,
  removeCost: (id: number, costId: number) => call(raw.DELETE(`${base}/${id}/costs/${costId}`)),
  results: (id: number) => call(client.GET('/api/v1/campaigns/{id}/results', { params: { path: { id } } })) as Promise<CampaignResults>,
}
