// How the till sends a sale: one place. The offline module's submitSale
// (src/offline/, contract 3) sends it now or keeps it in the outbox; the
// direct sender below is the same without the outbox (switch `submitImpl`).
import { call, client, NetworkError, type Schemas } from '@/api/client'
import { submitSale as outboxSubmit } from '@/offline'
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

/** The sender the POS uses: the outbox (directSubmit posts without one). */
const submitImpl: (input: Schemas['SaleInput'], opts: SubmitOptions) => Promise<SubmitResult> = outboxSubmit

export function submitSale(input: Schemas['SaleInput'], opts: SubmitOptions): Promise<SubmitResult> {
  return submitImpl(input, opts)
}
