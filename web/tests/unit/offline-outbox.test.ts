// The outbox: oldest first, one sale at a time, retries under the same key,
// refused sales set aside without blocking the rest, local numbers.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { ApiError } from '@/api/client'
import { enqueue, listOutbox, sendNext, BACKOFF_CAP_MS } from '@/offline/outbox'
import {
  backoffDelay,
  canCloseShift,
  createSync,
  deadLetters,
  discardDead,
  events,
  MAX_SERVER_ERRORS,
  nextLocalNumber,
  pendingCount,
  retryDead,
  setTransport,
  startSync,
  stopSync,
  submitSale,
  type Sync,
} from '@/offline'
import { state } from '@/offline/state'
import { FakeServer, ManualTimer, freshDb, saleBody, until } from './offline-fakes'

let server: FakeServer
let timer: ManualTimer
let syncs: Sync[] = []

function sync(): Sync {
  const s = createSync({ storeId: 1, locks: null, storage: null, catalog: false, schedule: timer.schedule, random: () => 1 })
  syncs.push(s)
  return s
}

async function queue(n: number, storeId = 1) {
  for (let i = 1; i <= n; i++)
    await enqueue({
      key: `key-${storeId}-${i}`,
      storeId,
      localNumber: `OFF-1-20261207-00${i}`,
      createdAt: new Date(2026, 11, 7, 10, i).toISOString(),
      body: saleBody(`sale ${i}`, storeId),
    })
}

beforeEach(async () => {
  await freshDb()
  server = new FakeServer()
  timer = new ManualTimer()
  setTransport(server.transport())
  state.online = true
})

afterEach(() => {
  for (const s of syncs) s.stop()
  syncs = []
  stopSync()
  setTransport(null)
})

describe('sending', () => {
  test('sends the oldest first, one at a time, and empties the outbox', async () => {
    await queue(3)
    const sent: string[] = []
    const off = events.on('sent', (s) => sent.push(s.localNumber))
    const s = sync()
    await until(async () => (await pendingCount(1)) === 0)
    await s.idle()
    off()
    expect(server.posts.map((p) => p.body.note)).toEqual(['sale 1', 'sale 2', 'sale 3'])
    expect(sent).toEqual(['OFF-1-20261207-001', 'OFF-1-20261207-002', 'OFF-1-20261207-003'])
    expect(server.maxInFlight).toBe(1)
  })

  test('only sends the sales of its own store', async () => {
    await queue(2, 1)
    await queue(1, 2)
    const s = sync()
    await until(async () => (await pendingCount(1)) === 0)
    await s.idle()
    expect(server.posts.every((p) => p.body.store_id === 1)).toBe(true)
    expect(await pendingCount(2)).toBe(1)
  })

  test.each([['network'], [503], [500], [429], [408], [401]] as const)(
    'after %s the sale stays first, waits with backoff, and is sent again under the same key',
    async (failure) => {
      await queue(2)
      server.script = [failure]
      const s = sync()
      await until(() => timer.waits.some((w) => w.ms >= 500 && !w.cancelled && server.posts.length === 1))
      await s.idle()
      const [head] = await listOutbox(1)
      expect(head.key).toBe('key-1-1')
      expect(head.attempts).toBe(1)
      expect(head.lastError).toBeTruthy()
      expect(await pendingCount(1)).toBe(2)
      timer.fireAll()
      await until(async () => (await pendingCount(1)) === 0)
      await s.idle()
      expect(server.posts.map((p) => p.key)).toEqual(['key-1-1', 'key-1-1', 'key-1-2'])
      expect(await deadLetters(1)).toEqual([])
    },
  )

  test('a network failure marks the till offline; the next answer marks it online', async () => {
    await queue(1)
    server.script = ['network']
    const seen: boolean[] = []
    const off = events.on('online', (v) => seen.push(v))
    const s = sync()
    await until(() => server.posts.length === 1 && timer.waits.length > 0)
    await s.idle()
    expect(s.isOnline()).toBe(false)
    timer.fireAll()
    await until(async () => (await pendingCount(1)) === 0)
    await s.idle()
    off()
    expect(s.isOnline()).toBe(true)
    expect(seen).toContain(false)
    expect(seen.at(-1)).toBe(true)
  })

  test('a sale whose answer was lost reaches the server exactly once', async () => {
    await queue(3)
    server.script = ['ok', 'lost', 'network']
    const s = sync()
    for (let i = 0; i < 10 && (await pendingCount(1)) > 0; i++) {
      await until(async () => timer.waits.length > 0 || (await pendingCount(1)) === 0)
      await s.idle()
      timer.fireAll()
    }
    await until(async () => (await pendingCount(1)) === 0)
    await s.idle()
    expect(server.sales.size).toBe(3)
    expect([...server.sales.keys()].sort()).toEqual(['key-1-1', 'key-1-2', 'key-1-3'])
    // the lost one was sent three times (answer lost, network down, answered) under one key
    expect(server.posts.filter((p) => p.key === 'key-1-2').length).toBe(3)
  })
})

