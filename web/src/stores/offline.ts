// The offline side as the UI sees it: sales waiting, refused sales, whether
// the server answers, and how old the cached prices are. A thin mirror of
// src/offline/ (which knows nothing of Vue); start() begins the sync.
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import {
  deadLetters,
  discardDead,
  events,
  isOnline,
  pendingCount,
  pricesAsOf as readPricesAsOf,
  retryDead,
  startSync,
  stopSync,
  type DeadLetter,
} from '@/offline'
import { useAuth } from '@/stores/auth'

export const useOffline = defineStore('offline', () => {
  const pending = ref(0)
  const dead = ref<DeadLetter[]>([])
  const online = ref(isOnline())
  const pricesAsOf = ref<string | null>(null)
  const leader = ref(false)
  const storeId = ref<number | null>(null)

  events.on('pending', (n) => (pending.value = n))
  events.on('dead', (d) => (dead.value = d))
  events.on('online', (v) => (online.value = v))
  events.on('pricesAsOf', (at) => (pricesAsOf.value = at))
  events.on('leader', (v) => (leader.value = v))

  /**
   * Starts the sync for the store (by default the signed-in user's): the
   * POS calls it on entry, the pending badge on mount. Idempotent.
   */
  function start(id?: number | null) {
    const auth = useAuth()
    const sid = id ?? auth.storeId
    if (!sid || !auth.user) return
    if (storeId.value === sid) return
    storeId.value = sid
    startSync({ storeId: sid })
    void refresh()
  }

  /** Stops the sync in this tab (logout); what waits stays in IndexedDB. */
  function stop() {
    stopSync()
    storeId.value = null
  }

  /** Reads the counts again from IndexedDB. */
  async function refresh() {
    const sid = storeId.value ?? undefined
    ;[pending.value, dead.value, pricesAsOf.value] = await Promise.all([
      pendingCount(sid),
      deadLetters(sid),
      sid ? readPricesAsOf(sid) : Promise.resolve(null),
    ])
  }

  async function retry(id: number) {
    await retryDead(id)
    await refresh()
  }

  async function discard(id: number) {
    await discardDead(id)
    await refresh()
  }

  // Follow the user: another store restarts the sync, logout stops it.
  const auth = useAuth()
  watch(
    () => [auth.user, auth.storeId] as const,
    ([u, sid]) => {
      if (!storeId.value) return
      if (!u) stop()
      else if (sid && sid !== storeId.value) start(sid)
    },
  )

  return { pending, dead, online, pricesAsOf, leader, storeId, start, stop, refresh, retry, discard }
})
