// The outbox screen's data: a queued message as GET /outbox answers it, the
// statuses it passes through, and which of them can be sent again. Pure.

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'bounced' | 'opted_out' | 'suppressed' | 'cancelled'
export type Channel = 'sms' | 'email' | 'wechat'

/** Every status, in the order a message meets them (the filter's choices). */
export const OUTBOX_STATUSES: OutboxStatus[] = ['queued', 'sending', 'sent', 'delivered', 'failed', 'bounced', 'opted_out', 'suppressed', 'cancelled']
export const CHANNELS: Channel[] = ['sms', 'email', 'wechat']
/** What queues messages (outbox.source). */
export const SOURCES = ['campaign', 'journey', 'care'] as const

type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

/** The colour of a status tag: delivered green, on its way blue, waiting grey, refused orange, lost red. */
export function statusType(status: string, dead = false): TagType {
  if (dead) return 'danger'
  switch (status) {
    case 'delivered':
    case 'sent':
      return 'success'
    case 'sending':
      return 'primary'
    case 'failed':
    case 'bounced':
      return 'danger'
    case 'opted_out':
    case 'suppressed':
      return 'warning'
    default:
      return 'info'
  }
}

/** A message the sender gave up on (failed, bounced, or out of retries) can be queued again. */
export function retryable(m: { status: string; dead?: boolean }): boolean {
  return !!m.dead || m.status === 'failed' || m.status === 'bounced'
}

/** A queued message that waits for a later time (a retry, quiet hours). */
export function waiting(m: { status: string; next_at?: string | null }, now: Date = new Date()): boolean {
  return m.status === 'queued' && !!m.next_at && new Date(m.next_at).getTime() > now.getTime()
}

type T = (key: string, values?: Record<string, unknown>) => string

/**
 * The sender's reason (written in English by the server) in the UI
 * language when it is one the sender writes; anything else (a gateway's own
 * error) as it is. A retry's or a give-up's detail is kept inside the text.
 */
export function reasonText(reason: string | null | undefined, t: T): string {
  if (!reason) return ''
  const ch = (c: string) => t(`marketing.channel.${c}`)
  let m: RegExpExecArray | null
  if ((m = /^(.*) \(attempt (\d+) of (\d+), retried later\)$/.exec(reason))) return t('marketing.outbox.reasons.retrying', { detail: reasonText(m[1], t), n: m[2], max: m[3] })
  if ((m = /^(.*) \(attempt (\d+), given up\)$/.exec(reason))) return t('marketing.outbox.reasons.gaveUp', { detail: reasonText(m[1], t), n: m[2] })
  if ((m = /^no (sms|email|wechat) gateway configured$/.exec(reason))) return t('marketing.outbox.reasons.noGateway', { channel: ch(m[1]) })
  if ((m = /^the (sms|email|wechat) gateway is disabled$/.exec(reason))) return t('marketing.outbox.reasons.disabled', { channel: ch(m[1]) })
  if ((m = /^quiet hours (\d\d:\d\d)-(\d\d:\d\d): waits until they end$/.exec(reason))) return t('marketing.outbox.reasons.quiet', { start: m[1], end: m[2] })
  if ((m = /^no (sms|email|wechat) consent at send time$/.exec(reason))) return t('marketing.outbox.reasons.noConsent', { channel: ch(m[1]) })
  if ((m = /^no (phone|email|wechat) address$/.exec(reason))) return t(`marketing.outbox.reasons.noAddress.${m[1]}`)
  if ((m = /^the gateway answered HTTP (\d+)$/.exec(reason))) return t('marketing.outbox.reasons.http', { code: m[1] })
  if (reason === 'the customer was erased') return t('marketing.outbox.reasons.erased')
  if (reason === 'the customer is gone') return t('marketing.outbox.reasons.gone')
  if (reason.startsWith('interrupted; delivery unknown')) return t('marketing.outbox.reasons.interrupted')
  if (reason.startsWith('interrupted; sent again')) return t('marketing.outbox.reasons.resent')
  return reason
}
