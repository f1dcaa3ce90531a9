// Shapes kept in the till's IndexedDB: queued sales, refused sales, and the
// catalog cache (products, members, promotions, store settings).
import type { Schemas, FieldError } from '@/api/client'

/** The body sent for a sale. `apply_promotions` is contract 2 (the server
 * gains it with the offline-sales change); typed here until it is in SaleInput. */
export type SalePayload = Schemas['SaleInput'] & { apply_promotions?: boolean }
export type Sale = Schemas['Sale']

/** A sale waiting in the outbox, sent under the same key on every attempt. */
export interface OutboxItem {
  /** Queue order (IndexedDB auto-increment): oldest first. */
  seq?: number
  key: string
  storeId: number
  localNumber: string
  /** When the sale was made (ISO 8601). */
  createdAt: string
  body: SalePayload
  attempts: number
  /** Consecutive 5xx answers: past MAX_SERVER_ERRORS the sale is a dead letter. */
  serverErrors: number
  lastError: string | null
  lastAttemptAt: string | null
}

/** What the server said when it refused a sale. */
export interface Problem {
  status: number
  type: string
  detail: string
  errors: FieldError[]
}

/** A sale the server refused: waits for a manager to retry or discard it. */
export interface DeadLetter extends OutboxItem {
  problem: Problem
  deadAt: string
}

export interface CachedProduct {
  id: number
  sku: string
  barcode: string | null
  name: string
  unit: string
  price: number
  vat_rate: number
  category_id: number | null
  /** Pinyin initials of the name, lower case ("kkkl" for 可口可乐). */
  initials: string
}

export interface CachedMember {
  id: number
  storeId: number
  name: string
  name_initials: string
  phone: string | null
  phone_last4: string | null
  member_code: string
  tier: string | null
  tier_name: string | null
  points: number
}

/** Per-store facts the till needs while offline. */
export interface StoreSettings {
  storeId: number
  storeName: string
  currency: string
  timeZone: string
  /** Minor units the cash due is rounded down to (1, 10 or 100). */
  cashRounding: number
  receiptHeader: string
  receiptFooter: string
  companyName: string
}

export type CachedPromotion = Schemas['Promotion']

/** The catalog snapshot of one store: when it was taken and what with it. */
export interface CatalogMeta {
  storeId: number
  /** When the prices were read from the server (ISO 8601). */
  at: string
  settings: StoreSettings
  promotions: CachedPromotion[]
}
