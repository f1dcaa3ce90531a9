// The analytics screens' arithmetic, free of Vue and ECharts: the cluster
// scatter's series, the cluster labels in the UI language, the segment
// shares for the bar chart, and the basket filters as an API query.

/** One customer of the clusters' sample (GET /segments/clusters). */
export interface SamplePoint {
  customer_id: number
  cluster: number
  spend: number
  frequency: number
  recency_days: number
}

/** A cluster's centroid, in original units (spend in fen). */
export interface Centroid {
  spend: number
  frequency: number
  recency_days: number
}

/** A measure the scatter can put on an axis or use as the point size. */
export type Measure = 'spend' | 'frequency' | 'recency_days'

/** The pairs of axes offered (x, y); the third measure sizes the points. */
export const AXIS_PAIRS: [Measure, Measure][] = [
  ['recency_days', 'spend'],
  ['frequency', 'spend'],
  ['recency_days', 'frequency'],
]

/** The measure a pair leaves over (it gives the point size). */
export function sizeMeasure(pair: [Measure, Measure]): Measure {
  return (['spend', 'frequency', 'recency_days'] as Measure[]).find((m) => !pair.includes(m)) ?? 'frequency'
}

/** A measure as drawn: spend in yuan, the others as they are. */
export function measureValue(p: Centroid, m: Measure): number {
  return m === 'spend' ? p.spend / 100 : p[m]
}

export interface ScatterSeries {
  cluster: number
  /** [x, y, size value, customer id] per point. */
  points: [number, number, number, number][]
  /** [x, y] of the centroid, or null when the cluster has none. */
  centroid: [number, number] | null
}

/**
 * One series per cluster (in the clusters' order, clusters without sampled
 * points included so that colours stay fixed by cluster number), each point
 * [x, y, size, customer id] on the pair of axes; the centroid on the same axes.
 */
export function scatterSeries(
  sample: SamplePoint[],
  clusters: { cluster: number; centroid: Centroid }[],
  pair: [Measure, Measure],
): ScatterSeries[] {
  const size = sizeMeasure(pair)
  const by = new Map<number, ScatterSeries>()
  for (const c of clusters)
    by.set(c.cluster, { cluster: c.cluster, points: [], centroid: [measureValue(c.centroid, pair[0]), measureValue(c.centroid, pair[1])] })
  for (const p of sample) {
    let s = by.get(p.cluster)
    if (!s) {
      s = { cluster: p.cluster, points: [], centroid: null }
      by.set(p.cluster, s)
    }
    s.points.push([measureValue(p, pair[0]), measureValue(p, pair[1]), measureValue(p, size), p.customer_id])
  }
  return [...by.values()].sort((a, b) => a.cluster - b.cluster)
}

/**
 * A point's radius in pixels from its size value: 6 to 22 px by the square
 * root of its place between the smallest and largest value of the sample.
 */
export function symbolSize(v: number, min: number, max: number): number {
  if (!(max > min)) return 10
  const f = Math.max(0, Math.min(1, (v - min) / (max - min)))
  return Math.round(6 + 16 * Math.sqrt(f))
}

/** The smallest and largest size value over the series' points. */
export function sizeRange(series: ScatterSeries[]): [number, number] {
  let min = Infinity
  let max = -Infinity
  for (const s of series)
    for (const p of s.points) {
      if (p[2] < min) min = p[2]
      if (p[2] > max) max = p[2]
    }
  return Number.isFinite(min) ? [min, max] : [0, 0]
}

/** The words the server builds a cluster label from ("high spend, frequent, recent, mostly 食品"). */
const LABEL_WORDS: Record<string, string> = {
  'low spend': 'lowSpend',
  'mid spend': 'midSpend',
  'high spend': 'highSpend',
  rare: 'rare',
  regular: 'regular',
  frequent: 'frequent',
  recent: 'recent',
  lapsing: 'lapsing',
  lapsed: 'lapsed',
}

/**
 * A cluster label in the UI language: each known word through
 * `analytics.clusters.word.<key>`, "mostly X" through
 * `analytics.clusters.mostly` with the category's name; unknown parts as the
 * server wrote them. `sep` joins the parts (", " or "，").
 */
export function clusterLabel(label: string, t: (key: string, named?: Record<string, unknown>) => string, sep: string): string {
  return label
    .split(', ')
    .map((part) => {
      if (LABEL_WORDS[part]) return t(`analytics.clusters.word.${LABEL_WORDS[part]}`)
      if (part.startsWith('mostly ')) return t('analytics.clusters.mostly', { category: part.slice(7) })
      return part
    })
    .join(sep)
}

/** A named segment's figures as the bar chart needs them. */
export interface SegmentRow {
  code: string
  customers: number
  revenue: number
}

/** Per segment, its share of the customers and of the revenue, in percent (1 decimal). */
export function segmentShares(rows: SegmentRow[]): { code: string; customers: number; revenue: number }[] {
  const c = rows.reduce((s, r) => s + r.customers, 0)
  const v = rows.reduce((s, r) => s + r.revenue, 0)
  const pct = (x: number, total: number) => (total ? Math.round((x * 1000) / total) / 10 : 0)
  return rows.map((r) => ({ code: r.code, customers: pct(r.customers, c), revenue: pct(r.revenue, v) }))
}

/** The basket screen's filters. Support and confidence are in percent. */
export interface BasketFilters {
  period: [string, string]
  storeId: number | null
  level: number
  supportPct: number
  confidencePct: number
  limit: number
}

/** The filters as the query of GET /basket/rules (ratios from percentages). */
export function basketQuery(f: BasketFilters): Record<string, string | number> {
  const ratio = (pct: number) => Math.round(pct * 100) / 10000
  return {
    from: f.period[0],
    to: f.period[1],
    ...(f.storeId ? { store_id: f.storeId } : {}),
    category_level: f.level,
    min_support: ratio(f.supportPct),
    min_confidence: ratio(f.confidencePct),
    limit: f.limit,
  }
}
