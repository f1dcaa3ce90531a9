// Campaigns without Vue: the API's shapes, the editor's form and the body it
// sends, which actions a state allows, the variables a message may use, and
// the results in words (tested in tests/unit/marketing.campaigns.test.ts).
import type { Schemas } from '@/api/client'

export const CHANNELS = ['sms', 'email', 'wechat', 'in_store'] as const
export const STATUSES = ['draft', 'pending_approval', 'scheduled', 'running', 'completed', 'cancelled'] as const
export const LANGS = ['zh-CN', 'en'] as const
/** The placeholders a message may hold, filled per member when it is sent. */
export const VARIABLES = ['name', 'coupon', 'store', 'points'] as const
export type Channel = (typeof CHANNELS)[number]
export type Status = (typeof STATUSES)[number]
export type Lang = (typeof LANGS)[number]

export type CampaignMessage = Schemas['CampaignMessage']
export type CampaignCounts = Schemas['CampaignCounts']
export type Campaign = Schemas['Campaign']
export type CampaignList = Schemas['CampaignList']
export type CampaignPreview = Schemas['CampaignPreview']
export type CampaignMember = Schemas['CampaignMember']
export type CampaignCost = Schemas['CampaignCost']
export type CampaignResults = Schemas['CampaignResults']
export type GroupResult = Schemas['CampaignResultsTarget'] | Schemas['CampaignResultsControl']
/** An uplift and its 95% interval (absent before anyone could be compared). */
export type Interval = NonNullable<CampaignResults['uplift']['conversion']> | NonNullable<CampaignResults['uplift']['revenue_per_member']>
export type Verdict = CampaignResults['verdict']

// ---- the editor ------------------------------------------------------------

/** One variant's text per language; an empty body means "not written in that language". */
export type VariantTexts = Record<Lang, { subject: string; body: string }>

/** The editor's values. Money in fen; instants as RFC 3339 text. */
export interface CampaignForm {
  name: string
  goal: string
  channel: Channel
  segment_id: number | null
  store_id: number | null
  coupon_template_id: number | null
  budget: number | null
  /** [starts_at, ends_at] or null for "start by hand, end by hand". */
  period: [string, string] | null
  attribution_days: number
  control_pct: number
  ab_pct: number
  ab_decide_at: string | null
  /** Variants in order: A first (the default). */
  variants: { variant: string; texts: VariantTexts }[]
}

export function blankTexts(): VariantTexts {
  return { 'zh-CN': { subject: '', body: '' }, en: { subject: '', body: '' } }
}

export function blankForm(): CampaignForm {
  return {
    name: '',
    goal: '',
    channel: 'sms',
    segment_id: null,
    store_id: null,
    coupon_template_id: null,
    budget: 0,
    period: null,
    attribution_days: 14,
    control_pct: 10,
    ab_pct: 0,
    ab_decide_at: null,
    variants: [{ variant: 'A', texts: blankTexts() }],
  }
}

/** The letter after the last variant's: A, B, C … */
export function nextVariant(variants: { variant: string }[]): string {
  const used = new Set(variants.map((v) => v.variant))
  for (let i = 0; i < 26; i++) {
    const v = String.fromCharCode(65 + i)
    if (!used.has(v)) return v
  }
  return ''
}

/** Whether the channel carries a subject line (e-mail only). */
export function hasSubject(channel: Channel): boolean {
  return channel === 'email'
}

/** Whether the channel sends a message at all (in-store campaigns hand out the coupon only). */
export function sendsMessage(channel: Channel): boolean {
  return channel !== 'in_store'
}

/**
 * The body the API takes: messages only in the languages written, subject
 * only for e-mail, A/B only with two variants. The store is set when the
 * campaign is created (leave it out of a PATCH).
 */
