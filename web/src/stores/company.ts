// The company's settings the UI needs everywhere (name, currency, time zone)
// and the stores the user may work in, kept across reloads so an offline
// till still formats money and dates as the company does.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { call, client, type Schemas } from '@/api/client'
import { setMoneyFormat } from '@/utils/money'
import { setFormat } from '@/utils/format'
import { currentLocale } from '@/i18n'

type Settings = Schemas['Settings']
type Store = Schemas['Store']
const KEY = 'tersa.company'

interface Saved {
  settings: Settings | null
  stores: Store[]
}

function saved(): Saved {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Saved | null
    return s && Array.isArray(s.stores) ? s : { settings: null, stores: [] }
  } catch {
    return { settings: null, stores: [] }
  }
}

export const useCompany = defineStore('company', () => {
  const initial = saved()
  const settings = ref<Settings | null>(initial.settings)
  /** Stores the user sees (store-bound users: theirs; head office: all), by id. */
  const stores = ref<Store[]>(initial.stores)
  const loaded = ref(false)

  function applyFormats() {
    const l = currentLocale()
    setMoneyFormat(settings.value?.currency ?? 'CNY', l)
    setFormat(l, settings.value?.time_zone ?? 'Asia/Shanghai')
  }
  applyFormats()

  /** Reads the settings and every visible store; keeps what it had when the server is unreachable. */
  async function load(): Promise<void> {
    try {
      const [s, list] = await Promise.all([call(client.GET('/api/v1/settings')), allStores()])
      settings.value = s
      stores.value = list
      localStorage.setItem(KEY, JSON.stringify({ settings: s, stores: list } satisfies Saved))
      loaded.value = true
    } catch {
      /* offline or not allowed: the saved copy stays */
    }
    applyFormats()
  }

  /** Forgets everything (on logout). */
  function clear(): void {
    settings.value = null
    stores.value = []
    loaded.value = false
    localStorage.removeItem(KEY)
  }

  function storeName(id: number | null | undefined): string {
    return stores.value.find((s) => s.id === id)?.name ?? ''
  }

  return { settings, stores, loaded, load, clear, storeName }
})

/** Every page of GET /stores (a company has tens of stores, not thousands). */
async function allStores(): Promise<Store[]> {
  const out: Store[] = []
  let cursor: string | undefined
  for (let page = 0; page < 20; page++) {
    // `format` absent: the JSON page, not the csv/xlsx export.
    const r = (await call(client.GET('/api/v1/stores', { params: { query: { limit: 500, cursor } } }))) as Schemas['StoreList']
    out.push(...r.items)
    if (!r.next_cursor) break
    cursor = r.next_cursor
  }
  return out
}
