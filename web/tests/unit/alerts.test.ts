// The alert sentences rendered from kind + details in both languages, with
// money and percentages formatted: the figures the API's English message
// carries, in the UI language.
import { afterEach, describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { messages } from '@/i18n'
import { setFormat } from '@/utils/format'
import { setMoneyFormat } from '@/utils/money'
import { ALERT_KINDS, alertKindType, alertSentence } from '@/views/inventory/alertText'

function tr(locale: 'zh-CN' | 'en') {
  const i18n = createI18n({ legacy: false, locale, messages, missingWarn: false, fallbackWarn: false })
  setFormat(locale, 'Asia/Shanghai')
  setMoneyFormat('CNY', locale)
  return (k: string, named?: Record<string, unknown>) => (named ? i18n.global.t(k, named) : i18n.global.t(k))
}
afterEach(() => {
  setFormat('zh-CN', 'Asia/Shanghai')
  setMoneyFormat('CNY', 'zh-CN')
})

const store = {
  kind: 'store_sales',
  message: 'Store S001 sold ¥3,120 today by 15:00, 46% below the ¥5,780 expected for a Saturday (95% band ¥4,900–¥6,600)',
  quantity: null,
  threshold: null,
  details: { store_code: 'S001', store_name: '上海大学城店', hour: 15, weekday: 6, actual: 312000, expected: 578000, lower: 490000, upper: 660000, pct: -46.0 },
}
const cashier = {
  kind: 'cashier_voids',
  message: '',
  quantity: null,
  threshold: null,
  details: { store_code: 'S001', store_name: '上海大学城店', cashier: '王芳', metric: 'voids', events: 12, sales: 40, rate: 0.3, median: 0.0042, z: 41.2, days: 28 },
}
const adjust = {
  kind: 'stock_adjustment',
  message: '',
  quantity: 250,
  threshold: null,
  details: { store_code: 'S002', store_name: '杭州中心店', quantity: 250, value: 340000, mean_quantity: 1.2, mean_value: 1600, days: 90 },
}

describe('alert sentences', () => {
  it('says a store day outside its band with the figures, in English', () => {
    expect(alertSentence(store, tr('en'))).toBe(
      '上海大学城店 sold ¥3,120.00 today by 15:00, 46% below the ¥5,780.00 expected for a Saturday (95% band ¥4,900.00–¥6,600.00)',
    )
  })
  it('and in Chinese', () => {
    expect(alertSentence(store, tr('zh-CN'))).toBe('上海大学城店 今天截至 15:00 销售额 ¥3,120.00，比周六的预期 ¥5,780.00 低了 46%（95% 区间 ¥4,900.00–¥6,600.00）')
  })
  it('says a cashier with the rate and the peer median', () => {
    expect(alertSentence(cashier, tr('en'))).toBe(
      "Cashier 王芳 (上海大学城店) had 30% of 40 sales voided over the last 28 days (12 sales); the store's cashiers' median is 0.4% (robust z 41.2)",
    )
    expect(alertSentence(cashier, tr('zh-CN'))).toBe('收银员 王芳（上海大学城店）近 28 天的 40 笔销售中有 12 笔被作废，占 30%；本店收银员的中位数是 0.4%（稳健 z 值 41.2）')
  })
  it('says a stock adjustment with quantity and value', () => {
    expect(alertSentence(adjust, tr('en'))).toBe(
      '杭州中心店 adjusted 250 units (¥3,400.00 at cost) of stock today, against a daily average of 1.2 units (¥16.00) over the last 90 days',
    )
  })
  it('says stock alerts from quantity and threshold, and falls back to the message without figures', () => {
    const low = { kind: 'low_stock', message: 'Low stock', quantity: 3, threshold: 5, details: null }
    expect(alertSentence(low, tr('en'), 'Milk')).toBe('Milk: 3 on hand, minimum 5')
    expect(alertSentence({ ...store, details: null }, tr('en'))).toBe(store.message)
  })
  it('names and colours every kind in both languages', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const t = tr(lang)
      for (const k of ALERT_KINDS) expect(t(`alerts.kind.${k}`)).not.toBe(`alerts.kind.${k}`)
    }
    expect(alertKindType('cashier_voids')).toBe('danger')
    expect(alertKindType('store_sales')).toBe('warning')
  })
})
