// People the signed-in user sees (GET /staff), loaded once per store, with
// their names by id: for the pickers and the names on the training and
// meeting screens. TODO(usePeople): the team screens' views/staff/usePeople.ts
// replaces this once it is merged.
import { computed, ref, watch, type Ref } from 'vue'
import { searchPeople, type Person } from './api'

export function usePeopleList(storeId: Ref<number | null | undefined>) {
  const people = ref<Person[]>([])
  const loading = ref(false)
  let seq = 0
  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const r = await searchPeople('', storeId.value)
      if (mine === seq) people.value = r
    } catch {
      if (mine === seq) people.value = []
    } finally {
      if (mine === seq) loading.value = false
    }
  }
  watch(storeId, () => void load(), { immediate: true })
  const names = computed(() => new Map(people.value.map((p) => [p.id, p.display_name || p.username])))
  /** The person's name, or `#id` when they are not among those seen. */
  const nameOf = (id: number | null | undefined) => (id == null ? '—' : (names.value.get(id) ?? `#${id}`))
  return { people, loading, load, nameOf }
}
