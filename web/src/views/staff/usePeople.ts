// People the signed-in user sees (GET /staff), by store: for pickers (the
// POS salespeople, targets per person, recognition) and for names of the
// user ids a staff screen shows. One read per store and visit, shared.
import { ref, watch, type Ref } from 'vue'
import { useAuth } from '@/stores/auth'
import { staffApi, type Person } from './api'

const cache = new Map<string, Promise<Person[]>>()

/** Every person of a store (null: every one the user sees), all pages; cached per user until `forgetPeople()`. */
export function loadPeople(storeId: number | null): Promise<Person[]> {
  const key = `${useAuth().user?.id ?? 0}:${storeId ?? 'all'}`
  let p = cache.get(key)
  if (!p) {
    p = (async () => {
      const out: Person[] = []
      let cursor: string | undefined
      for (let page = 0; page < 20; page++) {
        const r = await staffApi.people({ store_id: storeId, limit: 200, cursor })
        out.push(...r.items)
        if (!r.next_cursor) break
        cursor = r.next_cursor
      }
      return out
    })()
    p.catch(() => cache.delete(key))
    cache.set(key, p)
  }
  return p
}

/** Forgets the cached lists (after a login as someone else, in tests). */
export function forgetPeople(): void {
  cache.clear()
}

/**
 * The people of `storeId` (a ref: reloads when it changes), active ones only
 * unless `all`; `name(id)` gives a person's display name or `#id`.
 */
export function usePeople(storeId: Ref<number | null>, opts: { all?: boolean } = {}) {
  const people = ref<Person[]>([])
  const loading = ref(false)
  const failed = ref(false)
  const byId = new Map<number, Person>()

  async function load() {
    loading.value = true
    failed.value = false
    const want = storeId.value
    try {
      const list = await loadPeople(want)
      if (want !== storeId.value) return
      people.value = opts.all ? list : list.filter((p) => p.active)
      for (const p of list) byId.set(p.id, p)
    } catch {
      failed.value = true
      people.value = []
    } finally {
      loading.value = false
    }
  }
  watch(storeId, load, { immediate: true })

  function name(id: number | null | undefined): string {
    if (id === null || id === undefined) return ''
    const p = byId.get(id)
    return p ? p.display_name || p.username : `#${id}`
  }

  return { people, loading, failed, load, name }
}
