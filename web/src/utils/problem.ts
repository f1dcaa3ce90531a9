// Problem answers (RFC 9457) as text for the user, in the UI language: the
// status decides the sentence; the server's own words are used where they
// say more than the sentence would (a conflict's reason, an English UI).
import { i18n } from '@/i18n'
import { ApiError, NetworkError } from '@/api/client'

const t = (key: string, named?: Record<string, unknown>) => i18n.global.t(key, named ?? {})

/** Server field messages we can say in the UI language; anything else is shown as the server wrote it. */
const FIELD_MESSAGES: [RegExp, string, string[]?][] = [
  [/^(is required|must not be empty)\b/, 'validation.required'],
  [/^is wrong$/, 'validation.wrong'],
  [/^is taken$/, 'validation.taken'],
  [/^does not exist$/, 'validation.notFound'],
  [/^must be (\d+) to (\d+) characters$/, 'validation.lengthBetween', ['min', 'max']],
  [/^must be at most (\d+) characters$/, 'validation.maxLength', ['max']],
  [/^must not be negative$/, 'validation.notNegative'],
  [/^must be more than 0$/, 'validation.positive'],
  [/^is not a valid date/, 'validation.date'],
  [/^must not contain control characters$/, 'validation.controlChars'],
  [/^is already in use$/, 'validation.taken'],
  [/^must be a whole number of days, 0 to (\d+)$/, 'validation.days', ['max']],
  [/^must be between (\d+) and (\d+)$/, 'validation.between', ['min', 'max']],
  [/^must be greater than 0$/, 'validation.positive'],
  [/^must be a date YYYY-MM-DD$/, 'validation.date'],
  [/^is not a valid e-mail address$/, 'validation.email'],
  [/^is not a valid phone number$/, 'validation.phone'],
  [/^is not a valid EAN-13, EAN-8 or UPC-A barcode$/, 'validation.barcode'],
  [/^is out of range$/, 'validation.range'],
  [/^must not be in the future$/, 'validation.future'],
  [/^must be one of: (.+)$/, 'validation.oneOf', ['list']],
]

/** One server field message ("is wrong") in the UI language when it is a known one. */
export function fieldMessage(message: string): string {
  for (const [re, key, names] of FIELD_MESSAGES) {
    const m = re.exec(message)
    if (m) return t(key, Object.fromEntries((names ?? []).map((n, i) => [n, m[i + 1]])))
  }
  return message
}

/** The sentence for any error a call can throw (ApiError, NetworkError, anything else). */
export function problemMessage(e: unknown): string {
  if (e instanceof NetworkError) return t('validation.network')
  if (!(e instanceof ApiError)) return t('validation.unexpected')
  const english = i18n.global.locale.value === 'en'
  const detail = e.detail && english ? e.detail.charAt(0).toUpperCase() + e.detail.slice(1) : ''
  switch (e.status) {
    case 400:
      return t('validation.badRequest')
    case 401:
      return t('validation.unauthorized')
    case 403:
      return t('validation.forbidden')
    case 404:
      return t('validation.gone')
    case 409:
      // The reason of a conflict (stock, state, duplicate) is the useful part.
      return e.detail ? t('validation.conflictWith', { detail: e.detail }) : t('validation.conflict')
    case 413:
      return t('validation.tooLarge')
    case 422:
      return detail || t('validation.invalid')
    case 429:
      return t('validation.tooMany')
    default:
      return e.status >= 500 ? t('validation.server') : detail || t('validation.unexpected')
  }
}
