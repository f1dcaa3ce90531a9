// The training screens' helpers without Vue: checking a quiz before it is
// saved, days overdue, the learner's state of a course, the per cent of a
// basis-point score. Unit-tested in tests/unit/staff.training.test.ts.
import type { Assignment, Course, Question } from './api'

/** A new question: two empty options, the first one right. */
export function emptyQuestion(): Question {
  return { question: '', options: ['', ''], answer: 0 }
}

/**
 * What is wrong with each question of a quiz, as i18n keys by index (only
 * the questions with a problem): no text, fewer than two options, an empty
 * option, or no right answer among the options.
 */
export function quizProblems(quiz: Question[]): Record<number, string> {
  const out: Record<number, string> = {}
  quiz.forEach((q, i) => {
    if (!q.question.trim()) out[i] = 'training.editor.noQuestion'
    else if (q.options.length < 2) out[i] = 'training.editor.twoOptions'
    else if (q.options.some((o) => !o.trim())) out[i] = 'training.editor.emptyOption'
    else if (q.answer === undefined || q.answer < 0 || q.answer >= q.options.length) out[i] = 'training.editor.noAnswer'
  })
  return out
}

/** The quiz with an option removed, keeping the right answer on the same option (or the first when it was removed). */
export function removeOption(q: Question, at: number): Question {
  const options = q.options.filter((_, i) => i !== at)
  let answer = q.answer ?? 0
  if (answer === at) answer = 0
  else if (answer > at) answer -= 1
  return { ...q, options, answer }
}

/** Whole days from `due` (YYYY-MM-DD) to `today` (YYYY-MM-DD); 0 when not yet due or no due day. */
export function daysOverdue(due: string | null, today: string): number {
  if (!due) return 0
  const d = (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / 86_400_000
  return d > 0 ? Math.round(d) : 0
}

/** Basis points as a whole per cent ("80%"), or "—". */
export function bpPercent(bp: number | null | undefined): string {
  if (bp === null || bp === undefined) return '—'
  const p = bp / 100
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`
}

export type LearnerState = 'passed' | 'overdue' | 'assigned' | 'open'

/** Where the learner stands on a course: passed, assigned and overdue, assigned, or only published (open to take). */
export function learnerState(a: Assignment | undefined): LearnerState {
  if (!a) return 'open'
  if (a.status === 'passed') return 'passed'
  return a.overdue ? 'overdue' : 'assigned'
}

/** The tag colour of a course state or a learner state. */
export function stateTag(s: Course['status'] | LearnerState): 'success' | 'danger' | 'warning' | 'info' | 'primary' {
  switch (s) {
    case 'passed':
    case 'published':
      return 'success'
    case 'overdue':
      return 'danger'
    case 'assigned':
      return 'warning'
    case 'draft':
      return 'info'
    default:
      return 'info'
  }
}

/** Overdue assignments grouped per person, the person with the most days overdue first. */
export function overdueByPerson(rows: Assignment[], today: string): { user_id: number; user_name: string; courses: { title: string; due_day: string | null; days: number }[]; maxDays: number }[] {
  const by = new Map<number, { user_id: number; user_name: string; courses: { title: string; due_day: string | null; days: number }[]; maxDays: number }>()
  for (const a of rows) {
    const days = daysOverdue(a.due_day, today)
    let p = by.get(a.user_id)
    if (!p) by.set(a.user_id, (p = { user_id: a.user_id, user_name: a.user_name, courses: [], maxDays: 0 }))
    p.courses.push({ title: a.course_title, due_day: a.due_day, days })
    p.maxDays = Math.max(p.maxDays, days)
  }
  for (const p of by.values()) p.courses.sort((x, y) => y.days - x.days)
  return [...by.values()].sort((x, y) => y.maxDays - x.maxDays || x.user_name.localeCompare(y.user_name))
}
