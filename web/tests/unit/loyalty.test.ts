// Loyalty screens' arithmetic: the top-up bonus as the server picks it, the
// percent and multiplier conversions, coupon values in both languages.
import { describe, it, expect, beforeEach } from 'vitest'
import { bonusFor, bpToPercent, multiplierText, percentToBp, validMonthDay, zhe } from '@/views/customers/loyalty/rules'
import { statusType, validityText, valueText } from '@/views/customers/loyalty/names'
import { i18n, setLocale } from '@/i18n'

const rules = [
  { min_amount: 50000, bonus: 5000 },
  { min_amount: 100000, bonus: 15000 },
  { min_amount: 20000, bonus: 1000 },
]

describe('bonusFor', () => {
  it('takes the rule with the highest threshold at or below the amount', () => {
    expect(bonusFor(rules, 50000)).toBe(5000)
    expect(bonusFor(rules, 99999)).toBe(5000)
    expect(bonusFor(rules, 100000)).toBe(15000)
    expect(bonusFor(rules, 250000)).toBe(15000)
    expect(bonusFor(rules, 20000)).toBe(1000)
  })
  it('gives nothing below every threshold, without rules or without an amount', () => {
    expect(bonusFor(rules, 19999)).toBe(0)
    expect(bonusFor([], 100000)).toBe(0)
    expect(bonusFor(rules, null)).toBe(0)
    expect(bonusFor(rules, 0)).toBe(0)
    expect(bonusFor(rules, -5)).toBe(0)
  })
})

describe('conversions', () => {
  it('reads basis points as percent and back without drift', () => {
    expect(bpToPercent(1250)).toBe(12.5)
    expect(percentToBp(12.5)).toBe(1250)
    expect(percentToBp(0.29)).toBe(29)
    expect(percentToBp(null)).toBeNull()
    expect(percentToBp(Number.NaN)).toBeNull()
  })
  it('writes multipliers and 折', () => {
    expect(multiplierText(10000)).toBe('×1')
    expect(multiplierText(15000)).toBe('×1.5')
    expect(multiplierText(12500)).toBe('×1.25')
    expect(zhe(1000)).toBe(9)
    expect(zhe(1500)).toBe(8.5)
    expect(zhe(2500)).toBe(7.5)
  })
  it('checks MM-DD dates', () => {
    expect(validMonthDay('02-14')).toBe(true)
    expect(validMonthDay('02-29')).toBe(true)
    expect(validMonthDay('02-30')).toBe(false)
    expect(validMonthDay('13-01')).toBe(false)
    expect(validMonthDay('2-14')).toBe(false)
    expect(validMonthDay('00-10')).toBe(false)
  })
})

describe('coupon texts', () => {
  const t = (k: string, v?: Record<string, unknown>) => i18n.global.t(k, v ?? {})
  beforeEach(() => setLocale('en'))

  it('says what a template gives in English', () => {
    expect(valueText({ kind: 'amount_off', value: 1000, max_discount: null }, t)).toMatch(/^¥10\.00 off$/)
    expect(valueText({ kind: 'percent_off', value: 1500, max_discount: 5000 }, t)).toBe('15% off (at most ¥50.00)')
    expect(valueText({ kind: 'gift', value: 7, max_discount: null }, t, 'Tea')).toBe('Free: Tea')
    expect(validityText({ valid_days: 30, valid_from: null, valid_to: null }, t)).toBe('30 days from issue')
    expect(validityText({ valid_days: null, valid_from: null, valid_to: '2026-12-31' }, t)).toBe('Until 2026-12-31')
  })
  it('says it in Chinese retail terms', () => {
    setLocale('zh-CN')
    expect(valueText({ kind: 'percent_off', value: 1500, max_discount: null }, t)).toBe('8.5 折')
    expect(valueText({ kind: 'amount_off', value: 1000, max_discount: null }, t)).toBe('减 ¥10.00')
    expect(i18n.global.t('loyalty.care.placeholders')).toContain('{name}')
  })
  it('colours statuses', () => {
    expect(statusType('issued')).toBe('success')
    expect(statusType('cancelled')).toBe('info')
  })
})
