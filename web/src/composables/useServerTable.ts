// A table over one of the API's list endpoints: filters become the query,
// pages follow the API's cursors ({items, next_cursor}, `limit`/`cursor`),
// and only one page of rows is ever held.
import { computed, getCurrentScope, onScopeDispose, reactive, ref, shallowRef, watch, type Ref, type UnwrapRef } from 'vue'
import { problemMessage } from '@/utils/problem'

/** What the endpoint answers: one page and the cursor of the next (null on the last). */
export interface Page<T> {
  items: T[]
  next_cursor?: string | null
}

export type SortOrder = 'asc' | 'desc'
export interface Sort {
  prop: string
  order: SortOrder
}

/**
 * The query a fetch receives: the filters that have a value (empty strings
 * and nulls are left out, so a filter typed `'' | 'true' | 'false'` arrives
 * as `'true' | 'false'`), plus paging and sorting.
 */
export type TableQuery<F> = { [K in keyof F]?: Exclude<F[K], '' | null> } & { limit: number; cursor?: string } & Record<string, unknown>

export interface ServerTableOptions<T, F extends object> {
  /** Loads one page, e.g. `(q) => call(client.GET('/api/v1/stores', { params: { query: q } }))`. */
  fetch: (query: TableQuery<F>) => Promise<Page<T>>
  /** The filters and their starting values (empty strings and nulls are left out of the query). */
  filters?: F
  /** Rows per page (the API's `limit`; default 20, at most 500). */
  limit?: number
  /**
   * Sorting, only for endpoints that support it: the starting order, and how
   * a sort becomes query parameters (default `{sort: prop, order}`).
   */
  sort?: { initial?: Sort | null; toQuery?: (s: Sort) => Record<string, string> }
  /** Load the first page at once (default true). */
  immediate?: boolean
  /** Search again this many ms after the filters last changed (typing in a search box); off by default. */
  autoSearch?: number
}

/**
 * Server-paged table state for an el-table: bind `rows`, `loading`, show
 * `error` / `empty`, call `search()` when the filters change, `next()` /
 * `prev()` to page, and hand `onSortChange` to `@sort-change`.
 */
export function useServerTable<T, F extends object = Record<string, never>>(opts: ServerTableOptions<T, F>) {
  const limit = Math.min(Math.max(opts.limit ?? 20, 1), 500)
  const filters = reactive({ ...(opts.filters ?? ({} as F)) }) as UnwrapRef<F>
  const rows = shallowRef<T[]>([]) as Ref<T[]>
  const loading = ref(false)
  const error = ref('')
  /** The error thrown by the last load, for callers that want the status. */
  const failure = shallowRef<unknown>(null)
  const sort = ref<Sort | null>(opts.sort?.initial ?? null)
  // cursors[i] opens page i + 1; page 1 has none.
  const cursors = ref<(string | undefined)[]>([undefined])
  const page = ref(1)
  const nextCursor = ref<string | null>(null)
  const loadedOnce = ref(false)
  let seq = 0

  function query(): TableQuery<F> {
    const q: Record<string, unknown> = { limit }
    for (const [k, v] of Object.entries(filters as object)) {
      if (v === '' || v === null || v === undefined) continue
      if (Array.isArray(v) && v.length === 0) continue
      q[k] = v
    }
    const c = cursors.value[page.value - 1]
    if (c) q.cursor = c
    if (sort.value && opts.sort) Object.assign(q, (opts.sort.toQuery ?? defaultSortQuery)(sort.value))
    return q as TableQuery<F>
  }

  /** Loads the current page; an answer that arrives after a newer request is dropped. */
  async function load(): Promise<void> {
    const mine = ++seq
    loading.value = true
    error.value = ''
    failure.value = null
    try {
      const r = await opts.fetch(query())
      if (mine !== seq) return
      rows.value = r.items.slice(0, limit)
      nextCursor.value = r.next_cursor ?? null
    } catch (e) {
      if (mine !== seq) return
      rows.value = []
      nextCursor.value = null
      failure.value = e
      error.value = problemMessage(e)
    } finally {
      if (mine === seq) {
        loading.value = false
        loadedOnce.value = true
      }
    }
  }

  /** Back to the first page with the current filters and sort. */
  function search(): Promise<void> {
    cursors.value = [undefined]
    page.value = 1
    return load()
  }

  function next(): Promise<void> {
    if (!nextCursor.value) return Promise.resolve()
    cursors.value = [...cursors.value.slice(0, page.value), nextCursor.value]
    page.value++
    return load()
  }

  function prev(): Promise<void> {
    if (page.value <= 1) return Promise.resolve()
    page.value--
    return load()
  }

  /** Resets the filters to their starting values and loads the first page. */
  function resetFilters(): Promise<void> {
    Object.assign(filters as object, opts.filters ?? {})
    return search()
  }

  /** For el-table's `@sort-change` ({prop, order: 'ascending'|'descending'|null}). */
  function onSortChange(e: { prop?: string | null; order?: string | null }): Promise<void> {
    sort.value = e.prop && e.order ? { prop: e.prop, order: e.order === 'ascending' ? 'asc' : 'desc' } : null
    return search()
  }

  const hasNext = computed(() => nextCursor.value !== null)
  const hasPrev = computed(() => page.value > 1)
  /** Loaded, no error, and nothing on this page. */
  const empty = computed(() => loadedOnce.value && !loading.value && !error.value && rows.value.length === 0)

  if (opts.autoSearch !== undefined) {
    let timer: ReturnType<typeof setTimeout> | undefined
    watch(
      () => JSON.stringify(filters),
      () => {
        clearTimeout(timer)
        timer = setTimeout(() => void search(), opts.autoSearch)
      },
    )
    if (getCurrentScope()) onScopeDispose(() => clearTimeout(timer))
  }

  if (opts.immediate !== false) void load()

  return { rows, loading, error, failure, empty, filters, sort, page, limit, hasNext, hasPrev, load, search, next, prev, resetFilters, onSortChange }
}

function defaultSortQuery(s: Sort): Record<string, string> {
  return { sort: s.prop, order: s.order }
}

export type ServerTable<T, F extends object = Record<string, never>> = ReturnType<typeof useServerTable<T, F>>
