// The signed-in user: who they are, the permission codes /me serves, and the
// store they are working in. The profile is kept in localStorage so a reload
// while the server is unreachable keeps the cashier signed in.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { call, client, setCsrfToken, NetworkError, type Schemas } from '@/api/client'
import { router } from '@/router'

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
  const storeId = ref<number | null>(Number(localStorage.getItem(STORE)) || null)
  const permissions = computed(() => new Set(user.value?.permissions ?? []))

  function set(u: Me | null) {
    user.value = u
    if (u) {
      localStorage.setItem(PROFILE, JSON.stringify(u))
      if (!storeId.value || (u.store_ids.length && !u.store_ids.includes(storeId.value)))
        setStore(u.store_ids[0] ?? null)
    } else localStorage.removeItem(PROFILE)
  }

  function setStore(id: number | null) {
    storeId.value = id
    if (id) localStorage.setItem(STORE, String(id))
    else localStorage.removeItem(STORE)
  }

  /** True when the user holds the permission code (perms.def name). */
  function can(perm: string): boolean {
    return perm === 'AUTH' || permissions.value.has(perm)
  }

  async function login(username: string, password: string) {
    const r = await call(client.POST('/api/v1/auth/login', { body: { username, password } }))
    setCsrfToken(r.csrf_token)
    await restore()
  }

  /** Reads /me; offline, falls back to the profile kept from the last visit. */
  async function restore() {
    try {
      set(await call(client.GET('/api/v1/me')))
    } catch (e) {
      if (e instanceof NetworkError) user.value = saved()
      else set(null)
    }
  }

  async function logout() {
    try {
      await call(client.POST('/api/v1/auth/logout'))
    } catch {
      /* the session is dropped here either way */
    }
    set(null)
    setCsrfToken(null)
    await router.push({ name: 'login' })
  }

  /** Where a user lands after login: the POS for tills, else the dashboard. */
  function homePath(): string {
    if (can('REPORTS_READ')) return '/dashboard'
    if (can('SALES_WRITE')) return '/pos'
    return '/account'
  }

  return { user, storeId, permissions, can, login, restore, logout, setStore, homePath }
})
