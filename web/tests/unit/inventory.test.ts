// The inventory screens' shared helpers: stock quantities (units with up to
// three decimals), signed variances, status tags and store names (product
// names for ids: tests/unit/lookup.test.ts).
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useCompany } from '@/stores/company'
import { countStatusTag, qty, signedQty, storeName, transferStatusTag } from '@/views/inventory/shared'

const t = (k: string) => k

describe('quantities', () => {
  it('shows whole units without decimals and parts with three', () => {
    expect(qty(5)).toBe('5')
    expect(qty(1234)).toBe('1,234')
    expect(qty(0.75)).toBe('0.75')
    expect(qty(-2)).toBe('-2')
    expect(qty(null)).toBe('—')
  })
  it('signs variances', () => {
    expect(signedQty(2)).toBe('+2')
    expect(signedQty(-1.5)).toBe('-1.5')
    expect(signedQty(0)).toBe('0')
    expect(signedQty(null)).toBe('—')
  })
})

describe('status tags', () => {
  it('colours a count and a transfer by state', () => {
    expect(countStatusTag('open', t)).toEqual({ text: 'inventory.countStatus.open', type: 'primary' })
    expect(countStatusTag('applied', t).type).toBe('success')
    expect(transferStatusTag('shipped', t)).toEqual({ text: 'inventory.transferStatus.shipped', type: 'warning' })
    expect(transferStatusTag('closed', t).type).toBe('success')
  })
})

describe('names', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('names a store the user sees, and numbers one they do not', () => {
    useCompany().stores.push({ id: 1, name: 'People Square' } as never)
    expect(storeName(1)).toBe('People Square')
    expect(storeName(2)).toBe('#2')
    expect(storeName(null)).toBe('—')
  })
})
