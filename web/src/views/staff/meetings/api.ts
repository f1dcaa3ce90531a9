// The meetings and routines API (issue #15 §7): meetings with attendees and
// action items that become tasks, recurring tasks, task checklists.
import { call, client } from '@/api/client'
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
  assignee_id: number
  due_day: string
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

const id = (n: number) => ({ path: { id: n } })

export const meetingApi = {
  list: (query: { store_id?: number; limit?: number; cursor?: string }) => call(client.GET('/api/v1/meetings', { params: { query } })) as Promise<Page<Meeting>>,
  get: (n: number) => call(client.GET('/api/v1/meetings/{id}', { params: id(n) })) as Promise<Meeting>,
  create: (body: MeetingInput & { store_id: number }) => call(client.POST('/api/v1/meetings', { body })) as Promise<Meeting>,
  update: (n: number, body: Omit<MeetingInput, 'store_id'>) => call(client.PATCH('/api/v1/meetings/{id}', { params: id(n), body })) as Promise<Meeting>,
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
  list: (query: { store_id?: number; limit?: number; cursor?: string }) => call(client.GET('/api/v1/task-recurrences', { params: { query } })) as Promise<Page<Routine>>,
  create: (body: RoutineInput & { store_id: number }) => call(client.POST('/api/v1/task-recurrences', { body })) as Promise<Routine>,
  update: (n: number, body: Partial<Omit<RoutineInput, 'store_id'>>) => call(client.PATCH('/api/v1/task-recurrences/{id}', { params: id(n), body })) as Promise<Routine>,
  remove: (n: number) => call(client.DELETE('/api/v1/task-recurrences/{id}', { params: id(n) })),
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
  get: (n: number) => call(client.GET('/api/v1/tasks/{id}', { params: id(n) })) as Promise<StaffTask>,
  /** Ticks or unticks an item; the path's two ids are more than the generated types can say. */
  tick: (taskId: number, itemId: number, done: boolean) => loose<StaffTask>('PATCH', `/tasks/${taskId}/checklist/${itemId}`, { body: { done } }),
}
