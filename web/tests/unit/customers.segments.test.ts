// Saved segments' pure helpers: the editor's form to the API's filter and
// back, the key that decides when the live count is asked again, the
// server's field names on the form, and the filter in words.
import { describe, expect, it } from 'vitest'
import { blankForm, describeFilter, filterKey, formField, fromFilter, rangeProblems, toFilter } from '@/views/customers/segments'

describe('toFilter / fromFilter', () => {
  it('sends nothing for an empty form', () => {
    expect(toFilter(blankForm())).toEqual({})
  })
  it('sends only the parts given, tags trimmed, channels in a fixed order', () => {
    const f = { ...blankForm(), tags: [' vip ', '', 'wine'], tags_match: 'all' as const, consent: ['wechat' as const, 'sms' as const], spend_min: 0, recency_max_days: 30, birthday_month: 3 }
    expect(toFilter(f)).toEqual({ tags: ['vip', 'wine'], tags_match: 'all', consent: ['sms', 'wechat'], spend_min: 0, recency_max_days: 30, birthday_month: 3 })
  })
  it('sends a period only with a category', () => {
    expect(toFilter({ ...blankForm(), bought_period: ['2026-01-01', '2026-01-31'] })).toEqual({})
    expect(toFilter({ ...blankForm(), bought_category_id: 4, bought_period: ['2026-01-01', '2026-01-31'] })).toEqual({ bought_category_id: 4, bought_from: '2026-01-01', bought_to: '2026-01-31' })
  })
  it('reads a saved filter back into the same form', () => {
    const x = { tiers: ['gold'], tags: ['vip'], tags_match: 'any' as const, rfm_segments: ['champions' as const], spend_min: 100, spend_max: 900, recency_min_days: 1, recency_max_days: 9, home_store_ids: [2], birthday_month: 12, consent: ['email' as const], bought_category_id: 5, bought_from: '2026-02-01', bought_to: '2026-02-28' }
    expect(toFilter(fromFilter(x))).toEqual(x)
    expect(fromFilter(null)).toEqual(blankForm())
  })
})

describe('filterKey', () => {
  it('does not depend on the order of the keys', () => {
    expect(filterKey({ spend_min: 1, consent: ['sms'] })).toBe(filterKey({ consent: ['sms'], spend_min: 1 }))
    expect(filterKey({ spend_min: 1 })).not.toBe(filterKey({ spend_min: 2 }))
  })
})

describe('formField', () => {
  it('puts the server\'s filter fields beside the editor\'s', () => {
    expect(formField('filter.spend_max')).toBe('spend_max')
    expect(formField('filter.bought_to')).toBe('bought_period')
    expect(formField('filter.tags_match')).toBe('tags')
    expect(formField('name')).toBe('name')
  })
})

describe('describeFilter', () => {
  const names = {
    tier: (c: string) => c.toUpperCase(),
    store: (id: number) => `S${id}`,
    category: (id: number) => `C${id}`,
    rfm: (c: string) => `[${c}]`,
    channel: (c: string) => c,
    money: (f: number) => `¥${f / 100}`,
  }
  it('says each part with its values', () => {
    const parts = describeFilter({ tiers: ['gold', 'silver'], tags: ['vip'], tags_match: 'all', spend_min: 10000, recency_max_days: 30, home_store_ids: [1, 2], birthday_month: 5, consent: ['sms'], bought_category_id: 3, bought_from: '2026-01-01', bought_to: '2026-01-31', rfm_segments: ['champions'] }, names)
    expect(parts).toEqual([
      { key: 'tiers', values: { list: 'GOLD, SILVER' } },
      { key: 'tagsAll', values: { list: 'vip' } },
      { key: 'rfm', values: { list: '[champions]' } },
      { key: 'spendMin', values: { min: '¥100' } },
      { key: 'recencyMax', values: { max: 30 } },
      { key: 'stores', values: { list: 'S1, S2' } },
      { key: 'birthday', values: { month: 5 } },
      { key: 'consent', values: { list: 'sms' } },
      { key: 'boughtBetween', values: { category: 'C3', from: '2026-01-01', to: '2026-01-31' } },
    ])
  })
  it('says a range with both ends as one part, and nothing for an empty filter', () => {
    expect(describeFilter({ spend_min: 100, spend_max: 200 }, names)).toEqual([{ key: 'spendBetween', values: { min: '¥1', max: '¥2' } }])
    expect(describeFilter({}, names)).toEqual([])
  })
})

describe('rangeProblems', () => {
  it('names the upper end of a range below its lower end', () => {
    expect(rangeProblems({ ...blankForm(), spend_min: 500, spend_max: 100, recency_min_days: 3, recency_max_days: 3 })).toEqual(['spend_max'])
    expect(rangeProblems({ ...blankForm(), recency_min_days: 10, recency_max_days: 2 })).toEqual(['recency_max_days'])
    expect(rangeProblems({ ...blankForm(), spend_max: 0 })).toEqual([])
  })
})
