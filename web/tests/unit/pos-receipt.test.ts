// The receipt's data: the store's own lines, taken from the context, are the
// same on a recorded sale's receipt and on a pending one's.
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { receiptFromSale, receiptPending } from '@/pos/receipt'

const sale = { number: 'S-1', at: '2026-12-07T06:00:00Z', total: 1299, lines: [], payments: [] } as unknown as Schemas['Sale']
const store = { company: 'Tersa Ltd', header: 'Welcome', footer: 'Thank you', storeName: 'Store 1', storeAddress: '1 Main St' }

describe('receipt store lines', () => {
  it('come from the context on both kinds of receipt', () => {
    const sent = receiptFromSale(sale, 'sales01', store)
    const pending = receiptPending('OFF-1-20261207-001', sale.at ?? '', 'sales01', [], 1299, [], store)
    for (const r of [sent, pending]) expect(r).toMatchObject(store)
    expect(sent.pending).toBe(false)
    expect(pending.pending).toBe(true)
  })

  it('are empty where the context gives none (a null address too)', () => {
    const blank = { company: '', header: '', footer: '', storeName: '', storeAddress: '' }
    expect(receiptFromSale(sale, 'sales01', { storeAddress: null })).toMatchObject(blank)
    expect(receiptPending('OFF-1-20261207-002', '', 'sales01', [], 0, [], {})).toMatchObject(blank)
  })
})
