// useServerTable: filters → query, cursor paging, sorting, one page held,
// loading / error / empty states, late answers dropped.
import { describe, it, expect, vi } from 'vitest'
import { nextTick } from 'vue'
import { useServerTable, type Page, type TableQuery } from '@/composables/useServerTable'
import { ApiError, NetworkError } from '@/api/client'
import { setLocale } from '@/i18n'

interface Row { id: number }
const rows = (from: number, n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: from + i }))

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('useServerTable', () => {
  it('sends limit and the filters that have a value, and loads at once', async () => {
    const fetch = vi.fn((q: TableQuery<{ q: string; active: boolean | null }>): Promise<Page<Row>> => Promise.resolve({ items: rows(1, q.limit), next_cursor: null }))
    const t = useServerTable({ fetch, filters: { q: '', active: null as boolean | null }, limit: 2 })
    await vi.waitFor(() => expect(t.loading.value).toBe(false))
    expect(fetch).toHaveBeenCalledWith({ limit: 2 })
    t.filters.q = 'milk'
    t.filters.active = true
    await t.search()
    expect(fetch).toHaveBeenLastCalledWith({ limit: 2, q: 'milk', active: true })
    expect(t.rows.value.map((r) => r.id)).toEqual([1, 2])
  })

  it('pages forward with next_cursor and back with the cursor it came from', async () => {
    const pages: Record<string, Page<Row>> = {
      '': { items: rows(1, 2), next_cursor: 'c2' },
      c2: { items: rows(3, 2), next_cursor: 'c3' },
      c3: { items: rows(5, 1), next_cursor: null },
    }
    const fetch = vi.fn(async (q: TableQuery<object>) => pages[(q.cursor as string) ?? ''])
    const t = useServerTable<Row>({ fetch, limit: 2, immediate: false })
    await t.load()
    expect(t.hasPrev.value).toBe(false)
    expect(t.hasNext.value).toBe(true)
    await t.next()
    expect(t.page.value).toBe(2)
    expect(fetch).toHaveBeenLastCalledWith({ limit: 2, cursor: 'c2' })
    await t.next()
    expect(t.rows.value.map((r) => r.id)).toEqual([5])
    expect(t.hasNext.value).toBe(false)
    await t.next() // nothing further
    expect(fetch).toHaveBeenCalledTimes(3)
    await t.prev()
    expect(fetch).toHaveBeenLastCalledWith({ limit: 2, cursor: 'c2' })
    expect(t.rows.value.map((r) => r.id)).toEqual([3, 4])
    await t.prev()
    expect(fetch).toHaveBeenLastCalledWith({ limit: 2 })
    expect(t.page.value).toBe(1)
  })

  it('never holds more than one page of rows, even if the server sends more', async () => {
    const t = useServerTable<Row>({ fetch: async () => ({ items: rows(1, 30), next_cursor: 'x' }), limit: 10, immediate: false })
    await t.load()
    expect(t.rows.value).toHaveLength(10)
    await t.next()
    expect(t.rows.value).toHaveLength(10) // replaced, not appended
  })

  it('a new search starts from the first page', async () => {
    const fetch = vi.fn(async (q: TableQuery<{ q: string }>) => ({ items: rows(1, 1), next_cursor: q.cursor ? null : 'n' }))
    const t = useServerTable({ fetch, filters: { q: '' }, immediate: false })
    await t.load()
    await t.next()
    t.filters.q = 'tea'
    await t.search()
    expect(t.page.value).toBe(1)
    expect(fetch).toHaveBeenLastCalledWith({ limit: 20, q: 'tea' })
  })

  it('turns el-table sort-change into sort/order and back to page 1', async () => {
    const fetch = vi.fn(async () => ({ items: [], next_cursor: null }))
    const t = useServerTable<Row>({ fetch, sort: {}, immediate: false })
    await t.onSortChange({ prop: 'revenue', order: 'descending' })
    expect(fetch).toHaveBeenLastCalledWith({ limit: 20, sort: 'revenue', order: 'desc' })
    await t.onSortChange({ prop: 'revenue', order: null })
    expect(fetch).toHaveBeenLastCalledWith({ limit: 20 })
  })

  it('maps a sort to the endpoint\'s own parameters', async () => {
    const fetch = vi.fn(async () => ({ items: [], next_cursor: null }))
    const t = useServerTable<Row>({ fetch, immediate: false, sort: { initial: { prop: 'name', order: 'asc' }, toQuery: (s) => ({ by: `${s.order === 'desc' ? '-' : ''}${s.prop}` }) } })
    await t.load()
    expect(fetch).toHaveBeenLastCalledWith({ limit: 20, by: 'name' })
  })

  it('ignores sorting for endpoints that do not declare it', async () => {
    const fetch = vi.fn(async () => ({ items: [], next_cursor: null }))
    const t = useServerTable<Row>({ fetch, immediate: false })
    await t.onSortChange({ prop: 'name', order: 'ascending' })
    expect(fetch).toHaveBeenLastCalledWith({ limit: 20 })
  })

  it('shows empty only after a successful load with no rows', async () => {
    const d = deferred<Page<Row>>()
    const t = useServerTable<Row>({ fetch: () => d.promise })
    expect(t.loading.value).toBe(true)
    expect(t.empty.value).toBe(false)
    d.resolve({ items: [], next_cursor: null })
    await vi.waitFor(() => expect(t.loading.value).toBe(false))
    expect(t.empty.value).toBe(true)
    expect(t.error.value).toBe('')
  })

  it('reports an error in the UI language and clears the rows', async () => {
    setLocale('en')
    let fail = false
    const t = useServerTable<Row>({
      fetch: async () => {
        if (fail) throw new NetworkError('down')
        return { items: rows(1, 3), next_cursor: null }
      },
      immediate: false,
    })
    await t.load()
    fail = true
    await t.load()
    expect(t.rows.value).toEqual([])
    expect(t.error.value).toMatch(/cannot be reached/)
    expect(t.failure.value).toBeInstanceOf(NetworkError)
    expect(t.empty.value).toBe(false)
    setLocale('zh-CN')
    const t2 = useServerTable<Row>({ fetch: async () => { throw new ApiError(403, { type: '/problems/forbidden' }) }, immediate: false })
    await t2.load()
    expect(t2.error.value).toBe('您没有执行此操作的权限')
  })

  it('drops an answer that arrives after a newer request', async () => {
    const first = deferred<Page<Row>>()
    const second = deferred<Page<Row>>()
    const queue = [first.promise, second.promise]
    const t = useServerTable<Row>({ fetch: () => queue.shift()!, immediate: false })
    const a = t.load()
    const b = t.load()
    second.resolve({ items: rows(20, 1), next_cursor: null })
    await b
    first.resolve({ items: rows(10, 1), next_cursor: null })
    await a
    await nextTick()
    expect(t.rows.value.map((r) => r.id)).toEqual([20])
    expect(t.loading.value).toBe(false)
  })

  it('resetFilters goes back to the starting filters', async () => {
    const fetch = vi.fn(async () => ({ items: [], next_cursor: null }))
    const t = useServerTable({ fetch, filters: { q: '', store_id: 2 }, immediate: false })
    t.filters.q = 'x'
    t.filters.store_id = 3
    await t.resetFilters()
    expect(fetch).toHaveBeenLastCalledWith({ limit: 20, store_id: 2 })
  })

  it('searches again once typing stops when autoSearch is set', async () => {
    vi.useFakeTimers()
    try {
      const fetch = vi.fn(async () => ({ items: [], next_cursor: null }))
      const t = useServerTable({ fetch, filters: { q: '' }, immediate: false, autoSearch: 300 })
      t.filters.q = 'm'
      await nextTick()
      t.filters.q = 'mi'
      await nextTick()
      vi.advanceTimersByTime(299)
      expect(fetch).not.toHaveBeenCalled()
      vi.advanceTimersByTime(1)
      expect(fetch).toHaveBeenCalledTimes(1)
      expect(fetch).toHaveBeenLastCalledWith({ limit: 20, q: 'mi' })
    } finally {
      vi.useRealTimers()
    }
  })
})