export function toBody(f: CampaignForm) {
  const messages: CampaignMessage[] = []
  if (sendsMessage(f.channel))
    for (const v of f.variants)
      for (const lang of LANGS) {
        const x = v.texts[lang]
        if (!x.body.trim()) continue
        messages.push({ variant: v.variant as CampaignMessage['variant'], lang, subject: hasSubject(f.channel) ? x.subject.trim() || null : null, body: x.body })
      }
  const ab = f.variants.length > 1 && sendsMessage(f.channel) ? f.ab_pct : 0
  return {
    name: f.name.trim(),
    goal: f.goal.trim() || null,
    channel: f.channel,
    segment_id: f.segment_id,
    store_id: f.store_id,
    coupon_template_id: f.coupon_template_id,
    budget: f.budget ?? 0,
    starts_at: f.period?.[0] ?? null,
    ends_at: f.period?.[1] ?? null,
    attribution_days: f.attribution_days,
    control_pct: f.control_pct,
    ab_pct: ab,
    ab_decide_at: ab > 0 ? f.ab_decide_at : null,
    messages,
  }
}

/** The editor's values for a saved campaign. */
export function fromCampaign(c: Campaign): CampaignForm {
  const order = [...new Set(c.messages.map((m) => m.variant))].sort()
  if (!order.includes('A')) order.unshift('A')
  const variants = order.map((variant) => {
    const texts = blankTexts()
    for (const m of c.messages)
      if (m.variant === variant && (LANGS as readonly string[]).includes(m.lang)) texts[m.lang] = { subject: m.subject ?? '', body: m.body }
    return { variant, texts }
  })
  return {
    name: c.name,
    goal: c.goal ?? '',
    channel: c.channel,
    segment_id: c.segment_id,
    store_id: c.store_id,
    coupon_template_id: c.coupon_template_id,
    budget: c.budget,
    period: c.starts_at && c.ends_at ? [c.starts_at, c.ends_at] : null,
    attribution_days: c.attribution_days,
    control_pct: c.control_pct,
    ab_pct: c.ab_pct,
    ab_decide_at: c.ab_decide_at,
    variants,
  }
}

/**
 * The server's field (`messages[2].body`) as the editor's (`messages`):
 * message errors go to the message editor as a whole, the period's ends to
 * the period.
 */
export function formField(server: string): string {
  if (server.startsWith('messages')) return 'messages'
  if (server === 'starts_at' || server === 'ends_at') return 'period'
  return server
}

/** Placeholders in a text that are not among VARIABLES (a typo such as `{nmae}`). */
export function unknownVariables(text: string): string[] {
  const out: string[] = []
  for (const m of text.matchAll(/\{([^{}\s]*)\}/g)) {
    if (!(VARIABLES as readonly string[]).includes(m[1]) && !out.includes(m[0])) out.push(m[0])
  }
  return out
}

/**
 * What the editor checks before sending, field → i18n key: a name, a
 * segment, a period that ends after it starts, a decision time inside it,
 * and for a channel that sends, variant A written in at least one language
 * and every variant in the same languages as A.
 */
export function formProblems(f: CampaignForm): Record<string, string> {
  const e: Record<string, string> = {}
  if (!f.name.trim()) e.name = 'validation.required'
  if (!f.segment_id) e.segment_id = 'validation.required'
  if (f.period && Date.parse(f.period[1]) <= Date.parse(f.period[0])) e.period = 'campaigns.problem.periodOrder'
  if (sendsMessage(f.channel)) {
    const langs = (v: { texts: VariantTexts }) => LANGS.filter((l) => v.texts[l].body.trim())
    const a = langs(f.variants[0])
    if (!a.length) e.messages = 'campaigns.problem.noMessage'
    else if (f.variants.some((v) => langs(v).join() !== a.join())) e.messages = 'campaigns.problem.sameLanguages'
    if (f.variants.length > 1 && f.ab_pct > 0) {
      if (!f.ab_decide_at) e.ab_decide_at = 'validation.required'
      else if (f.period && (Date.parse(f.ab_decide_at) <= Date.parse(f.period[0]) || Date.parse(f.ab_decide_at) >= Date.parse(f.period[1])))
        e.ab_decide_at = 'campaigns.problem.decideInPeriod'
    }
  }
  return e
}

