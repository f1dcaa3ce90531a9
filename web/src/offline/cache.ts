// The catalog cache: what the till needs to go on selling without the
// server — products with prices and barcodes, the store's members, the
// active promotions (shown, not applied), the store's settings — and the
// lookups the POS makes in it.
import { db } from './db'
import { events } from './emitter'
import { state } from './state'
import { transport, type Page, type Transport } from './transport'
import type { CachedMember, CachedProduct, CachedPromotion, CatalogMeta, StoreSettings } from './types'

async function all<T>(page: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = []
  let cursor: string | null = null
  for (let i = 0; i < 1000; i++) {
    const p: Page<T> = await page(cursor)
    out.push(...p.items)
    cursor = p.next_cursor ?? null
    if (!cursor) break
  }
  return out
}

/** Pinyin initials of each name; pinyin-pro is loaded only when the catalog is refreshed. */
async function initialsOf(names: string[]): Promise<string[]> {
  const { pinyin } = await import('pinyin-pro')
  return names.map((n) =>
    pinyin(n, { pattern: 'first', toneType: 'none', type: 'array' })
      .join('')
      .replace(/\s+/g, '')
      .toLowerCase(),
  )
}

let mirror: Promise<CachedProduct[]> | null = null

/** Forgets the in-memory copy of the products (another tab refreshed the cache). */
export function invalidateMirror(): void {
  mirror = null
}

function products(): Promise<CachedProduct[]> {
  if (!mirror) mirror = db().then((d) => d.getAll('products'))
  return mirror
}

/**
 * Reads the catalog of the store from the server (every page, 500 a page)
 * and replaces the cached copy in one transaction, so a failed refresh
 * leaves the last good one. Throws what the server calls throw.
 */
export async function cacheCatalog(storeId: number, t: Transport = transport()): Promise<CatalogMeta> {
  const at = new Date().toISOString()
  const [prods, custs, promos, store, settings] = await Promise.all([
    all((c) => t.products(c)),
    all((c) => t.members(storeId, c)),
    all((c) => t.promotions(c)),
    t.store(storeId),
    t.settings(),
  ])
  const initials = await initialsOf(prods.map((p) => p.name))
  const rows: CachedProduct[] = prods.map((p, i) => ({
    id: p.id,
    sku: p.sku,
    barcode: p.barcode,
    name: p.name,
    unit: p.unit,
    price: p.price,
    vat_rate: p.vat_rate,
    category_id: p.category_id,
    initials: initials[i],
  }))
  const members: CachedMember[] = custs.map((c) => ({
    id: c.id,
    storeId,
    name: c.name,
    name_initials: c.name_initials,
    phone: c.phone,
    phone_last4: c.phone_last4,
    member_code: c.member_code,
    tier: c.tier,
    tier_name: c.tier_name,
    points: c.points_balance,
  }))
  const promotions: CachedPromotion[] = promos.filter(
    (p) => p.active && (p.store_ids.length === 0 || p.store_ids.includes(storeId)),
  )
  const s: StoreSettings = {
    storeId,
    storeName: store.name,
    currency: settings.currency,
    timeZone: settings.time_zone,
    cashRounding: store.cash_rounding,
    receiptHeader: settings.receipt_header,
    receiptFooter: settings.receipt_footer,
    companyName: settings.company_name,
  }
  const meta: CatalogMeta = { storeId, at, settings: s, promotions }
  const d = await db()
  const tx = d.transaction(['products', 'members', 'catalog'], 'readwrite')
  const ps = tx.objectStore('products')
  await ps.clear()
  for (const r of rows) void ps.put(r)
  const ms = tx.objectStore('members')
  for (const k of await ms.index('store').getAllKeys(storeId)) void ms.delete(k)
  for (const m of members) void ms.put(m)
  void tx.objectStore('catalog').put(meta)
  await tx.done
  mirror = null
  events.emit('pricesAsOf', at)
  return meta
}

/** When the cached prices of the store were read (ISO 8601), or null when nothing is cached. */
export async function pricesAsOf(storeId = state.storeId): Promise<string | null> {
  if (storeId == null) return null
  return (await (await db()).get('catalog', storeId))?.at ?? null
}

/** The cached settings of the store (currency, cash rounding, receipt texts), or null. */
export async function storeSettings(storeId = state.storeId): Promise<StoreSettings | null> {
  if (storeId == null) return null
  return (await (await db()).get('catalog', storeId))?.settings ?? null
}

