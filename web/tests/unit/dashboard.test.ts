// The dashboard's own arithmetic: trends, the weekday compared with, the
// ticker list, chart rows.
import { describe, expect, it } from 'vitest'
import { daysBefore, isoWeekday, pushTicker, returnItem, saleItem, shareRows, TICKER_MAX, trendOf } from '@/views/dashboard/figures'

describe('trendOf', () => {
  it('reads the change percentage', () => {
    expect(trendOf(12.5)).toBe('up')
    expect(trendOf(-0.01)).toBe('down')
    expect(trendOf(0)).toBe('flat')
    expect(trendOf(null)).toBe('none')
    expect(trendOf(undefined)).toBe('none')
  })
})

describe('ticker', () => {
  const sale = (id: string) => saleItem(id, { number: `S-${id}`, store_name: 'People', store_code: 'S001', total: 1299, at: '2026-12-07T05:00:00Z' })
  it('puts the newest first and keeps at most TICKER_MAX', () => {
    let list = [] as ReturnType<typeof sale>[]
    for (let i = 1; i <= TICKER_MAX + 5; i++) list = pushTicker(list, sale(String(i)))
    expect(list).toHaveLength(TICKER_MAX)
    expect(list[0].id).toBe(String(TICKER_MAX + 5))
  })
  it('shows a replayed event once', () => {
    const list = pushTicker(pushTicker([], sale('7')), sale('7'))
    expect(list).toHaveLength(1)
  })
  it('falls back to the store code and reads returns', () => {
    const r = returnItem('9', { sale_number: 'S-1', store_name: null, store_code: 'S002', refund: 500, at: '2026-12-07T05:00:00Z' })
    expect(r).toMatchObject({ kind: 'return', storeName: 'S002', amount: 500, number: 'S-1' })
  })
})

describe('shareRows', () => {
  it('drops non-positive rows and sums the rest into other', () => {
    const rows = shareRows(
      [{ label: 'A', revenue: 500 }, { label: null, revenue: 300 }, { label: 'C', revenue: 200 }, { label: 'D', revenue: 100 }, { label: 'E', revenue: -50 }],
      2, 'Other', 'None',
    )
    expect(rows).toEqual([{ label: 'A', value: 500 }, { label: 'None', value: 300 }, { label: 'Other', value: 300 }])
  })
})

describe('daysBefore', () => {
  it('crosses months and years', () => {
    expect(daysBefore('2026-12-07', 29)).toBe('2026-11-08')
    expect(daysBefore('2026-01-01', 1)).toBe('2025-12-31')
  })
})

describe('isoWeekday', () => {
  it('names the weekday of last week compared with', () => {
    expect(isoWeekday('2026-11-30')).toBe(1) // a Monday
    expect(isoWeekday('2026-12-06')).toBe(7) // a Sunday
    expect(isoWeekday('2024-02-29')).toBe(4)
  })
})
