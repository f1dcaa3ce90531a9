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
