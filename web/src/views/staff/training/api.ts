// The training API (issue #15, courses, assignments, attempts, files) as the
// screens use it, and `loose`, a call for staff endpoints whose paths the
// generated OpenAPI types do not list yet (same session, CSRF and errors as `call`).
import { call, client } from '@/api/client'

type Init = { params?: { query?: Record<string, unknown> }; body?: unknown; headers?: Record<string, string>; bodySerializer?: (b: unknown) => unknown }
type Result = Promise<{ data?: unknown; error?: unknown; response: Response }>
type LooseClient = Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', (path: string, init?: Init) => Result>
const raw = client as unknown as LooseClient

/** `method path` with a query or a JSON body; resolves to the answer, throws ApiError / NetworkError. */
export function loose<T>(method: keyof LooseClient, path: string, opts: { query?: Record<string, unknown>; body?: unknown } = {}): Promise<T> {
  const query = opts.query ? Object.fromEntries(Object.entries(opts.query).filter(([, v]) => v !== undefined && v !== null && v !== '')) : undefined
  return call(raw[method](`/api/v1${path}`, { params: query ? { query } : undefined, body: opts.body })) as Promise<T>
}

export interface Page<T> {
  items: T[]
  next_cursor?: string | null
}

export const COURSE_KINDS = ['product', 'selling', 'service'] as const
export const ROLES = ['admin', 'hq', 'store_manager', 'sales', 'service'] as const
export type Role = (typeof ROLES)[number]

export type Material = { kind: 'text'; title: string; body: string } | { kind: 'link'; title: string; url: string } | { kind: 'file'; title: string; file_id: number }
export interface Question {
  question: string
  options: string[]
  /** Index of the right option; left out for people who may not write courses. */
  answer?: number
}
export interface RoleDue {
  role: Role
  due_days: number
}
export interface Course {
  id: number
  title: string
  kind: string
  description: string
  materials: Material[]
  quiz: Question[]
  pass_bp: number
  status: 'draft' | 'published' | 'archived'
  required_roles: RoleDue[]
}
export type CourseInput = Pick<Course, 'title' | 'kind' | 'materials' | 'quiz' | 'pass_bp'> & { description?: string }

export interface Assignment {
  id: number
  course_id: number
  course_title: string
  user_id: number
  user_name: string
  store_ids: number[]
  due_day: string | null
  status: 'assigned' | 'passed'
  overdue: boolean
  passed_at: string | null
  best_score_bp: number | null
  attempts: number
}
export interface AttemptResult {
  score_bp: number
  passed: boolean
  correct: boolean[]
}
export interface Attempt {
  id: number
  at: string
  score_bp: number
  passed: boolean
}
export interface CourseFile {
  id: number
  name: string
  mime: string
  size: number
}

export const courseApi = {
  list: (query: { status?: string; limit?: number; cursor?: string }) => loose<Page<Course>>('GET', '/courses', { query }),
  get: (id: number) => loose<Course>('GET', `/courses/${id}`),
  create: (body: CourseInput) => loose<Course>('POST', '/courses', { body }),
  update: (id: number, body: Partial<CourseInput>) => loose<Course>('PATCH', `/courses/${id}`, { body }),
  publish: (id: number) => loose<Course>('POST', `/courses/${id}/publish`),
  archive: (id: number) => loose<Course>('POST', `/courses/${id}/archive`),
  roles: (id: number, body: RoleDue[]) => loose<unknown>('PUT', `/courses/${id}/roles`, { body }),
  assign: (id: number, body: { user_ids?: number[]; role?: Role; store_id?: number | null; due_day: string | null }) => loose<unknown>('POST', `/courses/${id}/assignments`, { body }),
  attempt: (id: number, answers: number[]) => loose<AttemptResult>('POST', `/courses/${id}/attempts`, { body: { answers } }),
  attempts: (id: number, userId?: number) => loose<Page<Attempt>>('GET', `/courses/${id}/attempts`, { query: { user_id: userId } }),
  /** Uploads a file (raw body, its own Content-Type) to the course's materials. */
  upload: (id: number, file: File) =>
    call(
      raw.POST(`/api/v1/courses/${id}/files`, {
        params: { query: { name: file.name } },
        body: file,
        headers: { 'Content-Type': file.type || 'application/octet-stream' },
        bodySerializer: (b) => b,
      }),
    ) as Promise<CourseFile>,
}

export const assignmentApi = {
  list: (query: { user_id?: number; store_id?: number; course_id?: number; status?: string; overdue?: 'true'; limit?: number; cursor?: string }) =>
    loose<Page<Assignment>>('GET', '/course-assignments', { query }),
}
