// The till's sender: one tab per store holds the exclusive lock
// `tersa-outbox-<storeId>` (Web Locks; a localStorage lease where they are
// missing) and sends the outbox, oldest first, one sale at a time, with
// backoff while the server cannot take it. Every tab hears the counts on
// a BroadcastChannel of the same name.
import { NetworkError } from '@/api/client'
import { invalidateMirror, cacheCatalog, pricesAsOf } from './cache'
import { events, type Emitter, type OfflineEvents } from './emitter'
import { backoffDelay, deadLetters, newKey, pendingCount, sendNext } from './outbox'
import { state } from './state'
import { transport as pageTransport, type Transport } from './transport'

export const DEFAULT_REFRESH_MS = 5 * 60_000
export const LEASE_MS = 10_000

export interface SyncOptions {
  storeId: number
  /** Catalog refresh period while online (default 5 minutes); 0: only on start and after a sync. */
  refreshMs?: number
  /** Web Locks (default navigator.locks); null forces the lease fallback. */
  locks?: LockManager | null
  /** Where the lease fallback lives (default localStorage). */
  storage?: Storage | null
  emitter?: Emitter<OfflineEvents>
  random?: () => number
  /** Timer used for retries, probes and refreshes (default setTimeout). */
  schedule?: (fn: () => void, ms: number) => () => void
  /** Keep the catalog cache fresh (default true). */
  catalog?: boolean
  /** The server (default: the page's transport). */
  transport?: () => Transport
}

export interface Sync {
  readonly storeId: number
  isLeader(): boolean
  isOnline(): boolean
  /** A sale was queued or the network came back: the sender tries now (`force`: even during a backoff wait). */
  kick(force?: boolean): void
  /** The outbox or the dead letters changed: recount here and in the other tabs. */
  notify(): Promise<void>
  /** What the last contact with the server said. */
  setOnline(v: boolean): void
  refreshCatalog(): Promise<void>
  /** Resolves once the sender has nothing in hand (tests). */
  idle(): Promise<void>
  stop(): void
}

type Msg = { type: 'changed' } | { type: 'online'; value: boolean } | { type: 'catalog'; at: string | null }

const defaultSchedule = (fn: () => void, ms: number) => {
  const id = setTimeout(fn, ms)
  return () => clearTimeout(id)
}

