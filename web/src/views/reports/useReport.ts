// One report on a screen: loads it again whenever its query changes, drops
// answers that arrive after a newer request, keeps the last figures while
// a reload fails and says why (a sentence in the UI language).
import { ref, watch, type Ref, type WatchSource } from 'vue'
import { ElMessage } from 'element-plus'
import { problemMessage } from '@/utils/problem'
import { download, type Query } from '@/utils/download'

export interface Report<R> {
  data: Ref<R | null>
  loading: Ref<boolean>
  error: Ref<string>
  load: () => Promise<void>
  /** Saves the same query as a file (`format=csv|xlsx`). */
  exportAs: (format: 'csv' | 'xlsx') => Promise<void>
  exporting: Ref<string>
}

export function useReport<R>(opts: {
  path: string
  query: WatchSource<Query> & (() => Query)
  fetch: (q: Query) => Promise<R>
  fileName: (format: string) => string
  /** Start loading only once true (a tab opened). */
  active?: WatchSource<boolean>
}): Report<R> {
  const data = ref<R | null>(null) as Ref<R | null>
  const loading = ref(false)
  const error = ref('')
  const exporting = ref('')
  let seq = 0

  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const r = await opts.fetch(opts.query())
      if (mine !== seq) return
      data.value = r
      error.value = ''
    } catch (e) {
      if (mine === seq) error.value = problemMessage(e)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  async function exportAs(format: 'csv' | 'xlsx') {
    exporting.value = format
    try {
      await download(opts.path, { ...opts.query(), format }, opts.fileName(format))
    } catch (e) {
      ElMessage.error(problemMessage(e))
    } finally {
      exporting.value = ''
    }
  }

  if (opts.active) {
    watch([opts.query, opts.active] as const, ([, on]) => { if (on) void load() }, { immediate: true, deep: true })
  } else {
    watch(opts.query, () => void load(), { immediate: true, deep: true })
  }
  return { data, loading, error, load, exportAs, exporting }
}
