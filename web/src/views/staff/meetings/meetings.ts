// The meetings and routines helpers without Vue: weekdays (Monday 1), what a
// routine's rule says as an i18n key with its values, a checklist's
// progress. Unit-tested in tests/unit/staff.training.test.ts.
import type { ChecklistItem, Routine } from './api'

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const

/** The i18n key and values of "every Monday" / "monthly on day 5". */
export function ruleWords(r: Pick<Routine, 'rule' | 'weekday' | 'monthday'>): { key: string; values: Record<string, string | number> } {
  if (r.rule === 'weekly') return { key: 'meetings.routine.everyWeekday', values: { day: `meetings.weekday.${r.weekday ?? 1}` } }
  return { key: 'meetings.routine.everyMonthday', values: { day: r.monthday ?? 1 } }
}

/** "done/total" of a checklist, or "" without one. */
export function checklistProgress(items: ChecklistItem[] | undefined | null): string {
  if (!items || !items.length) return ''
  return `${items.filter((i) => i.done).length}/${items.length}`
}
