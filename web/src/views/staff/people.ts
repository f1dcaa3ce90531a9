// The people the signed-in user sees (GET /staff), for the person pickers
// of the commission and evaluation screens, loaded once per visit.
// TODO(usePeople): replace with views/staff/usePeople.ts when it is merged.
import { ref } from 'vue'
import { call } from '@/api/client'
import { raw } from './commission/api'

export interface Person {
  id: number
  username: string
  display_name: string
  role: string
  store_ids: number[]
  active: boolean
}

const people = ref<Person[]>([])
let loading: Promise<void> | null = null

/** Every person GET /staff answers (all pages); a failure leaves the list empty. */
export function usePeopleList() {
  if (!loading)
    loading = (async () => {
      const out: Person[] = []
      let cursor: string | undefined
      try {
        for (let i = 0; i < 20; i++) {
          const r = (await call(raw.GET('/api/v1/staff', { params: { query: { limit: 500, cursor } } }))) as { items: Person[]; next_cursor?: string | null }
          out.push(...r.items)
          if (!r.next_cursor) break
          cursor = r.next_cursor
        }
      } catch {
        loading = null
      }
      people.value = out
    })()
  return people
}

/** A person's name for a row that carries only the id. */
export function personName(id: number | null | undefined, list: Person[]): string {
  const p = list.find((x) => x.id === id)
  return p ? p.display_name || p.username : id ? `#${id}` : '—'
}
