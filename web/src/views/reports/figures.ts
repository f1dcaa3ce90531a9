// Arithmetic of the report screens that needs no Vue: the periods of the
// date picker's shortcuts (business days as YYYY-MM-DD) and the cohort
// table as heat-map cells.

/** A YYYY-MM-DD day as its parts (no time zone involved). */
function parts(day: string): [number, number, number] {
  const [y, m, d] = day.split('-').map(Number)
  return [y, m, d]
}

function iso(y: number, m: number, d: number): string {
  const t = new Date(Date.UTC(y, m - 1, d))
  return t.toISOString().slice(0, 10)
}

/** The day `n` days before `day` (negative: after). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = parts(day)
  return iso(y, m, d - n)
}

export type Period = [string, string]

/** The first of `day`'s month to `day`. */
export function thisMonth(today: string): Period {
  const [y, m] = parts(today)
  return [iso(y, m, 1), today]
}

/** The whole month before `today`'s. */
export function lastMonth(today: string): Period {
  const [y, m] = parts(today)
  return [iso(y, m - 1, 1), iso(y, m, 0)]
}

/** The last `n` days, today included. */
export function lastDays(today: string, n: number): Period {
  return [addDays(today, n - 1), today]
}

/** The first of January to `today`. */
export function thisYear(today: string): Period {
  const [y] = parts(today)
  return [iso(y, 1, 1), today]
}

/** The Monday of `today`'s week to `today`. */
export function thisWeek(today: string): Period {
  const [y, m, d] = parts(today)
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay() // 0 Sunday
  return [addDays(today, (wd + 6) % 7), today]
}

/** A YYYY-MM-DD day as a local Date at midnight (what el-date-picker holds). */
export function localDate(day: string): Date {
  const [y, m, d] = parts(day)
  return new Date(y, m - 1, d)
}

export interface CohortRow {
  cohort: string
  size: number
  retention: { months_since: number; retained: number; retained_rate: number | null }[]
}

/**
 * The cohorts as a heat map: y = cohorts (oldest first), x = months since
 * (0 … the longest), cells [x, y, retention in percent] for every month a
 * cohort has (cohorts of size 0 have no cells).
 */
export function cohortCells(rows: CohortRow[]): { cohorts: string[]; months: number[]; cells: [number, number, number][] } {
  const cohorts = rows.map((r) => r.cohort)
  let max = 0
  const cells: [number, number, number][] = []
  rows.forEach((r, y) => {
    for (const c of r.retention) {
      max = Math.max(max, c.months_since)
      if (r.size > 0 && c.retained_rate !== null) cells.push([c.months_since, y, Math.round(c.retained_rate * 1000) / 10])
    }
  })
  return { cohorts, months: Array.from({ length: rows.length ? max + 1 : 0 }, (_, i) => i), cells }
}
