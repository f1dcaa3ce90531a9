// The analytics screens' pure parts: the till's suggestions merged from the
// cart products' bought-together answers and their per-product cache, the
// clusters' scatter series and labels, the segment shares and the basket query.
import { describe, expect, it } from 'vitest'
import { createCache, mergeSuggestions, type TogetherRow } from '@/views/pos/suggestions'
import { basketQuery, clusterLabel, scatterSeries, segmentShares, sizeMeasure, sizeRange, symbolSize } from '@/views/analytics/figures'

const row = (product_id: number, confidence: number, lift = 1, count = 1): TogetherRow => ({ product_id, sku: `S${product_id}`, name: `P${product_id}`, count, confidence, lift })

describe('mergeSuggestions', () => {
  it('leaves out what is in the cart and keeps the best three by confidence', () => {
    const lists = new Map([
      [1, [row(2, 0.9), row(10, 0.5), row(11, 0.2)]],
      [2, [row(1, 0.8), row(12, 0.7), row(13, 0.1)]],
    ])
    const s = mergeSuggestions([1, 2], lists)
    expect(s.map((x) => x.product_id)).toEqual([12, 10, 11])
    expect(s[0].from).toBe(2)
  })
  it('keeps the best row of a product suggested by two cart products', () => {
    const lists = new Map([
      [1, [row(7, 0.3, 2, 5)]],
      [2, [row(7, 0.6, 1.5, 3)]],
    ])
    const s = mergeSuggestions([1, 2], lists)
    expect(s).toHaveLength(1)
    expect(s[0]).toMatchObject({ product_id: 7, confidence: 0.6, from: 2 })
  })
  it('breaks ties by lift, then count, then product id', () => {
    const lists = new Map([[1, [row(5, 0.5, 1, 9), row(4, 0.5, 2, 1), row(3, 0.5, 1, 9), row(6, 0.5, 1, 10)]]])
    expect(mergeSuggestions([1], lists, 4).map((x) => x.product_id)).toEqual([4, 6, 3, 5])
  })
  it('gives nothing for products not fetched (offline) or an empty cart', () => {
    expect(mergeSuggestions([1, 2], new Map())).toEqual([])
    expect(mergeSuggestions([], new Map([[1, [row(2, 1)]]]))).toEqual([])
  })
  it('counts a product twice in the cart once', () => {
    const lists = new Map([[1, [row(2, 0.5)]]])
    expect(mergeSuggestions([1, 1], lists)).toHaveLength(1)
  })
})

describe('createCache', () => {
  it('asks once per product and keeps the answer', async () => {
    const asked: number[] = []
    const c = createCache(async (id) => {
      asked.push(id)
      return id * 10
    })
    expect(await c.fill([1, 2])).toBe(true)
    expect(await c.fill([2, 1])).toBe(false)
    expect(asked).toEqual([1, 2])
    expect(c.get(2)).toBe(20)
  })
  it('never throws, keeps nothing for a failure and tries again after the pause', async () => {
    let now = 0
    let fail = true
    let calls = 0
    const c = createCache(async () => {
      calls++
      if (fail) throw new Error('offline')
      return 'ok'
    }, { retryMs: 1000, now: () => now })
    expect(await c.fill([1])).toBe(false)
    expect(c.get(1)).toBeUndefined()
    fail = false
    await c.fill([1])
    expect(calls).toBe(1) // within the pause: not asked again
    now = 1000
    expect(await c.fill([1])).toBe(true)
    expect(c.get(1)).toBe('ok')
  })
  it('does not ask twice for a product already being asked', async () => {
    let release!: () => void
    let calls = 0
    const c = createCache(() => {
      calls++
      return new Promise<number>((r) => (release = () => r(1)))
    })
    const a = c.fill([1])
    const b = c.fill([1])
    release()
    await Promise.all([a, b])
    expect(calls).toBe(1)
  })
})

