// The login page says which failure it is, and goes back where the user was.
import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, setLocale } from '@/i18n'
import { useAuth } from '@/stores/auth'
import { ApiError, NetworkError } from '@/api/client'
import LoginView from '@/views/login/LoginView.vue'

const Stub = { template: '<div />' }

async function setup(query = '') {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', name: 'login', component: LoginView },
      { path: '/account', name: 'account', component: Stub },
      { path: '/dashboard', name: 'dashboard', component: Stub },
      { path: '/pos', name: 'pos', component: Stub },
    ],
  })
  await router.push(`/login${query}`)
  const wrapper = mount(LoginView, { global: { plugins: [pinia, router, i18n] }, attachTo: document.body })
  const auth = useAuth()
  return { wrapper, router, auth }
}

async function signIn(wrapper: Awaited<ReturnType<typeof setup>>['wrapper'], user = 'manager01', pw = 'secret') {
  await wrapper.find('input[data-testid=login-username]').setValue(user)
  await wrapper.find('input[data-testid=login-password]').setValue(pw)
  await wrapper.find('form').trigger('submit')
  await flushPromises()
}

describe('login page', () => {
  beforeEach(() => {
    localStorage.clear()
    document.body.innerHTML = ''
    setLocale('en')
  })

  it('puts the test ids on the inputs and the button', async () => {
    const { wrapper } = await setup()
    expect(wrapper.find('[data-testid=login-username]').element.tagName).toBe('INPUT')
    expect(wrapper.find('[data-testid=login-password]').element.tagName).toBe('INPUT')
    expect(wrapper.find('[data-testid=login-submit]').element.tagName).toBe('BUTTON')
  })

  it.each([
    [new ApiError(401, { type: '/problems/unauthorized' }), 'Wrong username or password'],
    [new ApiError(429, { detail: 'too many failed logins for this user; try again later' }), 'this account is locked'],
    [new ApiError(429, { detail: 'too many failed logins from this address; try again later' }), 'from this device'],
    [new NetworkError('refused'), 'cannot be reached'],
    [new ApiError(503, {}), 'cannot be reached'],
  ])('says what went wrong: %s', async (err, text) => {
    const { wrapper, auth } = await setup()
    auth.login = vi.fn().mockRejectedValue(err)
    await signIn(wrapper)
    expect(wrapper.find('[data-testid=login-error]').text()).toContain(text)
    expect((wrapper.find('input[data-testid=login-password]').element as HTMLInputElement).value).toBe('')
  })

  it('says the lockout in Chinese too', async () => {
    setLocale('zh-CN')
    const { wrapper, auth } = await setup()
    auth.login = vi.fn().mockRejectedValue(new ApiError(429, { detail: 'too many failed logins for this user; try again later' }))
    await signIn(wrapper)
    expect(wrapper.find('[data-testid=login-error]').text()).toContain('账户已锁定')
  })

  it('asks for both fields before sending', async () => {
    const { wrapper, auth } = await setup()
    auth.login = vi.fn()
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(auth.login).not.toHaveBeenCalled()
    await vi.waitFor(() => expect(wrapper.findAll('.el-form-item__error').map((e) => e.text())).toEqual(['Required', 'Required']))
  })

  it('after an expired session, says so and goes back to where the user was', async () => {
    const { wrapper, router, auth } = await setup('?expired=1&next=%2Faccount%3Ftab%3D2')
    expect(wrapper.find('[data-testid=login-expired]').text()).toContain('session expired')
    auth.login = vi.fn(async () => {
      auth.user = { permissions: ['REPORTS_READ'] } as never
    })
    await signIn(wrapper)
    expect(auth.login).toHaveBeenCalledWith('manager01', 'secret')
    expect(router.currentRoute.value.fullPath).toBe('/account?tab=2')
  })

  it('ignores a next that leaves the app and goes home instead', async () => {
    const { wrapper, router, auth } = await setup('?next=https%3A%2F%2Fevil.example')
    auth.login = vi.fn(async () => {
      auth.user = { permissions: ['SALES_WRITE'] } as never
    })
    await signIn(wrapper, 'sales01')
    expect(router.currentRoute.value.fullPath).toBe('/pos')
  })
})
