// The gateway and marketing settings screen's rules: which config fields a
// channel has, what a gateway's state is in one word, the body a card sends,
// and the checks made before sending. Pure.
import type { Channel } from '../outbox/outbox'
import type { Gateway, GatewayInput } from '../api'

/** The config fields of each channel's gateway, in the order the card shows them. */
export const GATEWAY_FIELDS: Record<Channel, string[]> = {
  email: ['smtp_url', 'username', 'from_address', 'from_name', 'starttls'],
  sms: ['url'],
  wechat: ['url'],
}

export type GatewayState = 'ready' | 'incomplete' | 'off'

/**
 * Incomplete while something is still to configure (switched on or not: what
 * is missing is what to say first); then off when switched off; else ready.
 */
export function gatewayState(g: Pick<Gateway, 'enabled' | 'configured' | 'missing'>): GatewayState {
  if (!g.configured || g.missing.length > 0) return 'incomplete'
  return g.enabled ? 'ready' : 'off'
}

/** The card's values: the channel's config fields (strings), the secret typed (never the stored one), rate and switch. */
export interface GatewayValues {
  enabled: boolean
  config: Record<string, string>
  secret: string
  rate_per_minute: number
}

export function gatewayValues(g: Gateway): GatewayValues {
  const config: Record<string, string> = {}
  for (const f of GATEWAY_FIELDS[g.channel]) config[f] = String(g.config?.[f] ?? '')
  if (g.channel === 'email' && !config.starttls) config.starttls = 'try'
  return { enabled: g.enabled, config, secret: '', rate_per_minute: g.rate_per_minute }
}

/**
 * The PUT body: the channel's fields trimmed (empty ones sent empty, so a
 * field can be cleared), the secret only when one was typed (the stored one
 * is kept otherwise).
 */
export function gatewayInput(channel: Channel, v: GatewayValues): GatewayInput {
  const config: Record<string, string> = {}
  for (const f of GATEWAY_FIELDS[channel]) config[f] = (v.config[f] ?? '').trim()
  const body: GatewayInput = { enabled: v.enabled, config, rate_per_minute: v.rate_per_minute }
  if (v.secret.trim()) body.secret = v.secret.trim()
  return body
}

/** Field → problem, for what can be told before sending (addresses that cannot work). */
export function checkGateway(channel: Channel, v: GatewayValues): Record<string, string> {
  const e: Record<string, string> = {}
  const c = v.config
  if (channel === 'email') {
    if (c.smtp_url?.trim() && !/^smtps?:\/\/[^\s/]+/i.test(c.smtp_url.trim())) e['config.smtp_url'] = 'smtpUrl'
    if (c.from_address?.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(c.from_address.trim())) e['config.from_address'] = 'email'
  } else if (c.url?.trim() && !/^https?:\/\/[^\s/]+/i.test(c.url.trim())) e['config.url'] = 'url'
  if (!Number.isInteger(v.rate_per_minute) || v.rate_per_minute < 1) e.rate_per_minute = 'rate'
  return e
}

/** "HH:MM" on a 24-hour clock. */
export function validClock(s: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(s)
}

/** Quiet hours that run past midnight (21:00 → 08:00) end the next day. */
export function overnight(start: string, end: string): boolean {
  return validClock(start) && validClock(end) && end <= start
}

/** Items joined as a sentence's list in the language ("a, b and c", "a、b和c"). */
export function listText(items: string[], locale: string): string {
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(items)
}