describe('dead letters', () => {
  test('a refused sale is set aside with the server problem and the rest go on', async () => {
    await queue(3)
    server.script = ['ok', 422, 'ok']
    const s = sync()
    await until(async () => (await pendingCount(1)) === 0)
    await s.idle()
    expect(server.sales.size).toBe(2)
    const dead = await deadLetters(1)
    expect(dead).toHaveLength(1)
    expect(dead[0].localNumber).toBe('OFF-1-20261207-002')
    expect(dead[0].key).toBe('key-1-2')
    expect(dead[0].problem).toEqual({
      status: 422,
      type: 'about:blank',
      detail: 'status 422',
      errors: [{ field: 'payments', message: 'must cover the total' }],
    })
    expect(timer.waits.filter((w) => !w.cancelled)).toEqual([])
  })

  test('a sale that keeps failing on the server becomes a dead letter', async () => {
    await queue(2)
    server.script = Array(MAX_SERVER_ERRORS).fill(500)
    const s = sync()
    for (let i = 0; i < MAX_SERVER_ERRORS + 2 && (await deadLetters(1)).length === 0; i++) {
      await until(async () => timer.waits.length > 0 || (await deadLetters(1)).length > 0)
      await s.idle()
      timer.fireAll()
    }
    await until(async () => (await pendingCount(1)) === 0)
    await s.idle()
    const dead = await deadLetters(1)
    expect(dead.map((d) => d.key)).toEqual(['key-1-1'])
    expect(dead[0].problem.status).toBe(500)
    expect(server.sales.has('key-1-2')).toBe(true)
  })

  test('retry puts it back under the same key; discard drops it', async () => {
    await queue(2)
    server.script = [409, 422]
    const s = sync()
    await until(async () => (await deadLetters(1)).length === 2)
    await s.idle()
    const [a, b] = await deadLetters(1)
    stopSync()
    startSync({ storeId: 1, locks: null, storage: null, catalog: false, schedule: timer.schedule })
    expect(await retryDead(a.seq!)).toBe(true)
    await until(async () => (await deadLetters(1)).length === 1 && (await pendingCount(1)) === 0)
    expect(server.posts.at(-1)!.key).toBe(a.key)
    expect(server.sales.has(a.key)).toBe(true)
    expect(await discardDead(b.seq!)).toBe(true)
    expect(await deadLetters(1)).toEqual([])
    expect(await discardDead(b.seq!)).toBe(false)
    expect(await retryDead(12345)).toBe(false)
  })
})

describe('backoff', () => {
  test('doubles per attempt from one second, with jitter between half and all of it', () => {
    expect(backoffDelay(1, () => 0)).toBe(500)
    expect(backoffDelay(1, () => 1)).toBe(1000)
    expect(backoffDelay(2, () => 1)).toBe(2000)
    expect(backoffDelay(4, () => 0.5)).toBe(6000)
  })
  test('is capped', () => {
    expect(backoffDelay(40, () => 1)).toBe(BACKOFF_CAP_MS)
    expect(backoffDelay(1000, () => 0)).toBe(BACKOFF_CAP_MS / 2)
  })
})

