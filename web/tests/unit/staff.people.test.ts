// The people picker's source: every page of GET /staff for a store, read
// once per user and store, and read again after forgetPeople().
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

const seen: string[] = []
async function fakeFetch(input: Request): Promise<Response> {
  const url = new URL(input.url)
  seen.push(url.pathname + url.search)
  const cursor = url.searchParams.get('cursor')
  const body = cursor
    ? { items: [{ id: 3, username: 'c', display_name: 'C', role: 'sales', store_ids: [1], active: false }], next_cursor: null }
    : { items: [{ id: 1, username: 'a', display_name: 'A', role: 'store_manager', store_ids: [1], active: true }, { id: 2, username: 'b', display_name: '', role: 'sales', store_ids: [1], active: true }], next_cursor: 'p2' }
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })
}

vi.mock('@/api/client', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api/client')>()
  const { default: createClient } = await import('openapi-fetch')
  return { ...real, client: createClient({ baseUrl: 'http://till.test', fetch: fakeFetch }) }
})
vi.mock('@/router', () => ({ router: { push: vi.fn(), currentRoute: { value: { meta: {} } } } }))

const { loadPeople, forgetPeople, usePeople } = await import('@/views/staff/usePeople')
const { ref, nextTick } = await import('vue')

beforeEach(() => {
  setActivePinia(createPinia())
  seen.length = 0
  forgetPeople()
})

describe('loadPeople', () => {
  it('reads every page of the store once', async () => {
    const a = await loadPeople(1)
    expect(a.map((p) => p.id)).toEqual([1, 2, 3])
    expect(seen).toEqual(['/api/v1/staff?store_id=1&limit=200', '/api/v1/staff?store_id=1&limit=200&cursor=p2'])
    await loadPeople(1)
    expect(seen).toHaveLength(2)
    forgetPeople()
    await loadPeople(1)
    expect(seen).toHaveLength(4)
  })

  it('usePeople keeps the active ones and names anyone it read', async () => {
    const store = ref<number | null>(1)
    const p = usePeople(store)
    await vi.waitFor(() => expect(p.loading.value).toBe(false))
    await nextTick()
    expect(p.people.value.map((x) => x.id)).toEqual([1, 2])
    expect(p.name(1)).toBe('A')
    expect(p.name(2)).toBe('b')
    expect(p.name(3)).toBe('C')
    expect(p.name(9)).toBe('#9')
  })
})
