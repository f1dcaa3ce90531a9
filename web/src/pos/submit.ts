// How the till sends a sale: one place, so the offline outbox can take over.
// Today this posts straight to the server with an Idempotency-Key; when the
// offline module (src/offline/) lands, switch `submitImpl` below to its
// submitSale (same signature, contract 3) — a one-line change.
import { call, client, NetworkError, type Schemas } from '@/api/client'
import { newIdempotencyKey } from './cart'

export type SubmitResult =
  | { status: 'sent'; sale: Schemas['Sale'] }
  | { status: 'queued'; localNumber: string }

export interface SubmitOptions {
  storeId: number
  localNumber: string
}

/**
 * Posts the sale once under a fresh Idempotency-Key; a network failure is
 * retried with the same key (at most twice), so the sale is recorded at
 * most once. Throws ApiError for a refusal, NetworkError when the server
 * stays unreachable.
 */
export async function directSubmit(input: Schemas['SaleInput']): Promise<SubmitResult> {
  const key = newIdempotencyKey()
  let lastErr: unknown = null
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const sale = await call(client.POST('/api/v1/sales', { body: input, params: { header: { 'Idempotency-Key': key } } }))
      return { status: 'sent', sale }
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e
      lastErr = e
    }
  }
  throw lastErr
}

/** The sender the POS uses. Switch to `submitSale` from '@/offline' here. */
const submitImpl: (input: Schemas['SaleInput'], opts: SubmitOptions) => Promise<SubmitResult> = directSubmit

export function submitSale(input: Schemas['SaleInput'], opts: SubmitOptions): Promise<SubmitResult> {
  return submitImpl(input, opts)
}
