// The live feed (GET /api/v1/events, Server-Sent Events) for the dashboard:
// one EventSource with the session cookie, reopened when the store changes,
// and reopened by the page after the browser gives up (a 429 when too many
// streams are open, or the server gone for good), resuming from the last id.
import { onBeforeUnmount, ref, watch, type Ref } from 'vue'
import type { Schemas } from '@/api/client'

export type FeedState = 'connecting' | 'live' | 'down'

export interface FeedHandlers {
  sale: (id: string, data: Schemas['LiveSale']) => void
  return: (id: string, data: Schemas['LiveReturn']) => void
  alert: (id: string, data: Schemas['LiveAlert']) => void
  /** Events were missed (server restart, too far behind): reload the figures. */
  reset: () => void
}

/** How long to wait before reopening a stream the browser closed (ms). */
const REOPEN_MS = 10000

/**
 * Opens the feed for `storeId` (null: every store the user sees) while the
 * calling component lives; returns the connection state for display.
 */
export function useLiveFeed(storeId: Ref<number | null>, on: FeedHandlers) {
  const state = ref<FeedState>('connecting')
  let es: EventSource | null = null
  let lastId = ''
  let timer: ReturnType<typeof setTimeout> | null = null

  function parse<T>(e: MessageEvent, fn: (id: string, d: T) => void) {
    if (e.lastEventId) lastId = e.lastEventId
    try {
      fn(e.lastEventId, JSON.parse(e.data) as T)
    } catch {
      /* a line we cannot read is skipped; the next refresh has the figures */
    }
  }

  function open(resume: boolean) {
    close()
    const q = new URLSearchParams()
    if (storeId.value) q.set('store_id', String(storeId.value))
    if (resume && lastId) q.set('last_event_id', lastId)
    const qs = q.toString()
    state.value = 'connecting'
    es = new EventSource(`/api/v1/events${qs ? `?${qs}` : ''}`)
    es.addEventListener('open', () => (state.value = 'live'))
    es.addEventListener('sale', (e) => parse(e as MessageEvent, on.sale))
    es.addEventListener('return', (e) => parse(e as MessageEvent, on.return))
    es.addEventListener('alert', (e) => parse(e as MessageEvent, on.alert))
    es.addEventListener('reset', (e) => {
      if ((e as MessageEvent).lastEventId) lastId = (e as MessageEvent).lastEventId
      on.reset()
    })
    es.addEventListener('error', () => {
      if (!es) return
      if (es.readyState === EventSource.CLOSED) {
        state.value = 'down'
        timer = setTimeout(() => open(true), REOPEN_MS)
      } else {
        state.value = 'connecting' // the browser reconnects by itself with Last-Event-ID
      }
    })
  }

  function close() {
    if (timer) clearTimeout(timer)
    timer = null
    es?.close()
    es = null
  }

  watch(storeId, () => {
    lastId = ''
    open(false)
  })
  open(false)
  onBeforeUnmount(close)
  return { state }
}
