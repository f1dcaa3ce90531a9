// Cart data and the tender arithmetic mirrored from the server's settlement.
import { describe, expect, it } from 'vitest'
import {
  addProduct,
  ean13Valid,
  isScaleLabel,
  pairLines,
  parseReceiptNumber,
  quickCash,
  removeLine,
  setQuantity,
  setUnitPrice,
  settle,
  toSaleInput,
  type CartState,
} from '@/pos/cart'

const tea = { id: 7, name: 'Tea', sku: 'SKU7', price: 1299 }
const cup = { id: 9, name: 'Cup', sku: 'SKU9', price: 500 }

describe('cart lines', () => {
  it('the same product twice raises the quantity instead of adding a line', () => {
    let l = addProduct([], tea)
    l = addProduct(l, tea)
    l = addProduct(l, cup)
    expect(l.map((x) => [x.productId, x.quantity])).toEqual([[7, 2], [9, 1]])
  })

  it('quantity 0 removes; quantities keep 3 decimals', () => {
    let l = addProduct(addProduct([], tea), cup)
    l = setQuantity(l, l[0].key, 1.23456)
    expect(l[0].quantity).toBe(1.235)
    l = setQuantity(l, l[0].key, 0)
    expect(l.map((x) => x.productId)).toEqual([9])
    expect(removeLine(l, l[0].key)).toEqual([])
  })

  it('an overridden price makes its own line', () => {
    let l = addProduct([], tea)
    l = setUnitPrice(l, l[0].key, 999)
    l = addProduct(l, tea)
    expect(l.length).toBe(2)
  })
})

describe('codes', () => {
  it('EAN-13 check digit and scale labels (prefix 2)', () => {
    expect(ean13Valid('6920342002446')).toBe(true)
    expect(ean13Valid('6920342002447')).toBe(false)
    expect(isScaleLabel('2000244012345'.slice(0, 12) + checkDigit('200024401234'))).toBe(true)
    expect(isScaleLabel('6920342002446')).toBe(false)
  })

  it('receipt numbers', () => {
    expect(parseReceiptNumber('S001-20261207-0042')).toEqual({ store: 'S001', day: '2026-12-07', number: 'S001-20261207-0042' })
    expect(parseReceiptNumber('6920342002446')).toBeNull()
  })
})

function checkDigit(d12: string): string {
  let s = 0
  for (let i = 0; i < 12; i++) s += Number(d12[i]) * (i % 2 ? 3 : 1)
  return String((10 - (s % 10)) % 10)
}

describe('SaleInput', () => {
  const base: CartState = {
    storeId: 1, register: '1', lines: [], customerId: null, couponCodes: [], pointsRedeemed: 0, manualDiscountBp: 0, approver: null,
  }

  it('sends product lines, overrides, customer, coupons, points and the manual discount', () => {
    let lines = addProduct(addProduct([], tea), cup)
    lines = setUnitPrice(lines, lines[1].key, 450)
    const input = toSaleInput(
      { ...base, lines, customerId: 5, couponCodes: ['AAA'], pointsRedeemed: 100, manualDiscountBp: 500, approver: { username: 'm', password: 'p' } },
      [{ method: 'cash', amount: 2000 }],
    )
    expect(input).toEqual({
      store_id: 1, register: '1', apply_promotions: true,
      lines: [{ product_id: 7, quantity: 1 }, { product_id: 9, quantity: 1, unit_price: 450 }],
      customer_id: 5, coupon_codes: ['AAA'], points_redeemed: 100, manual_discount_bp: 500,
      approver: { username: 'm', password: 'p' },
      payments: [{ method: 'cash', amount: 2000 }],
    })
  })

  it('points need a customer; defaults are left out', () => {
    const input = toSaleInput({ ...base, lines: addProduct([], tea), pointsRedeemed: 100 })
    expect(input).toEqual({ store_id: 1, register: '1', apply_promotions: true, lines: [{ product_id: 7, quantity: 1 }] })
  })

  it('pairs priced lines with cart lines, gifts apart', () => {
    const lines = addProduct(addProduct([], tea), cup)
    const sale = { lines: [{ product_id: 7, total: 1000 }, { product_id: 9, total: 500 }, { product_id: 3, is_gift: true, total: 0 }] }
    const r = pairLines(lines, sale as never)
    expect(r.priced.map((p) => p?.total)).toEqual([1000, 500])
    expect(r.gifts.length).toBe(1)
    expect(pairLines(lines, { lines: [] } as never).priced).toEqual([null, null])
  })
})

describe('settle (as the server)', () => {
  it('cash alone: rounding down to the store unit, change', () => {
    expect(settle(12345, [{ method: 'cash', amount: 20000 }], 10)).toEqual({ rounding: 5, remaining: 0, change: 7660, overpaid: false, covered: true })
    expect(settle(12345, [{ method: 'cash', amount: 12340 }], 10).covered).toBe(true)
    expect(settle(12345, [{ method: 'cash', amount: 12300 }], 10).remaining).toBe(40)
  })

  it('card alone: no rounding, must be exact or less', () => {
    expect(settle(12345, [{ method: 'card', amount: 12345 }], 10)).toEqual({ rounding: 0, remaining: 0, change: 0, overpaid: false, covered: true })
    expect(settle(12345, [{ method: 'card', amount: 12346 }], 10).overpaid).toBe(true)
    expect(settle(12345, [{ method: 'card', amount: 10000 }], 10).remaining).toBe(2345)
  })

  it('two tenders: the cash part is rounded', () => {
    const s = settle(12345, [{ method: 'card', amount: 10000 }, { method: 'cash', amount: 5000 }], 100)
    expect(s).toEqual({ rounding: 45, remaining: 0, change: 2700, overpaid: false, covered: true })
  })

  it('quick cash keys: exact then round notes', () => {
    expect(quickCash(12340)).toEqual([12340, 13000, 14000, 15000, 20000])
    expect(quickCash(0)).toEqual([])
  })
})
