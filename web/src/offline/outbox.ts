// The outbox: sales waiting for the server, oldest first, each under the
// Idempotency-Key it was made with; and the dead letters, the sales the
// server refused, kept for a manager with the server's reason.
import { ApiError, NetworkError } from '@/api/client'
import { db } from './db'
import { transport, type Transport } from './transport'
import type { DeadLetter, OutboxItem, Problem, Sale, SalePayload } from './types'

/** Consecutive 5xx answers for one sale before it becomes a dead letter. */
export const MAX_SERVER_ERRORS = 10
export const BACKOFF_BASE_MS = 1000
export const BACKOFF_CAP_MS = 60_000

/**
 * True for a failure worth trying again with the same key: the server was
 * not reached, answered 5xx, 408 or 429, or the session expired (401: the
 * sale waits until the cashier signs in again). Any other answer is final.
 */
export function isRetryable(e: unknown): boolean {
  if (e instanceof NetworkError) return true
  if (e instanceof ApiError) return e.status >= 500 || e.status === 408 || e.status === 429 || e.status === 401
  return true
}

/**
 * Wait before attempt number `attempt + 1` after `attempt` failures:
 * exponential from BACKOFF_BASE_MS, capped at BACKOFF_CAP_MS, with "equal
 * jitter" (between half and all of it) so that tills do not retry in step.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(30, attempt - 1)))
  return Math.round(exp / 2 + random() * (exp / 2))
}

/** An Idempotency-Key: a v4 UUID (also where crypto.randomUUID is missing, on plain http). */
export function newKey(): string {
  const c = globalThis.crypto
  if (typeof c?.randomUUID === 'function') return c.randomUUID()
  const b = c.getRandomValues(new Uint8Array(16))
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

function problemOf(e: unknown): Problem {
  if (e instanceof ApiError) return { status: e.status, type: e.type, detail: e.detail, errors: e.errors }
  return { status: 0, type: '', detail: e instanceof Error ? e.message : String(e), errors: [] }
}

function describe(e: unknown): string {
  if (e instanceof ApiError) return `${e.status} ${e.detail}`.trim()
  if (e instanceof NetworkError) return 'network'
  return e instanceof Error ? e.message : String(e)
}

/** Puts a sale at the end of the outbox; the key and body are sent as they are, on every attempt. */
export async function enqueue(sale: {
  key: string
  storeId: number
  localNumber: string
  createdAt: string
  body: SalePayload
}): Promise<OutboxItem> {
  const item: OutboxItem = { ...sale, attempts: 0, serverErrors: 0, lastError: null, lastAttemptAt: null }
  const d = await db()
  item.seq = await d.add('outbox', item)
  return item
}

/** The queued sales, oldest first; of one store, or of every store. */
export async function listOutbox(storeId?: number): Promise<OutboxItem[]> {
  const d = await db()
  return storeId == null ? d.getAll('outbox') : d.getAllFromIndex('outbox', 'store', storeId)
}

/** How many sales wait to be sent (of one store, or all). */
export async function pendingCount(storeId?: number): Promise<number> {
  const d = await db()
  return storeId == null ? d.count('outbox') : d.countFromIndex('outbox', 'store', storeId)
}

/** The refused sales (of one store, or all), oldest first. */
export async function deadLetters(storeId?: number): Promise<DeadLetter[]> {
  const d = await db()
  return storeId == null ? d.getAll('dead') : d.getAllFromIndex('dead', 'store', storeId)
}

/**
 * Puts a refused sale back in the outbox in its old place (same key, same
 * body: a sale the server did take is never recorded twice). False when
 * there is no such dead letter.
 */
export async function retryDead(seq: number): Promise<boolean> {
  const d = await db()
  const tx = d.transaction(['dead', 'outbox'], 'readwrite')
  const dl = await tx.objectStore('dead').get(seq)
  if (!dl) {
    await tx.done
    return false
  }
  const item: OutboxItem & Partial<Pick<DeadLetter, 'problem' | 'deadAt'>> = { ...dl, attempts: 0, serverErrors: 0 }
  delete item.problem
  delete item.deadAt
  await tx.objectStore('dead').delete(seq)
  await tx.objectStore('outbox').put(item)
  await tx.done
  return true
}

/** Drops a refused sale for good (a manager's decision). False when there is none. */
export async function discardDead(seq: number): Promise<boolean> {
  const d = await db()
  const tx = d.transaction('dead', 'readwrite')
  const found = (await tx.store.count(seq)) > 0
  if (found) await tx.store.delete(seq)
  await tx.done
  return found
}

export type StepResult =
  | { kind: 'empty' }
  | { kind: 'sent'; item: OutboxItem; sale: Sale }
  | { kind: 'dead'; item: DeadLetter }
  | { kind: 'retry'; item: OutboxItem; error: unknown; delay: number }

/**
 * Sends the oldest queued sale of the store, once. Only the till's sender
 * calls this, one call at a time. Sent: removed from the outbox. Refused (a
 * 4xx other than 401/408/429, or too many 5xx): moved to the dead letters so
 * the next sale goes on. Otherwise: stays first with its attempt counted,
 * and `delay` says how long to wait before the next try.
 */
export async function sendNext(
  storeId: number,
  t: Transport = transport(),
  random: () => number = Math.random,
): Promise<StepResult> {
  const d = await db()
  const cursor = await d.transaction('outbox').store.index('store').openCursor(storeId)
  const item = cursor?.value
  if (!item) return { kind: 'empty' }
  item.attempts += 1
  item.lastAttemptAt = new Date().toISOString()
  try {
    const sale = await t.postSale(item.body, item.key)
    await d.delete('outbox', item.seq!)
    return { kind: 'sent', item, sale }
  } catch (e) {
    item.lastError = describe(e)
    const server5xx = e instanceof ApiError && e.status >= 500
    item.serverErrors = server5xx ? item.serverErrors + 1 : 0
    if (isRetryable(e) && item.serverErrors < MAX_SERVER_ERRORS) {
      await d.put('outbox', item)
      return { kind: 'retry', item, error: e, delay: backoffDelay(item.attempts, random) }
    }
    const dl: DeadLetter = { ...item, problem: problemOf(e), deadAt: new Date().toISOString() }
    const tx = d.transaction(['outbox', 'dead'], 'readwrite')
    await tx.objectStore('outbox').delete(item.seq!)
    await tx.objectStore('dead').put(dl)
    await tx.done
    return { kind: 'dead', item: dl }
  }
}
