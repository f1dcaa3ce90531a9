// Loyalty arithmetic the screens share, without Vue: the top-up bonus a
// rule gives (as the server picks it), basis points as percent and
// multipliers, and how a coupon's value reads.

export interface BonusRule {
  min_amount: number
  bonus: number
}

/**
 * The bonus a top-up of `amount` fen gets: the rule with the highest
 * min_amount at or below the amount (the server's choice), 0 without one.
 */
export function bonusFor(rules: readonly BonusRule[], amount: number | null | undefined): number {
  if (!amount || amount < 1) return 0
  let best: BonusRule | null = null
  for (const r of rules) if (r.min_amount <= amount && (!best || r.min_amount > best.min_amount)) best = r
  return best ? best.bonus : 0
}

/** Basis points as a percent number (1250 → 12.5). */
export function bpToPercent(bp: number): number {
  return bp / 100
}

/** A typed percent back to basis points (12.5 → 1250); null when not a number. */
export function percentToBp(p: number | null | undefined): number | null {
  if (p === null || p === undefined || !Number.isFinite(p)) return null
  return Math.round(p * 100)
}

/** A points multiplier in basis points as text: 15000 → "×1.5". */
export function multiplierText(bp: number): string {
  return `×${Number((bp / 10000).toFixed(2))}`
}

/** A percent-off coupon in Chinese retail terms: 1500 bp off → 8.5 (折). */
export function zhe(bp: number): number {
  return Number(((10000 - bp) / 1000).toFixed(2))
}

/** MM-DD, a real month and day (02-29 allowed). */
export function validMonthDay(s: string): boolean {
  const m = /^(\d{2})-(\d{2})$/.exec(s)
  if (!m) return false
  const mo = Number(m[1]), d = Number(m[2])
  const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days[mo - 1]
}