/** Starts the sync of one store in this tab; `stop()` releases the lock and timers. */
export function createSync(opts: SyncOptions): Sync {
  const storeId = opts.storeId
  const name = `tersa-outbox-${storeId}`
  const em = opts.emitter ?? events
  const random = opts.random ?? Math.random
  const schedule = opts.schedule ?? defaultSchedule
  const refreshMs = opts.refreshMs ?? DEFAULT_REFRESH_MS
  const locks = opts.locks !== undefined ? opts.locks : (globalThis.navigator?.locks ?? null)
  const storage = opts.storage !== undefined ? opts.storage : (globalThis.localStorage ?? null)
  const withCatalog = opts.catalog ?? true
  const transport = opts.transport ?? pageTransport

  let stopped = false
  let leader = false
  let online = state.online
  let pumping: Promise<void> | null = null
  let again = false
  let cancelRetry: (() => void) | null = null
  let cancelProbe: (() => void) | null = null
  let cancelRefresh: (() => void) | null = null
  let cancelLease: (() => void) | null = null
  let releaseLock: (() => void) | null = null
  let probeAttempt = 0
  const abort = new AbortController()
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : null

  function post(m: Msg) {
    if (!stopped) channel?.postMessage(m)
  }

  function setOnline(v: boolean, fromPeer = false) {
    if (stopped) return
    if (v !== online) {
      online = v
      state.online = v
      em.emit('online', v)
      if (!fromPeer) post({ type: 'online', value: v })
      if (v) {
        probeAttempt = 0
        kick(true)
        if (leader && withCatalog) void refreshCatalog()
      }
    }
    if (!v) scheduleProbe()
  }

  function scheduleProbe() {
    if (cancelProbe || stopped) return
    probeAttempt += 1
    cancelProbe = schedule(async () => {
      cancelProbe = null
      try {
        await transport().ping()
        setOnline(true)
      } catch {
        if (!online) scheduleProbe()
      }
    }, backoffDelay(probeAttempt, random))
  }

  async function recount() {
    const [n, dead] = await Promise.all([pendingCount(storeId), deadLetters(storeId)])
    if (stopped) return
    em.emit('pending', n)
    em.emit('dead', dead)
  }

  async function notify() {
    await recount()
    post({ type: 'changed' })
  }

  async function pump(): Promise<void> {
    let sent = 0
    do {
      again = false
      while (leader && !stopped && !cancelRetry) {
        const r = await sendNext(storeId, transport(), random)
        if (r.kind === 'empty') break
        if (r.kind === 'sent') {
          sent++
          setOnline(true)
          em.emit('sent', { localNumber: r.item.localNumber, sale: r.sale })
          await notify()
          continue
        }
        if (r.kind === 'dead') {
          setOnline(true)
          await notify()
          continue
        }
        setOnline(!(r.error instanceof NetworkError))
        cancelRetry = schedule(() => {
          cancelRetry = null
          kick()
        }, r.delay)
      }
    } while (again && leader && !stopped && !cancelRetry)
    if (sent && withCatalog && !stopped && (await pendingCount(storeId)) === 0) void refreshCatalog()
  }

  function kick(force = false) {
    if (stopped) return
    if (!leader) {
      post({ type: 'changed' })
      return
    }
    if (force && cancelRetry) {
      cancelRetry()
      cancelRetry = null
    }
    if (pumping) {
      again = true
      return
    }
    pumping = pump().finally(() => {
      pumping = null
    })
  }

  async function refreshCatalog() {
    try {
      const meta = await cacheCatalog(storeId, transport())
      setOnline(true)
      post({ type: 'catalog', at: meta.at })
    } catch (e) {
      if (e instanceof NetworkError) setOnline(false)
    }
  }

  function scheduleRefresh() {
    if (!refreshMs || stopped) return
    cancelRefresh = schedule(() => {
      cancelRefresh = null
      if (leader && online) void refreshCatalog()
      scheduleRefresh()
    }, refreshMs)
  }

  function becomeLeader() {
    if (leader || stopped) return
    leader = true
    em.emit('leader', true)
    kick()
    if (withCatalog) {
      void refreshCatalog()
      scheduleRefresh()
    }
  }

  function loseLeader() {
    if (!leader) return
    leader = false
    cancelRefresh?.()
    cancelRefresh = null
    em.emit('leader', false)
  }

  // One sender per till: the exclusive lock is held for as long as the tab syncs.
  if (locks) {
    locks
      .request(name, { mode: 'exclusive', signal: abort.signal }, () =>
        new Promise<void>((release) => {
          if (stopped) return release()
          releaseLock = release
          becomeLeader()
        }),
      )
      .catch(() => {
        /* aborted by stop() while waiting */
      })
  } else if (storage) {
    // Fallback: a lease in localStorage, renewed well before it runs out.
    const me = newKey()
    const key = `${name}-lease`
    const read = (): { owner: string; until: number } | null => {
      try {
        return JSON.parse(storage.getItem(key) ?? 'null')
      } catch {
        return null
      }
    }
    const tick = () => {
      if (stopped) return
      const now = Date.now()
      const l = read()
      if (!l || l.until < now || l.owner === me) {
        storage.setItem(key, JSON.stringify({ owner: me, until: now + LEASE_MS }))
        if (read()?.owner === me) becomeLeader()
        else loseLeader()
      } else loseLeader()
      cancelLease = schedule(tick, LEASE_MS / 3)
    }
    tick()
    abort.signal.addEventListener('abort', () => {
      if (read()?.owner === me) storage.removeItem(key)
    })
  } else becomeLeader()

  if (channel)
    channel.onmessage = (ev: MessageEvent<Msg>) => {
      const m = ev.data
      if (m.type === 'changed') {
        void recount()
        if (leader) kick()
      } else if (m.type === 'online') setOnline(m.value, true)
      else if (m.type === 'catalog') {
        invalidateMirror()
        em.emit('pricesAsOf', m.at)
      }
    }

  const onOnline = () => {
    probeAttempt = 0
    cancelProbe?.()
    cancelProbe = null
    void transport()
      .ping()
      .then(() => setOnline(true))
      .catch(() => setOnline(false))
  }
  const onOffline = () => setOnline(false)
  globalThis.addEventListener?.('online', onOnline)
  globalThis.addEventListener?.('offline', onOffline)

  // What the UI shows first: the counts and the cache as they are in IndexedDB.
  em.emit('online', online)
  void recount()
  void pricesAsOf(storeId).then((at) => !stopped && em.emit('pricesAsOf', at))
  if (!online) scheduleProbe()

  return {
    storeId,
    isLeader: () => leader,
    isOnline: () => online,
    kick,
    notify,
    setOnline: (v) => setOnline(v),
    refreshCatalog,
    async idle() {
      while (pumping) await pumping
    },
    stop() {
      if (stopped) return
      loseLeader()
      stopped = true
      abort.abort()
      releaseLock?.()
      for (const c of [cancelRetry, cancelProbe, cancelRefresh, cancelLease]) c?.()
      channel?.close()
      globalThis.removeEventListener?.('online', onOnline)
      globalThis.removeEventListener?.('offline', onOffline)
    },
  }
}