/** The promotions active for the store when the cache was taken (for display: offline they are not applied). */
export async function cachedPromotions(storeId = state.storeId): Promise<CachedPromotion[]> {
  if (storeId == null) return []
  return (await (await db()).get('catalog', storeId))?.promotions ?? []
}

/** The product with this barcode, else this SKU (exact), or null. */
export async function findProductByCode(code: string): Promise<CachedProduct | null> {
  const c = code.trim()
  if (!c) return null
  const d = await db()
  return (await d.getFromIndex('products', 'barcode', c)) ?? (await d.getFromIndex('products', 'sku', c)) ?? null
}

/**
 * Products whose name, SKU, barcode or pinyin initials contain `q` (case
 * ignored), best first: exact code, then prefix, then anywhere; at most `limit`.
 */
export async function searchProducts(q: string, limit = 20): Promise<CachedProduct[]> {
  const s = q.trim().toLowerCase()
  if (!s) return []
  const scored: { p: CachedProduct; score: number }[] = []
  for (const p of await products()) {
    const fields = [p.barcode ?? '', p.sku.toLowerCase(), p.name.toLowerCase(), p.initials]
    let score = 0
    if (fields[0] === s || fields[1] === s) score = 3
    else if (fields.some((f) => f.startsWith(s))) score = 2
    else if (fields.some((f) => f.includes(s))) score = 1
    if (score) scored.push({ p, score })
  }
  scored.sort((a, b) => b.score - a.score || a.p.name.localeCompare(b.p.name))
  return scored.slice(0, limit).map((x) => x.p)
}

/** True when the (possibly masked, "138****5678") phone on file fits the digits typed. */
function phoneFits(onFile: string | null, digits: string): boolean {
  if (!onFile) return false
  const f = onFile.replace(/[\s-]/g, '').replace(/^\+86/, '')
  if (f.length !== digits.length) return false
  for (let i = 0; i < f.length; i++) if (f[i] !== '*' && f[i] !== digits[i]) return false
  return true
}

async function byCodeOrPhone(s: string, storeId: number | undefined, limit: number): Promise<CachedMember[] | null> {
  const d = await db()
  const mine = (ms: CachedMember[]) => (storeId == null ? ms : ms.filter((m) => m.storeId === storeId))
  const byCode = mine(await d.getAllFromIndex('members', 'code', s))
  if (byCode.length) return byCode
  const digits = s.replace(/[\s-]/g, '').replace(/^\+86/, '')
  if (!/^[0-9]+$/.test(digits)) return null
  if (digits.length === 4) return mine(await d.getAllFromIndex('members', 'last4', digits)).slice(0, limit)
  if (digits.length < 7) return []
  const cands = mine(await d.getAllFromIndex('members', 'last4', digits.slice(-4)))
  return cands.filter((m) => phoneFits(m.phone, digits)).slice(0, limit)
}

/**
 * Cached members matching `q`: the member code, the phone (exact; a phone
 * masked in the cache matches on its visible digits), the last four digits
 * of the phone, or else a name / pinyin-initials prefix. `storeId` (by default the store the sync
 * runs for) limits them to that store's members.
 */
export async function searchMembers(q: string, storeId = state.storeId ?? undefined, limit = 20): Promise<CachedMember[]> {
  const s = q.trim()
  if (!s) return []
  const hit = await byCodeOrPhone(s, storeId, limit)
  if (hit) return hit
  const d = await db()
  const low = s.toLowerCase()
  const all = storeId == null ? await d.getAll('members') : await d.getAllFromIndex('members', 'store', storeId)
  return all.filter((m) => m.name.toLowerCase().startsWith(low) || m.name_initials.startsWith(low)).slice(0, limit)
}

/**
 * The one cached member with this member code, phone or last four digits of
 * the phone (of the store when `storeId` is given); null when none, or when
 * four digits fit several members (the POS then asks for more).
 */
export async function findMember(phoneOrCode: string, storeId = state.storeId ?? undefined): Promise<CachedMember | null> {
  const s = phoneOrCode.trim()
  if (!s) return null
  const found = (await byCodeOrPhone(s, storeId, 2)) ?? []
  return found.length === 1 ? found[0] : null
}
