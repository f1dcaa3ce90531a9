// Purchasing: suppliers and product–supplier links, purchase orders through
// their life (draft, sent, partial and full receipt, cancel), over-receipt,
// the moving-average cost, totals, store scoping and role limits.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const SUPPLIER_KEYS = ['id', 'code', 'name', 'contact', 'phone', 'email', 'lead_time_days', 'payment_terms',
  'active', 'created_at', 'updated_at'].sort();
const LINK_KEYS = ['product_id', 'supplier_id', 'supplier_code', 'supplier_name', 'supplier_sku', 'cost',
  'min_order_qty', 'pack_size', 'lead_time_days', 'preferred', 'created_at', 'updated_at'].sort();
const PO_KEYS = ['id', 'supplier_id', 'store_id', 'status', 'expected_at', 'note', 'total', 'lines', 'created_by',
  'created_at', 'sent_at', 'received_at', 'cancelled_at', 'updated_at'].sort();
const LINE_KEYS = ['id', 'product_id', 'quantity', 'received_quantity', 'unit_cost', 'total'].sort();
const MONEY_MAX = 10_000_000_000_000;

describe('purchasing', () => {
  let srv, admin;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });

  async function ok(r, status = 200) {
    assert.equal(r.status, status, `${r.status} ${r.text}`);
    return r.body;
  }
  const mkStore = async (extra = {}) => ok(await api('POST', '/api/v1/stores', {
    body: { code: `S-${uniq()}`, name: 'Store', channel: 'direct', ...extra },
  }), 201);
  const mkProduct = async (extra = {}) => ok(await api('POST', '/api/v1/products', {
    body: { sku: `P${uniq()}`, name: 'Product', unit: 'pcs', price: 2000, vat_rate: 1300, ...extra },
  }), 201);
  const mkSupplier = async (extra = {}) => ok(await api('POST', '/api/v1/suppliers', {
    body: { code: `SUP-${uniq()}`, name: 'Supplier', ...extra },
  }), 201);
  const link = (productId, supplierId, body) => api('PUT', `/api/v1/products/${productId}/suppliers/${supplierId}`, { body });
  const mkOrder = (body, token = admin) => srv.api('POST', '/api/v1/purchase-orders', { token, body });
  const send = (id, token = admin) => srv.api('POST', `/api/v1/purchase-orders/${id}/send`, { token, body: {} });
  const receive = (id, body, token = admin) => srv.api('POST', `/api/v1/purchase-orders/${id}/receive`, { token, body });
  const cancel = (id, token = admin) => srv.api('POST', `/api/v1/purchase-orders/${id}/cancel`, { token, body: {} });
  const getProduct = async (id) => ok(await api('GET', `/api/v1/products/${id}`));
  async function onHand(storeId, productId) {
    const r = await ok(await api('GET', `/api/v1/stock?store_id=${storeId}&product_id=${productId}`));
    return r.items.length ? r.items[0].on_hand : 0;
  }
  async function stockIn(storeId, productId, quantity) {
    await ok(await api('POST', '/api/v1/stock/moves', { body: { store_id: storeId, product_id: productId, quantity, reason: 'receipt' } }), 201);
  }
  // A sent order of `qty` of a fresh product at `cost` for store/supplier.
  async function sentOrder(store, supplier, lines) {
    const po = await ok(await mkOrder({ supplier_id: supplier.id, store_id: store.id, lines }), 201);
    return ok(await send(po.id));
  }

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
  });
  after(async () => { await srv?.stop(); });

  describe('suppliers', () => {
    it('creates a supplier: 201, Location, every field, defaults', async () => {
      const code = `SUP-${uniq()}`;
      const r = await api('POST', '/api/v1/suppliers', {
        body: { code, name: '上海食品有限公司', contact: '王经理', phone: '+86 21 5555 0000', email: 'sales@food.example.cn', lead_time_days: 3, payment_terms: '30 days net' },
      });
      const s = await ok(r, 201);
      assert.deepEqual(Object.keys(s).sort(), SUPPLIER_KEYS);
      assert.equal(hdr(r, 'location'), `/api/v1/suppliers/${s.id}`);
      assert.equal(s.code, code);
      assert.equal(s.name, '上海食品有限公司');
      assert.equal(s.contact, '王经理');
      assert.equal(s.email, 'sales@food.example.cn');
      assert.equal(s.lead_time_days, 3);
      assert.equal(s.payment_terms, '30 days net');
      assert.equal(s.active, true);
      assert.match(s.created_at, RFC3339_UTC);
      assert.deepEqual(await ok(await api('GET', `/api/v1/suppliers/${s.id}`)), s);

      const d = await mkSupplier();
      assert.equal(d.lead_time_days, 7, 'default lead time');
      assert.equal(d.contact, null);
      assert.equal(d.email, null);
      assert.equal(d.payment_terms, null);
    });

    it('refuses bad values with every field named (422) and wrong types (400)', async () => {
      const post = (body) => api('POST', '/api/v1/suppliers', { body });
      assertProblem(await post({}), 422, 'validation', ['code', 'name']);
      assertProblem(await post({ code: '  ', name: '' }), 422, 'validation', ['code', 'name']);
      const bad = await post({ code: `S-${uniq()}`, name: 'x', email: 'not-an-email', lead_time_days: 366, extra: 1 });
      assertProblem(bad, 422, 'validation', ['email', 'lead_time_days', 'extra']);
      for (const email of ['a@b', '@b.cn', 'a b@c.cn', 'a@b..cn', 'a@@b.cn', 'a@.cn']) {
        assertProblem(await post({ code: `S-${uniq()}`, name: 'x', email }), 422, 'validation', ['email']);
      }
      for (const days of [-1, 366, 2.5]) {
        assertProblem(await post({ code: `S-${uniq()}`, name: 'x', lead_time_days: days }), 422, 'validation', ['lead_time_days']);
      }
      assert.equal((await post({ code: `S-${uniq()}`, name: 'x', lead_time_days: 0 })).body.lead_time_days, 0);
      assert.equal((await post({ code: `S-${uniq()}`, name: 'x', lead_time_days: 365 })).status, 201);
      assertProblem(await post({ code: 5, name: 'x' }), 400, 'bad-request', ['code']);
      assertProblem(await post({ code: 'x', name: 'x', active: 'yes' }), 400, 'bad-request', ['active']);
      assertProblem(await post({ code: 'x'.repeat(33), name: 'x' }), 422, 'validation', ['code']);
    });

    it('a taken code answers 409 duplicate, also on PATCH', async () => {
      const a = await mkSupplier();
      const b = await mkSupplier();
      assertProblem(await api('POST', '/api/v1/suppliers', { body: { code: a.code, name: 'Again' } }), 409, 'duplicate', ['code']);
      assertProblem(await api('PATCH', `/api/v1/suppliers/${b.id}`, { body: { code: a.code } }), 409, 'duplicate', ['code']);
      assert.equal((await api('PATCH', `/api/v1/suppliers/${a.id}`, { body: { code: a.code } })).status, 200, 'its own code');
    });

    it('PATCH changes only what is sent; null clears; active false; 404', async () => {
      const s = await mkSupplier({ email: 'a@b.example', phone: '123', payment_terms: 'cash' });
      const p = await ok(await api('PATCH', `/api/v1/suppliers/${s.id}`, { body: { name: 'Renamed', email: null, active: false, lead_time_days: 14 } }));
      assert.equal(p.name, 'Renamed');
      assert.equal(p.email, null);
      assert.equal(p.phone, '123');
      assert.equal(p.payment_terms, 'cash');
      assert.equal(p.active, false);
      assert.equal(p.lead_time_days, 14);
      assert.equal(p.code, s.code);
      assertProblem(await api('PATCH', `/api/v1/suppliers/${s.id}`, { body: { email: 'x' } }), 422, 'validation', ['email']);
      assertProblem(await api('PATCH', `/api/v1/suppliers/${s.id}`, { body: { name: null } }), 422, 'validation', ['name']);
      assertProblem(await api('PATCH', `/api/v1/suppliers/${s.id}`, { body: { id: 3 } }), 422, 'validation', ['id']);
      assertProblem(await api('PATCH', '/api/v1/suppliers/99999999', { body: { name: 'x' } }), 404, 'not-found');
      assertProblem(await api('GET', '/api/v1/suppliers/99999999'), 404, 'not-found');
      // the audit log has both rows
      const audit = await ok(await api('GET', `/api/v1/audit?entity=supplier&entity_id=${s.id}`));
      assert.deepEqual(audit.items.map((x) => x.action).sort(), ['create', 'update']);
    });

    it('lists with q, active and pages', async () => {
      const tag = uniq();
      const made = [];
      for (let i = 0; i < 3; i++) made.push(await mkSupplier({ name: `Pager ${tag} ${i}` }));
      await api('PATCH', `/api/v1/suppliers/${made[2].id}`, { body: { active: false } });
      const seen = [];
      let cursor = null;
      do {
        const r = await ok(await api('GET', `/api/v1/suppliers?q=${encodeURIComponent(`pager ${tag}`)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
        seen.push(...r.items.map((s) => s.id));
        cursor = r.next_cursor;
      } while (cursor);
      assert.deepEqual(seen, made.map((s) => s.id));
      const act = await ok(await api('GET', `/api/v1/suppliers?q=${tag}&active=true`));
      assert.deepEqual(act.items.map((s) => s.id), [made[0].id, made[1].id]);
      const inact = await ok(await api('GET', `/api/v1/suppliers?q=${tag}&active=false`));
      assert.deepEqual(inact.items.map((s) => s.id), [made[2].id]);
      assertProblem(await api('GET', '/api/v1/suppliers?active=maybe'), 422, 'validation', ['active']);
      const csv = await api('GET', `/api/v1/suppliers?q=${tag}&format=csv`);
      assert.equal(csv.status, 200);
      assert.match(csv.text, /Pager/);
    });

    it('roles: a store manager reads, only admin and hq write; sales and service neither', async () => {
      const store = await mkStore();
      const mgr = await makeUser(srv, 'store_manager', [store.id]);
      const hq = await makeUser(srv, 'hq');
      const sales = await makeUser(srv, 'sales', [store.id]);
      assert.equal((await srv.api('GET', '/api/v1/suppliers', { token: mgr.token })).status, 200);
      assertProblem(await srv.api('POST', '/api/v1/suppliers', { token: mgr.token, body: { code: `x${uniq()}`, name: 'x' } }), 403, 'forbidden');
      assert.equal((await srv.api('POST', '/api/v1/suppliers', { token: hq.token, body: { code: `x${uniq()}`, name: 'x' } })).status, 201);
      assertProblem(await srv.api('GET', '/api/v1/suppliers', { token: sales.token }), 403, 'forbidden');
    });
  });

  describe('product–supplier links', () => {
    it('PUT creates (201) and replaces (200) a link with defaults', async () => {
      const p = await mkProduct();
      const s = await mkSupplier();
      const r = await link(p.id, s.id, { cost: 850, supplier_sku: 'ABC-1' });
      const l = await ok(r, 201);
      assert.deepEqual(Object.keys(l).sort(), LINK_KEYS);
      assert.equal(hdr(r, 'location'), `/api/v1/products/${p.id}/suppliers/${s.id}`);
      assert.equal(l.cost, 850);
      assert.equal(l.supplier_sku, 'ABC-1');
      assert.equal(l.supplier_code, s.code);
      assert.equal(l.min_order_qty, 1);
      assert.equal(l.pack_size, 1);
      assert.equal(l.lead_time_days, null);
      assert.equal(l.preferred, false);
      const l2 = await ok(await link(p.id, s.id, { cost: 900, min_order_qty: 24, pack_size: 12, lead_time_days: 0, preferred: true }));
      assert.equal(l2.cost, 900);
      assert.equal(l2.supplier_sku, null, 'PUT replaces the whole link');
      assert.equal(l2.min_order_qty, 24);
      assert.equal(l2.pack_size, 12);
      assert.equal(l2.lead_time_days, 0);
      assert.equal(l2.preferred, true);
      assert.equal(l2.created_at, l.created_at);
      const kg = await ok(await link(p.id, s.id, { cost: 1, pack_size: 0.5, min_order_qty: 2.25 }));
      assert.equal(kg.pack_size, 0.5);
      assert.equal(kg.min_order_qty, 2.25);
    });

    it('only one preferred supplier per product', async () => {
      const p = await mkProduct();
      const a = await mkSupplier({ code: `A-${uniq()}` });
      const b = await mkSupplier({ code: `B-${uniq()}` });
      const c = await mkSupplier({ code: `C-${uniq()}` });
      await ok(await link(p.id, a.id, { cost: 100, preferred: true }), 201);
      await ok(await link(p.id, b.id, { cost: 90 }), 201);
      let list = (await ok(await api('GET', `/api/v1/products/${p.id}/suppliers`))).items;
      assert.deepEqual(list.map((l) => [l.supplier_id, l.preferred]), [[a.id, true], [b.id, false]]);
      await ok(await link(p.id, c.id, { cost: 95, preferred: true }), 201);
      list = (await ok(await api('GET', `/api/v1/products/${p.id}/suppliers`))).items;
      assert.equal(list.length, 3);
      assert.deepEqual(list.filter((l) => l.preferred).map((l) => l.supplier_id), [c.id]);
      assert.equal(list[0].supplier_id, c.id, 'preferred first');
      // Another product's preferred link is untouched.
      const q = await mkProduct();
      await ok(await link(q.id, a.id, { cost: 1, preferred: true }), 201);
      await ok(await link(p.id, a.id, { cost: 100, preferred: true }));
      const qs = (await ok(await api('GET', `/api/v1/products/${q.id}/suppliers`))).items;
      assert.equal(qs[0].preferred, true);
      list = (await ok(await api('GET', `/api/v1/products/${p.id}/suppliers`))).items;
      assert.deepEqual(list.filter((l) => l.preferred).map((l) => l.supplier_id), [a.id]);
    });

    it('bad values: 422 naming each field; wrong types 400; unknown product or supplier 404', async () => {
      const p = await mkProduct();
      const s = await mkSupplier();
      assertProblem(await link(p.id, s.id, {}), 422, 'validation', ['cost']);
      assertProblem(await link(p.id, s.id, { cost: -1, pack_size: 0, min_order_qty: -2, lead_time_days: 400, x: 1 }), 422, 'validation',
        ['cost', 'pack_size', 'min_order_qty', 'lead_time_days', 'x']);
      assertProblem(await link(p.id, s.id, { cost: 1, pack_size: 1.0005 }), 422, 'validation', ['pack_size']);
      assertProblem(await link(p.id, s.id, { cost: 1.5 }), 422, 'validation', ['cost']);
      assertProblem(await link(p.id, s.id, { cost: '1' }), 400, 'bad-request', ['cost']);
      assertProblem(await link(p.id, s.id, { cost: 1, preferred: 1 }), 400, 'bad-request', ['preferred']);
      assertProblem(await link(99999999, s.id, { cost: 1 }), 404, 'not-found');
      assertProblem(await link(p.id, 99999999, { cost: 1 }), 404, 'not-found');
      assertProblem(await api('GET', '/api/v1/products/99999999/suppliers'), 404, 'not-found');
      assert.deepEqual((await ok(await api('GET', `/api/v1/products/${p.id}/suppliers`))).items, []);
    });

    it('DELETE removes a link (204), then 404', async () => {
      const p = await mkProduct();
      const s = await mkSupplier();
      await ok(await link(p.id, s.id, { cost: 5 }), 201);
      assert.equal((await api('DELETE', `/api/v1/products/${p.id}/suppliers/${s.id}`)).status, 204);
      assertProblem(await api('DELETE', `/api/v1/products/${p.id}/suppliers/${s.id}`), 404, 'not-found');
      assert.deepEqual((await ok(await api('GET', `/api/v1/products/${p.id}/suppliers`))).items, []);
      const audit = await ok(await api('GET', `/api/v1/audit?entity=product_supplier&entity_id=${p.id}`));
      assert.deepEqual(audit.items.map((x) => x.action).sort(), ['create', 'delete']);
    });

    it('a store manager may list links but not change them', async () => {
      const store = await mkStore();
      const mgr = await makeUser(srv, 'store_manager', [store.id]);
      const p = await mkProduct();
      const s = await mkSupplier();
      assert.equal((await srv.api('GET', `/api/v1/products/${p.id}/suppliers`, { token: mgr.token })).status, 200);
      assertProblem(await srv.api('PUT', `/api/v1/products/${p.id}/suppliers/${s.id}`, { token: mgr.token, body: { cost: 1 } }), 403, 'forbidden');
      assertProblem(await srv.api('DELETE', `/api/v1/products/${p.id}/suppliers/${s.id}`, { token: mgr.token }), 403, 'forbidden');
    });
  });

  describe('purchase orders', () => {
    let store, supplier;
    before(async () => {
      store = await mkStore();
      supplier = await mkSupplier();
    });

    it('creates a draft: unit cost from the link, else the product, else 422; totals', async () => {
      const linked = await mkProduct({ cost: 500 });
      const own = await mkProduct({ cost: 333 });
      const none = await mkProduct();
      await ok(await link(linked.id, supplier.id, { cost: 420 }), 201);
      const r = await mkOrder({
        supplier_id: supplier.id, store_id: store.id, expected_at: '2026-12-01', note: 'first',
        lines: [{ product_id: linked.id, quantity: 10 }, { product_id: own.id, quantity: 2.5 }, { product_id: none.id, quantity: 1, unit_cost: 7 }],
      });
      const po = await ok(r, 201);
      assert.equal(hdr(r, 'location'), `/api/v1/purchase-orders/${po.id}`);
      assert.deepEqual(Object.keys(po).sort(), PO_KEYS);
      assert.equal(po.status, 'draft');
      assert.equal(po.supplier_id, supplier.id);
      assert.equal(po.store_id, store.id);
      assert.equal(po.expected_at, '2026-12-01');
      assert.equal(po.note, 'first');
      assert.equal(typeof po.created_by, 'number');
      assert.match(po.created_at, RFC3339_UTC);
      for (const k of ['sent_at', 'received_at', 'cancelled_at']) assert.equal(po[k], null);
      assert.deepEqual(Object.keys(po.lines[0]).sort(), LINE_KEYS);
      assert.deepEqual(po.lines.map((l) => [l.product_id, l.quantity, l.received_quantity, l.unit_cost, l.total]), [
        [linked.id, 10, 0, 420, 4200],
        [own.id, 2.5, 0, 333, 833], // 832.5 rounded half away from zero
        [none.id, 1, 0, 7, 7],
      ]);
      assert.equal(po.total, 4200 + 833 + 7);
      assert.deepEqual(await ok(await api('GET', `/api/v1/purchase-orders/${po.id}`)), po);
      // No cost anywhere: 422 on that line's unit_cost.
      assertProblem(await mkOrder({ supplier_id: supplier.id, store_id: store.id, lines: [{ product_id: none.id, quantity: 1 }] }),
        422, 'validation', ['lines[0].unit_cost']);
      const audit = await ok(await api('GET', `/api/v1/audit?entity=purchase_order&entity_id=${po.id}`));
      assert.deepEqual(audit.items.map((x) => x.action), ['create']);
    });

    it('refuses bad orders with every field named', async () => {
      const p = await mkProduct({ cost: 10 });
      const q = await mkProduct({ cost: 10 });
      const base = { supplier_id: supplier.id, store_id: store.id };
      assertProblem(await mkOrder({}), 422, 'validation', ['supplier_id', 'store_id', 'lines']);
      assertProblem(await mkOrder({ ...base, lines: [] }), 422, 'validation', ['lines']);
      assertProblem(await mkOrder({ supplier_id: 99999999, store_id: 99999999, lines: [{ product_id: 99999999, quantity: 1 }] }),
        422, 'validation', ['supplier_id', 'store_id', 'lines[0].product_id']);
      const r = await mkOrder({
        ...base, expected_at: '2026-02-30', note: 'x'.repeat(501), x: 1,
        lines: [{ product_id: p.id, quantity: 0 }, { product_id: p.id, quantity: 1.0005 }, { product_id: q.id, quantity: -1, y: 2 }, { quantity: 1 }],
      });
      assertProblem(r, 422, 'validation', ['expected_at', 'note', 'x', 'lines[0].quantity', 'lines[1].quantity', 'lines[2].quantity',
        'lines[2].y', 'lines[3].product_id']);
      assertProblem(await mkOrder({ ...base, lines: [{ product_id: p.id, quantity: 1 }, { product_id: p.id, quantity: 2 }] }),
        422, 'validation', ['lines[1].product_id']);
      assertProblem(await mkOrder({ ...base, lines: [{ product_id: p.id, quantity: '1' }] }), 400, 'bad-request', ['lines[0].quantity']);
      assertProblem(await mkOrder({ ...base, lines: [5] }), 400, 'bad-request', ['lines[0]']);
      assertProblem(await mkOrder({ ...base, lines: {} }), 400, 'bad-request', ['lines']);
      assertProblem(await mkOrder({ ...base, store_id: 'one', lines: [{ product_id: p.id, quantity: 1 }] }), 400, 'bad-request', ['store_id']);
      // an inactive supplier or product
      const off = await mkSupplier();
      await ok(await api('PATCH', `/api/v1/suppliers/${off.id}`, { body: { active: false } }));
      const gone = await mkProduct({ cost: 1 });
      await ok(await api('PATCH', `/api/v1/products/${gone.id}`, { body: { active: false } }));
      assertProblem(await mkOrder({ supplier_id: off.id, store_id: store.id, lines: [{ product_id: gone.id, quantity: 1 }] }),
        422, 'validation', ['supplier_id', 'lines[0].product_id']);
      // Nothing was written.
      const list = await ok(await api('GET', `/api/v1/purchase-orders?supplier_id=${off.id}`));
      assert.deepEqual(list.items, []);
    });

    it('totals are checked for overflow', async () => {
      const p = await mkProduct();
      const q = await mkProduct();
      const base = { supplier_id: supplier.id, store_id: store.id };
      assertProblem(await mkOrder({ ...base, lines: [{ product_id: p.id, quantity: 2, unit_cost: MONEY_MAX }] }), 422, 'validation', ['lines[0]']);
      assertProblem(await mkOrder({ ...base, lines: [{ product_id: p.id, quantity: 1000000000, unit_cost: MONEY_MAX }] }), 422, 'validation', ['lines[0]']);
      const half = MONEY_MAX / 2 + 1;
      assertProblem(await mkOrder({ ...base, lines: [{ product_id: p.id, quantity: 1, unit_cost: half }, { product_id: q.id, quantity: 1, unit_cost: half }] }),
        422, 'validation', ['total']);
      assertProblem(await mkOrder({ ...base, lines: [{ product_id: p.id, quantity: 1, unit_cost: MONEY_MAX + 1 }] }), 422, 'validation', ['lines[0].unit_cost']);
      const exact = await ok(await mkOrder({ ...base, lines: [{ product_id: p.id, quantity: 1, unit_cost: MONEY_MAX / 2 }, { product_id: q.id, quantity: 1, unit_cost: MONEY_MAX / 2 }] }), 201);
      assert.equal(exact.total, MONEY_MAX);
    });

    it('PATCH changes a draft only; send moves it on; wrong transitions answer 409 state', async () => {
      const p = await mkProduct({ cost: 100 });
      const q = await mkProduct({ cost: 200 });
      const po = await ok(await mkOrder({ supplier_id: supplier.id, store_id: store.id, lines: [{ product_id: p.id, quantity: 1 }] }), 201);
      const ch = await ok(await api('PATCH', `/api/v1/purchase-orders/${po.id}`, {
        body: { note: 'changed', expected_at: '2027-01-15', lines: [{ product_id: q.id, quantity: 3 }, { product_id: p.id, quantity: 1, unit_cost: 150 }] },
      }));
      assert.equal(ch.note, 'changed');
      assert.equal(ch.expected_at, '2027-01-15');
      assert.deepEqual(ch.lines.map((l) => [l.product_id, l.quantity, l.unit_cost]), [[q.id, 3, 200], [p.id, 1, 150]]);
      assert.equal(ch.total, 750);
      const cleared = await ok(await api('PATCH', `/api/v1/purchase-orders/${po.id}`, { body: { note: null, expected_at: null } }));
      assert.equal(cleared.note, null);
      assert.equal(cleared.expected_at, null);
      assert.equal(cleared.lines.length, 2, 'lines unchanged when not sent');
      assertProblem(await api('PATCH', `/api/v1/purchase-orders/${po.id}`, { body: { lines: [] } }), 422, 'validation', ['lines']);
      assertProblem(await api('PATCH', `/api/v1/purchase-orders/${po.id}`, { body: { store_id: 1 } }), 422, 'validation', ['store_id']);
      assertProblem(await receive(po.id, { lines: [{ line_id: ch.lines[0].id, quantity: 1 }] }), 409, 'state');

      const sent = await ok(await send(po.id));
      assert.equal(sent.status, 'sent');
      assert.match(sent.sent_at, RFC3339_UTC);
      assertProblem(await send(po.id), 409, 'state');
      assertProblem(await api('PATCH', `/api/v1/purchase-orders/${po.id}`, { body: { note: 'late' } }), 409, 'state');
      assert.equal((await ok(await api('GET', `/api/v1/purchase-orders/${po.id}`))).note, null);
      assertProblem(await send(99999999), 404, 'not-found');
      assertProblem(await api('GET', '/api/v1/purchase-orders/99999999'), 404, 'not-found');
    });

    it('receives partly, then fully: receipt moves at the order cost, statuses, stock', async () => {
      const p = await mkProduct({ cost: 100 });
      const q = await mkProduct({ cost: 100 });
      const po = await sentOrder(store, supplier, [{ product_id: p.id, quantity: 10, unit_cost: 100 }, { product_id: q.id, quantity: 4, unit_cost: 80 }]);
      const [lp, lq] = po.lines;
      const r1 = await ok(await receive(po.id, { lines: [{ line_id: lp.id, quantity: 6 }] }));
      assert.equal(r1.status, 'partially_received');
      assert.equal(r1.received_at, null);
      assert.deepEqual(r1.lines.map((l) => l.received_quantity), [6, 0]);
      assert.equal(await onHand(store.id, p.id), 6);
      const moves = await ok(await api('GET', `/api/v1/stock/moves?store_id=${store.id}&product_id=${p.id}`));
      assert.equal(moves.items.length, 1);
      assert.equal(moves.items[0].kind, 'receipt');
      assert.equal(moves.items[0].doc_type, 'purchase_order');
      assert.equal(moves.items[0].doc_id, po.id);
      assert.equal(moves.items[0].unit_cost, 100);
      assert.equal(moves.items[0].quantity, 6);

      // Exactly what is left on both lines finishes the order.
      const r2 = await ok(await receive(po.id, { lines: [{ line_id: lq.id, quantity: 4 }, { line_id: lp.id, quantity: 4 }] }));
      assert.equal(r2.status, 'received');
      assert.match(r2.received_at, RFC3339_UTC);
      assert.deepEqual(r2.lines.map((l) => l.received_quantity), [10, 4]);
      assert.equal(await onHand(store.id, p.id), 10);
      assert.equal(await onHand(store.id, q.id), 4);
      assertProblem(await receive(po.id, { lines: [{ line_id: lp.id, quantity: 1 }] }), 409, 'state');
      assertProblem(await receive(po.id, { lines: [{ line_id: lp.id, quantity: 1 }], allow_over: true }), 409, 'state');
      assertProblem(await cancel(po.id), 409, 'state');
      const audit = await ok(await api('GET', `/api/v1/audit?entity=purchase_order&entity_id=${po.id}`));
      assert.deepEqual(audit.items.map((x) => x.action).sort(), ['create', 'receive', 'receive', 'send']);
    });

    it('over-receipt is refused naming the line, unless allow_over', async () => {
      const p = await mkProduct({ cost: 50 });
      const q = await mkProduct({ cost: 50 });
      const po = await sentOrder(store, supplier, [{ product_id: p.id, quantity: 5 }, { product_id: q.id, quantity: 2 }]);
      const [lp, lq] = po.lines;
      const r = await receive(po.id, { lines: [{ line_id: lp.id, quantity: 2 }, { line_id: lq.id, quantity: 2.5 }] });
      assertProblem(r, 422, 'validation', ['lines[1].quantity']);
      assert.ok(!r.body.errors.some((e) => e.field === 'lines[0].quantity'));
      assert.match(r.body.detail, new RegExp(`line ${lq.id}`));
      assert.match(r.body.errors.find((e) => e.field === 'lines[1].quantity').message, new RegExp(`line ${lq.id}`));
      // nothing was received, not even the good line
      assert.equal(await onHand(store.id, p.id), 0);
      assert.deepEqual((await ok(await api('GET', `/api/v1/purchase-orders/${po.id}`))).lines.map((l) => l.received_quantity), [0, 0]);
      // after a partial receipt the remainder is what counts
      await ok(await receive(po.id, { lines: [{ line_id: lp.id, quantity: 4 }] }));
      assertProblem(await receive(po.id, { lines: [{ line_id: lp.id, quantity: 1.001 }] }), 422, 'validation', ['lines[0].quantity']);
      const over = await ok(await receive(po.id, { lines: [{ line_id: lp.id, quantity: 3 }, { line_id: lq.id, quantity: 2.5 }], allow_over: true }));
      assert.equal(over.status, 'received');
      assert.deepEqual(over.lines.map((l) => l.received_quantity), [7, 2.5]);
      assert.equal(await onHand(store.id, p.id), 7);
      assert.equal(await onHand(store.id, q.id), 2.5);
    });

    it('bad receipts: unknown or repeated lines, zero, decimals, types', async () => {
      const p = await mkProduct({ cost: 50 });
      const po = await sentOrder(store, supplier, [{ product_id: p.id, quantity: 5 }]);
      const other = await sentOrder(store, supplier, [{ product_id: p.id, quantity: 5 }]);
      const lid = po.lines[0].id;
      assertProblem(await receive(po.id, {}), 422, 'validation', ['lines']);
      assertProblem(await receive(po.id, { lines: [] }), 422, 'validation', ['lines']);
      assertProblem(await receive(po.id, { lines: [{ line_id: other.lines[0].id, quantity: 1 }] }), 422, 'validation', ['lines[0].line_id']);
      assertProblem(await receive(po.id, { lines: [{ line_id: lid, quantity: 1 }, { line_id: lid, quantity: 1 }] }), 422, 'validation', ['lines[1].line_id']);
      assertProblem(await receive(po.id, { lines: [{ line_id: lid, quantity: 0 }] }), 422, 'validation', ['lines[0].quantity']);
      assertProblem(await receive(po.id, { lines: [{ line_id: lid, quantity: -1 }] }), 422, 'validation', ['lines[0].quantity']);
      assertProblem(await receive(po.id, { lines: [{ line_id: lid, quantity: 0.0001 }] }), 422, 'validation', ['lines[0].quantity']);
      assertProblem(await receive(po.id, { lines: [{ line_id: lid }], extra: 1 }), 422, 'validation', ['lines[0].quantity', 'extra']);
      assertProblem(await receive(po.id, { lines: [{ line_id: lid, quantity: 1 }], allow_over: 'yes' }), 400, 'bad-request', ['allow_over']);
      assertProblem(await receive(po.id, { lines: [{ line_id: '1', quantity: 1 }] }), 400, 'bad-request', ['lines[0].line_id']);
      assertProblem(await receive(99999999, { lines: [{ line_id: lid, quantity: 1 }] }), 404, 'not-found');
      assert.equal((await ok(await api('GET', `/api/v1/purchase-orders/${po.id}`))).status, 'sent');
    });

    it('cancel: from draft or sent only; receiving a cancelled order is 409 state', async () => {
      const p = await mkProduct({ cost: 10 });
      const draft = await ok(await mkOrder({ supplier_id: supplier.id, store_id: store.id, lines: [{ product_id: p.id, quantity: 1 }] }), 201);
      const c1 = await ok(await cancel(draft.id));
      assert.equal(c1.status, 'cancelled');
      assert.match(c1.cancelled_at, RFC3339_UTC);
      assertProblem(await cancel(draft.id), 409, 'state');
      assertProblem(await send(draft.id), 409, 'state');
      assertProblem(await receive(draft.id, { lines: [{ line_id: draft.lines[0].id, quantity: 1 }] }), 409, 'state');
      assertProblem(await receive(draft.id, { lines: [{ line_id: draft.lines[0].id, quantity: 1 }], allow_over: true }), 409, 'state');
      const sent = await sentOrder(store, supplier, [{ product_id: p.id, quantity: 2 }]);
      assert.equal((await ok(await cancel(sent.id))).status, 'cancelled');
      assertProblem(await receive(sent.id, { lines: [{ line_id: sent.lines[0].id, quantity: 1 }] }), 409, 'state');
      const part = await sentOrder(store, supplier, [{ product_id: p.id, quantity: 2 }]);
      await ok(await receive(part.id, { lines: [{ line_id: part.lines[0].id, quantity: 1 }] }));
      assertProblem(await cancel(part.id), 409, 'state');
      assert.equal(await onHand(store.id, p.id), 1);
    });

    it('moving-average cost over every store, rounded half up', async () => {
      const other = await mkStore();
      const p = await mkProduct({ cost: 1000 });
      await stockIn(store.id, p.id, 10);
      await stockIn(other.id, p.id, 5);
      assert.equal((await getProduct(p.id)).cost, 1000, 'a manual receipt does not change the cost');
      // (15 × 1000 + 5 × 1300) / 20 = 1075
      const po = await sentOrder(store, supplier, [{ product_id: p.id, quantity: 20, unit_cost: 1300 }]);
      await ok(await receive(po.id, { lines: [{ line_id: po.lines[0].id, quantity: 5 }] }));
      assert.equal((await getProduct(p.id)).cost, 1075);
      // (20 × 1075 + 3 × 999) / 23 = 24497 / 23 = 1065.09 -> 1065
      const po2 = await sentOrder(other, supplier, [{ product_id: p.id, quantity: 3, unit_cost: 999 }]);
      await ok(await receive(po2.id, { lines: [{ line_id: po2.lines[0].id, quantity: 3 }] }));
      assert.equal((await getProduct(p.id)).cost, 1065);
      // half up: (1 × 1 + 1 × 2) / 2 = 1.5 -> 2
      const h = await mkProduct({ cost: 1 });
      await stockIn(store.id, h.id, 1);
      const po3 = await sentOrder(store, supplier, [{ product_id: h.id, quantity: 1, unit_cost: 2 }]);
      await ok(await receive(po3.id, { lines: [{ line_id: po3.lines[0].id, quantity: 1 }] }));
      assert.equal((await getProduct(h.id)).cost, 2);
      // weighed: (0.5 × 100 + 0.25 × 201) / 0.75 = 133.67 -> 134
      const w = await mkProduct({ cost: 100, unit: 'kg' });
      await stockIn(store.id, w.id, 0.5);
      const po4 = await sentOrder(store, supplier, [{ product_id: w.id, quantity: 0.25, unit_cost: 201 }]);
      await ok(await receive(po4.id, { lines: [{ line_id: po4.lines[0].id, quantity: 0.25 }] }));
      assert.equal((await getProduct(w.id)).cost, 134);
      // the remaining 15 of the first order at 1300:
      // (23 × 1065 + 15 × 1300) / 38 = (24495 + 19500) / 38 = 1157.76 -> 1158
      await ok(await receive(po.id, { lines: [{ line_id: po.lines[0].id, quantity: 15 }] }));
      assert.equal((await getProduct(p.id)).cost, 1158);
      const audit = await ok(await api('GET', `/api/v1/audit?entity=purchase_order&entity_id=${po.id}`));
      const last = audit.items.find((x) => x.action === 'receive' && x.after.receipt[0].quantity === 15);
      assert.ok(last, JSON.stringify(audit.items));
      assert.deepEqual(last.after.receipt[0], { line_id: po.lines[0].id, product_id: p.id, quantity: 15, unit_cost: 1300, cost_before: 1065, cost_after: 1158 });
    });

    it('moving-average cost: nothing (or less) on hand, or no cost yet, takes the unit cost', async () => {
      const neg = await mkStore({ allow_negative_stock: true });
      const a = await mkProduct({ cost: 500 });
      const po = await sentOrder(neg, supplier, [{ product_id: a.id, quantity: 2, unit_cost: 610 }]);
      await ok(await receive(po.id, { lines: [{ line_id: po.lines[0].id, quantity: 1 }] }));
      assert.equal((await getProduct(a.id)).cost, 610, 'nothing on hand');
      // on hand below zero everywhere: still the unit cost
      await ok(await api('POST', '/api/v1/stock/moves', { body: { store_id: neg.id, product_id: a.id, quantity: -5, reason: 'adjustment' } }), 201);
      assert.equal(await onHand(neg.id, a.id), -4);
      const po2 = await sentOrder(neg, supplier, [{ product_id: a.id, quantity: 1, unit_cost: 700 }]);
      await ok(await receive(po2.id, { lines: [{ line_id: po2.lines[0].id, quantity: 1 }] }));
      assert.equal((await getProduct(a.id)).cost, 700);
      // no cost before
      const b = await mkProduct();
      assert.equal(b.cost, null);
      await stockIn(store.id, b.id, 3);
      const po3 = await sentOrder(store, supplier, [{ product_id: b.id, quantity: 1, unit_cost: 777 }]);
      await ok(await receive(po3.id, { lines: [{ line_id: po3.lines[0].id, quantity: 1 }] }));
      assert.equal((await getProduct(b.id)).cost, 777);
    });

    it('concurrent receipts never receive more than ordered, and average one after another', async () => {
      const p = await mkProduct({ cost: 100 });
      await stockIn(store.id, p.id, 10);
      const po = await sentOrder(store, supplier, [{ product_id: p.id, quantity: 5, unit_cost: 200 }]);
      const lid = po.lines[0].id;
      const rs = await Promise.all(Array.from({ length: 12 }, () => receive(po.id, { lines: [{ line_id: lid, quantity: 1 }] })));
      const codes = rs.map((r) => r.status);
      assert.equal(codes.filter((c) => c === 200).length, 5, JSON.stringify(codes));
      for (const r of rs.filter((x) => x.status !== 200)) {
        assert.ok([409, 422].includes(r.status), r.text); // received already, or over
      }
      const got = await ok(await api('GET', `/api/v1/purchase-orders/${po.id}`));
      assert.equal(got.status, 'received');
      assert.equal(got.lines[0].received_quantity, 5);
      assert.equal(await onHand(store.id, p.id), 15);
      // 10 @ 100, then +1 @ 200 five times, each rounded half up:
      // 109.09 -> 109, 116.58 -> 117, 123.38 -> 123, 128.5 -> 129, 133.73 -> 134
      assert.equal((await getProduct(p.id)).cost, 134);
    });

    it('concurrent preferred links leave exactly one preferred supplier', async () => {
      const p = await mkProduct();
      const sups = [];
      for (let i = 0; i < 6; i++) sups.push(await mkSupplier());
      const rs = await Promise.all(sups.map((x) => link(p.id, x.id, { cost: 10, preferred: true })));
      assert.deepEqual(rs.map((r) => r.status), sups.map(() => 201));
      const list = (await ok(await api('GET', `/api/v1/products/${p.id}/suppliers`))).items;
      assert.equal(list.length, 6);
      assert.equal(list.filter((l) => l.preferred).length, 1);
    });

    it('lists with filters, line counts and pages', async () => {
      const s2 = await mkSupplier();
      const st2 = await mkStore();
      const p = await mkProduct({ cost: 10 });
      const a = await ok(await mkOrder({ supplier_id: s2.id, store_id: st2.id, lines: [{ product_id: p.id, quantity: 1 }] }), 201);
      const b = await sentOrder(st2, s2, [{ product_id: p.id, quantity: 1 }]);
      const c = await ok(await mkOrder({ supplier_id: s2.id, store_id: store.id, lines: [{ product_id: p.id, quantity: 1 }] }), 201);
      const all = await ok(await api('GET', `/api/v1/purchase-orders?supplier_id=${s2.id}`));
      assert.deepEqual(all.items.map((o) => o.id), [a.id, b.id, c.id]);
      assert.equal(all.items[0].line_count, 1);
      assert.equal(all.items[0].lines, undefined);
      assert.deepEqual((await ok(await api('GET', `/api/v1/purchase-orders?supplier_id=${s2.id}&store_id=${st2.id}`))).items.map((o) => o.id), [a.id, b.id]);
      assert.deepEqual((await ok(await api('GET', `/api/v1/purchase-orders?supplier_id=${s2.id}&status=sent`))).items.map((o) => o.id), [b.id]);
      const p1 = await ok(await api('GET', `/api/v1/purchase-orders?supplier_id=${s2.id}&limit=2`));
      assert.equal(p1.items.length, 2);
      const p2 = await ok(await api('GET', `/api/v1/purchase-orders?supplier_id=${s2.id}&limit=2&cursor=${p1.next_cursor}`));
      assert.deepEqual(p2.items.map((o) => o.id), [c.id]);
      assert.equal(p2.next_cursor, null);
      // Newest first, paged the same way.
      const d1 = await ok(await api('GET', `/api/v1/purchase-orders?supplier_id=${s2.id}&order=desc&limit=2`));
      assert.deepEqual(d1.items.map((o) => o.id), [c.id, b.id]);
      const d2 = await ok(await api('GET', `/api/v1/purchase-orders?supplier_id=${s2.id}&order=desc&limit=2&cursor=${d1.next_cursor}`));
      assert.deepEqual(d2.items.map((o) => o.id), [a.id]);
      assert.equal(d2.next_cursor, null);
      assert.deepEqual((await ok(await api('GET', `/api/v1/purchase-orders?supplier_id=${s2.id}&order=asc`))).items.map((o) => o.id), [a.id, b.id, c.id]);
      assertProblem(await api('GET', '/api/v1/purchase-orders?order=newest'), 422, 'validation', ['order']);
      assertProblem(await api('GET', '/api/v1/purchase-orders?status=open'), 422, 'validation', ['status']);
      assertProblem(await api('GET', '/api/v1/purchase-orders?store_id=x'), 422, 'validation', ['store_id']);
      const csv = await api('GET', `/api/v1/purchase-orders?supplier_id=${s2.id}&format=csv`);
      assert.equal(csv.status, 200);
      assert.equal(csv.text.trim().split('\r\n').length, 4);
    });

    it('a store manager works only in their stores: an order of another store is 404 to read and to write, creating one there 403', async () => {
      const mine = await mkStore();
      const theirs = await mkStore();
      const mgr = await makeUser(srv, 'store_manager', [mine.id]);
      const p = await mkProduct({ cost: 10 });
      const t = mgr.token;
      const own = await ok(await mkOrder({ supplier_id: supplier.id, store_id: mine.id, lines: [{ product_id: p.id, quantity: 2 }] }, t), 201);
      assert.equal(own.created_by, mgr.id);
      const foreign = await ok(await mkOrder({ supplier_id: supplier.id, store_id: theirs.id, lines: [{ product_id: p.id, quantity: 2 }] }), 201);
      assertProblem(await mkOrder({ supplier_id: supplier.id, store_id: theirs.id, lines: [{ product_id: p.id, quantity: 2 }] }, t), 403, 'forbidden');
      assertProblem(await srv.api('GET', `/api/v1/purchase-orders/${foreign.id}`, { token: t }), 404, 'not-found');
      assertProblem(await srv.api('PATCH', `/api/v1/purchase-orders/${foreign.id}`, { token: t, body: { note: 'x' } }), 404, 'not-found');
      assertProblem(await send(foreign.id, t), 404, 'not-found');
      assertProblem(await cancel(foreign.id, t), 404, 'not-found');
      await ok(await send(foreign.id));
      assertProblem(await receive(foreign.id, { lines: [{ line_id: foreign.lines[0].id, quantity: 1 }] }, t), 404, 'not-found');
      assert.equal(await onHand(theirs.id, p.id), 0);
      const list = await ok(await srv.api('GET', '/api/v1/purchase-orders?limit=500', { token: t }));
      assert.deepEqual(list.items.map((o) => o.id), [own.id]);
      assertProblem(await srv.api('GET', `/api/v1/purchase-orders?store_id=${theirs.id}`, { token: t }), 404, 'not-found');
      // a line's cost becomes the product's cost when received: naming one
      // needs the catalog permission (the supplier's or product's cost is used without)
      assertProblem(await mkOrder({ supplier_id: supplier.id, store_id: mine.id, lines: [{ product_id: p.id, quantity: 1, unit_cost: 1 }] }, t), 403, 'forbidden');
      assertProblem(await srv.api('PATCH', `/api/v1/purchase-orders/${own.id}`, { token: t, body: { lines: [{ product_id: p.id, quantity: 2, unit_cost: 1 }] } }), 403, 'forbidden');
      assert.equal(own.lines[0].unit_cost, 10);
      // their own order, all the way
      await ok(await srv.api('PATCH', `/api/v1/purchase-orders/${own.id}`, { token: t, body: { note: 'mine' } }));
      await ok(await send(own.id, t));
      const got = await ok(await receive(own.id, { lines: [{ line_id: own.lines[0].id, quantity: 2 }] }, t));
      assert.equal(got.status, 'received');
      assert.equal(await onHand(mine.id, p.id), 2);
      // sales and service may not touch purchasing
      const sales = await makeUser(srv, 'sales', [mine.id]);
      const service = await makeUser(srv, 'service');
      for (const u of [sales, service]) {
        assertProblem(await srv.api('GET', `/api/v1/purchase-orders/${own.id}`, { token: u.token }), 403, 'forbidden');
        assertProblem(await mkOrder({ supplier_id: supplier.id, store_id: mine.id, lines: [{ product_id: p.id, quantity: 1 }] }, u.token), 403, 'forbidden');
      }
    });
  });
});
