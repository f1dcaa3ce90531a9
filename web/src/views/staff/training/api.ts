// The training API (issue #15: courses, assignments, attempts, files) as the
// screens use it: typed calls, the answers narrowed to the shapes below; and
// `loose`, a call for the two requests the generated types cannot say (a raw
// file body, a path with two ids), with the same session, CSRF and errors.
import { call, client, type Schemas } from '@/api/client'

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
export type CourseKind = (typeof COURSE_KINDS)[number]
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
  kind: CourseKind
  description: string
  materials: Material[]
  quiz: Question[]
  pass_bp: number
  status: 'draft' | 'published' | 'archived'
  required_roles: RoleDue[]
}
export type CourseInput = Pick<Course, 'title' | 'kind' | 'materials' | 'pass_bp'> & { description?: string; quiz: Required<Question>[] }

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

const id = (n: number) => ({ path: { id: n } })

export const courseApi = {
  list: (query: { status?: Course['status']; limit?: number; cursor?: string }) => call(client.GET('/api/v1/courses', { params: { query } })) as Promise<Page<Course>>,
  get: (n: number) => call(client.GET('/api/v1/courses/{id}', { params: id(n) })) as Promise<Course>,
  create: (body: CourseInput) => call(client.POST('/api/v1/courses', { body })) as Promise<Course>,
  update: (n: number, body: Partial<CourseInput>) => call(client.PATCH('/api/v1/courses/{id}', { params: id(n), body })) as Promise<Course>,
  publish: (n: number) => call(client.POST('/api/v1/courses/{id}/publish', { params: id(n) })) as Promise<Course>,
  archive: (n: number) => call(client.POST('/api/v1/courses/{id}/archive', { params: id(n) })) as Promise<Course>,
  roles: (n: number, body: RoleDue[]) => call(client.PUT('/api/v1/courses/{id}/roles', { params: id(n), body })) as Promise<Course>,
  assign: (n: number, body: Schemas['AssignmentInput']) => call(client.POST('/api/v1/courses/{id}/assignments', { params: id(n), body })) as Promise<Page<Assignment>>,
  attempt: (n: number, answers: number[]) => call(client.POST('/api/v1/courses/{id}/attempts', { params: id(n), body: { answers } })) as Promise<AttemptResult>,
  attempts: (n: number, userId?: number) => call(client.GET('/api/v1/courses/{id}/attempts', { params: { ...id(n), query: { user_id: userId } } })) as Promise<Page<Attempt>>,
  /** Uploads a file (raw body, its own Content-Type) to the course's materials. */
  upload: (n: number, file: File) =>
    call(
      raw.POST(`/api/v1/courses/${n}/files`, {
        params: { query: { name: file.name } },
        body: file,
        headers: { 'Content-Type': file.type || 'application/octet-stream' },
        bodySerializer: (b) => b,
      }),
    ) as Promise<CourseFile>,
}

export const assignmentApi = {
  list: (query: { user_id?: number; store_id?: number; course_id?: number; status?: Assignment['status']; overdue?: 'true'; limit?: number; cursor?: string }) =>
    call(client.GET('/api/v1/course-assignments', { params: { query } })) as Promise<Page<Assignment>>,
}
