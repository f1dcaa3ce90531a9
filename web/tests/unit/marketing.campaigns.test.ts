// Campaigns' pure helpers: the editor's form to the API's body and back,
// the checks before sending, the variables of a message, the actions a
// state allows, and the results in words.
import { describe, expect, it } from 'vitest'
import {
  actionsFor,
  blankForm,
  drawable,
  errorBarRange,
  formField,
  formProblems,
  fromCampaign,
  includesZero,
  isoUtc,
  nextVariant,
  toBody,
  unknownVariables,
  verdictKey,
  type Campaign,
  type CampaignCounts,
} from '@/views/marketing/campaigns/campaigns'

const counts = (over: Partial<CampaignCounts> = {}): CampaignCounts => ({ members: 0, target: 0, control: 0, queued: 0, sent: 0, delivered: 0, failed: 0, opted_out: 0, suppressed: 0, ...over })

function written() {
  const f = blankForm()
  f.name = ' Weekend '
  f.segment_id = 3
  f.variants[0].texts['zh-CN'].body = '{name}，周末见'
  f.variants[0].texts.en.subject = 'Hi'
  f.variants[0].texts.en.body = 'See you, {name}'
  return f
}

describe('toBody / fromCampaign', () => {
  it('sends only the languages written, and a subject only for e-mail', () => {
    const b = toBody(written())
    expect(b.name).toBe('Weekend')
    expect(b.messages).toEqual([
      { variant: 'A', lang: 'zh-CN', subject: null, body: '{name}，周末见' },
      { variant: 'A', lang: 'en', subject: null, body: 'See you, {name}' },
    ])
    const e = toBody({ ...written(), channel: 'email' })
    expect(e.messages[1].subject).toBe('Hi')
    expect(e.messages[0].subject).toBeNull()
  })
  it('sends no message for an in-store campaign, and no A/B share with one variant', () => {
    expect(toBody({ ...written(), channel: 'in_store' }).messages).toEqual([])
    const f = { ...written(), ab_pct: 30, ab_decide_at: '2026-12-10T00:00:00Z' }
    expect(toBody(f)).toMatchObject({ ab_pct: 0, ab_decide_at: null })
    f.variants.push({ variant: 'B', texts: structuredClone(f.variants[0].texts) })
    expect(toBody(f)).toMatchObject({ ab_pct: 30, ab_decide_at: '2026-12-10T00:00:00Z' })
  })
  it('sends the period as two instants, none for a campaign started by hand', () => {
    expect(toBody(written())).toMatchObject({ starts_at: null, ends_at: null })
    expect(toBody({ ...written(), period: ['2026-12-08T00:00:00Z', '2026-12-20T00:00:00Z'] })).toMatchObject({ starts_at: '2026-12-08T00:00:00Z', ends_at: '2026-12-20T00:00:00Z' })
  })
  it('reads a saved campaign back into the same body', () => {
    const f = written()
    f.channel = 'email'
    f.period = ['2026-12-08T00:00:00Z', '2026-12-20T00:00:00Z']
    f.variants.push({ variant: 'B', texts: { 'zh-CN': { subject: '嗨', body: 'B {coupon}' }, en: { subject: 'Hey', body: 'B en' } } })
    f.ab_pct = 20
    f.ab_decide_at = '2026-12-10T00:00:00Z'
    const body = toBody(f)
    const c = { ...body, id: 1, status: 'draft', segment_name: 's', cost_total: 0, control_lo: null, ab_winner: null, ab_decided_at: null, ab_result: null, counts: counts(), needs_approval: false, started_at: null, completed_at: null, approved_by: null, approved_at: null, created_at: '', updated_at: '' } as unknown as Campaign
    expect(toBody(fromCampaign(c))).toEqual(body)
  })
  it('always has variant A first, even when only B was saved', () => {
    const c = { ...toBody(written()), messages: [{ variant: 'B', lang: 'en', subject: null, body: 'x' }] } as unknown as Campaign
    expect(fromCampaign(c).variants.map((v) => v.variant)).toEqual(['A', 'B'])
  })
})

describe('formProblems', () => {
  it('asks for a name, a segment and a message', () => {
    expect(formProblems(blankForm())).toEqual({ name: 'validation.required', segment_id: 'validation.required', messages: 'campaigns.problem.noMessage' })
    expect(formProblems(written())).toEqual({})
    expect(formProblems({ ...blankForm(), name: 'x', segment_id: 1, channel: 'in_store' })).toEqual({})
  })
  it('wants a period that ends after it starts', () => {
    expect(formProblems({ ...written(), period: ['2026-12-08T10:00:00Z', '2026-12-08T10:00:00Z'] })).toEqual({ period: 'campaigns.problem.periodOrder' })
  })
  it('wants every variant in the languages of A, and an A/B decision inside the period', () => {
    const f = written()
    f.variants.push({ variant: 'B', texts: { 'zh-CN': { subject: '', body: '只有中文' }, en: { subject: '', body: '' } } })
    expect(formProblems(f).messages).toBe('campaigns.problem.sameLanguages')
    f.variants[1].texts.en.body = 'and English'
    f.ab_pct = 50
    expect(formProblems(f)).toEqual({ ab_decide_at: 'validation.required' })
    f.period = ['2026-12-08T00:00:00Z', '2026-12-20T00:00:00Z']
    f.ab_decide_at = '2026-12-21T00:00:00Z'
    expect(formProblems(f)).toEqual({ ab_decide_at: 'campaigns.problem.decideInPeriod' })
    f.ab_decide_at = '2026-12-10T00:00:00Z'
    expect(formProblems(f)).toEqual({})
  })
})

