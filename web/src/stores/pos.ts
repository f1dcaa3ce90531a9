// The till: the cart and its server-priced preview, the customer, the
// payment, the last receipt and the open shift of this register. The
// arithmetic lives in src/pos/ (Vue-free); this wires it to the API.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { ApiError, call, client, NetworkError, type Schemas } from '@/api/client'
import { useAuth } from '@/stores/auth'
import {
  addProduct,
  addScaleLabel,
  isScaleLabel,
  pairLines,
  removeLine,
  setQuantity,
  setUnitPrice,
  settle,
  toSaleInput,
  type CartLine,
  type CartState,
  type SaleInput,
  type Tender,
} from '@/pos/cart'
import { submitSale, type SubmitResult } from '@/pos/submit'
import { salespeopleOf, type SalespersonShare } from '@/views/staff/figures'
import { isOnline, pendingCount } from '@/pos/offline-bridge'
import {
  canCloseShift,
  findMember,
  findProductByCode,
  nextLocalNumber,
  searchMembers,
  searchProducts,
  type CachedMember,
} from '@/offline'

type Sale = Schemas['Sale']
type Customer = Schemas['Customer']
type Coupon = Schemas['Coupon']
type Shift = Schemas['Shift']
type Store = Schemas['Store']
type Product = Schemas['Product']

const REGISTER = 'tersa.register'
const LAST = 'tersa.pos.last'
/** Wait this long after the last cart change before asking the server. */
export const PREVIEW_DELAY = 250

/** What the last sale left for the reprint key and the receipt. */
export interface LastReceipt {
  sale: Sale | null
  /** The local number of a sale still in the outbox. */
  localNumber: string | null
  pending: boolean
  at: string
  cashier: string
  /** For an offline receipt: what was rung (the server has not priced it). */
  lines?: { name: string; quantity: number; total: number }[]
  total?: number
  payments?: { method: string; amount: number }[]
}

/** A member from the offline cache, as the till shows a customer. */
function fromCache(m: CachedMember): Customer {
  return {
    id: m.id, name: m.name, name_initials: m.name_initials, phone: m.phone, phone_last4: m.phone_last4,
    member_code: m.member_code, tier: m.tier, tier_name: m.tier_name, points_balance: m.points,
    stored_value_balance: 0, email: null, birthday: null, gender: null, city: null, home_store_id: m.storeId,
    tags: [], preferences: {}, consent_sms: false, consent_email: false, consent_wechat: false, lifetime_spend: 0,
    orders_count: 0, last_purchase_at: null, lang: null, created_at: '', updated_at: '',
  }
}

type RawPost = (path: string, init: { body: unknown }) => Promise<{ data?: unknown; error?: unknown; response: Response }>

/** A list answer (the generated type also allows the CSV export's text). */
function page<T extends object>(x: T | string): T {
  if (typeof x === 'string') throw new Error('unexpected text answer')
  return x
}

/** Posts to a path the generated types may not know yet (the preview). */
function rawPost(path: string, body: unknown) {
  return (client.POST as unknown as RawPost)(path, { body })
}

