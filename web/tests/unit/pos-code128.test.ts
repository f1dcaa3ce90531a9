// The receipt barcode: Code 128 set B with its check symbol.
import { describe, expect, it } from 'vitest'
import { bars, code128 } from '@/pos/code128'

describe('code128', () => {
  it('encodes start B, the characters, the check symbol and stop', () => {
    const w = code128('S001-20261207-0013')!
    // 11 modules per symbol (start, 18 characters, check), 13 for stop
    expect(w.reduce((a, b) => a + b, 0)).toBe((1 + 18 + 1) * 11 + 13)
    expect(w.slice(0, 6).join('')).toBe('211214') // start B
    expect(w.slice(-7).join('')).toBe('2331112') // stop
    // "PJJ123C": P is value 48; the check is (104 + 48·1 + 42·2 + 42·3 + 17·4 + 18·5 + 19·6 + 35·7) mod 103 = 55
    const p = code128('PJJ123C')!
    expect(p.slice(6, 12).join('')).toBe('313121')
    expect(p.slice(48, 54).join('')).toBe('311321')
  })

  it('refuses characters outside set B', () => {
    expect(code128('收银')).toBeNull()
  })

  it('bars start after the quiet zone and alternate with spaces', () => {
    const b = bars([2, 1, 1, 4], 10)
    expect(b).toEqual([{ x: 10, w: 2 }, { x: 13, w: 1 }])
  })
})
