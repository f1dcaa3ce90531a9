import { describe, expect, it } from 'vitest'
import { barcodeProblem, blankParams, categoryTree, dropParent, paramsFor, paramsForm, promotionState } from '@/views/catalog/catalog'

describe('barcodeProblem', () => {
  it('accepts EAN-13, EAN-8 and UPC-A with a right check digit', () => {
    expect(barcodeProblem('6901234567892')).toBeNull()
    expect(barcodeProblem('4006381333931')).toBeNull()
    expect(barcodeProblem('96385074')).toBeNull()
    expect(barcodeProblem('036000291452')).toBeNull()
  })
  it('names what is wrong', () => {
    expect(barcodeProblem('6901234567891')).toBe('check')
    expect(barcodeProblem('12345')).toBe('length')
    expect(barcodeProblem('69012345678a2')).toBe('digits')
  })
})

describe('categoryTree', () => {
  const c = (id: number, name: string, parent_id: number | null) => ({ id, name, parent_id, path: name, created_at: '', updated_at: '' })
  it('nests children under parents, sorted by name', () => {
    const t = categoryTree([c(3, 'Milk', 2), c(1, 'Food', null), c(2, 'Dairy', 1), c(4, 'Bread', 1), c(5, 'Drinks', null)])
    expect(t.map((n) => n.label)).toEqual(['Drinks', 'Food'])
    expect(t[1].children.map((n) => n.label)).toEqual(['Bread', 'Dairy'])
    expect(t[1].children[1].children[0].id).toBe(3)
  })
  it('drops into a node or beside it', () => {
    expect(dropParent({ id: 7, parentId: 2 }, 'inner')).toBe(7)
    expect(dropParent({ id: 7, parentId: 2 }, 'before')).toBe(2)
    expect(dropParent({ id: 7, parentId: null }, 'after')).toBeNull()
  })
})

describe('promotion params', () => {
  it('sends the params of the chosen kind only', () => {
    const f = blankParams()
    f.tiers = [{ threshold: 10000, off: 1000 }, { threshold: 20000, off: 3000 }]
    expect(paramsFor('spend_threshold', f)).toEqual({ tiers: [{ threshold: 10000, off: 1000 }, { threshold: 20000, off: 3000 }] })
    f.spendMode = 'every'
    f.every = 10000
    f.off = 1000
    expect(paramsFor('spend_threshold', f)).toEqual({ every: 10000, off: 1000, max_off: null })
    expect(paramsFor('percent_off', f)).toEqual({ percent: 1000 })
    expect(paramsFor('buy_x_get_y', f)).toEqual({ buy: 1, get: 1, percent: 10000 })
  })
  it('reads stored params back', () => {
    expect(paramsForm('spend_threshold', { every: 5000, off: 500, max_off: null }).spendMode).toBe('every')
    expect(paramsForm('gift', { product_id: 9, quantity: 2, min_spend: 100, min_quantity: 0 }).giftProductId).toBe(9)
    expect(paramsFor('bundle_price', paramsForm('bundle_price', { size: 3, price: 999 }))).toEqual({ size: 3, price: 999 })
  })
  it('tells the state on a day', () => {
    const p = { active: true, starts_on: '2026-12-01', ends_on: '2026-12-31' }
    expect(promotionState(p, '2026-11-30')).toBe('scheduled')
    expect(promotionState(p, '2026-12-07')).toBe('running')
    expect(promotionState(p, '2027-01-01')).toBe('ended')
    expect(promotionState({ ...p, active: false }, '2026-12-07')).toBe('off')
  })
})
