// Money and the date/number helpers: integer fen in, text out, in the UI
// language and the company's time zone.
import { describe, it, expect, afterEach } from 'vitest'
import { money, yuan, parseYuan, setMoneyFormat } from '@/utils/money'
import { businessDay, formatDate, formatDateTime, formatNumber, formatPercent, formatTime, setFormat } from '@/utils/format'

afterEach(() => {
  setMoneyFormat('CNY', 'zh-CN')
  setFormat('zh-CN', 'Asia/Shanghai')
})

describe('money', () => {
  it('formats fen in the locale and currency set', () => {
    expect(money(1299)).toBe('¥12.99')
    expect(money(-50)).toBe('-¥0.50')
    expect(money(123456789)).toBe('¥1,234,567.89')
    expect(money(null)).toBe('—')
    setMoneyFormat('CNY', 'en')
    // The sign a Chinese customer knows, not the disambiguated CN¥.
    expect(money(1299)).toBe('¥12.99')
    setMoneyFormat('USD', 'en')
    expect(money(1299)).toBe('$12.99')
  })

  it('writes and reads plain amounts without floating point', () => {
    expect(yuan(1299)).toBe('12.99')
    expect(yuan(5)).toBe('0.05')
    expect(yuan(-105)).toBe('-1.05')
    expect(parseYuan('12.5')).toBe(1250)
    expect(parseYuan(' 0.07 ')).toBe(7)
    expect(parseYuan('19.99')).toBe(1999) // 19.99 * 100 is 1998.9999… in floating point
    expect(parseYuan('-3')).toBe(-300)
    expect(parseYuan('1.234')).toBeNull()
    expect(parseYuan('1e3')).toBeNull()
    expect(parseYuan('')).toBeNull()
  })
})

describe('dates and numbers', () => {
  const instant = '2026-12-06T17:30:00Z' // 01:30 on the 7th in Shanghai

  it('shows instants in the company time zone', () => {
    expect(formatDate(instant)).toBe('2026/12/07')
    expect(formatDateTime(instant)).toBe('2026/12/07 01:30')
    expect(formatTime(instant)).toBe('01:30:00')
    expect(businessDay(instant)).toBe('2026-12-07')
    setFormat('zh-CN', 'Europe/Berlin')
    expect(businessDay(instant)).toBe('2026-12-06')
    expect(formatDateTime(instant)).toBe('2026/12/06 18:30')
  })

  it('switches with the language', () => {
    setFormat('en', 'Asia/Shanghai')
    expect(formatDate(instant)).toBe('12/07/2026')
    expect(formatNumber(1234.5, 1)).toBe('1,234.5')
    expect(formatPercent(0.125)).toBe('12.5%')
  })

  it('says nothing wrong for missing values and survives an unknown zone', () => {
    expect(formatDate(null)).toBe('—')
    expect(formatDate('not a date')).toBe('—')
    expect(formatNumber(undefined)).toBe('—')
    setFormat('zh-CN', 'Mars/Olympus')
    expect(businessDay('2026-12-06T23:30:00Z')).toBe('2026-12-06')
  })
})
