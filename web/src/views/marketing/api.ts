// The marketing API the outbox, gateway and journey screens use: the shapes
// of issue #14's contract, and one typed call per endpoint.
import { call, client } from '@/api/client'
import type { Channel, OutboxStatus } from './outbox/outbox'

export interface OutboxRow {
  id: number
  customer_id: number | null
  channel: Channel
  recipient: string
  subject: string | null
  body: string
  status: OutboxStatus
  source: string
  source_id: number | null
  created_at: string
  sent_at: string | null
  error?: string | null
  reason?: string | null
  attempts?: number
  next_at?: string | null
  delivered_at?: string | null
  dead?: boolean
  lang?: string | null
  dedup_key?: string | null
}
export interface OutboxPage {
  items: OutboxRow[]
  next_cursor: string | null
}

export interface Gateway {
  channel: Channel
  enabled: boolean
  configured: boolean
  config: Record<string, string | undefined>
  has_secret: boolean
  rate_per_minute: number
  updated_at: string | null
  missing: string[]
}
export interface GatewayInput {
  enabled: boolean
  config: Record<string, string>
  secret?: string
  rate_per_minute: number
}
export interface GatewayTest {
  ok: boolean
  detail: string
}

export interface MarketingSettings {
  approval_threshold: number
  holdout_pct: number
  quiet_start: string
  quiet_end: string
  public_url: string
}

export type JourneyKind = 'welcome' | 'winback' | 'birthday'
export type Lang = 'zh-CN' | 'en'
export interface StepMessage {
  subject?: string | null
  body: string
}
/** A journey step's channel: a message, or in_store (a coupon to use at the till, no message). */
export type StepChannel = Channel | 'in_store'
export interface JourneyStep {
  step_no: number
  delay_days: number
  channel: StepChannel
  coupon_template_id: number | null
  messages: Partial<Record<Lang, StepMessage>>
}
export interface Journey {
  id: number
  kind: JourneyKind
  name: string
  trigger_days: number
  active: boolean
  steps: JourneyStep[]
  stats: { enrolled: number; active: number; completed: number; converted?: number; messages: number }
  care_rule_id?: number | null
  created_at: string
  updated_at: string
}
export type JourneyInput = Pick<Journey, 'kind' | 'name' | 'trigger_days' | 'active' | 'steps'>
export interface Enrollment {
  id: number
  customer_id: number
  customer_name?: string
  member_code?: string | null
  coupon_code?: string | null
  occurrence: string
  next_step: number
  next_at: string | null
  status: string
  enrolled_at: string
  updated_at: string
}
export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

type Answer = Promise<{ data?: unknown; error?: unknown; response: Response }>
type Init = { params?: { path?: Record<string, unknown>; query?: Record<string, unknown> }; body?: unknown }
// Loose view of the client, for the paths this module owns.
const api = client as unknown as Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', (path: string, init?: Init) => Answer>

const id = (n: number) => ({ path: { id: n } })

export const outboxApi = {
  list: (query: Record<string, unknown>) => call(api.GET('/api/v1/outbox', { params: { query } })) as Promise<OutboxPage>,
  retry: (n: number) => call(api.POST('/api/v1/outbox/{id}/retry', { params: id(n) })) as Promise<OutboxRow>,
}

export const gatewayApi = {
  list: () => call(api.GET('/api/v1/marketing/gateways')) as Promise<{ items: Gateway[] }>,
  save: (channel: Channel, body: GatewayInput) => call(api.PUT('/api/v1/marketing/gateways/{channel}', { params: { path: { channel } }, body })) as Promise<Gateway>,
  test: (channel: Channel, to: string) => call(api.POST('/api/v1/marketing/gateways/{channel}/test', { params: { path: { channel } }, body: { to } })) as Promise<GatewayTest>,
  settings: () => call(api.GET('/api/v1/marketing/settings')) as Promise<MarketingSettings>,
  saveSettings: (body: MarketingSettings) => call(api.PUT('/api/v1/marketing/settings', { body })) as Promise<MarketingSettings>,
}

export const journeyApi = {
  list: (query: Record<string, unknown>) => call(api.GET('/api/v1/journeys', { params: { query } })) as Promise<Page<Journey>>,
  get: (n: number) => call(api.GET('/api/v1/journeys/{id}', { params: id(n) })) as Promise<Journey>,
  create: (body: JourneyInput) => call(api.POST('/api/v1/journeys', { body })) as Promise<Journey>,
  update: (n: number, body: Partial<JourneyInput>) => call(api.PATCH('/api/v1/journeys/{id}', { params: id(n), body })) as Promise<Journey>,
  remove: (n: number) => call(api.DELETE('/api/v1/journeys/{id}', { params: id(n) })),
  enrollments: (n: number, query: Record<string, unknown>) => call(api.GET('/api/v1/journeys/{id}/enrollments', { params: { ...id(n), query } })) as Promise<Page<Enrollment>>,
}

export const campaignApi = {
  get: (n: number) => call(api.GET('/api/v1/campaigns/{id}', { params: id(n) })) as Promise<{ id: number; name: string }>,
}

/** Campaigns by name, for the outbox's campaign filter (GET /campaigns?q=). */
export async function searchCampaigns(q: string): Promise<{ value: number; label: string }[]> {
  const r = (await call(api.GET('/api/v1/campaigns', { params: { query: { q: q || undefined, limit: 20 } } }))) as Page<{ id: number; name: string }>
  return r.items.map((c) => ({ value: c.id, label: c.name }))
}
