// One sender per till: of two tabs syncing the same store only the one that
// holds the lock sends; the other hears the counts and hands over its sales.
import { afterEach, beforeEach, expect, test } from 'vitest'
import { enqueue } from '@/offline/outbox'
import { createSync, Emitter, pendingCount, type OfflineEvents, type Sync, setTransport } from '@/offline'
import { state } from '@/offline/state'
import type { SalePayload } from '@/offline/types'
import { FakeLocks, FakeServer, ManualTimer, freshDb, saleBody, until } from './offline-fakes'

let server: FakeServer
let syncs: Sync[] = []

const posters: string[] = []

function tab(opts: { locks: LockManager | null; storage?: Storage | null }, name = 'tab') {
  const em = new Emitter<OfflineEvents>()
  const seen = { pending: -1, leader: false }
  em.on('pending', (n) => (seen.pending = n))
  em.on('leader', (v) => (seen.leader = v))
  const timer = new ManualTimer()
  const base = server.transport()
  const t = { ...base, postSale: (b: SalePayload, k: string) => (posters.push(name), base.postSale(b, k)) }
  const s = createSync({ storeId: 7, catalog: false, emitter: em, schedule: timer.schedule, storage: null, transport: () => t, ...opts })
  syncs.push(s)
  return { s, seen, timer }
}

async function sell(n: number) {
  for (let i = 1; i <= n; i++)
    await enqueue({ key: `k${i}`, storeId: 7, localNumber: `L${i}`, createdAt: new Date().toISOString(), body: saleBody(`s${i}`, 7) })
}

beforeEach(async () => {
  await freshDb()
  server = new FakeServer()
  posters.length = 0
  setTransport(server.transport())
  state.online = true
})

afterEach(() => {
  for (const s of syncs) s.stop()
  syncs = []
  setTransport(null)
})

test('with Web Locks only the first tab sends; the other learns the count', async () => {
  const locks = new FakeLocks().asManager()
  const a = tab({ locks }, 'A')
  const b = tab({ locks }, 'B')
  await until(() => a.s.isLeader())
  expect(b.s.isLeader()).toBe(false)

  server.reachable = false
  await sell(3)
  await b.s.notify() // tab B queued three sales while the network was down
  b.s.kick()
  await until(() => a.seen.pending === 3 && b.seen.pending === 3)
  await until(() => a.timer.waits.length > 0)
  expect(b.timer.waits.filter((w) => w.ms > 0 && server.posts.length === 0)).toHaveLength(0)

  server.reachable = true
  a.timer.fireAll()
  await until(async () => (await pendingCount(7)) === 0)
  await until(() => b.seen.pending === 0)
  expect(server.sales.size).toBe(3)
  expect(server.maxInFlight).toBe(1)
  // every attempt came from the tab holding the lock
  expect(new Set(posters)).toEqual(new Set(['A']))
})

test('when the sending tab closes, the other one takes over', async () => {
  const locks = new FakeLocks().asManager()
  const a = tab({ locks })
  const b = tab({ locks })
  await until(() => a.s.isLeader())
  a.s.stop()
  await until(() => b.s.isLeader())
  await sell(2)
  b.s.kick()
  await until(async () => (await pendingCount(7)) === 0)
  expect(server.sales.size).toBe(2)
})

test('two tabs sending at once never post the same sale twice', async () => {
  const locks = new FakeLocks().asManager()
  await sell(5)
  const a = tab({ locks })
  const b = tab({ locks })
  a.s.kick()
  b.s.kick()
  await until(async () => (await pendingCount(7)) === 0)
  await a.s.idle()
  await b.s.idle()
  expect(server.posts.map((p) => p.key)).toEqual(['k1', 'k2', 'k3', 'k4', 'k5'])
  expect(posters.length).toBe(5)
})

test('without Web Locks a localStorage lease elects one sender', async () => {
  localStorage.clear()
  const a = tab({ locks: null, storage: localStorage })
  const b = tab({ locks: null, storage: localStorage })
  expect(a.s.isLeader()).toBe(true)
  expect(b.s.isLeader()).toBe(false)
  a.s.stop()
  b.timer.fireAll() // B renews: the lease was given up
  expect(b.s.isLeader()).toBe(true)
})
