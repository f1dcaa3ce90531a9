// Asking before a destructive action: the dialog names what will happen
// (the caller's message), the confirm button says the action, not "OK".
import { ElMessageBox } from 'element-plus'
import { i18n } from '@/i18n'

export interface ConfirmOptions {
  /** Already translated texts. */
  title: string
  message: string
  confirm: string
  /** A red confirm button (erase, cancel an order, delete). Default true. */
  danger?: boolean
}

/** Resolves true when the user confirmed, false when they cancelled or closed it. */
export async function confirmAction(o: ConfirmOptions): Promise<boolean> {
  try {
    await ElMessageBox.confirm(o.message, o.title, {
      type: 'warning',
      confirmButtonText: o.confirm,
      cancelButtonText: i18n.global.t('common.cancel'),
      confirmButtonClass: o.danger === false ? undefined : 'el-button--danger',
      distinguishCancelAndClose: false,
      closeOnClickModal: false,
    })
    return true
  } catch {
    return false
  }
}
