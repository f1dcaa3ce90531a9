// The customers area's pure helpers: the search box's query, which stage
// moves the server accepts, moving a card on the board and column totals.
import { describe, expect, it } from 'vitest'
import { STAGES, canMove, columnTotal, eventType, moveCard, searchQuery, type Card, type Stage } from '@/views/customers/crm'

const card = (id: number, stage: Stage, amount = 1000): Card => ({ id, stage, amount, weighted_amount: amount / 10 })

describe('searchQuery', () => {
  it('sends four digits as the last four of the phone', () => {
    expect(searchQuery(' 5429 ')).toEqual({ phone_last4: '5429' })
    expect(searchQuery('54-29')).toEqual({ phone_last4: '5429' })
  })
  it('sends names, pinyin initials, whole phones and member codes as q', () => {
    expect(searchQuery('王')).toEqual({ q: '王' })
    expect(searchQuery('wxm')).toEqual({ q: 'wxm' })
    expect(searchQuery('13900205429')).toEqual({ q: '13900205429' })
    expect(searchQuery('800001364051')).toEqual({ q: '800001364051' })
  })
  it('sends nothing for an empty box', () => {
    expect(searchQuery('  ')).toEqual({})
  })
})

describe('canMove', () => {
  it('lets an open deal go to any other stage', () => {
    for (const to of STAGES) expect(canMove('lead', to)).toBe(to !== 'lead')
  })
  it('reopens a closed deal only to negotiation', () => {
    expect(canMove('won', 'negotiation')).toBe(true)
    expect(canMove('lost', 'negotiation')).toBe(true)
    expect(canMove('won', 'lead')).toBe(false)
    expect(canMove('lost', 'won')).toBe(false)
  })
})

describe('moveCard', () => {
  const cols = () => ({ lead: [card(1, 'lead'), card(2, 'lead')], qualified: [], proposal: [card(3, 'proposal')], negotiation: [], won: [], lost: [] }) as Record<Stage, Card[]>
  it('puts the card on top of its new column with the new stage, leaving the input alone', () => {
    const before = cols()
    const after = moveCard(before, 2, 'proposal')
    expect(after.lead.map((c) => c.id)).toEqual([1])
    expect(after.proposal.map((c) => c.id)).toEqual([2, 3])
    expect(after.proposal[0].stage).toBe('proposal')
    expect(before.lead.map((c) => c.id)).toEqual([1, 2])
  })
  it('changes nothing for an unknown card', () => {
    expect(moveCard(cols(), 99, 'won')).toEqual(cols())
  })
})

describe('columnTotal', () => {
  it('adds the amounts and weighted amounts in fen', () => {
    expect(columnTotal([card(1, 'lead', 1050), card(2, 'lead', 2000)])).toEqual({ count: 2, amount: 3050, weighted: 305 })
    expect(columnTotal([])).toEqual({ count: 0, amount: 0, weighted: 0 })
  })
})

describe('eventType', () => {
  it('colours sales green, returns red and contacts blue', () => {
    expect(eventType('sale')).toBe('success')
    expect(eventType('return')).toBe('danger')
    expect(eventType('contact')).toBe('primary')
    expect(eventType('something-new')).toBe('info')
  })
})
