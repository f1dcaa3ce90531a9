// The shared lookup of records by id (each id read once, a few at a time, an
// unreadable one shown as #id) and the product search for pickers.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { client } from '@/api/client'
import { createLookup, products, productLabel, searchProducts } from '@/utils/lookup'

afterEach(() => vi.restoreAllMocks())

/** Answers GET /products/{id} with a product, 404 for id 99; GET /products with `items`. */
function fakeProducts(items: object[] = []) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return vi.spyOn(client, 'GET').mockImplementation((async (_path: string, o: any) => {
    const id = o.params.path?.id as number | undefined
    if (id === undefined) return { data: { items, next_cursor: null }, response: new Response(null, { status: 200 }) }
    const response = new Response(null, { status: id === 99 ? 404 : 200 })
    return id === 99 ? { error: { status: 404 }, response } : { data: { id, sku: `SKU${id}`, name: `Product ${id}` }, response }
  }) as never)
}

describe('lookup', () => {
  it('reads each id once; an id it cannot read stays shown by its number', async () => {
    const get = fakeProducts()
    await Promise.all([products.load([7, 7, 8, 99, null]), products.load([7])])
    await products.load([7, 8])
    expect(get).toHaveBeenCalledTimes(3)
    expect(products.name(7)).toBe('Product 7')
    expect(products.get(8)?.sku).toBe('SKU8')
    expect(productLabel(8)).toBe('SKU8 Product 8')
    expect(products.name(99)).toBe('#99')
    expect(productLabel(99)).toBe('#99')
    expect(products.name(null)).toBe('')
  })

  it('asks again later for an id that failed', async () => {
    const get = fakeProducts()
    await products.load([99])
    await products.load([99])
    expect(get).toHaveBeenCalledTimes(2)
    expect(products.name(99)).toBe('#99')
  })

  it('keeps at most `limit` requests running', async () => {
    let running = 0
    let most = 0
    const l = createLookup(async (id) => {
      most = Math.max(most, ++running)
      await new Promise((r) => setTimeout(r, 1))
      running--
      return { name: `n${id}` }
    }, 2)
    await l.load([1, 2, 3, 4, 5])
    expect(most).toBe(2)
    expect([1, 2, 3, 4, 5].map((i) => l.name(i))).toEqual(['n1', 'n2', 'n3', 'n4', 'n5'])
  })

  it('gives a fresh, empty lookup with the same reader', async () => {
    const get = vi.fn(async (id: number) => ({ name: `n${id}` }))
    const l = createLookup(get)
    await l.load([1])
    const f = l.fresh()
    expect(f.name(1)).toBe('#1')
    await f.load([1])
    expect(f.name(1)).toBe('n1')
    expect(get).toHaveBeenCalledTimes(2)
  })
})

describe('searchProducts', () => {
  const found = [
    { id: 41, sku: 'A1', name: 'Cola', barcode: '690001', price: 350 },
    { id: 42, sku: 'B2', name: 'Tea', barcode: null, price: 1299 },
  ]

  it('shows "SKU name" with the barcode by default, and keeps what it found', async () => {
    const get = fakeProducts(found)
    expect(await searchProducts('co')).toEqual([
      { value: 41, label: 'A1 Cola', hint: '690001' },
      { value: 42, label: 'B2 Tea', hint: '' },
    ])
    expect(get.mock.calls[0][1]).toMatchObject({ params: { query: { q: 'co', active: true, limit: 20 } } })
    await products.load([41, 42])
    expect(get).toHaveBeenCalledTimes(1)
    expect(productLabel(42)).toBe('B2 Tea')
  })

  it('lets the caller choose the label and the hint', async () => {
    fakeProducts(found)
    expect((await searchProducts('', { label: 'name', hint: 'barcode-or-sku' })).map((c) => [c.label, c.hint])).toEqual([
      ['Cola', '690001'],
      ['Tea', 'B2'],
    ])
    expect((await searchProducts('', { label: 'name', hint: 'sku' })).map((c) => c.hint)).toEqual(['A1', 'B2'])
    const priced = await searchProducts('', { label: 'name', hint: 'sku-price' })
    expect(priced[1].hint).toMatch(/^B2 · .*12\.99$/)
  })
})
