// The commission and evaluation screens' arithmetic without Vue: the tier
// curve at its boundaries, the actions each state allows, basis points as
// text, weights and the weighted score, who may write which part.
import { describe, it, expect } from 'vitest'
import { bpText, currentPeriod, normalizeRules, defaultRules, periodActions, planActions, reasonOf, tierCurve, tierValue } from '@/views/staff/commission/commission'
import { criterionKey, evalRights, weightSum, weightedScore } from '@/views/staff/evaluations/evaluations'

const levels = [
  { attainment_bp: 8000, amount: 20000 },
  { attainment_bp: 9000, amount: 30000 },
  { attainment_bp: 10000, amount: 50000 },
]
const can = (set: string[]) => (p: string) => set.includes(p)

describe('tier value', () => {
  it('brackets pay the highest level reached, nothing below the first, flat above the top', () => {
    expect(tierValue('brackets', levels, 7999)).toBe(0)
    expect(tierValue('brackets', levels, 8000)).toBe(20000)
    expect(tierValue('brackets', levels, 8999)).toBe(20000)
    expect(tierValue('brackets', levels, 9000)).toBe(30000)
    expect(tierValue('brackets', levels, 10000)).toBe(50000)
    expect(tierValue('brackets', levels, 15000)).toBe(50000)
  })
  it('linear interpolates between levels', () => {
    expect(tierValue('linear', levels, 7999)).toBe(0)
    expect(tierValue('linear', levels, 8000)).toBe(20000)
    expect(tierValue('linear', levels, 8500)).toBe(25000)
    expect(tierValue('linear', levels, 9500)).toBe(40000)
    expect(tierValue('linear', levels, 12000)).toBe(50000)
  })
  it('levels in any order, rates instead of amounts', () => {
    const rates = [{ attainment_bp: 10000, rate_bp: 200 }, { attainment_bp: 8000, rate_bp: 100 }]
    expect(tierValue('brackets', rates, 9999)).toBe(100)
    expect(tierValue('linear', rates, 9000)).toBe(150)
  })
})

describe('tier curve', () => {
  it('steps for brackets, segments for linear, 20 points past the top', () => {
    expect(tierCurve('brackets', levels)).toEqual([[0, 0], [80, 0], [80, 20000], [90, 20000], [90, 30000], [100, 30000], [100, 50000], [120, 50000]])
    expect(tierCurve('linear', levels)).toEqual([[0, 0], [80, 0], [80, 20000], [90, 30000], [100, 50000], [120, 50000]])
    expect(tierCurve('linear', [])).toEqual([[0, 0], [120, 0]])
  })
})

describe('rules', () => {
  it('sorts bands highest first and levels lowest first, one value per level', () => {
    const r = defaultRules()
    r.discount_bands = [{ min_price_bp: 6000, rate_bp: 900 }, { min_price_bp: 6500, rate_bp: 1000 }]
    r.tiers.levels = [{ attainment_bp: 9000, amount: 3, rate_bp: null }, { attainment_bp: 8000, amount: 2 }]
    const n = normalizeRules(r)
    expect(n.discount_bands.map((b) => b.min_price_bp)).toEqual([6500, 6000])
    expect(n.tiers.levels).toEqual([{ attainment_bp: 8000, amount: 2 }, { attainment_bp: 9000, amount: 3 }])
  })
})

describe('states', () => {
  it('plans: only head office changes them, as the state allows', () => {
    expect(planActions({ status: 'draft' }, can(['STAFF_ADMIN']))).toEqual(['approve', 'delete'])
    expect(planActions({ status: 'approved' }, can(['STAFF_ADMIN']))).toEqual(['close'])
    expect(planActions({ status: 'closed' }, can(['STAFF_ADMIN']))).toEqual([])
    expect(planActions({ status: 'draft' }, can(['STAFF_MANAGE']))).toEqual([])
  })
  it('periods: managers recompute an open one, head office approves and closes', () => {
    expect(periodActions({ status: 'open' }, can(['STAFF_MANAGE']))).toEqual(['recompute'])
    expect(periodActions({ status: 'open' }, can(['STAFF_MANAGE', 'STAFF_ADMIN']))).toEqual(['recompute', 'approve'])
    expect(periodActions({ status: 'approved' }, can(['STAFF_MANAGE', 'STAFF_ADMIN']))).toEqual(['close'])
    expect(periodActions({ status: 'closed' }, can(['STAFF_MANAGE', 'STAFF_ADMIN']))).toEqual([])
  })
})

describe('texts', () => {
  it('basis points as percentages', () => {
    expect(bpText(6500)).toBe('65%')
    expect(bpText(7999)).toBe('79.99%')
    expect(bpText(null)).toBe('—')
  })
  it('the current period of a plan', () => {
    expect(currentPeriod('month', '2026-12-08')).toBe('2026-12')
    expect(currentPeriod('quarter', '2026-12-08')).toBe('2026-Q4')
    expect(currentPeriod('quarter', '2027-01-01')).toBe('2027-Q1')
  })
  it('a line reason from the server, its detail, or its kind', () => {
    expect(reasonOf({ kind: 'sale', reason: 'margin' })).toBe('margin')
    expect(reasonOf({ kind: 'sale', detail: { reason: 'training' } })).toBe('training')
    expect(reasonOf({ kind: 'clawback', detail: null })).toBe('clawback')
  })
})

describe('evaluations', () => {
  const cs = [
    { key: 'selling', name: 'Selling', weight: 40 },
    { key: 'service', name: 'Service', weight: 60 },
  ]
  it('weights and the weighted score', () => {
    expect(weightSum(cs)).toBe(100)
    expect(weightedScore(cs, { selling: 5, service: 3 })).toBe(3.8)
    expect(weightedScore(cs, { selling: 5 })).toBeNull()
  })
  it('criterion keys are unique', () => {
    expect(criterionKey('Product knowledge', [])).toBe('product_knowledge')
    expect(criterionKey('Product knowledge', ['product_knowledge'])).toBe('product_knowledge_2')
    expect(criterionKey('服务', [])).toBe('c')
  })
  it('the person writes the self part once, a manager the manager part, publish needs it', () => {
    const ev = { status: 'open' as const, user_id: 7, self: null, manager: null }
    expect(evalRights(ev, 7, can(['STAFF_READ']))).toMatchObject({ own: true, writeSelf: true, writeManager: false, publish: false })
    expect(evalRights({ ...ev, self: { scores: {}, comment: '', submitted_at: 'x' } }, 7, can(['STAFF_READ'])).writeSelf).toBe(false)
    expect(evalRights(ev, 2, can(['STAFF_MANAGE']))).toMatchObject({ own: false, writeSelf: false, writeManager: true, publish: false })
    expect(evalRights({ ...ev, manager: { scores: {}, comment: '', submitted_at: 'x', actions: [] } }, 2, can(['STAFF_MANAGE'])).publish).toBe(true)
    expect(evalRights({ ...ev, status: 'published' }, 2, can(['STAFF_MANAGE'])).writeManager).toBe(false)
    // Scheduled: nothing is written before the period ends, but it can be cancelled.
    expect(evalRights({ ...ev, status: 'scheduled' }, 7, can(['STAFF_READ'])).writeSelf).toBe(false)
    expect(evalRights({ ...ev, status: 'scheduled' }, 2, can(['STAFF_MANAGE']))).toMatchObject({ writeManager: false, cancel: true })
    // A manager evaluated themselves writes only the self part.
    expect(evalRights(ev, 7, can(['STAFF_MANAGE']))).toMatchObject({ writeSelf: true, writeManager: false })
  })
})
