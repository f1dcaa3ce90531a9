import { describe, expect, it } from 'vitest'
import { dispositionName, queryString } from '@/utils/download'

describe('download', () => {
  it('leaves empty values out of the query and repeats array keys', () => {
    expect(queryString({ a: 1, b: '', c: null, d: undefined, e: ['x', 2], f: false })).toBe('?a=1&e=x&e=2&f=false')
    expect(queryString({})).toBe('')
  })

  it('reads the file name from Content-Disposition, UTF-8 form first', () => {
    expect(dispositionName(`attachment; filename="sales.xlsx"; filename*=UTF-8''%E9%94%80%E5%94%AE.xlsx`)).toBe('销售.xlsx')
    expect(dispositionName('attachment; filename="sales.csv"')).toBe('sales.csv')
    expect(dispositionName('attachment; filename=plain.csv')).toBe('plain.csv')
    expect(dispositionName(null)).toBeNull()
  })
})

describe('server field messages', () => {
  it('says the import and form messages in the UI language, with their numbers', async () => {
    const { fieldMessage } = await import('@/utils/problem')
    const { setLocale } = await import('@/i18n')
    setLocale('zh-CN')
    expect(fieldMessage('must be a whole number of days, 0 to 365')).toBe('须为 0 到 365 之间的整数天')
    expect(fieldMessage('must be one of: in, out')).toBe('须为以下之一：in, out')
    expect(fieldMessage('is already in use')).toBe('已被占用')
    setLocale('en')
    expect(fieldMessage('must be between 0 and 100')).toBe('Must be between 0 and 100')
    // Unknown messages are shown as the server wrote them.
    expect(fieldMessage('has a strange shape')).toBe('has a strange shape')
  })
})
