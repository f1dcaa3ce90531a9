// The till's store against a fake server: the preview is debounced and its
// answer is what the screen shows; a double Complete sends one sale; a
// discount above the cap asks for approval; a receipt number finds its sale.
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

type Handler = (body: unknown, url: URL) => { status?: number; body: unknown }
const routes = new Map<string, Handler>()
const seen: { method: string; path: string; body: unknown; headers: Headers }[] = []

async function fakeFetch(input: Request): Promise<Response> {
  const url = new URL(input.url)
  const text = input.method === 'GET' ? '' : await input.text()
  const body = text ? JSON.parse(text) : undefined
  seen.push({ method: input.method, path: url.pathname, body, headers: input.headers })
  const h = routes.get(`${input.method} ${url.pathname}`)
  const r = h ? h(body, url) : { status: 404, body: { type: '/problems/not-found', title: 'Not found', detail: 'no', errors: [] } }
  const status = r.status ?? 200
  return new Response(JSON.stringify(r.body), { status, headers: { 'content-type': status < 300 ? 'application/json' : 'application/problem+json' } })
}

// The real client module with its client pointed at the fake server.
vi.mock('@/api/client', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api/client')>()
  const { default: createClient } = await import('openapi-fetch')
  return { ...real, client: createClient({ baseUrl: 'http://till.test', fetch: fakeFetch }) }
})

vi.mock('@/router', () => ({ router: { push: vi.fn(), currentRoute: { value: { meta: {} } } } }))

const { usePos, PREVIEW_DELAY } = await import('@/stores/pos')
const { useAuth } = await import('@/stores/auth')

const tea = { id: 7, name: 'Tea', sku: 'SKU7', price: 1299 }
const cup = { id: 9, name: 'Cup', sku: 'SKU9', price: 500 }

function saleOf(input: { lines: { product_id?: number; quantity?: number }[] }, extra: Record<string, unknown> = {}) {
  const lines = input.lines.map((l) => {
    const price = l.product_id === 7 ? 1299 : 500
    const gross = price * (l.quantity ?? 1)
    return { id: 0, product_id: l.product_id, name: 'x', quantity: l.quantity, unit_price: price, list_price: price, gross, discount: 100, total: gross - 100, is_gift: false, discounts: [{ source: 'promotion', source_id: 1, amount: 100 }] }
  })
  const subtotal = lines.reduce((s, l) => s + l.gross, 0)
  const discount = lines.length * 100
  return { id: 0, number: '', subtotal, discount_total: discount, total: subtotal - discount, rounding: 0, lines, payments: [], ...extra }
}

beforeEach(() => {
  vi.useFakeTimers()
  setActivePinia(createPinia())
  routes.clear()
  seen.length = 0
  localStorage.clear()
  const auth = useAuth()
  auth.setStore(1)
  routes.set('POST /api/v1/sales/preview', (b) => ({ body: saleOf(b as never) }))
})
afterEach(() => {
  vi.useRealTimers()
})

async function settle() {
  await vi.advanceTimersByTimeAsync(PREVIEW_DELAY + 10)
  await vi.runOnlyPendingTimersAsync()
}

