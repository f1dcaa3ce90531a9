// The confirmations of a stock count, each naming what will happen to the stock.
import type { Schemas } from '@/api/client'
import { confirmAction } from '@/composables/useConfirm'
import { money } from '@/utils/money'

type Tr = (key: string, named?: Record<string, unknown>) => string

export function useConfirm(t: Tr) {
  function confirmApply(r: Schemas['StockCountReview']): Promise<boolean> {
    return confirmAction({
      title: t('inventory.count.applyTitle'),
      message: t('inventory.count.applyMessage', {
        counted: r.totals.counted,
        changed: r.totals.with_variance,
        value: money(r.totals.variance_value),
        uncounted: r.totals.uncounted,
      }),
      confirm: t('inventory.count.apply'),
      danger: false,
    })
  }
  function confirmCancel(r: Schemas['StockCountReview']): Promise<boolean> {
    return confirmAction({
      title: t('inventory.count.cancelTitle'),
      message: t('inventory.count.cancelMessage', { counted: r.totals.counted }),
      confirm: t('inventory.count.cancel'),
    })
  }
  return { confirmApply, confirmCancel }
}