describe('submitSale', () => {
  const opts = { storeId: 1, locks: null, storage: null, catalog: false }

  test('online: sent at once with a fresh key', async () => {
    startSync({ ...opts, schedule: timer.schedule })
    const r = await submitSale(saleBody('now'), { storeId: 1, localNumber: 'OFF-1-20261207-001' })
    expect(r.status).toBe('sent')
    expect(server.posts).toHaveLength(1)
    expect(server.posts[0].key).toMatch(/^[0-9a-f-]{36}$/)
    expect(server.posts[0].body).toEqual(saleBody('now'))
    expect(await pendingCount(1)).toBe(0)
  })

  test('offline: queued with offline_at and without promotions, sent later under the same key', async () => {
    startSync({ ...opts, schedule: timer.schedule })
    state.online = false
    stopSync()
    server.reachable = false
    startSync({ ...opts, schedule: timer.schedule })
    const r = await submitSale(saleBody('later'), { storeId: 1, localNumber: 'OFF-1-20261207-007' })
    expect(r).toEqual({ status: 'queued', localNumber: 'OFF-1-20261207-007' })
    expect(await canCloseShift(1)).toBe(false)
    const [item] = await listOutbox(1)
    expect(item.body.apply_promotions).toBe(false)
    expect(Date.parse(item.body.offline_at!)).toBeGreaterThan(0)
    server.reachable = true
    await until(() => timer.waits.length > 0)
    timer.fireAll() // the probe finds the server, the outbox is sent
    await until(async () => (await pendingCount(1)) === 0)
    expect(server.sales.has(item.key)).toBe(true)
    expect(server.posts.at(-1)!.body).toEqual(item.body)
    expect(await canCloseShift(1)).toBe(true)
  })

  test('a network failure on the way queues the sale unchanged under its key', async () => {
    startSync({ ...opts, schedule: timer.schedule })
    server.script = ['lost']
    const r = await submitSale(saleBody('lost'), { storeId: 1, localNumber: 'L1' })
    expect(r.status).toBe('queued')
    const first = server.posts[0]
    await until(() => timer.waits.length > 0)
    timer.fireAll()
    await until(async () => (await pendingCount(1)) === 0)
    expect(server.sales.size).toBe(1)
    expect(server.posts.map((p) => p.key)).toEqual([first.key, first.key])
    expect(server.posts[1].body).toEqual(first.body)
  })

  test('a refused sale is thrown to the cashier and not kept', async () => {
    startSync({ ...opts, schedule: timer.schedule })
    server.script = [422]
    await expect(submitSale(saleBody('bad'), { storeId: 1, localNumber: 'L1' })).rejects.toBeInstanceOf(ApiError)
    expect(await pendingCount(1)).toBe(0)
    expect(await deadLetters(1)).toEqual([])
  })

  test('while sales wait, a new one queues behind them', async () => {
    await queue(1)
    server.reachable = false
    startSync({ ...opts, schedule: timer.schedule })
    await until(() => timer.waits.length > 0)
    state.online = true // the badge says online, the outbox is not empty yet
    const r = await submitSale(saleBody('behind'), { storeId: 1, localNumber: 'L2' })
    expect(r.status).toBe('queued')
    server.reachable = true
    timer.fireAll()
    await until(async () => (await pendingCount(1)) === 0)
    const order = [...new Set(server.posts.map((p) => p.body.note))]
    expect(order).toEqual(['sale 1', 'behind'])
  })
})

describe('local numbers', () => {
  test('count per register and day from 001', async () => {
    const day = new Date(2026, 11, 7, 9, 30)
    expect(await nextLocalNumber('2', day)).toBe('OFF-2-20261207-001')
    expect(await nextLocalNumber('2', day)).toBe('OFF-2-20261207-002')
    expect(await nextLocalNumber('3', day)).toBe('OFF-3-20261207-001')
    expect(await nextLocalNumber('2', new Date(2026, 11, 8, 0, 1))).toBe('OFF-2-20261208-001')
    expect(await nextLocalNumber('2', day)).toBe('OFF-2-20261207-003')
  })
  test('two tabs asking at once get different numbers', async () => {
    const day = new Date(2026, 11, 7)
    const got = await Promise.all(Array.from({ length: 5 }, () => nextLocalNumber('1', day)))
    expect(new Set(got).size).toBe(5)
  })
})

test('sendNext on an empty outbox says so', async () => {
  expect(await sendNext(1, server.transport())).toEqual({ kind: 'empty' })
})
