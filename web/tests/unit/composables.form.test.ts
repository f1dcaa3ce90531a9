// useServerForm: field errors beside their fields, the rest in one message,
// the status sentences, local checks, one submit at a time.
import { describe, it, expect, vi, beforeEach } from 'vitest'
import { useServerForm } from '@/composables/useServerForm'
import { ApiError, NetworkError } from '@/api/client'
import { setLocale } from '@/i18n'

const initial = { current_password: '', password: '' }

describe('useServerForm', () => {
  beforeEach(() => setLocale('en'))

  it('resolves to the answer and clears earlier errors', async () => {
    const f = useServerForm({ initial, submit: async (v) => ({ ok: v.password }) })
    f.errors.password = 'old'
    f.values.password = 'a long enough password'
    expect(await f.submit()).toEqual({ ok: 'a long enough password' })
    expect(f.errors).toEqual({})
    expect(f.error.value).toBe('')
  })

  it('puts each 422 field error beside its field, in the UI language when known', async () => {
    const f = useServerForm({
      initial,
      submit: async () => {
        throw new ApiError(422, { type: '/problems/validation', detail: 'invalid fields', errors: [
          { field: 'current_password', message: 'is wrong' },
          { field: 'password', message: 'must be 12 to 128 characters' },
        ] })
      },
    })
    expect(await f.submit()).toBeUndefined()
    expect(f.errors.current_password).toBe('Incorrect')
    expect(f.errors.password).toBe('Must be 12 to 128 characters')
    expect(f.error.value).toBe('') // everything is shown beside a field
    setLocale('zh-CN')
    await f.submit()
    expect(f.errors.password).toBe('长度须为 12 到 128 个字符')
  })

  it('keeps a server message it cannot translate as the server wrote it', async () => {
    const f = useServerForm({ initial, submit: async () => { throw new ApiError(422, { errors: [{ field: 'password', message: 'is too common' }] }) } })
    await f.submit()
    expect(f.errors.password).toBe('is too common')
  })

  it('sends errors on fields the form does not show to the general message', async () => {
    const f = useServerForm({ initial, submit: async () => { throw new ApiError(422, { detail: 'invalid', errors: [{ field: 'display_name', message: 'is required' }] }) } })
    await f.submit()
    expect(f.errors).toEqual({})
    expect(f.error.value).toContain('display_name: Required')
  })

  it('maps server field names onto form fields', async () => {
    const f = useServerForm({ initial: { qty: 1 }, fieldMap: { 'lines[0].qty': 'qty' }, submit: async () => { throw new ApiError(422, { errors: [{ field: 'lines[0].qty', message: 'must be more than 0' }] }) } })
    await f.submit()
    expect(f.errors.qty).toBe('Must be more than 0')
  })

  it.each([
    [400, 'The request was not understood; check the entries'],
    [413, 'Too much data in one request'],
    [403, 'You are not allowed to do this'],
    [500, 'The server had a problem; try again shortly'],
  ])('gives %i its own sentence', async (status, text) => {
    const f = useServerForm({ initial, submit: async () => { throw new ApiError(status, { type: 'x' }) } })
    await f.submit()
    expect(f.error.value).toBe(text)
  })

  it('says why a 409 conflicts', async () => {
    const f = useServerForm({ initial, submit: async () => { throw new ApiError(409, { detail: 'insufficient stock for SKU-1' }) } })
    await f.submit()
    expect(f.error.value).toBe('Not possible: insufficient stock for SKU-1')
  })

  it('a 400 with field errors shows them beside the fields and the sentence', async () => {
    const f = useServerForm({ initial, submit: async () => { throw new ApiError(400, { errors: [{ field: 'password', message: 'must be a string' }] }) } })
    await f.submit()
    expect(f.errors.password).toBe('must be a string')
    expect(f.error.value).toBe('The request was not understood; check the entries')
  })

  it('says when the server cannot be reached', async () => {
    const f = useServerForm({ initial, submit: async () => { throw new NetworkError('refused') } })
    await f.submit()
    expect(f.error.value).toMatch(/cannot be reached/)
  })

  it('runs local checks first and does not send when they fail', async () => {
    const submit = vi.fn(async () => 1)
    const f = useServerForm({ initial, submit, validate: (v) => (v.password ? null : { password: 'Required' }) })
    await f.submit()
    expect(submit).not.toHaveBeenCalled()
    expect(f.errors.password).toBe('Required')
    f.values.password = 'x'
    await f.submit()
    expect(submit).toHaveBeenCalledTimes(1)
  })

  it('sends once while a submit is in flight', async () => {
    let release!: () => void
    const submit = vi.fn(() => new Promise<number>((r) => (release = () => r(1))))
    const f = useServerForm({ initial, submit })
    const a = f.submit()
    const b = f.submit()
    expect(f.submitting.value).toBe(true)
    release()
    expect(await a).toBe(1)
    expect(await b).toBeUndefined()
    expect(submit).toHaveBeenCalledTimes(1)
  })

  it('reset goes back to the starting values without errors', async () => {
    const f = useServerForm({ initial, submit: async () => { throw new NetworkError('x') } })
    f.values.password = 'abc'
    await f.submit()
    f.reset()
    expect(f.values.password).toBe('')
    expect(f.error.value).toBe('')
    expect(initial.password).toBe('') // the starting values are not touched
  })
})
