// The POS's offline side, free of Vue: submitSale (send now, or queue in the
// outbox under the sale's Idempotency-Key), the sync that empties the outbox,
// the dead letters, the catalog cache and local receipt numbers.
import { ApiError, NetworkError } from '@/api/client'
import * as outbox from './outbox'
import { state } from './state'
import { createSync, type Sync, type SyncOptions } from './sync'
import { transport } from './transport'
import type { Sale, SalePayload } from './types'

export type SubmitResult = { status: 'sent'; sale: Sale } | { status: 'queued'; localNumber: string }

let active: Sync | null = null

/**
 * Starts syncing the outbox of the store in this tab (idempotent; another
 * store stops the previous one). The POS calls it on entry; the sender is
 * elected among the tabs. Returns the function that stops it.
 */
export function startSync(opts: SyncOptions): () => void {
  if (active && active.storeId !== opts.storeId) stopSync()
  if (!active) {
    state.storeId = opts.storeId
    active = createSync(opts)
  }
  return stopSync
}

/** Stops the sync of this tab (logout); the outbox stays in IndexedDB. */
export function stopSync(): void {
  active?.stop()
  active = null
  state.storeId = null
}

/** The sync running in this tab, if any. */
export function currentSync(): Sync | null {
  return active
}

/** Whether the server was reachable at the last contact (offline: no coupons, points, stored value, preview). */
export function isOnline(): boolean {
  return active ? active.isOnline() : state.online
}

/**
 * Records a sale made at the till. One Idempotency-Key (UUID) is made here
 * and kept with the sale for every attempt. Online: sent now, 'sent' with
 * the server's sale. Offline (or when sales already wait, to keep the
 * order): queued with `offline_at` (the sale's time) and
 * `apply_promotions: false` when the till is offline, 'queued' with the
 * local number. A network failure, 5xx, 408, 429 or 401 also queues the
 * sale, unchanged (the server may have it already: the same key and body
 * make a resend answer that sale). Any other 4xx is thrown as ApiError for
 * the cashier to fix the cart; nothing is kept.
 */
export async function submitSale(
  input: SalePayload,
  opts: { storeId: number; localNumber: string },
): Promise<SubmitResult> {
  if (!active || active.storeId !== opts.storeId) startSync({ storeId: opts.storeId })
  const sync = active!
  const key = outbox.newKey()
  const createdAt = new Date().toISOString()
  const offline = !sync.isOnline()
  const body: SalePayload = offline
    ? { ...input, offline_at: input.offline_at ?? createdAt, apply_promotions: false }
    : input
  const queue = async (): Promise<SubmitResult> => {
    await outbox.enqueue({ key, storeId: opts.storeId, localNumber: opts.localNumber, createdAt, body })
    await sync.notify()
    sync.kick()
    return { status: 'queued', localNumber: opts.localNumber }
  }
  if (offline || (await outbox.pendingCount(opts.storeId)) > 0) return queue()
  try {
    const sale = await transport().postSale(body, key)
    sync.setOnline(true)
    return { status: 'sent', sale }
  } catch (e) {
    if (!outbox.isRetryable(e)) throw e
    sync.setOnline(!(e instanceof NetworkError))
    return queue()
  }
}

/** Sales waiting to be sent (of the store the sync runs for, or of `storeId`). */
export function pendingCount(storeId: number | undefined = state.storeId ?? undefined): Promise<number> {
  return outbox.pendingCount(storeId)
}

/** Refused sales with the server's reason (of the store the sync runs for, or of `storeId`). */
export function deadLetters(storeId: number | undefined = state.storeId ?? undefined) {
  return outbox.deadLetters(storeId)
}

/** Puts a refused sale back in the outbox (same key and body) and tries it. */
export async function retryDead(id: number): Promise<boolean> {
  const ok = await outbox.retryDead(id)
  await active?.notify()
  active?.kick(true)
  return ok
}

/** Drops a refused sale (a manager's decision). */
export async function discardDead(id: number): Promise<boolean> {
  const ok = await outbox.discardDead(id)
  await active?.notify()
  return ok
}

/** A shift may be closed only when no sale of the store waits in the outbox. */
export async function canCloseShift(storeId: number | undefined = state.storeId ?? undefined): Promise<boolean> {
  return (await pendingCount(storeId)) === 0
}

export { events, Emitter, type OfflineEvents } from './emitter'
export { setTransport, type Transport } from './transport'
export {
  cacheCatalog,
  findProductByCode,
  searchProducts,
  findMember,
  searchMembers,
  pricesAsOf,
  storeSettings,
  cachedPromotions,
} from './cache'
export { nextLocalNumber } from './numbers'
export { backoffDelay, isRetryable, MAX_SERVER_ERRORS } from './outbox'
export { createSync, type Sync, type SyncOptions } from './sync'
export type * from './types'
export { ApiError, NetworkError }