// ---- states ----------------------------------------------------------------

export type Action = 'edit' | 'delete' | 'submit' | 'approve' | 'reject' | 'start' | 'cancel' | 'complete' | 'decide' | 'resend'

/** The tag colour of a status. */
export function statusType(s: Status): 'info' | 'warning' | 'primary' | 'success' | 'danger' {
  switch (s) {
    case 'pending_approval':
      return 'warning'
    case 'scheduled':
      return 'primary'
    case 'running':
      return 'success'
    case 'cancelled':
      return 'danger'
    default:
      return 'info'
  }
}

/**
 * The actions a user may take on a campaign in its state, in the order
 * shown: the server decides in the end (409 state, 403), this only keeps
 * buttons that cannot work off the screen.
 */
export function actionsFor(c: Pick<Campaign, 'status' | 'ab_pct' | 'ab_winner' | 'counts' | 'channel'>, can: (perm: string) => boolean): Action[] {
  const write = can('MARKETING_WRITE')
  const out: Action[] = []
  switch (c.status) {
    case 'draft':
      if (write) out.push('submit', 'edit', 'delete', 'cancel')
      break
    case 'pending_approval':
      if (can('MARKETING_APPROVE')) out.push('approve', 'reject')
      if (write) out.push('cancel')
      break
    case 'scheduled':
      if (write) out.push('start', 'cancel')
      break
    case 'running':
      if (write) {
        if (c.ab_pct > 0 && !c.ab_winner) out.push('decide')
        if (missed(c.counts) > 0) out.push('resend')
        out.push('complete', 'cancel')
      }
      break
    case 'completed':
      if (write && missed(c.counts) > 0 && c.channel !== 'in_store') out.push('resend')
      break
  }
  return out
}

/** Messages that did not arrive and may be sent again ("send to those missed"). */
export function missed(counts: CampaignCounts | null | undefined): number {
  return counts ? counts.failed : 0
}

// ---- results ---------------------------------------------------------------

/**
 * The verdict as an i18n key under campaigns.verdict: what the interval
 * says. An interval that includes zero is "no measurable effect yet"
 * whatever the point estimate; with no purchase in either group yet, that
 * is said instead.
 */
export function verdictKey(r: Pick<CampaignResults, 'verdict' | 'uplift' | 'groups'>): string {
  const c = r.uplift.conversion
  if (r.verdict === 'too_early' || !c) return 'tooEarly'
  if (r.groups.target.converted === 0 && r.groups.control.converted === 0) return 'noPurchases'
  if (includesZero(c)) return 'noEffectYet'
  if (r.verdict === 'effect') return 'effect'
  if (r.verdict === 'negative') return 'negative'
  return 'noEffectYet'
}

/** Whether an interval has a width to draw (not a single point, as with nobody converted). */
export function drawable(i: Pick<Interval, 'lo' | 'hi'> | null): boolean {
  return !!i && Number.isFinite(i.lo) && Number.isFinite(i.hi) && i.hi > i.lo
}

/** Whether an interval includes zero (no measurable difference). */
export function includesZero(i: Pick<Interval, 'lo' | 'hi'> | null): boolean {
  return !i || (i.lo <= 0 && i.hi >= 0)
}

/** A symmetric axis range around an interval and zero, with a margin, for the error bar. */
export function errorBarRange(i: Pick<Interval, 'diff' | 'lo' | 'hi'> | null): [number, number] {
  const vals = i ? [0, i.diff, i.lo, i.hi].filter((v) => Number.isFinite(v)) : [0]
  const m = Math.max(...vals.map(Math.abs)) || 1
  return [-m * 1.2, m * 1.2]
}

/** An instant as RFC 3339 UTC to the second, as the API writes them. */
export function isoUtc(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
