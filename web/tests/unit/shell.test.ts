// The shell's logic: navigation per permission codes, where login may send
// the user back to, the working store, and the session kept for offline.
import { describe, it, expect, beforeEach, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { RouteRecordRaw } from 'vue-router'
import { activeNav, buildNav } from '@/router/nav'
import { areaRoutes, safeNext } from '@/router'
import { useAuth } from '@/stores/auth'
import { NetworkError, ApiError } from '@/api/client'
import type { Schemas } from '@/api/client'

// The real permission codes of each role, as perms.def grants them (a subset that decides the nav).
const ROLE_PERMS: Record<string, string[]> = {
  sales: ['STORES_READ', 'CATALOG_READ', 'STOCK_READ', 'SALES_READ', 'SALES_WRITE', 'SHIFTS_READ', 'CUSTOMERS_READ', 'SETTINGS_READ'],
  store_manager: ['BACKOFFICE', 'STORES_READ', 'SALES_READ', 'SALES_WRITE', 'REPORTS_READ', 'STOCK_READ', 'STOCK_WRITE', 'SETTINGS_READ'],
  hq: ['BACKOFFICE', 'STORES_READ', 'SALES_READ', 'REPORTS_READ', 'CATALOG_READ', 'CATALOG_WRITE', 'SETTINGS_READ'],
  service: ['BACKOFFICE', 'STORES_READ', 'CUSTOMERS_READ', 'SETTINGS_READ'],
}
const canFor = (role: string) => (p: string) => p === 'AUTH' || ROLE_PERMS[role].includes(p)
const areas = (role: string) => buildNav(areaRoutes, canFor(role)).map((n) => n.area)

function me(over: Partial<Schemas['Me']> = {}): Schemas['Me'] {
  return {
    id: 7, username: 'sales01', display_name: 'Huang', role: 'sales', store_ids: [1, 2], active: true,
    created_at: '2026-12-01T00:00:00Z', updated_at: '2026-12-01T00:00:00Z', permissions: ROLE_PERMS.sales, ...over,
  }
}

describe('navigation', () => {
  it('gives a cashier the POS and little else', () => {
    // Sales staff look up members and follow them up (customers: CUSTOMERS_READ, CRM_READ);
    // what else they may read (catalog, stock, shifts, settings) has no screen of theirs.
    expect(areas('sales')).toEqual(['pos', 'customers', 'account'])
  })

  it('gives a store manager the POS and the dashboard, head office the dashboard only', () => {
    expect(areas('store_manager')).toEqual(expect.arrayContaining(['pos', 'dashboard', 'account']))
    expect(areas('hq')).toContain('dashboard')
    expect(areas('hq')).not.toContain('pos')
    expect(areas('store_manager')).toEqual(expect.arrayContaining(['inventory', 'reports', 'settings']))
    expect(areas('hq')).toEqual(expect.arrayContaining(['catalog', 'reports', 'settings']))
    expect(areas('service')).toEqual(['customers', 'settings', 'account'])
  })

  it('orders entries and marks the full-screen ones', () => {
    const routes: RouteRecordRaw[] = [
      { path: '/b', name: 'b', component: {}, meta: { nav: { area: 'b', order: 20 } } },
      { path: '/a', name: 'a', component: {}, meta: { nav: { area: 'a', order: 10 }, layout: 'bare' } },
      { path: '/x', name: 'x', component: {}, meta: { perm: 'NOPE', nav: { area: 'x', order: 1 } } },
      { path: '/detail', name: 'detail', component: {}, meta: { area: 'b' } },
    ]
    const nav = buildNav(routes, (p) => p !== 'NOPE')
    expect(nav.map((n) => [n.area, n.bare])).toEqual([['a', true], ['b', false]])
  })

  it('groups the pages of an area into one sub-menu, each page by its own permission', () => {
    const routes: RouteRecordRaw[] = [
      { path: '/c/promotions', name: 'cp', component: {}, meta: { perm: 'P', nav: { area: 'c', order: 32, item: 'promotions' } } },
      { path: '/c/products', name: 'cx', component: {}, meta: { perm: 'P', nav: { area: 'c', order: 30, item: 'products' } } },
      { path: '/c/secret', name: 'cs', component: {}, meta: { perm: 'NOPE', nav: { area: 'c', order: 29, item: 'secret' } } },
      { path: '/a', name: 'a', component: {}, meta: { nav: { area: 'a', order: 40 } } },
    ]
    const nav = buildNav(routes, (p) => p !== 'NOPE')
    expect(nav.map((n) => n.area)).toEqual(['c', 'a'])
    expect(nav[0].items!.map((i) => i.item)).toEqual(['products', 'promotions'])
    expect(nav[0].path).toBe('/c/products')
    expect(activeNav(nav, '/c/products/12')).toBe('/c/products')
    expect(activeNav(nav, '/a')).toBe('/a')
    expect(activeNav(nav, '/elsewhere')).toBeUndefined()
  })

  it('has the routes the other parts rely on by name', () => {
    const names = areaRoutes.map((r) => r.name)
    expect(names).toEqual(expect.arrayContaining(['login', 'pos', 'dashboard', 'account']))
  })
})

describe('after login', () => {
  it('goes back only to a path inside the app', () => {
    expect(safeNext('/account?x=1')).toBe('/account?x=1')
    expect(safeNext('https://evil.example/')).toBeNull()
    expect(safeNext('//evil.example/')).toBeNull()
    expect(safeNext('/\\evil.example')).toBeNull()
    expect(safeNext('/login?next=/x')).toBeNull()
    expect(safeNext(['/a'])).toBeNull()
    expect(safeNext(undefined)).toBeNull()
  })
})

describe('auth store', () => {
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
    vi.restoreAllMocks()
  })

  it('sends each role home: manager to the dashboard, cashier to the POS, others to their account', () => {
    const auth = useAuth()
    auth.user = me({ permissions: ROLE_PERMS.store_manager })
    expect(auth.homePath()).toBe('/dashboard')
    auth.user = me()
    expect(auth.homePath()).toBe('/pos')
    auth.user = me({ permissions: ROLE_PERMS.service })
    expect(auth.homePath()).toBe('/account')
  })

  it('switches only to one of the user\'s own stores; "all stores" only without a store binding', () => {
    const auth = useAuth()
    auth.user = me()
    auth.setStore(2)
    expect(auth.storeId).toBe(2)
    auth.setStore(9)
    expect(auth.storeId).toBe(2)
    expect(localStorage.getItem('tersa.store')).toBe('2')
    auth.user = me({ role: 'hq', store_ids: [] })
    auth.setStore(null)
    expect(auth.storeId).toBeNull()
    expect(auth.storeBound).toBe(false)
  })

  it('does not ask the server when this browser never signed in', async () => {
    const client = await import('@/api/client')
    const spy = vi.spyOn(client.client, 'GET')
    const auth = useAuth()
    await auth.restore()
    expect(auth.user).toBeNull()
    expect(spy).not.toHaveBeenCalled()
  })

  it('keeps the cashier signed in with the saved profile when the server is unreachable', async () => {
    const client = await import('@/api/client')
    client.setCsrfToken('tok')
    localStorage.setItem('tersa.profile', JSON.stringify(me()))
    vi.spyOn(client.client, 'GET').mockRejectedValue(new TypeError('fetch failed'))
    const auth = useAuth()
    await auth.restore()
    expect(auth.user?.username).toBe('sales01')
    expect(auth.can('SALES_WRITE')).toBe(true)
    expect(auth.can('REPORTS_READ')).toBe(false)
  })

  it('forgets the profile when the server says the session is over', async () => {
    const client = await import('@/api/client')
    client.setCsrfToken('tok')
    localStorage.setItem('tersa.profile', JSON.stringify(me()))
    vi.spyOn(client.client, 'GET').mockResolvedValue({ error: { type: '/problems/unauthorized' }, response: new Response(null, { status: 401 }) } as never)
    const auth = useAuth()
    await auth.restore()
    expect(auth.user).toBeNull()
    expect(localStorage.getItem('tersa.profile')).toBeNull()
    auth.user = me()
    auth.expire()
    expect(auth.user).toBeNull()
    expect(client.hasSessionHint()).toBe(false)
  })

  it('errors are typed for the screens', () => {
    expect(new ApiError(429, { detail: 'too many failed logins for this user' }).detail).toMatch(/too many/)
    expect(new NetworkError('x')).toBeInstanceOf(Error)
  })
})
