// The customers area's pure helpers (no Vue): the opportunity stages in
// board order, moving a card between columns, column totals, and what a
// timeline event says. Unit-tested without a browser.

export const STAGES = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const
export type Stage = (typeof STAGES)[number]
export const CHANNELS = ['phone', 'sms', 'email', 'wechat', 'visit', 'chat', 'store'] as const
export const TASK_KINDS = ['follow_up', 'call', 'visit', 'other'] as const

export interface Card {
  id: number
  stage: Stage
  amount: number
  weighted_amount: number
}

/**
 * Whether the server accepts moving a card from one stage to another without
 * a 409: a closed deal (won, lost) may only be reopened to negotiation.
 * Moving to `lost` further needs a reason (asked by the board).
 */
export function canMove(from: Stage, to: Stage): boolean {
  if (from === to) return false
  if (from === 'won' || from === 'lost') return to === 'negotiation'
  return true
}

/** The board's columns after a card moved: a new object, the card at the top of its new column. */
export function moveCard<T extends Card>(cols: Record<Stage, T[]>, id: number, to: Stage): Record<Stage, T[]> {
  const out = {} as Record<Stage, T[]>
  let card: T | undefined
  for (const s of STAGES) {
    out[s] = cols[s].filter((c) => {
      if (c.id !== id) return true
      card = c
      return false
    })
  }
  if (card) out[to] = [{ ...card, stage: to }, ...out[to]]
  return out
}

/** Sum of amounts and weighted amounts of the cards shown in a column (fen). */
export function columnTotal(cards: Card[]): { count: number; amount: number; weighted: number } {
  return cards.reduce((t, c) => ({ count: t.count + 1, amount: t.amount + c.amount, weighted: t.weighted + c.weighted_amount }), { count: 0, amount: 0, weighted: 0 })
}

/** Colour of a timeline event (el-timeline-item type). */
export function eventType(kind: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (kind) {
    case 'sale':
    case 'coupon_redeemed':
      return 'success'
    case 'return':
      return 'danger'
    case 'contact':
    case 'task':
      return 'primary'
    case 'tier_change':
    case 'points':
    case 'stored_value':
      return 'warning'
    default:
      return 'info'
  }
}

/**
 * The query for what was typed in the search box: four digits are the last
 * four of the phone; anything else goes to `q` (a name or its pinyin
 * initials, a phone or a member code).
 */
export function searchQuery(text: string): { q?: string; phone_last4?: string } {
  const s = text.trim()
  if (!s) return {}
  const digits = s.replace(/[\s-]/g, '')
  if (/^\d{4}$/.test(digits)) return { phone_last4: digits }
  return { q: s }
}
