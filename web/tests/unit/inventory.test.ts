// The inventory screens' shared helpers: stock quantities (units with up to
// three decimals), signed variances, status tags, store names and the
// product names loaded once per id for rows that carry only the id.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { client } from '@/api/client'
import { useCompany } from '@/stores/company'
import { countStatusTag, loadProductNames, productName, productSku, qty, signedQty, storeName, transferStatusTag } from '@/views/inventory/shared'

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

  it('loads each product once; a product it cannot read stays shown by its id', async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const get = vi.spyOn(client, 'GET').mockImplementation((async (_path: string, o: any) => {
      const id = o.params.path.id as number
      const response = new Response(null, { status: id === 99 ? 404 : 200 })
      return id === 99 ? { error: { status: 404 }, response } : { data: { id, sku: `SKU${id}`, name: `Product ${id}` }, response }
    }) as never)
    await loadProductNames([7, 7, 8, 99, null])
    await loadProductNames([7, 8])
    expect(get).toHaveBeenCalledTimes(3)
    expect(productName(7)).toBe('Product 7')
    expect(productSku(8)).toBe('SKU8')
    expect(productName(99)).toBe('#99')
    get.mockRestore()
  })
})
