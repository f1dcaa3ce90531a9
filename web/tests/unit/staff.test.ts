// The staff screens' arithmetic: the months of a target period, basis
// points and metric figures as text, attainment bars, medals, and how a
// sale's salespeople and their shares are sent.
import { beforeAll, describe, expect, it } from 'vitest'
import { setMoneyFormat } from '@/utils/money'
import { setFormat } from '@/utils/format'
import { bp, daysInMonth, defaultPeriod, kpiText, medal, metricText, monthToDate, periodMonths, progressOf, salespeopleOf } from '@/views/staff/figures'

beforeAll(() => {
  setMoneyFormat('CNY', 'en')
  setFormat('en', 'Asia/Shanghai')
})

describe('periodMonths', () => {
  it('lists a year and a quarter', () => {
    expect(periodMonths('2027')).toHaveLength(12)
    expect(periodMonths('2027')[0]).toBe('2027-01')
    expect(periodMonths('2027')[11]).toBe('2027-12')
    expect(periodMonths('2027-Q1')).toEqual(['2027-01', '2027-02', '2027-03'])
    expect(periodMonths('2027-Q4')).toEqual(['2027-10', '2027-11', '2027-12'])
  })
  it('refuses what is not a period', () => {
    expect(periodMonths('2027-Q5')).toEqual([])
    expect(periodMonths('27')).toEqual([])
    expect(periodMonths('2027-03')).toEqual([])
  })
})

describe('figures as text', () => {
  it('basis points are percentages', () => {
    expect(bp(8520)).toBe('85.2%')
    expect(bp(10000, 0)).toBe('100%')
    expect(bp(null)).toBe('—')
  })
  it('money metrics are money, units are numbers', () => {
    expect(metricText('revenue', 123456)).toContain('1,234.56')
    expect(metricText('margin', 100)).toContain('1.00')
    expect(metricText('units', 1234)).toBe('1,234')
    expect(metricText('units', null)).toBe('—')
  })
  it('a KPI is written by its kind', () => {
    expect(kpiText('avg_ticket', 5000)).toContain('50.00')
    expect(kpiText('conversion', 2500)).toBe('25%')
    expect(kpiText('return_rate_bp', 125)).toBe('1.3%')
    expect(kpiText('upt', 1.456)).toBe('1.46')
    expect(kpiText('transactions', 12)).toBe('12')
    expect(kpiText('sales_cycle_days', null)).toBe('—')
  })
})

describe('progressOf', () => {
  it('caps the bar and says how it goes against the calendar', () => {
    expect(progressOf(12000, 0.5)).toEqual({ pct: 100, status: 'success' })
    expect(progressOf(5000, 0.5)).toEqual({ pct: 50, status: '' })
    expect(progressOf(3000, 0.5)).toEqual({ pct: 30, status: 'warning' })
    expect(progressOf(1000, 0.5)).toEqual({ pct: 10, status: 'exception' })
    expect(progressOf(null, 0.5)).toEqual({ pct: 0, status: '' })
  })
})

describe('medal', () => {
  it('goes to the top three only', () => {
    expect(medal(1)).toBe('gold')
    expect(medal(3)).toBe('bronze')
    expect(medal(4)).toBe('')
  })
})

describe('salespeopleOf', () => {
  it('sends nobody when none is picked (the cashier is credited)', () => {
    expect(salespeopleOf([], 50)).toBeUndefined()
  })
  it('one person takes the whole sale', () => {
    expect(salespeopleOf([7], 30)).toEqual([{ user_id: 7 }])
  })
  it('two share it by the slider, summing to 10000', () => {
    expect(salespeopleOf([7, 8], 50)).toEqual([{ user_id: 7, share_bp: 5000 }, { user_id: 8, share_bp: 5000 }])
    const s = salespeopleOf([7, 8], 65)!
    expect(s).toEqual([{ user_id: 7, share_bp: 6500 }, { user_id: 8, share_bp: 3500 }])
    expect(s[0].share_bp! + s[1].share_bp!).toBe(10000)
  })
  it('the same person twice is one', () => {
    expect(salespeopleOf([7, 7], 50)).toEqual([{ user_id: 7 }])
  })
})

describe('days', () => {
  it('knows the months and the default period', () => {
    expect(daysInMonth('2027-02')).toBe(28)
    expect(daysInMonth('2028-02')).toBe(29)
    expect(monthToDate('2026-12-08')).toEqual({ from: '2026-12-01', to: '2026-12-08' })
    expect(defaultPeriod('2026-12-08')).toBe('2027')
    expect(defaultPeriod('2026-06-08')).toBe('2026')
  })
})
