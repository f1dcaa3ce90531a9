import { describe, expect, it } from 'vitest'
import { differs, leavesOpen, openQty, planLines, q3, receiptLines, scan, statusType, type ReceiveLine } from '@/views/purchasing/logic'

const suggestion = [
  { product_id: 1, quantity: 42 },
  { product_id: 2, quantity: 36 },
  { product_id: 3, quantity: 36 },
]

describe('replenishment into orders', () => {
  it('orders the chosen lines with the edited quantities, leaving out zero', () => {
    expect(planLines(suggestion, new Set([1, 2, 3]), {})).toEqual(suggestion)
    expect(planLines(suggestion, new Set([1, 2]), { 2: 12 })).toEqual([
      { product_id: 1, quantity: 42 },
      { product_id: 2, quantity: 12 },
    ])
    expect(planLines(suggestion, new Set([1, 3]), { 3: 0 })).toEqual([{ product_id: 1, quantity: 42 }])
    expect(planLines(suggestion, new Set(), {})).toEqual([])
    expect(planLines(suggestion, new Set([2]), { 2: 0.1 + 0.2 })).toEqual([{ product_id: 2, quantity: 0.3 }])
  })

  it('tells when the draft made from the suggestions needs its lines set', () => {
    const plan = planLines(suggestion, new Set([1, 2, 3]), {})
    expect(differs(suggestion, plan)).toBe(false)
    expect(differs([...suggestion].reverse(), plan)).toBe(false)
    expect(differs(suggestion, planLines(suggestion, new Set([1, 2]), {}))).toBe(true)
    expect(differs(suggestion, planLines(suggestion, new Set([1, 2, 3]), { 2: 12 }))).toBe(true)
    // The server suggested something else meanwhile (another product).
    expect(differs([{ product_id: 4, quantity: 42 }, ...suggestion.slice(1)], plan)).toBe(true)
  })
})

function lines(): ReceiveLine[] {
  return [
    { line_id: 10, product_id: 1, barcode: '6920103000018', sku: 'SKU00001', ordered: 3, received: 1, count: 0 },
    { line_id: 11, product_id: 2, barcode: '6920101000027', sku: 'SKU00002', ordered: 1.5, received: 0, count: 0 },
  ]
}

describe('receiving by scan', () => {
  it('each scan adds one unit to the line of the barcode or SKU', () => {
    const l = lines()
    expect(scan(l, '6920103000018')).toMatchObject({ kind: 'added', line: { line_id: 10, count: 1 } })
    expect(scan(l, ' SKU00001 ')).toMatchObject({ kind: 'added', line: { line_id: 10, count: 2 } })
    expect(l[0].count).toBe(2)
  })

  it('refuses a scan beyond what is still on order, and unknown codes', () => {
    const l = lines()
    scan(l, '6920103000018')
    scan(l, '6920103000018')
    expect(scan(l, '6920103000018')).toMatchObject({ kind: 'full', line: { line_id: 10 } })
    expect(l[0].count).toBe(2)
    // 1.5 open: one scan fits, the second would make 2.
    expect(scan(l, '6920101000027').kind).toBe('added')
    expect(scan(l, '6920101000027').kind).toBe('full')
    expect(scan(l, '0000').kind).toBe('unknown')
    expect(scan(l, '   ').kind).toBe('unknown')
  })

  it('a product on two lines fills the first with room', () => {
    const l = lines()
    l.push({ ...l[0], line_id: 12, ordered: 5, received: 0 })
    scan(l, 'SKU00001')
    scan(l, 'SKU00001')
    expect(scan(l, 'SKU00001')).toMatchObject({ kind: 'added', line: { line_id: 12, count: 1 } })
  })

  it('posts only the lines with something received, and says whether the order stays open', () => {
    const l = lines()
    expect(receiptLines(l)).toEqual([])
    l[0].count = 2
    expect(receiptLines(l)).toEqual([{ line_id: 10, quantity: 2 }])
    expect(leavesOpen(l)).toBe(true)
    l[1].count = 1.5
    expect(leavesOpen(l)).toBe(false)
    expect(openQty({ ...l[0], received: 4 })).toBe(0)
  })

  it('quantities keep three decimals; statuses have their colours', () => {
    expect(q3(0.1 + 0.2)).toBe(0.3)
    expect(q3(1.0005)).toBe(1.001)
    expect(statusType('partially_received')).toBe('warning')
    expect(statusType('cancelled')).toBe('danger')
  })
})
