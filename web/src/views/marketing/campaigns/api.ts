// The campaign endpoints through the session client, answering the shapes
// of ./campaigns.
import { call, client } from '@/api/client'
import type { Action, Campaign, CampaignCost, CampaignList, CampaignMember, CampaignMessage, CampaignPreview, CampaignResults, Lang, toBody } from './campaigns'

type Answer = Promise<{ data?: unknown; error?: unknown; response: Response }>
// For the paths the generated types cannot name: a cost line's
// /costs/{id} under /campaigns/{id} (two parameters of one name), and a
// state change chosen at run time.
const raw = client as unknown as {
  POST: (path: string, init?: { body?: unknown }) => Answer
  DELETE: (path: string) => Answer
}

export type CampaignBody = ReturnType<typeof toBody>
const path = (id: number) => ({ params: { path: { id } } })

export const campaignApi = {
  list: (query: Record<string, unknown>) => call(client.GET('/api/v1/campaigns', { params: { query } })) as Promise<CampaignList>,
  get: (id: number) => call(client.GET('/api/v1/campaigns/{id}', path(id))) as Promise<Campaign>,
  create: (body: CampaignBody) => call(client.POST('/api/v1/campaigns', { body })) as Promise<Campaign>,
  /** The store is the one the campaign was created for: not sent again. */
  update: (id: number, body: CampaignBody) => {
    const patch: Partial<CampaignBody> = { ...body }
    delete patch.store_id
    return call(client.PATCH('/api/v1/campaigns/{id}', { ...path(id), body: patch })) as Promise<Campaign>
  },
  remove: (id: number) => call(client.DELETE('/api/v1/campaigns/{id}', path(id))),
  /** A state change (submit, approve, start, …; reject takes a reason), or "send to those missed". */
  act: (id: number, action: Exclude<Action, 'edit' | 'delete'>, body?: unknown) =>
    call(raw.POST(`/api/v1/campaigns/${id}/${action}`, { body: body ?? {} })) as Promise<Campaign | { requeued: number }>,
  preview: (id: number, query: { variant: string; lang: Lang; customer_id?: number }) =>
    call(client.GET('/api/v1/campaigns/{id}/preview', { params: { path: { id }, query: query as { variant: CampaignMessage['variant']; lang: Lang } } })) as Promise<CampaignPreview>,
  members: (id: number, query: Record<string, unknown>) =>
    call(client.GET('/api/v1/campaigns/{id}/members', { params: { path: { id }, query } })) as Promise<{ items: CampaignMember[]; next_cursor?: string | null }>,
  costs: (id: number) => call(client.GET('/api/v1/campaigns/{id}/costs', { params: { path: { id }, query: { limit: 500 } } })) as Promise<{ items: CampaignCost[] }>,
  addCost: (id: number, body: { label: string; amount: number; day: string }) => call(client.POST('/api/v1/campaigns/{id}/costs', { ...path(id), body })) as Promise<CampaignCost>,
  removeCost: (id: number, costId: number) => call(raw.DELETE(`/api/v1/campaigns/${id}/costs/${costId}`)),
  results: (id: number) => call(client.GET('/api/v1/campaigns/{id}/results', path(id))) as Promise<CampaignResults>,
}
