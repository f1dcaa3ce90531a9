// The journey editor's rules: a new step, the day each step goes out, the
// trigger in words, the checks made before saving and the body sent. Pure.
import type { Journey, JourneyInput, JourneyKind, JourneyStep, Lang, StepChannel, StepMessage } from '../api'
import { LANGS } from '../campaigns/campaigns'

export const JOURNEY_KINDS: JourneyKind[] = ['welcome', 'winback', 'birthday']
// The languages a message is written in, as campaigns have them.
export { LANGS }
/** A step's channels: in_store sends no message, it gives a coupon to use at the till. */
export const STEP_CHANNELS: StepChannel[] = ['sms', 'email', 'wechat', 'in_store']
/** The variables a message may use, filled in per customer when it is queued. */
export const VARIABLES = ['{name}', '{coupon}', '{store}', '{points}']

/** A step as the editor holds it: both languages present, subjects as strings. */
export interface StepValues {
  delay_days: number
  channel: StepChannel
  coupon_template_id: number | null
  messages: Record<Lang, { subject: string; body: string }>
}
export interface JourneyValues {
  kind: JourneyKind
  name: string
  trigger_days: number
  active: boolean
  steps: StepValues[]
}

export function blankStep(channel: StepChannel = 'sms', delay = 0): StepValues {
  return { delay_days: delay, channel, coupon_template_id: null, messages: { 'zh-CN': { subject: '', body: '' }, en: { subject: '', body: '' } } }
}

/** Where a new journey of the kind starts: a win-back after 60 quiet days, a birthday greeting 3 days ahead, a welcome at once. */
export function blankJourney(kind: JourneyKind = 'welcome'): JourneyValues {
  return { kind, name: '', trigger_days: defaultTriggerDays(kind), active: true, steps: [blankStep()] }
}

/** The furthest ahead of a birthday a birthday journey may start (days). */
export const BIRTHDAY_MAX = 90

export function defaultTriggerDays(kind: JourneyKind): number {
  return kind === 'winback' ? 60 : kind === 'birthday' ? 3 : 0
}

/** The editor's values of a saved journey (steps in order, missing languages blank). */
export function journeyValues(j: Pick<Journey, 'kind' | 'name' | 'trigger_days' | 'active' | 'steps'>): JourneyValues {
  const steps = [...j.steps].sort((a, b) => a.step_no - b.step_no)
  return {
    kind: j.kind,
    name: j.name,
    trigger_days: j.trigger_days,
    active: j.active,
    steps: steps.map((s) => ({
      delay_days: s.delay_days,
      channel: s.channel,
      coupon_template_id: s.coupon_template_id ?? null,
      messages: Object.fromEntries(LANGS.map((l) => [l, { subject: s.messages[l]?.subject ?? '', body: s.messages[l]?.body ?? '' }])) as StepValues['messages'],
    })),
  }
}

/** The day after the trigger each step goes out: each step waits its delay after the one before. */
export function stepDays(steps: { delay_days: number }[]): number[] {
  let day = 0
  return steps.map((s) => (day += Math.max(0, s.delay_days || 0)))
}

/** Moves step `i` by `by` places (−1 up, +1 down); the same array when it cannot move. */
export function moveStep<T>(steps: T[], i: number, by: -1 | 1): T[] {
  const j = i + by
  if (i < 0 || i >= steps.length || j < 0 || j >= steps.length) return steps
  const out = [...steps]
  ;[out[i], out[j]] = [out[j], out[i]]
  return out
}

/**
 * Problems found before saving, as field → message key: a name, a trigger
 * in range, at least one step, and each step written in at least one
 * language (an email also needs its subject there), or for an in-store
 * step a coupon. Fields use the server's names (`steps[0].messages`).
 */
export function checkJourney(v: JourneyValues): Record<string, string> {
  const e: Record<string, string> = {}
  if (!v.name.trim()) e.name = 'required'
  if (v.kind === 'winback' && !(v.trigger_days >= 1)) e.trigger_days = 'winbackDays'
  if (v.kind === 'birthday' && !(v.trigger_days >= 0 && v.trigger_days <= BIRTHDAY_MAX)) e.trigger_days = 'birthdayDays'
  if (!v.steps.length) e.steps = 'noSteps'
  v.steps.forEach((s, i) => {
    if (s.channel === 'in_store') {
      if (!s.coupon_template_id) e[`steps[${i}].coupon_template_id`] = 'inStoreCoupon'
      return
    }
    const written = LANGS.filter((l) => s.messages[l].body.trim())
    if (!written.length) e[`steps[${i}].messages`] = 'noMessage'
    else if (s.channel === 'email' && written.some((l) => !s.messages[l].subject.trim())) e[`steps[${i}].messages`] = 'noSubject'
  })
  return e
}

/** The POST/PATCH body: trimmed, numbered from 1, languages without a body left out, subjects only for email. */
export function journeyInput(v: JourneyValues): JourneyInput {
  return {
    kind: v.kind,
    name: v.name.trim(),
    trigger_days: v.kind === 'welcome' ? 0 : v.trigger_days,
    active: v.active,
    steps: v.steps.map((s, i): JourneyStep => {
      const messages: Partial<Record<Lang, StepMessage>> = {}
      for (const l of s.channel === 'in_store' ? [] : LANGS) {
        const body = s.messages[l].body.trim()
        if (body) messages[l] = { subject: s.channel === 'email' ? s.messages[l].subject.trim() : null, body }
      }
      return { step_no: i + 1, delay_days: Math.max(0, s.delay_days || 0), channel: s.channel, coupon_template_id: s.coupon_template_id || null, messages }
    }),
  }
}
