// A form the server validates: submit the values, and put a problem+json
// answer's `errors[{field, message}]` beside each field (el-form-item
// `:error`), with one general message for the rest.
import { computed, reactive, ref, shallowRef, type UnwrapRef } from 'vue'
import { ApiError } from '@/api/client'
import { fieldMessage, problemMessage } from '@/utils/problem'

export interface ServerFormOptions<V extends object, R> {
  /** The starting values (also what `reset()` goes back to). */
  initial: V
  /** Sends the values, e.g. `(v) => call(client.PATCH('/api/v1/me', { body: v }))`. */
  submit: (values: UnwrapRef<V>) => Promise<R>
  /**
   * The fields shown in the form, by the server's field name (default: the
   * keys of `initial`). Errors on other fields go to the general message.
   * A server name can be mapped to a form field: `{ 'lines[0].qty': 'qty' }`.
   */
  fields?: string[]
  fieldMap?: Record<string, string>
  /** Checks before sending; return field → message for the fields in error (none: send). */
  validate?: (values: UnwrapRef<V>) => Record<string, string> | null | undefined
}

/**
 * Form state: `values` for v-model, `errors[field]` for `:error`, `error`
 * for an el-alert, `submitting` for the button's `:loading`; `submit()`
 * resolves to the server's answer, or undefined when it was refused.
 */
export function useServerForm<V extends object, R = unknown>(opts: ServerFormOptions<V, R>) {
  const values = reactive(structuredClone(opts.initial)) as UnwrapRef<V>
  const errors = reactive<Record<string, string>>({})
  const error = ref('')
  const failure = shallowRef<unknown>(null)
  const submitting = ref(false)
  const known = new Set(opts.fields ?? Object.keys(opts.initial))

  function clearErrors(): void {
    for (const k of Object.keys(errors)) delete errors[k]
    error.value = ''
    failure.value = null
  }

  /** Puts each field error beside its field; the others (and the status) in `error`. */
  function showProblem(e: unknown): void {
    clearErrors()
    failure.value = e
    const rest: string[] = []
    if (e instanceof ApiError) {
      for (const fe of e.errors) {
        const field = opts.fieldMap?.[fe.field] ?? fe.field
        const text = fieldMessage(fe.message)
        if (known.has(field)) errors[field] = errors[field] ? `${errors[field]}; ${text}` : text
        else rest.push(`${fe.field}: ${text}`)
      }
      const placed = Object.keys(errors).length > 0
      if (rest.length) error.value = `${problemMessage(e)} (${rest.join('; ')})`
      else if (!placed || e.status !== 422) error.value = problemMessage(e)
    } else error.value = problemMessage(e)
  }

  async function submit(): Promise<R | undefined> {
    if (submitting.value) return undefined // a double click sends once
    clearErrors()
    const local = opts.validate?.(values)
    if (local && Object.keys(local).length) {
      Object.assign(errors, local)
      return undefined
    }
    submitting.value = true
    try {
      return await opts.submit(values)
    } catch (e) {
      showProblem(e)
      return undefined
    } finally {
      submitting.value = false
    }
  }

  /** Back to the starting values, without errors. */
  function reset(): void {
    Object.assign(values as object, structuredClone(opts.initial))
    clearErrors()
  }

  const hasErrors = computed(() => !!error.value || Object.keys(errors).length > 0)

  return { values, errors, error, failure, submitting, hasErrors, submit, reset, clearErrors, showProblem }
}
