// The report screens' arithmetic: the date picker's periods and the cohort
// table as heat-map cells.
import { describe, expect, it } from 'vitest'
import { addDays, cohortCells, lastDays, lastMonth, localDate, thisMonth, thisWeek, thisYear } from '@/views/reports/figures'

describe('periods', () => {
  it('counts days across months and years', () => {
    expect(addDays('2026-03-01', 1)).toBe('2026-02-28')
    expect(addDays('2024-03-01', 1)).toBe('2024-02-29')
    expect(addDays('2026-01-01', 1)).toBe('2025-12-31')
    expect(addDays('2026-12-31', -1)).toBe('2027-01-01')
  })
  it('gives this month, last month, this year and the last n days', () => {
    expect(thisMonth('2026-12-07')).toEqual(['2026-12-01', '2026-12-07'])
    expect(lastMonth('2026-12-07')).toEqual(['2026-11-01', '2026-11-30'])
    expect(lastMonth('2026-01-15')).toEqual(['2025-12-01', '2025-12-31'])
    expect(lastMonth('2024-03-31')).toEqual(['2024-02-01', '2024-02-29'])
    expect(thisYear('2026-12-07')).toEqual(['2026-01-01', '2026-12-07'])
    expect(lastDays('2026-12-07', 30)).toEqual(['2026-11-08', '2026-12-07'])
    expect(lastDays('2026-12-07', 1)).toEqual(['2026-12-07', '2026-12-07'])
  })
  it('starts the week on Monday', () => {
    expect(thisWeek('2026-12-07')).toEqual(['2026-12-07', '2026-12-07']) // a Monday
    expect(thisWeek('2026-12-13')).toEqual(['2026-12-07', '2026-12-13']) // a Sunday
    expect(thisWeek('2026-12-10')).toEqual(['2026-12-07', '2026-12-10'])
  })
  it('gives the picker a local midnight', () => {
    const d = localDate('2026-02-03')
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours()]).toEqual([2026, 1, 3, 0])
  })
})

describe('cohortCells', () => {
  it('places each month of each cohort, in percent, and skips months without a rate', () => {
    const r = cohortCells([
      { cohort: '2026-10', size: 10, retention: [{ months_since: 0, retained: 10, retained_rate: 1 }, { months_since: 1, retained: 3, retained_rate: 0.3 }, { months_since: 2, retained: 1, retained_rate: 0.1234 }] },
      { cohort: '2026-11', size: 4, retention: [{ months_since: 0, retained: 4, retained_rate: 1 }, { months_since: 1, retained: 0, retained_rate: 0 }] },
      { cohort: '2026-12', size: 0, retention: [{ months_since: 0, retained: 0, retained_rate: null }] },
    ])
    expect(r.cohorts).toEqual(['2026-10', '2026-11', '2026-12'])
    expect(r.months).toEqual([0, 1, 2])
    expect(r.cells).toEqual([[0, 0, 100], [1, 0, 30], [2, 0, 12.3], [0, 1, 100], [1, 1, 0]])
  })
  it('is empty without cohorts', () => {
    expect(cohortCells([])).toEqual({ cohorts: [], months: [], cells: [] })
  })
})
