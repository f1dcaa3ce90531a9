// The marketing API the outbox, gateway and journey screens use: the shapes
// of issue #14's contract, and one typed call per endpoint.
import { call, client, type Schemas } from '@/api/client'
import type { paths } from '@/api/schema'
import type { Channel } from './outbox/outbox'

export type OutboxRow = Schemas['OutboxMessage']
export type OutboxQuery = NonNullable<NonNullable<paths['/api/v1/outbox']['get']['parameters']>['query']>

/** A channel's gateway; its config is the channel's fields as strings (the schema leaves it open). */
export type Gateway = Omit<Schemas['Gateway'], 'config'> & { config: Record<string, string | undefined> }
export type GatewayInput = Omit<Schemas['GatewayInput'], 'config'> & { config: Record<string, string> }
export type GatewayTest = Schemas['GatewayTestResult']
export type MarketingSettings = Schemas['MarketingSettings']
export type MarketingSettingsInput = Schemas['MarketingSettingsInput']

export type Journey = Schemas['Journey']
export type JourneyKind = Journey['kind']
export type JourneyStep = Schemas['JourneyStep']
export type JourneyInput = Schemas['JourneyInput']
export type StepMessage = Schemas['JourneyMessage']
export type Enrollment = Schemas['JourneyEnrollment']
export type { Lang } from './campaigns/campaigns'
/** A journey step's channel: a message, or in_store (a coupon to use at the till, no message). */
export type StepChannel = JourneyStep['channel']

const id = (n: number) => ({ path: { id: n } })
// Each channel has its own gateway paths, all of the same shape as SMS's.
const gatewayPath = (c: Channel) => `/api/v1/marketing/gateways/${c}` as '/api/v1/marketing/gateways/sms'
const gatewayTestPath = (c: Channel) => `/api/v1/marketing/gateways/${c}/test` as '/api/v1/marketing/gateways/sms/test'

export const outboxApi = {
  list: (query: OutboxQuery) => call(client.GET('/api/v1/outbox', { params: { query } })) as Promise<Schemas['OutboxList']>,
  retry: (n: number) => call(client.POST('/api/v1/outbox/{id}/retry', { params: id(n) })) as Promise<OutboxRow>,
}

export const gatewayApi = {
  list: () => call(client.GET('/api/v1/marketing/gateways')) as Promise<{ items: Gateway[] }>,
  save: (channel: Channel, body: GatewayInput) => call(client.PUT(gatewayPath(channel), { body: body as Schemas['GatewayInput'] })) as Promise<Gateway>,
  test: (channel: Channel, to: string) => call(client.POST(gatewayTestPath(channel), { body: { to } })) as Promise<GatewayTest>,
  settings: () => call(client.GET('/api/v1/marketing/settings')) as Promise<MarketingSettings>,
  saveSettings: (body: MarketingSettingsInput) => call(client.PUT('/api/v1/marketing/settings', { body })) as Promise<MarketingSettings>,
}

export const journeyApi = {
  list: (query: { kind?: JourneyKind; limit?: number; cursor?: string }) => call(client.GET('/api/v1/journeys', { params: { query } })) as Promise<Schemas['JourneyList']>,
  get: (n: number) => call(client.GET('/api/v1/journeys/{id}', { params: id(n) })) as Promise<Journey>,
  create: (body: JourneyInput) => call(client.POST('/api/v1/journeys', { body })) as Promise<Journey>,
  update: (n: number, body: Schemas['JourneyPatch']) => call(client.PATCH('/api/v1/journeys/{id}', { params: id(n), body })) as Promise<Journey>,
  remove: (n: number) => call(client.DELETE('/api/v1/journeys/{id}', { params: id(n) })),
  enrollments: (n: number, query: { status?: Enrollment['status']; limit?: number; cursor?: string }) =>
    call(client.GET('/api/v1/journeys/{id}/enrollments', { params: { ...id(n), query } })) as Promise<Schemas['JourneyEnrollmentList']>,
}

export const campaignApi = {
  get: (n: number) => call(client.GET('/api/v1/campaigns/{id}', { params: id(n) })) as Promise<Schemas['Campaign']>,
}

/** Campaigns by name, for the outbox's campaign filter (GET /campaigns?q=). */
export async function searchCampaigns(q: string): Promise<{ value: number; label: string }[]> {
  const r = (await call(client.GET('/api/v1/campaigns', { params: { query: { q: q || undefined, limit: 20 } } }))) as Schemas['CampaignList']
  return r.items.map((c) => ({ value: c.id, label: c.name }))
}