describe('messages', () => {
  it('finds placeholders that are not variables', () => {
    expect(unknownVariables('Hi {name}, your {coupon} at {store} ({points})')).toEqual([])
    expect(unknownVariables('Hi {nmae} {nmae} {Name} {}')).toEqual(['{nmae}', '{Name}', '{}'])
  })
  it('names the next variant', () => {
    expect(nextVariant([{ variant: 'A' }])).toBe('B')
    expect(nextVariant([{ variant: 'A' }, { variant: 'C' }])).toBe('B')
  })
  it('puts a server field on the editor', () => {
    expect(formField('messages[1].body')).toBe('messages')
    expect(formField('ends_at')).toBe('period')
    expect(formField('budget')).toBe('budget')
  })
  it('writes instants as the API does', () => {
    expect(isoUtc(new Date(Date.UTC(2026, 11, 8, 1, 2, 3, 456)))).toBe('2026-12-08T01:02:03Z')
  })
})

describe('actionsFor', () => {
  const all = () => true
  const writer = (p: string) => p === 'MARKETING_WRITE'
  const reader = () => false
  const c = (status: Campaign['status'], over: Partial<Campaign> = {}) => ({ status, ab_pct: 0, ab_winner: null, counts: counts(), channel: 'sms' as const, ...over })
  it('offers each state its transitions', () => {
    expect(actionsFor(c('draft'), all)).toEqual(['submit', 'edit', 'delete', 'cancel'])
    expect(actionsFor(c('pending_approval'), all)).toEqual(['approve', 'reject', 'cancel'])
    expect(actionsFor(c('scheduled'), all)).toEqual(['start', 'cancel'])
    expect(actionsFor(c('running'), all)).toEqual(['complete', 'cancel'])
    expect(actionsFor(c('completed'), all)).toEqual([])
    expect(actionsFor(c('cancelled'), all)).toEqual([])
  })
  it('approves only with MARKETING_APPROVE, changes nothing without MARKETING_WRITE', () => {
    expect(actionsFor(c('pending_approval'), writer)).toEqual(['cancel'])
    for (const s of ['draft', 'pending_approval', 'scheduled', 'running', 'completed'] as const) expect(actionsFor(c(s), reader)).toEqual([])
  })
  it('offers the A/B decision until it is made, and "send to those missed" only when some failed', () => {
    expect(actionsFor(c('running', { ab_pct: 20 }), all)).toContain('decide')
    expect(actionsFor(c('running', { ab_pct: 20, ab_winner: 'B' }), all)).not.toContain('decide')
    expect(actionsFor(c('running', { counts: counts({ failed: 2 }) }), all)).toContain('resend')
    expect(actionsFor(c('completed', { counts: counts({ failed: 2 }) }), all)).toEqual(['resend'])
    expect(actionsFor(c('completed', { counts: counts({ sent: 9 }) }), all)).toEqual([])
  })
})

describe('results in words', () => {
  const iv = (diff: number, lo: number, hi: number) => ({ diff, lo, hi, significant: lo > 0 || hi < 0 })
  const grp = (converted: number) => ({ members: 100, converted, conversion_rate: converted / 100, revenue: 0, revenue_per_member: 0, margin: 0 })
  const groups = { target: { ...grp(10), reached: 0, delivered: 0, coupons_issued: 0, coupons_redeemed: 0 }, control: grp(4) }
  it('says "no measurable effect yet" whenever the interval includes zero', () => {
    expect(verdictKey({ verdict: 'effect', groups, uplift: { conversion: iv(0.02, -0.01, 0.05), revenue_per_member: null } })).toBe('noEffectYet')
    expect(verdictKey({ verdict: 'no_effect_yet', groups, uplift: { conversion: iv(0.02, -0.01, 0.05), revenue_per_member: null } })).toBe('noEffectYet')
    expect(verdictKey({ verdict: 'effect', groups, uplift: { conversion: iv(0.06, 0.03, 0.09), revenue_per_member: null } })).toBe('effect')
    expect(verdictKey({ verdict: 'negative', groups, uplift: { conversion: iv(-0.06, -0.09, -0.03), revenue_per_member: null } })).toBe('negative')
    expect(verdictKey({ verdict: 'too_early', groups, uplift: { conversion: iv(0.06, 0.03, 0.09), revenue_per_member: null } })).toBe('tooEarly')
    expect(verdictKey({ verdict: 'no_effect_yet', groups, uplift: { conversion: null, revenue_per_member: null } })).toBe('tooEarly')
  })
  it('says nobody has bought yet rather than "no effect" on a zero-width interval at zero', () => {
    const none = { target: { ...groups.target, converted: 0 }, control: { ...groups.control, converted: 0 } }
    expect(verdictKey({ verdict: 'no_effect_yet', groups: none, uplift: { conversion: iv(0, 0, 0), revenue_per_member: null } })).toBe('noPurchases')
    expect(drawable(iv(0, 0, 0))).toBe(false)
    expect(drawable(null)).toBe(false)
    expect(drawable(iv(0.01, -0.02, 0.04))).toBe(true)
  })
  it('draws zero and the whole interval on the error bar', () => {
    expect(includesZero(iv(0.01, 0, 0.02))).toBe(true)
    expect(includesZero(iv(0.01, 0.001, 0.02))).toBe(false)
    expect(includesZero(null)).toBe(true)
    const [lo, hi] = errorBarRange(iv(0.06, 0.03, 0.09))
    expect(lo).toBeLessThan(0)
    expect(hi).toBeGreaterThan(0.09)
    expect(lo).toBe(-hi)
    expect(errorBarRange(null)).toEqual([-1.2, 1.2])
  })
})
