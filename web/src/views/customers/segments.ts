// Saved segments without Vue: the editor's form and the API's filter one to
// the other, what a filter says in words (as i18n keys and values), and the
// server's field names mapped onto the form (tested in
// tests/unit/customers.segments.test.ts).
import type { Schemas } from '@/api/client'

export type SegmentFilter = Schemas['SegmentFilter']
export const RFM_CODES = ['champions', 'loyal', 'potential', 'new', 'at_risk', 'cant_lose', 'hibernating', 'lost'] as const
export const CONSENT_CHANNELS = ['sms', 'email', 'wechat'] as const
export type RfmCode = (typeof RFM_CODES)[number]
export type Channel = (typeof CONSENT_CHANNELS)[number]

/** The editor's values: empty lists and nulls mean "any". Money in fen. */
export interface SegmentForm {
  tiers: string[]
  tags: string[]
  tags_match: 'any' | 'all'
  rfm_segments: RfmCode[]
  spend_min: number | null
  spend_max: number | null
  recency_min_days: number | null
  recency_max_days: number | null
  home_store_ids: number[]
  birthday_month: number | null
  consent: Channel[]
  bought_category_id: number | null
  /** [from, to] business days, or null for any time. */
  bought_period: [string, string] | null
}

export function blankForm(): SegmentForm {
  return {
    tiers: [],
    tags: [],
    tags_match: 'any',
    rfm_segments: [],
    spend_min: null,
    spend_max: null,
    recency_min_days: null,
    recency_max_days: null,
    home_store_ids: [],
    birthday_month: null,
    consent: [],
    bought_category_id: null,
    bought_period: null,
  }
}

/** The filter the API takes: only the parts given; tags trimmed, blank ones dropped. */
export function toFilter(f: SegmentForm): SegmentFilter {
  const out: SegmentFilter = {}
  if (f.tiers.length) out.tiers = [...f.tiers]
  const tags = f.tags.map((x) => x.trim()).filter(Boolean)
  if (tags.length) {
    out.tags = tags
    out.tags_match = f.tags_match
  }
  if (f.rfm_segments.length) out.rfm_segments = [...f.rfm_segments]
  const num = (v: number | null | undefined) => v !== null && v !== undefined && Number.isFinite(v)
  if (num(f.spend_min)) out.spend_min = f.spend_min as number
  if (num(f.spend_max)) out.spend_max = f.spend_max as number
  if (num(f.recency_min_days)) out.recency_min_days = f.recency_min_days as number
  if (num(f.recency_max_days)) out.recency_max_days = f.recency_max_days as number
  if (f.home_store_ids.length) out.home_store_ids = [...f.home_store_ids]
  if (num(f.birthday_month)) out.birthday_month = f.birthday_month as number
  if (f.consent.length) out.consent = CONSENT_CHANNELS.filter((c) => f.consent.includes(c))
  if (num(f.bought_category_id)) {
    out.bought_category_id = f.bought_category_id as number
    if (f.bought_period) {
      out.bought_from = f.bought_period[0]
      out.bought_to = f.bought_period[1]
    }
  }
  return out
}

/** The editor's values for a saved filter. */
export function fromFilter(x: SegmentFilter | null | undefined): SegmentForm {
  const f = blankForm()
  if (!x) return f
  f.tiers = [...(x.tiers ?? [])]
  f.tags = [...(x.tags ?? [])]
  f.tags_match = x.tags_match === 'all' ? 'all' : 'any'
  f.rfm_segments = [...((x.rfm_segments ?? []) as RfmCode[])]
  f.spend_min = x.spend_min ?? null
  f.spend_max = x.spend_max ?? null
  f.recency_min_days = x.recency_min_days ?? null
  f.recency_max_days = x.recency_max_days ?? null
  f.home_store_ids = [...(x.home_store_ids ?? [])]
  f.birthday_month = x.birthday_month ?? null
  f.consent = [...((x.consent ?? []) as Channel[])]
  f.bought_category_id = x.bought_category_id ?? null
  f.bought_period = x.bought_from && x.bought_to ? [x.bought_from, x.bought_to] : null
  return f
}

/** A stable text of a filter: the live count is asked again only when it changes. */
export function filterKey(x: SegmentFilter): string {
  return JSON.stringify(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]]))
}

/** The server's field (`filter.spend_max`) as the editor's field (`spend_max`). */
export function formField(server: string): string {
  const f = server.startsWith('filter.') ? server.slice(7) : server
  if (f === 'bought_from' || f === 'bought_to') return 'bought_period'
  if (f === 'tags_match') return 'tags'
  return f
}

/** One part of a filter in words: an i18n key under customers.segment.says and its values. */
export interface FilterPart {
  key: string
  values: Record<string, string | number>
}

/**
 * What a filter says, part by part, with names given by the caller (tiers,
 * stores, categories, RFM segments and channels in the UI language; money
 * already formatted).
 */
export function describeFilter(
  x: SegmentFilter,
  names: {
    tier: (code: string) => string
    store: (id: number) => string
    category: (id: number) => string
    rfm: (code: string) => string
    channel: (c: string) => string
    money: (fen: number) => string
  },
  sep = ', ',
): FilterPart[] {
  const parts: FilterPart[] = []
  if (x.tiers?.length) parts.push({ key: 'tiers', values: { list: x.tiers.map(names.tier).join(sep) } })
  if (x.tags?.length) parts.push({ key: x.tags_match === 'all' ? 'tagsAll' : 'tagsAny', values: { list: x.tags.join(sep) } })
  if (x.rfm_segments?.length) parts.push({ key: 'rfm', values: { list: x.rfm_segments.map(names.rfm).join(sep) } })
  const range = (lo: number | undefined, hi: number | undefined, base: string, fmt: (n: number) => string | number) => {
    if (lo !== undefined && hi !== undefined) parts.push({ key: `${base}Between`, values: { min: fmt(lo), max: fmt(hi) } })
    else if (lo !== undefined) parts.push({ key: `${base}Min`, values: { min: fmt(lo) } })
    else if (hi !== undefined) parts.push({ key: `${base}Max`, values: { max: fmt(hi) } })
  }
  range(x.spend_min, x.spend_max, 'spend', names.money)
  range(x.recency_min_days, x.recency_max_days, 'recency', (n) => n)
  if (x.home_store_ids?.length) parts.push({ key: 'stores', values: { list: x.home_store_ids.map(names.store).join(sep) } })
  if (x.birthday_month) parts.push({ key: 'birthday', values: { month: x.birthday_month } })
  if (x.consent?.length) parts.push({ key: 'consent', values: { list: x.consent.map(names.channel).join(sep) } })
  if (x.bought_category_id) {
    const category = names.category(x.bought_category_id)
    if (x.bought_from && x.bought_to) parts.push({ key: 'boughtBetween', values: { category, from: x.bought_from, to: x.bought_to } })
    else parts.push({ key: 'bought', values: { category } })
  }
  return parts
}

/** The editor's fields whose range is upside down (the upper end below the lower): checked before asking the server. */
export function rangeProblems(f: SegmentForm): string[] {
  const out: string[] = []
  if (f.spend_min !== null && f.spend_max !== null && f.spend_max < f.spend_min) out.push('spend_max')
  if (f.recency_min_days !== null && f.recency_max_days !== null && f.recency_max_days < f.recency_min_days) out.push('recency_max_days')
  return out
}
