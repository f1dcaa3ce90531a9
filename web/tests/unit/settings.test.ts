// The settings area's pure parts: the import wizard's column rules and the
// audit drawer's before/after.
import { describe, expect, it } from 'vitest'
import { columnsQuery, duplicateFields, fileType, importMessage, importPerm, missingFields, IMPORT_FIELDS } from '@/views/settings/importer'
import { auditDiff, auditValue } from '@/views/settings/audit'

describe('import columns', () => {
  it('builds ?columns= with an empty entry for each skipped column', () => {
    expect(columnsQuery([{ column: '客户', field: 'name' }, { column: '备注', field: null }, { column: '电话', field: 'phone' }])).toBe('name,,phone')
    expect(columnsQuery([])).toBe('')
  })

  it('names the required fields no column goes into', () => {
    expect(missingFields('customers', [{ column: 'a', field: 'phone' }])).toEqual(['name'])
    expect(missingFields('customers', [{ column: 'a', field: 'name' }])).toEqual([])
    expect(missingFields('products', [{ column: 'a', field: 'sku' }])).toEqual(['name', 'price'])
    // stock: a sku or a barcode is needed besides store and quantity
    expect(missingFields('stock', [{ column: 'a', field: 'store' }, { column: 'b', field: 'quantity' }])).toEqual(['sku'])
    expect(missingFields('stock', [{ column: 'a', field: 'store' }, { column: 'b', field: 'quantity' }, { column: 'c', field: 'barcode' }])).toEqual([])
  })

  it('finds a field chosen for two columns', () => {
    expect(duplicateFields([{ column: 'a', field: 'name' }, { column: 'b', field: 'name' }, { column: 'c', field: null }, { column: 'd', field: null }])).toEqual(['name'])
    expect(duplicateFields([{ column: 'a', field: 'name' }, { column: 'b', field: 'phone' }])).toEqual([])
  })

  it('knows the server\'s fields, the permission per kind and the file type', () => {
    expect(IMPORT_FIELDS.suppliers.filter((f) => f.required).map((f) => f.name)).toEqual(['code', 'name'])
    expect(importPerm('stock')).toBe('STOCK_IMPORT')
    expect(importPerm('customers')).toBe('IMPORTS_WRITE')
    expect(fileType('a.csv', new Uint8Array([0xd0, 0xd5]))).toBe('text/csv')
    expect(fileType('a.bin', new Uint8Array([0x50, 0x4b, 3, 4]))).toMatch(/spreadsheetml/)
    expect(fileType('A.XLSX', new Uint8Array([]))).toMatch(/spreadsheetml/)
  })
})

describe('import messages', () => {
  const t = (k: string, n: Record<string, unknown>) => `${k}${JSON.stringify(n)}`
  it('says the known ones by key with their values, the rest through the fallback', () => {
    expect(importMessage('duplicates line 2 (same store and product)', t, (m) => m)).toBe('settings.import.messages.duplicates{"line":"2"}')
    expect(importMessage('must be a mainland mobile number (11 digits starting 13-19)', t, (m) => m)).toBe('settings.import.messages.mobile{}')
    expect(importMessage('no store with code S9 among yours', t, (m) => m)).toBe('settings.import.messages.noStore{"code":"S9"}')
    expect(importMessage('something new', t, (m) => `[${m}]`)).toBe('[something new]')
  })
})

describe('audit before/after', () => {
  it('lists every field of both sides once, marking the changed ones', () => {
    const d = auditDiff({ before: { name: 'A', active: true }, after: { name: 'B', active: true, city: '上海' } })
    expect(d).toEqual([
      { field: 'name', before: 'A', after: 'B', changed: true },
      { field: 'active', before: true, after: true, changed: false },
      { field: 'city', before: undefined, after: '上海', changed: true },
    ])
  })

  it('a create has only an after; nothing recorded is an empty list; a scalar is one value', () => {
    expect(auditDiff({ before: null, after: { rows: 2 } })).toEqual([{ field: 'rows', before: undefined, after: 2, changed: true }])
    expect(auditDiff({ before: null, after: null })).toEqual([])
    expect(auditDiff({ before: 1, after: 2 })).toEqual([{ field: 'value', before: 1, after: 2, changed: true }])
  })

  it('shows values as text', () => {
    expect(auditValue(null)).toBe('—')
    expect(auditValue('')).toBe('—')
    expect(auditValue('x')).toBe('x')
    expect(auditValue(12)).toBe('12')
    expect(auditValue(false)).toBe('false')
    expect(auditValue([1, 2])).toBe('[1,2]')
  })
})
