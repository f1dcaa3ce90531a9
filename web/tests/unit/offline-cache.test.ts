// The catalog cache: every page read, then lookups by barcode, SKU, name,
// pinyin initials, and members by code, phone or last four digits.
import { beforeEach, expect, test } from 'vitest'
import { NetworkError } from '@/api/client'
import {
  cacheCatalog,
  cachedPromotions,
  findMember,
  findProductByCode,
  pricesAsOf,
  searchMembers,
  searchProducts,
  storeSettings,
  type Transport,
} from '@/offline'
import { FakeServer, freshDb } from './offline-fakes'

const product = (id: number, name: string, sku: string, barcode: string | null, price: number) => ({
  id, name, sku, barcode, price, unit: 'pcs', vat_rate: 1300, category_id: null, brand: null, cost: null,
  active: true, created_at: '', updated_at: '',
})
const member = (id: number, name: string, initials: string, phone: string, code: string) => ({
  id, name, name_initials: initials, phone, phone_last4: phone.slice(-4), member_code: code, tier: 'silver',
  tier_name: 'Silver', points_balance: id * 10,
})
const promo = (id: number, store_ids: number[], active = true) => ({ id, name: `P${id}`, store_ids, active })

let calls: string[]

function fake(): Transport {
  calls = []
  const pages = [
    [product(1, '可口可乐 330ml', 'COKE-330', '6901234567892', 350), product(2, '雪碧', 'SPRITE', '6901234567908', 300)],
    [product(3, 'Green tea', 'TEA-G', null, 500)],
  ]
  return new FakeServer().transport({
    products: async (c) => {
      calls.push(`products ${c}`)
      return c ? { items: pages[1], next_cursor: null } : { items: pages[0], next_cursor: 'p2' }
    },
    members: async (storeId, c) => {
      calls.push(`members ${storeId} ${c}`)
      return {
        items: [
          member(10, '王小明', 'wxm', '13800001234', 'M0010') as never,
          member(11, '李雷', 'll', '138****5678', 'M0011') as never,
          member(12, '韩梅梅', 'hmm', '13900005678', 'M0012') as never,
        ],
        next_cursor: null,
      }
    },
    promotions: async () => ({ items: [promo(1, []), promo(2, [3]), promo(3, [2])] as never[], next_cursor: null }),
    store: async (id) => ({ id, name: 'Store 2', cash_rounding: 10 }) as never,
    settings: async () =>
      ({ currency: 'CNY', time_zone: 'Asia/Shanghai', company_name: 'Tersa', receipt_header: 'H', receipt_footer: 'F' }) as never,
  })
}

beforeEach(async () => {
  await freshDb()
  await cacheCatalog(2, fake())
})

test('reads every page of products and the members of the store', () => {
  expect(calls).toContain('products p2')
  expect(calls).toContain('members 2 null')
})

test('finds a product by barcode or SKU', async () => {
  expect((await findProductByCode('6901234567892'))?.price).toBe(350)
  expect((await findProductByCode(' TEA-G '))?.id).toBe(3)
  expect(await findProductByCode('nope')).toBeNull()
})

test('searches by name, SKU, barcode and pinyin initials', async () => {
  expect((await searchProducts('kkkl')).map((p) => p.id)).toEqual([1])
  expect((await searchProducts('xb')).map((p) => p.id)).toEqual([2])
  expect((await searchProducts('green')).map((p) => p.id)).toEqual([3])
  expect((await searchProducts('sprite')).map((p) => p.id)).toEqual([2])
  expect((await searchProducts('69012345')).map((p) => p.id).sort()).toEqual([1, 2])
  expect(await searchProducts('  ')).toEqual([])
})

test('finds members by code, phone, masked phone and last four digits', async () => {
  expect((await findMember('M0012', 2))?.name).toBe('韩梅梅')
  expect((await findMember('13800001234', 2))?.id).toBe(10)
  expect((await findMember('138 0000 1234', 2))?.id).toBe(10)
  expect((await findMember('13800005678', 2))?.id).toBe(11) // masked in the list, visible digits fit
  expect((await findMember('1234', 2))?.points).toBe(100)
  expect(await findMember('5678', 2)).toBeNull() // two members: ask for more
  expect((await searchMembers('5678', 2)).length).toBe(2)
  expect((await searchMembers('wx', 2)).map((m) => m.id)).toEqual([10])
  expect(await findMember('M0012', 3)).toBeNull()
})

test('keeps the promotions of the store, the settings and when the prices were read', async () => {
  expect((await cachedPromotions(2)).map((p) => p.id)).toEqual([1, 3])
  expect(await storeSettings(2)).toMatchObject({ currency: 'CNY', cashRounding: 10, storeName: 'Store 2' })
  const at = await pricesAsOf(2)
  expect(Date.parse(at!)).toBeGreaterThan(0)
  expect(await pricesAsOf(3)).toBeNull()
})

test('a failed refresh keeps the last good cache', async () => {
  const before = await pricesAsOf(2)
  const broken = { ...fake(), members: async () => Promise.reject(new NetworkError('down')) }
  await expect(cacheCatalog(2, broken)).rejects.toBeInstanceOf(NetworkError)
  expect(await pricesAsOf(2)).toBe(before)
  expect((await findProductByCode('SPRITE'))?.id).toBe(2)
})
