// The meetings and routines API (issue #15 §7): meetings with attendees and
// action items that become tasks, recurring tasks, task checklists.
import { loose, type Page } from '../training/api'

/** An action item as the meeting answers it: the task it became and that task's status. */
export interface MeetingAction {
  task_id: number
  title: string
  assignee_id: number | null
  due_at: string | null
  status: 'open' | 'done' | 'cancelled'
}
/** A new action item: the server makes a task of it (kind action, the meeting's id). */
export interface NewAction {
  title: string
  assignee_id: number | null
  due_day: string | null
}
export interface Meeting {
  id: number
  store_id: number
  title: string
  at: string
  notes: string
  attendee_ids: number[]
  attendees: { id: number; name: string }[]
  actions: MeetingAction[]
  created_by?: number | null
}
/** Actions sent with a PATCH are added to the meeting's (each makes a task); those it has stay. */
export interface MeetingInput {
  store_id?: number
  title: string
  at: string
  notes: string
  attendee_ids: number[]
  actions: NewAction[]
}

export const meetingApi = {
  list: (query: { store_id?: number; limit?: number; cursor?: string }) => loose<Page<Meeting>>('GET', '/meetings', { query }),
  get: (id: number) => loose<Meeting>('GET', `/meetings/${id}`),
  create: (body: MeetingInput) => loose<Meeting>('POST', '/meetings', { body }),
  update: (id: number, body: Omit<MeetingInput, 'store_id'>) => loose<Meeting>('PATCH', `/meetings/${id}`, { body }),
}

export interface Routine {
  id: number
  title: string
  note: string | null
  store_id: number | null
  assignee_id: number | null
  rule: 'weekly' | 'monthly'
  weekday: number | null
  monthday: number | null
  checklist: string[]
  active: boolean
  next_day?: string | null
}
export type RoutineInput = Omit<Routine, 'id' | 'next_day'>

export const routineApi = {
  list: (query: { store_id?: number; limit?: number; cursor?: string }) => loose<Page<Routine>>('GET', '/task-recurrences', { query }),
  create: (body: RoutineInput) => loose<Routine>('POST', '/task-recurrences', { body }),
  update: (id: number, body: Partial<Omit<RoutineInput, 'store_id'>>) => loose<Routine>('PATCH', `/task-recurrences/${id}`, { body }),
  remove: (id: number) => loose<unknown>('DELETE', `/task-recurrences/${id}`),
}

export interface ChecklistItem {
  id: number
  text: string
  done: boolean
  done_at: string | null
}

/** A task as the staff screens read it: the CRM task plus its checklist and where it came from. */
export interface StaffTask {
  id: number
  title: string
  kind: string
  status: 'open' | 'done' | 'cancelled'
  assignee_id: number | null
  due_at: string | null
  overdue: boolean
  checklist?: ChecklistItem[]
  recurrence_id?: number | null
  meeting_id?: number | null
  evaluation_id?: number | null
  course_id?: number | null
}

export const taskApi = {
  get: (id: number) => loose<StaffTask>('GET', `/tasks/${id}`),
  list: (query: Record<string, unknown>) => loose<Page<StaffTask>>('GET', '/tasks', { query }),
  tick: (taskId: number, itemId: number, done: boolean) => loose<StaffTask>('PATCH', `/tasks/${taskId}/checklist/${itemId}`, { body: { done } }),
}
