// Cancelling an issued coupon, after asking: the code stops working at
// every till at once and cannot be restored.
import { call, client, type Schemas } from '@/api/client'
import { confirmAction } from '@/composables/useConfirm'
import { i18n } from '@/i18n'

/** Asks, then cancels; resolves to the cancelled coupon, or null when the user said no. Throws ApiError. */
export async function cancelCoupon(c: Pick<Schemas['Coupon'], 'id' | 'code'>): Promise<Schemas['Coupon'] | null> {
  const t = i18n.global.t
  const ok = await confirmAction({
    title: t('loyalty.cancel.title'),
    message: t('loyalty.cancel.message', { code: c.code }),
    confirm: t('loyalty.cancel.confirm'),
  })
  if (!ok) return null
  return call(client.POST('/api/v1/coupons/{id}/cancel', { params: { path: { id: c.id } } }))
}
