// One read of a staff screen's card: its answer, whether it is loading, and
// a sentence when it failed (a 404 of an endpoint not there means "none").
import { ref, shallowRef } from 'vue'
import { ApiError } from '@/api/client'
import { problemMessage } from '@/utils/problem'

export function useAsync<T>(fn: () => Promise<T>, opts: { notFoundIsEmpty?: boolean } = {}) {
  const data = shallowRef<T | null>(null)
  const loading = ref(false)
  const error = ref('')
  /** The HTTP status of the last failure (0: none, or not an HTTP answer). */
  const status = ref(0)
  let seq = 0

  async function load(): Promise<void> {
    const mine = ++seq
    loading.value = true
    try {
      const r = await fn()
      if (mine !== seq) return
      data.value = r
      error.value = ''
      status.value = 0
    } catch (e) {
      if (mine !== seq) return
      data.value = null
      status.value = e instanceof ApiError ? e.status : 0
      error.value = opts.notFoundIsEmpty && e instanceof ApiError && e.status === 404 ? '' : problemMessage(e)
    } finally {
      if (mine === seq) loading.value = false
    }
  }
  return { data, loading, error, status, load }
}