describe('pos store', () => {
  it('asks for one preview after a burst of changes and shows the server total', async () => {
    const pos = usePos()
    pos.add(tea)
    pos.add(tea)
    pos.add(cup)
    expect(seen.filter((r) => r.path === '/api/v1/sales/preview')).toHaveLength(0)
    await settle()
    const previews = seen.filter((r) => r.path === '/api/v1/sales/preview')
    expect(previews).toHaveLength(1)
    expect((previews[0].body as { lines: unknown[] }).lines).toEqual([{ product_id: 7, quantity: 2 }, { product_id: 9, quantity: 1 }])
    expect(pos.subtotal).toBe(1299 * 2 + 500)
    expect(pos.total).toBe(1299 * 2 + 500 - 200)
    expect(pos.due).toBe(pos.total)
    expect(pos.paired.priced[0]?.discounts?.[0].amount).toBe(100)
  })

  it('points paid are taken off what the tenders must cover', async () => {
    routes.set('POST /api/v1/sales/preview', (b) => ({ body: saleOf(b as never, { payments: [{ method: 'points', amount: 300 }] }) }))
    const pos = usePos()
    pos.add(tea)
    await settle()
    expect(pos.due).toBe(1199 - 300)
  })

  it('a discount above the cap asks for a manager', async () => {
    routes.set('POST /api/v1/sales/preview', () => ({
      status: 422,
      body: { type: '/problems/validation', title: 'Invalid', detail: 'invalid', errors: [{ field: 'manual_discount_bp', message: 'is above your limit: a store manager must approve' }] },
    }))
    const pos = usePos()
    pos.add(tea)
    pos.setOrderDiscount(5000)
    await settle()
    expect(pos.needsApproval).toBe(true)
    routes.set('POST /api/v1/sales/preview', (b) => ({ body: saleOf(b as never) }))
    pos.setApprover({ username: 'manager01', password: 'pw' })
    await settle()
    expect(pos.needsApproval).toBe(false)
    const last = seen.filter((r) => r.path === '/api/v1/sales/preview').pop()!
    expect(last.body).toMatchObject({ manual_discount_bp: 5000, approver: { username: 'manager01', password: 'pw' } })
  })

  it('a double Complete sends the sale once, with an Idempotency-Key', async () => {
    let n = 0
    routes.set('POST /api/v1/sales', (b) => {
      n++
      return { status: 201, body: saleOf(b as never, { id: 42, number: 'S001-20261207-0001', at: '2026-12-07T05:00:00Z' }) }
    })
    routes.set('GET /api/v1/shifts', () => ({ body: { items: [], next_cursor: null } }))
    routes.set('GET /api/v1/health', () => ({ body: { status: 'ok' } }))
    const pos = usePos()
    pos.add(tea)
    await settle()
    vi.useRealTimers() // the outbox's IndexedDB runs on real time
    const a = pos.complete([{ method: 'cash', amount: 2000 }])
    const b = pos.complete([{ method: 'cash', amount: 2000 }])
    const [r, r2] = await Promise.all([a, b])
    expect(r2).toBe(r)
    expect(n).toBe(1)
    expect(r.status).toBe('sent')
    const post = seen.find((x) => x.method === 'POST' && x.path === '/api/v1/sales')!
    expect(post.headers.get('Idempotency-Key')).toBeTruthy()
    expect(post.body).toMatchObject({ store_id: 1, register: '1', payments: [{ method: 'cash', amount: 2000 }] })
    expect(pos.last?.sale?.number).toBe('S001-20261207-0001')
    expect(pos.lines).toEqual([])
  })

  it('credits the sale to the salespeople picked, not the preview, and forgets them for the next sale', async () => {
    routes.set('POST /api/v1/sales', (b) => ({ status: 201, body: saleOf(b as never, { id: 43, number: 'S001-20261207-0003', at: '2026-12-07T05:00:00Z' }) }))
    routes.set('GET /api/v1/shifts', () => ({ body: { items: [], next_cursor: null } }))
    routes.set('GET /api/v1/health', () => ({ body: { status: 'ok' } }))
    const pos = usePos()
    pos.add(tea)
    pos.salespeople = [11, 12]
    pos.salesShare = 70
    await settle()
    const preview = seen.filter((r) => r.path === '/api/v1/sales/preview').pop()!
    expect(preview.body).not.toHaveProperty('salespeople')
    vi.useRealTimers()
    await pos.complete([{ method: 'cash', amount: 2000 }])
    const post = seen.find((x) => x.method === 'POST' && x.path === '/api/v1/sales')!
    expect(post.body).toMatchObject({ salespeople: [{ user_id: 11, share_bp: 7000 }, { user_id: 12, share_bp: 3000 }] })
    expect(pos.salespeople).toEqual([])
    expect(pos.salesShare).toBe(50)
  })

  it('finds a sale by its receipt number through the number filter', async () => {
    routes.set('GET /api/v1/sales', (_b, url) => {
      const n = url.searchParams.get('number')
      return { body: { items: n === 'S001-20261207-0002' ? [{ id: 5, number: n }] : [], next_cursor: null } }
    })
    routes.set('GET /api/v1/sales/5', () => ({ body: { id: 5, number: 'S001-20261207-0002', lines: [] } }))
    const pos = usePos()
    const s = await pos.findSale('S001-20261207-0002')
    expect(s?.id).toBe(5)
    expect(await pos.findSale('S001-20261207-0009')).toBeNull()
    expect(await pos.findSale('nonsense')).toBeNull()
  })
})
