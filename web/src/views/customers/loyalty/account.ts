// A customer's stored-value balances, read for the top-up and refund dialogs.
import { ref, watch, type Ref } from 'vue'
import { call, client, type Schemas } from '@/api/client'

export interface Balances {
  balance: number
  paid_balance: number
  bonus_balance: number
}

/** The balances of the customer in `id` (null while none is picked or loading); `reload()` reads them again. */
export function useBalances(id: Ref<number | null>) {
  const balances = ref<Balances | null>(null)
  let seq = 0
  async function reload() {
    const mine = ++seq
    balances.value = null
    const cid = id.value
    if (!cid) return
    try {
      const r = (await call(client.GET('/api/v1/customers/{id}/stored-value', { params: { path: { id: cid }, query: { limit: 1 } } }))) as Schemas['StoredValueLedger']
      if (mine === seq) balances.value = { balance: r.balance, paid_balance: r.paid_balance, bonus_balance: r.bonus_balance }
    } catch {
      /* shown as unknown; the server checks the amounts */
    }
  }
  watch(id, reload)
  return { balances, reload }
}

export const METHODS = ['cash', 'card', 'wechat', 'alipay'] as const
export type Method = (typeof METHODS)[number]
