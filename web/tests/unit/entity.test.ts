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
