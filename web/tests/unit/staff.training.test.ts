// The training and meetings screens' helpers: quiz checks before saving,
// removing an option, days overdue, the learner's state, overdue per person,
// routine rules in words, checklist progress.
import { describe, it, expect } from 'vitest'
import { bpPercent, daysOverdue, emptyQuestion, learnerState, overdueByPerson, quizProblems, removeOption } from '@/views/staff/training/training'
import { checklistProgress, ruleWords } from '@/views/staff/meetings/meetings'
import type { Assignment } from '@/views/staff/training/api'

const a = (o: Partial<Assignment>): Assignment => ({
  id: 1,
  course_id: 1,
  course_title: 'C',
  user_id: 1,
  user_name: 'U',
  store_ids: [1],
  due_day: null,
  status: 'assigned',
  overdue: false,
  passed_at: null,
  best_score_bp: null,
  attempts: 0,
  ...o,
})

describe('quiz checks', () => {
  it('accepts a complete question and names what is missing in the others', () => {
    const ok = { question: 'Q', options: ['a', 'b'], answer: 1 }
    expect(quizProblems([ok])).toEqual({})
    expect(quizProblems([ok, emptyQuestion()])).toEqual({ 1: 'training.editor.noQuestion' })
    expect(quizProblems([{ question: 'Q', options: ['a'], answer: 0 }])).toEqual({ 0: 'training.editor.twoOptions' })
    expect(quizProblems([{ question: 'Q', options: ['a', ' '], answer: 0 }])).toEqual({ 0: 'training.editor.emptyOption' })
    expect(quizProblems([{ question: 'Q', options: ['a', 'b'], answer: 2 }])).toEqual({ 0: 'training.editor.noAnswer' })
  })

  it('keeps the right answer on its option when another is removed', () => {
    const q = { question: 'Q', options: ['a', 'b', 'c'], answer: 2 }
    expect(removeOption(q, 0)).toEqual({ question: 'Q', options: ['b', 'c'], answer: 1 })
    expect(removeOption(q, 1)).toEqual({ question: 'Q', options: ['a', 'c'], answer: 1 })
    expect(removeOption(q, 2)).toEqual({ question: 'Q', options: ['a', 'b'], answer: 0 })
    expect(removeOption({ ...q, answer: 0 }, 2).answer).toBe(0)
  })
})

describe('assignments', () => {
  it('counts whole days overdue, 0 before the due day or without one', () => {
    expect(daysOverdue('2026-12-01', '2026-12-08')).toBe(7)
    expect(daysOverdue('2026-12-08', '2026-12-08')).toBe(0)
    expect(daysOverdue('2026-12-09', '2026-12-08')).toBe(0)
    expect(daysOverdue(null, '2026-12-08')).toBe(0)
    expect(daysOverdue('2026-02-28', '2026-03-01')).toBe(1)
  })

  it('says where the learner stands', () => {
    expect(learnerState(undefined)).toBe('open')
    expect(learnerState(a({ status: 'passed', overdue: false }))).toBe('passed')
    expect(learnerState(a({ overdue: true }))).toBe('overdue')
    expect(learnerState(a({}))).toBe('assigned')
  })

  it('groups overdue courses per person, most overdue first', () => {
    const rows = [
      a({ user_id: 1, user_name: 'Li', course_title: 'A', due_day: '2026-12-06' }),
      a({ user_id: 2, user_name: 'Wang', course_title: 'B', due_day: '2026-11-28' }),
      a({ user_id: 1, user_name: 'Li', course_title: 'C', due_day: '2026-12-01' }),
    ]
    const g = overdueByPerson(rows, '2026-12-08')
    expect(g.map((p) => [p.user_name, p.maxDays])).toEqual([
      ['Wang', 10],
      ['Li', 7],
    ])
    expect(g[1].courses.map((c) => [c.title, c.days])).toEqual([
      ['C', 7],
      ['A', 2],
    ])
  })

  it('shows basis points as a per cent', () => {
    expect(bpPercent(8000)).toBe('80%')
    expect(bpPercent(6667)).toBe('66.7%')
    expect(bpPercent(null)).toBe('—')
  })
})

describe('routines and checklists', () => {
  it('says the rule', () => {
    expect(ruleWords({ rule: 'weekly', weekday: 1, monthday: null })).toEqual({ key: 'meetings.routine.everyWeekday', values: { day: 'meetings.weekday.1' } })
    expect(ruleWords({ rule: 'monthly', weekday: null, monthday: 15 })).toEqual({ key: 'meetings.routine.everyMonthday', values: { day: 15 } })
  })

  it('counts ticked items', () => {
    expect(checklistProgress([])).toBe('')
    expect(checklistProgress(undefined)).toBe('')
    expect(
      checklistProgress([
        { id: 1, text: 'a', done: true, done_at: 'x' },
        { id: 2, text: 'b', done: false, done_at: null },
      ]),
    ).toBe('1/2')
  })
})