describe('scatterSeries', () => {
  const clusters = [
    { cluster: 0, centroid: { spend: 20000, frequency: 3, recency_days: 5 } },
    { cluster: 1, centroid: { spend: 5000, frequency: 1, recency_days: 20 } },
    { cluster: 2, centroid: { spend: 100, frequency: 1, recency_days: 60 } },
  ]
  const sample = [
    { customer_id: 11, cluster: 1, spend: 4000, frequency: 1, recency_days: 18 },
    { customer_id: 10, cluster: 0, spend: 25000, frequency: 4, recency_days: 2.5 },
    { customer_id: 12, cluster: 0, spend: 15000, frequency: 2, recency_days: 7 },
  ]
  it('gives one series per cluster with the points and centroid on the chosen axes (spend in yuan)', () => {
    const s = scatterSeries(sample, clusters, ['recency_days', 'spend'])
    expect(s.map((x) => x.cluster)).toEqual([0, 1, 2])
    expect(s[0].points).toEqual([[2.5, 250, 4, 10], [7, 150, 2, 12]])
    expect(s[0].centroid).toEqual([5, 200])
    expect(s[1].points).toEqual([[18, 40, 1, 11]])
    expect(s[2].points).toEqual([]) // no sampled point: kept for its colour and centroid
  })
  it('sizes by the measure not on an axis', () => {
    expect(sizeMeasure(['recency_days', 'spend'])).toBe('frequency')
    expect(sizeMeasure(['frequency', 'spend'])).toBe('recency_days')
    expect(sizeMeasure(['recency_days', 'frequency'])).toBe('spend')
    const s = scatterSeries(sample, clusters, ['recency_days', 'frequency'])
    expect(s[0].points[0]).toEqual([2.5, 4, 250, 10])
    expect(s[0].centroid).toEqual([5, 3])
  })
  it('keeps a point of a cluster missing from the list', () => {
    const s = scatterSeries([{ customer_id: 1, cluster: 5, spend: 100, frequency: 1, recency_days: 1 }], [], ['frequency', 'spend'])
    expect(s).toEqual([{ cluster: 5, points: [[1, 1, 1, 1]], centroid: null }])
  })
  it('scales the point sizes between 6 and 22 px', () => {
    const s = scatterSeries(sample, clusters, ['recency_days', 'spend'])
    expect(sizeRange(s)).toEqual([1, 4])
    expect(symbolSize(1, 1, 4)).toBe(6)
    expect(symbolSize(4, 1, 4)).toBe(22)
    expect(symbolSize(5, 5, 5)).toBe(10)
    expect(sizeRange([])).toEqual([0, 0])
  })
})

describe('clusterLabel', () => {
  const t = (k: string, named?: Record<string, unknown>) => (named ? `${k}(${String(named.category)})` : k)
  it('says the server label word by word in the UI language', () => {
    expect(clusterLabel('high spend, frequent, recent, mostly 食品', t, '，')).toBe(
      'analytics.clusters.word.highSpend，analytics.clusters.word.frequent，analytics.clusters.word.recent，analytics.clusters.mostly(食品)',
    )
  })
  it('keeps words it does not know', () => {
    expect(clusterLabel('low spend, odd', t, ', ')).toBe('analytics.clusters.word.lowSpend, odd')
  })
})

describe('segmentShares and basketQuery', () => {
  it('gives each segment its share of customers and revenue in percent', () => {
    expect(segmentShares([{ code: 'a', customers: 1, revenue: 300 }, { code: 'b', customers: 2, revenue: 100 }])).toEqual([
      { code: 'a', customers: 33.3, revenue: 75 },
      { code: 'b', customers: 66.7, revenue: 25 },
    ])
    expect(segmentShares([{ code: 'a', customers: 0, revenue: 0 }])).toEqual([{ code: 'a', customers: 0, revenue: 0 }])
  })
  it('turns percentages into ratios and leaves out an empty store', () => {
    expect(basketQuery({ period: ['2026-11-01', '2026-11-30'], storeId: null, level: 0, supportPct: 0.3, confidencePct: 10, limit: 50 })).toEqual({
      from: '2026-11-01', to: '2026-11-30', category_level: 0, min_support: 0.003, min_confidence: 0.1, limit: 50,
    })
    expect(basketQuery({ period: ['2026-11-01', '2026-11-30'], storeId: 2, level: 1, supportPct: 0.05, confidencePct: 0, limit: 100 })).toMatchObject({ store_id: 2, min_support: 0.0005, min_confidence: 0 })
  })
})
