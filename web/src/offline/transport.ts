// Everything the offline code asks the server, behind one replaceable object
// so the outbox and the cache can be tested without a server.
import { call, client, type Schemas } from '@/api/client'
import type { Sale, SalePayload } from './types'

export interface Page<T> {
  items: T[]
  next_cursor?: string | null
}

export interface Transport {
  /** POST /api/v1/sales under the Idempotency-Key. Throws ApiError / NetworkError. */
  postSale(body: SalePayload, key: string): Promise<Sale>
  /** Resolves when the server answers at all; throws NetworkError otherwise. */
  ping(): Promise<void>
  products(cursor: string | null): Promise<Page<Schemas['Product']>>
  members(storeId: number, cursor: string | null): Promise<Page<Schemas['Customer']>>
  promotions(cursor: string | null): Promise<Page<Schemas['Promotion']>>
  store(storeId: number): Promise<Schemas['Store']>
  settings(): Promise<Schemas['Settings']>
}

const PAGE = 500

/** A list answer (the JSON one: these calls never ask for a file format). */
function asPage<T>(p: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<Page<T>> {
  return call(p) as Promise<Page<T>>
}

/** The real server, through the typed client (session cookie, CSRF, 401). */
export const httpTransport: Transport = {
  postSale: (body, key) =>
    call(
      client.POST('/api/v1/sales', {
        // apply_promotions is contract 2; the generated SaleInput gains it with the server change.
        body: body as Schemas['SaleInput'],
        params: { header: { 'Idempotency-Key': key } },
      }),
    ) as Promise<Sale>,
  ping: async () => {
    await call(client.GET('/api/v1/health'))
  },
  products: (cursor) =>
    asPage<Schemas['Product']>(client.GET('/api/v1/products', { params: { query: { limit: PAGE, active: true, ...(cursor ? { cursor } : {}) } } })),
  members: (storeId, cursor) =>
    asPage<Schemas['Customer']>(
      client.GET('/api/v1/customers', {
        params: { query: { limit: PAGE, home_store_id: storeId, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  promotions: (cursor) =>
    asPage<Schemas['Promotion']>(client.GET('/api/v1/promotions', { params: { query: { limit: PAGE, active: 'true', ...(cursor ? { cursor } : {}) } } })),
  store: (storeId) => call(client.GET('/api/v1/stores/{id}', { params: { path: { id: storeId } } })),
  settings: () => call(client.GET('/api/v1/settings')),
}

let current: Transport = httpTransport

export function transport(): Transport {
  return current
}

/** Replaces the transport (tests); `null` restores the real server. */
export function setTransport(t: Transport | null): void {
  current = t ?? httpTransport
}
