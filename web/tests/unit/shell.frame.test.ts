// The frame: navigation per permission codes, the store switcher, the way
// into the POS, and the language switch reaching Element Plus.
// The header carries the offline badge, which opens the till's IndexedDB.
import 'fake-indexeddb/auto'
import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { i18n, setLocale } from '@/i18n'
import { router } from '@/router'
import { useAuth } from '@/stores/auth'
import { useCompany } from '@/stores/company'
import { useOffline } from '@/stores/offline'
import AppLayout from '@/layouts/AppLayout.vue'
import type { Schemas } from '@/api/client'

const store = (id: number, name: string) => ({ id, name, code: `S${id}` }) as Schemas['Store']

async function frame(role: string, permissions: string[], store_ids: number[]) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const auth = useAuth()
  auth.user = { id: 1, username: 'u', display_name: 'Li Fang', role, store_ids, permissions } as never
  if (store_ids.length) auth.setStore(store_ids[0])
  useCompany().stores = [store(1, 'Shanghai'), store(2, 'Hangzhou'), store(3, 'Nanjing')]
  await router.push('/account').catch(() => {})
  const Root = defineComponent({ render: () => h(AppLayout, null, { default: () => h('p', 'content') }) })
  const wrapper = mount(Root, { global: { plugins: [pinia, router, i18n] }, attachTo: document.body })
  mounted = wrapper
  await flushPromises()
  return { wrapper, auth }
}

// The offline badge starts the till's sync; it must not outlive its test.
let mounted: { unmount(): void } | null = null


const navIds = (w: Awaited<ReturnType<typeof frame>>['wrapper']) =>
  w.findAll('[data-testid^=nav-]').map((e) => e.attributes('data-testid'))

describe('frame', () => {
  beforeEach(() => {
    localStorage.clear()
    document.body.innerHTML = ''
    setLocale('en')
  })

  afterEach(() => {
    useOffline().stop()
    mounted?.unmount()
    mounted = null
  })

  it('shows a cashier the POS and the account page, with a way into the POS', async () => {
    const { wrapper } = await frame('sales', ['SALES_WRITE', 'STORES_READ'], [1])
    expect(navIds(wrapper)).toEqual(['nav-pos', 'nav-account'])
    expect(wrapper.find('[data-testid=open-pos]').exists()).toBe(true)
    // One store: its name, no switcher.
    expect(wrapper.find('[data-testid=store-switch]').text()).toContain('Shanghai')
    expect(wrapper.find('.el-select').exists()).toBe(false)
    // A till user sees the sales waiting in this browser.
    expect(wrapper.find('[data-testid=pos-pending-count]').exists()).toBe(true)
  })

  it('shows head office the dashboard, no POS, and a switcher with all stores', async () => {
    const { wrapper, auth } = await frame('hq', ['BACKOFFICE', 'REPORTS_READ', 'STORES_READ'], [])
    // REPORTS_READ with BACKOFFICE also opens the reports that read it (sales, inventory, customers) and the analytics.
    expect(navIds(wrapper)).toEqual(['nav-dashboard', 'nav-reports', 'nav-reports-sales', 'nav-reports-inventory', 'nav-reports-customers', 'nav-analytics', 'nav-analytics-segments', 'nav-analytics-basket', 'nav-analytics-forecast', 'nav-settings', 'nav-settings-stores', 'nav-account'])
    expect(wrapper.find('[data-testid=open-pos]').exists()).toBe(false)
    expect(wrapper.find('.el-select').exists()).toBe(true)
    expect(auth.storeId).toBeNull()
    expect(wrapper.find('.el-select').text()).toContain('All stores')
    // Head office never sells: no offline badge.
    expect(wrapper.find('[data-testid=pos-pending-count]').exists()).toBe(false)
  })

  it('names the breadcrumb and the entries in the UI language', async () => {
    const { wrapper } = await frame('store_manager', ['REPORTS_READ', 'SALES_WRITE', 'STORES_READ'], [1, 2])
    expect(wrapper.find('.crumbs').text()).toContain('My account')
    setLocale('zh-CN')
    await flushPromises()
    expect(wrapper.find('.crumbs').text()).toContain('我的账户')
    expect(wrapper.find('[data-testid=nav-dashboard]').text()).toContain('经营看板')
    expect(document.title).toContain('我的账户')
    expect(wrapper.find('.el-select').text()).toContain('Shanghai')
  })
})