export const usePos = defineStore('pos', () => {
  const auth = useAuth()
  const register = ref(localStorage.getItem(REGISTER) || '1')
  const store = ref<Store | null>(null)
  const lines = ref<CartLine[]>([])
  const customer = ref<Customer | null>(null)
  const customerCoupons = ref<Coupon[]>([])
  const couponCodes = ref<string[]>([])
  const pointsRedeemed = ref(0)
  const manualDiscountBp = ref(0)
  const approver = ref<{ username: string; password: string } | null>(null)
  const preview = shallowRef<Sale | null>(null)
  const previewError = ref<ApiError | null>(null)
  /** The server could not be asked (offline, or no preview route yet). */
  const previewUnavailable = ref(false)
  const previewing = ref(false)
  /** The server wants a manager's approval for the discount. */
  const needsApproval = ref(false)
  const last = ref<LastReceipt | null>(readLast())
  const shift = ref<Shift | null>(null)
  const promotionNames = ref<Record<number, string>>({})
  const templateNames = ref<Record<number, string>>({})
  /** The salespeople the sale is credited to (none: the cashier), and the first one's share in percent when two. */
  const salespeople = ref<number[]>([])
  const salesShare = ref(50)
  let timer: ReturnType<typeof setTimeout> | null = null
  let seq = 0
  let inflight: Promise<SubmitResult> | null = null

  function readLast(): LastReceipt | null {
    try {
      return JSON.parse(localStorage.getItem(LAST) ?? 'null') as LastReceipt | null
    } catch {
      return null
    }
  }

  const storeId = computed(() => auth.storeId ?? 0)

  function cartState(): CartState {
    return {
      storeId: storeId.value,
      register: register.value,
      lines: lines.value,
      customerId: customer.value?.id ?? null,
      couponCodes: couponCodes.value,
      pointsRedeemed: pointsRedeemed.value,
      manualDiscountBp: manualDiscountBp.value,
      approver: approver.value,
    }
  }

  /** The shelf-price sum, shown until (or when) the server cannot price. */
  const localSubtotal = computed(() =>
    lines.value.reduce((s, l) => s + Math.round((l.unitPrice ?? l.listPrice) * l.quantity), 0),
  )
  const paired = computed(() => pairLines(lines.value, preview.value))
  const subtotal = computed(() => preview.value?.subtotal ?? localSubtotal.value)
  const discountTotal = computed(() => preview.value?.discount_total ?? 0)
  const total = computed(() => preview.value?.total ?? localSubtotal.value)
  /** Minor units one point is worth (the loyalty program). */
  const pointValue = ref(0)
  /**
   * What the points pay: the server's points payment in the preview; while
   * the server cannot price, points × the program's point value.
   */
  const pointsValue = computed(() => {
    if (preview.value)
      return preview.value.payments?.filter((p) => p.method === 'points').reduce((s, p) => s + (p.amount ?? 0), 0) ?? 0
    return customer.value ? Math.min(pointsRedeemed.value * pointValue.value, localSubtotal.value) : 0
  })
  /** What the tenders must cover: the total less the points. */
  const due = computed(() => Math.max(0, total.value - pointsValue.value))
  const cashUnit = computed(() => store.value?.cash_rounding ?? 1)
  const itemCount = computed(() => lines.value.reduce((s, l) => s + (l.barcode ? 1 : l.quantity), 0))
  const pending = computed(() => pendingCount())
  const online = computed(() => isOnline())

  /** Asks the server to price the cart after PREVIEW_DELAY ms of quiet. */
  function schedulePreview() {
    if (timer) clearTimeout(timer)
    seq += 1
    if (!lines.value.length) {
      preview.value = null
      previewError.value = null
      previewing.value = false
      return
    }
    previewing.value = true
    needsApproval.value = false
    timer = setTimeout(() => {
      timer = null
      void runPreview()
    }, PREVIEW_DELAY)
  }

  /** Prices the cart now; a newer change makes an older answer stale. */
  async function runPreview(): Promise<void> {
    const mine = ++seq
    if (!lines.value.length || !storeId.value) return
    previewing.value = true
    try {
      const sale = await call(rawPost('/api/v1/sales/preview', toSaleInput(cartState()))) as Sale
      if (mine !== seq) return
      preview.value = sale
      previewError.value = null
      previewUnavailable.value = false
      needsApproval.value = false
    } catch (e) {
      if (mine !== seq) return
      if (e instanceof ApiError && (e.status === 422 || e.status === 409 || e.status === 403)) {
        previewError.value = e
        // Above the cap the server names manual_discount_bp; a refused
        // approver names approver: both want a manager's login.
        needsApproval.value =
          manualDiscountBp.value > 0 &&
          e.errors.some((f) => f.field.startsWith('approver') || f.field === 'manual_discount_bp')
        preview.value = null
      } else {
        // Offline, or a server without the preview: the shelf prices stand.
        previewUnavailable.value = true
        previewError.value = null
        preview.value = null
      }
    } finally {
      if (mine === seq) previewing.value = false
    }
  }

  function changed() {
    schedulePreview()
  }

  /** Adds a product (a second scan raises the quantity). */
  function add(p: Pick<Product, 'id' | 'name' | 'sku' | 'price'>) {
    lines.value = addProduct(lines.value, p)
    changed()
  }

  function setQty(key: string, q: number) {
    lines.value = setQuantity(lines.value, key, q)
    changed()
  }

  function remove(key: string) {
    lines.value = removeLine(lines.value, key)
    changed()
  }

  function overridePrice(key: string, fen: number | undefined) {
    lines.value = setUnitPrice(lines.value, key, fen)
    changed()
  }

  function setOrderDiscount(bp: number) {
    manualDiscountBp.value = bp
    approver.value = null
    changed()
  }

  function setApprover(a: { username: string; password: string } | null) {
    approver.value = a
    changed()
  }

  /**
   * A scanned or typed code: a product barcode, else a scale label, else a
   * member code. Answers what it was, or 'unknown'.
   */
  async function scan(code: string): Promise<'product' | 'scale' | 'member' | 'unknown'> {
    try {
      const r = page(await call(client.GET('/api/v1/products', { params: { query: { barcode: code, limit: 1 } } })))
      const p = r.items[0]
      if (p) {
        add(p)
        return 'product'
      }
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e
      // Offline: the cached catalog and members.
      const p = await findProductByCode(code)
      if (p) {
        add(p)
        return 'product'
      }
      if (isScaleLabel(code)) return addScale(code)
      const m = await findMember(code)
      if (m) {
        await setCustomer(fromCache(m))
        return 'member'
      }
      return 'unknown'
    }
    if (isScaleLabel(code)) return addScale(code)
    const c = page(await call(client.GET('/api/v1/customers', { params: { query: { member_code: code, limit: 1 } } })))
    if (c.items[0]) {
      await setCustomer(c.items[0])
      return 'member'
    }
    return 'unknown'
  }

  function addScale(code: string): 'scale' {
    lines.value = addScaleLabel(lines.value, code, code)
    changed()
    return 'scale'
  }

  /**
   * Products matching a name, SKU or barcode fragment (one page); pinyin
   * initials and the offline case from the cached catalog.
   */
  async function search(q: string): Promise<Pick<Product, 'id' | 'name' | 'sku' | 'price' | 'barcode'>[]> {
    try {
      const r = page(await call(client.GET('/api/v1/products', { params: { query: { q, active: true, limit: 20 } } })))
      if (r.items.length || !/^[a-z]+$/i.test(q)) return r.items
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e
    }
    return searchProducts(q)
  }

  /** Members by phone, its last four digits, member code or name. */
  async function findCustomers(text: string): Promise<Customer[]> {
    const t = text.trim()
    if (!t) return []
    let query: Record<string, string | number>
    if (/^\d{4}$/.test(t)) query = { phone_last4: t }
    else if (/^\+?[\d\s-]{11,}$/.test(t)) query = { phone: t }
    else query = { q: t }
    try {
      const r = page(await call(client.GET('/api/v1/customers', { params: { query: { ...query, limit: 10 } } })))
      return r.items
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e
      const one = await findMember(t)
      return one ? [fromCache(one)] : (await searchMembers(t)).map(fromCache)
    }
  }

  /** Attaches a member to the sale and loads their usable coupons. */
  async function setCustomer(c: Customer | null) {
    customer.value = c
    customerCoupons.value = []
    couponCodes.value = []
    pointsRedeemed.value = 0
    changed()
    if (!c) return
    try {
      const r = page(await call(client.GET('/api/v1/customers/{id}/coupons', { params: { path: { id: c.id }, query: { status: 'issued', limit: 50 } } })),
      )
      if (customer.value?.id === c.id) customerCoupons.value = r.items
    } catch {
      /* coupons are a plus: the sale goes on without them */
    }
  }

  /** Creates a member from phone and name (CUSTOMERS_WRITE) and attaches it. */
  async function quickCreate(phone: string, name: string): Promise<Customer> {
    const c = await call(
      client.POST('/api/v1/customers', { body: { phone, name, home_store_id: storeId.value || null } }),
    )
    await setCustomer(c)
    return c
  }

  function addCoupon(code: string) {
    const c = code.trim().toUpperCase()
    if (c && !couponCodes.value.includes(c)) couponCodes.value = [...couponCodes.value, c]
    changed()
  }

  function removeCoupon(code: string) {
    couponCodes.value = couponCodes.value.filter((c) => c !== code)
    changed()
  }

  function setPoints(n: number) {
    pointsRedeemed.value = Math.max(0, Math.floor(n))
    changed()
  }

  /** Starts a new sale (the last receipt stays for reprint). */
  function clear() {
    lines.value = []
    customer.value = null
    customerCoupons.value = []
    couponCodes.value = []
    pointsRedeemed.value = 0
    manualDiscountBp.value = 0
    approver.value = null
    salespeople.value = []
    salesShare.value = 50
    preview.value = null
    previewError.value = null
    needsApproval.value = false
    changed()
  }

  function tenderSettlement(tenders: Tender[]) {
    return settle(due.value, tenders, cashUnit.value)
  }

  /**
   * Sends the sale with its tenders. Works once: while a send is in flight
   * every further call gets the same promise, so a double tap never sends
   * twice. On success the cart is cleared and `last` holds the receipt.
   */
  function complete(tenders: Tender[]): Promise<SubmitResult> {
    if (inflight) return inflight
    const input: SaleInput & { salespeople?: SalespersonShare[] } = toSaleInput(cartState(), tenders.filter((t) => t.amount > 0))
    // Only the sale carries them (the preview prices, it credits no one); the outbox keeps them with the body.
    const credited = salespeopleOf(salespeople.value, salesShare.value)
    if (credited) input.salespeople = credited
    const rung = lines.value.map((l, i) => ({
      name: l.name,
      quantity: l.quantity,
      total: paired.value.priced[i]?.total ?? Math.round((l.unitPrice ?? l.listPrice) * l.quantity),
    }))
    const rungTotal = total.value
    const paid = tenders.filter((t) => t.amount > 0).map((t) => ({ method: t.method as string, amount: t.amount }))
    const sid = storeId.value
    inflight = nextLocalNumber(register.value)
      .then((localNumber) => submitSale(input, { storeId: sid, localNumber }))
      .then((r) => {
        const cashier = auth.user?.display_name ?? ''
        last.value =
          r.status === 'sent'
            ? { sale: r.sale, localNumber: null, pending: false, at: r.sale.at ?? new Date().toISOString(), cashier }
            : { sale: null, localNumber: r.localNumber, pending: true, at: new Date().toISOString(), cashier, lines: rung, total: rungTotal, payments: paid }
        localStorage.setItem(LAST, JSON.stringify(last.value))
        clear()
        void loadShift()
        return r
      })
      .finally(() => {
        inflight = null
      })
    return inflight
  }

  const busy = computed(() => inflight !== null)

  /** The store of the till and names for promotions and coupon templates. */
  async function init() {
    if (!storeId.value) return
    try {
      store.value = await call(client.GET('/api/v1/stores/{id}', { params: { path: { id: storeId.value } } }))
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e
    }
    void loadShift()
    try {
      const p = page(await call(client.GET('/api/v1/promotions', { params: { query: { limit: 200 } } })))
      promotionNames.value = Object.fromEntries(p.items.map((x) => [x.id, x.name]))
      const t = page(await call(client.GET('/api/v1/coupon-templates', { params: { query: { limit: 200 } } })))
      templateNames.value = Object.fromEntries(t.items.map((x) => [x.id, x.name]))
      pointValue.value = (await call(client.GET('/api/v1/loyalty/program'))).point_value
    } catch {
      /* names only: ids are shown instead */
    }
  }

  function setRegister(r: string) {
    register.value = r || '1'
    localStorage.setItem(REGISTER, register.value)
    void loadShift()
  }

  /** The open shift of this register, if any. */
  async function loadShift() {
    if (!storeId.value) return
    try {
      const r = page(await call(client.GET('/api/v1/shifts', {
          params: { query: { store_id: storeId.value, status: 'open', register: register.value, limit: 1 } },
        })),
      )
      shift.value = r.items?.[0] ?? null
    } catch {
      /* offline: the shift shown stays as it was */
    }
  }

  async function openShift(openingCash: number): Promise<Shift> {
    const s = await call(
      client.POST('/api/v1/shifts', { body: { store_id: storeId.value, register: register.value, opening_cash: openingCash } }),
    )
    shift.value = s
    return s
  }

  /** Closes the open shift; refused while sales wait in the outbox. */
  async function closeShift(counted: Schemas['ShiftCloseInput']['counted']): Promise<Schemas['ZReport']> {
    if (pendingCount() > 0 || !(await canCloseShift(storeId.value))) throw new Error('outbox-not-empty')
    if (!shift.value) throw new Error('no-shift')
    const z = await call(client.POST('/api/v1/shifts/{id}/close', { params: { path: { id: shift.value.id } }, body: { counted } }))
    shift.value = null
    return z
  }

  /** A sale by its receipt number (or its id): null when none matches. */
  async function findSale(text: string): Promise<Sale | null> {
    const t = text.trim()
    if (/^\d+$/.test(t)) {
      try {
        return await call(client.GET('/api/v1/sales/{id}', { params: { path: { id: Number(t) } } }))
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null
        throw e
      }
    }
    if (!/^[0-9A-Za-z_]+-\d{8}-\d+$/.test(t)) return null
    // The receipt number is unique: the API finds it through its index.
    const r = page(await call(client.GET('/api/v1/sales', { params: { query: { number: t, limit: 1 } } })))
    const hit = r.items?.[0]
    return hit ? call(client.GET('/api/v1/sales/{id}', { params: { path: { id: hit.id } } })) : null
  }

  return {
    register, store, lines, customer, customerCoupons, salespeople, salesShare, couponCodes, pointsRedeemed, manualDiscountBp, approver,
    preview, previewError, previewUnavailable, previewing, needsApproval, last, shift, promotionNames, templateNames, pointValue,
    storeId, localSubtotal, paired, subtotal, discountTotal, total, pointsValue, due, cashUnit, itemCount, pending,
    online, busy,
    schedulePreview, runPreview, add, setQty, remove, overridePrice, setOrderDiscount, setApprover, scan, search,
    findCustomers, setCustomer, quickCreate, addCoupon, removeCoupon, setPoints, clear, tenderSettlement, complete,
    init, setRegister, loadShift, openShift, closeShift, findSale,
  }
})
