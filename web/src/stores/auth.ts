// The signed-in user: who they are, the permission codes /me serves, and the
// store they are working in. The profile is kept in localStorage so a reload
// while the server is unreachable keeps the cashier signed in.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { call, client, hasSessionHint, setCsrfToken, NetworkError, type Schemas } from '@/api/client'
import { router } from '@/router'
import { useCompany } from '@/stores/company'

type Me = Schemas['Me']
const PROFILE = 'tersa.profile'
const STORE = 'tersa.store'

function saved(): Me | null {
  try {
    return JSON.parse(localStorage.getItem(PROFILE) ?? 'null') as Me | null
  } catch {
    return null
  }
}

export const useAuth = defineStore('auth', () => {
  const user = ref<Me | null>(null)
  /** The store the user works in; null for "all stores" (head office, no store binding). */
  const storeId = ref<number | null>(Number(localStorage.getItem(STORE)) || null)
  const permissions = computed(() => new Set(user.value?.permissions ?? []))
  /** Bound to stores (store manager, cashier): only those; otherwise every store. */
  const storeBound = computed(() => (user.value?.store_ids.length ?? 0) > 0)

  function set(u: Me | null) {
    user.value = u
    if (u) {
      localStorage.setItem(PROFILE, JSON.stringify(u))
      if (u.store_ids.length && (!storeId.value || !u.store_ids.includes(storeId.value))) setStore(u.store_ids[0])
      void useCompany().load()
    } else localStorage.removeItem(PROFILE)
  }

  /** Switches the working store (null: all stores, for users without a store binding). */
  function setStore(id: number | null) {
    if (id !== null && user.value?.store_ids.length && !user.value.store_ids.includes(id)) return
    storeId.value = id
    if (id) localStorage.setItem(STORE, String(id))
    else localStorage.removeItem(STORE)
  }

  /** True when the user holds the permission code (perms.def name). */
  function can(perm: string): boolean {
    return perm === 'AUTH' || permissions.value.has(perm)
  }

  /** Signs in; throws ApiError (401 wrong password, 429 locked) or NetworkError. */
  async function login(username: string, password: string) {
    const r = await call(client.POST('/api/v1/auth/login', { body: { username, password } }))
    setCsrfToken(r.csrf_token)
    await restore()
  }

  /** Reads /me; offline, falls back to the profile kept from the last visit. */
  async function restore() {
    // Never signed in on this browser (or signed out): no need to ask, and no 401 in the console.
    if (!hasSessionHint()) {
      set(null)
      return
    }
    try {
      set(await call(client.GET('/api/v1/me')))
    } catch (e) {
      if (e instanceof NetworkError) user.value = saved()
      else set(null)
    }
  }

  /** The server said the session is over (401): forget the user, keep the store choice. */
  function expire() {
    set(null)
    setCsrfToken(null)
  }

  async function logout() {
    try {
      await call(client.POST('/api/v1/auth/logout'))
    } catch {
      /* the session is dropped here either way */
    }
    set(null)
    setCsrfToken(null)
    useCompany().clear()
    await router.push({ name: 'login' })
  }

  /** Where a user lands after login: the dashboard for managers, the POS for tills, else the account page. */
  function homePath(): string {
    if (can('REPORTS_READ')) return '/dashboard'
    if (can('SALES_WRITE')) return '/pos'
    return '/account'
  }

  return { user, storeId, storeBound, permissions, can, login, restore, expire, logout, setStore, homePath }
})
