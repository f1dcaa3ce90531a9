// The Pinia mirror of the offline module: counts follow the outbox.
import { afterEach, beforeEach, expect, test } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { setTransport, stopSync, submitSale } from '@/offline'
import { state } from '@/offline/state'
import { useOffline } from '@/stores/offline'
import { useAuth } from '@/stores/auth'
import { FakeServer, freshDb, saleBody, until } from './offline-fakes'

let server: FakeServer

beforeEach(async () => {
  await freshDb()
  setActivePinia(createPinia())
  server = new FakeServer()
  setTransport(server.transport())
})

afterEach(() => {
  stopSync()
  setTransport(null)
  state.online = true
})

test('starts for the signed-in store and mirrors the pending count and the online state', async () => {
  const auth = useAuth()
  auth.user = { id: 1, username: 'sales01', store_ids: [4], permissions: ['SALES_WRITE'] } as never
  auth.setStore(4)
  server.reachable = false
  state.online = false
  const off = useOffline()
  off.start()
  expect(off.storeId).toBe(4)
  expect(off.online).toBe(false)
  await submitSale(saleBody('a', 4), { storeId: 4, localNumber: 'OFF-1-20261207-001' })
  await submitSale(saleBody('b', 4), { storeId: 4, localNumber: 'OFF-1-20261207-002' })
  await until(() => off.pending === 2)
  auth.user = null
  await until(() => off.storeId === null)
})
