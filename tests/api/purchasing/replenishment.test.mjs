// Replenishment: suggestions from reorder rules grouped by preferred
// supplier, rounding to order multiples, pack sizes and minimum order
// quantities, what is already on order, the draft purchase order made from
// them; and the slow-movers report.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const LINE_KEYS = ['product_id', 'sku', 'name', 'on_hand', 'on_order', 'min', 'max', 'quantity', 'unit_cost', 'total', 'reason', 'rule', 'safety_stock', 'forecast'].sort();
const SLOW_KEYS = ['store_id', 'product_id', 'sku', 'name', 'on_hand', 'unit_cost', 'value', 'last_sale_at', 'sold_28d', 'days_of_cover'].sort();

describe('replenishment and slow movers', () => {
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
  const link = async (p, s, body) => {
    const r = await api('PUT', `/api/v1/products/${p.id}/suppliers/${s.id}`, { body });
    assert.ok([200, 201].includes(r.status), r.text);
  };
  const rule = async (store, p, body) => {
    const r = await api('PUT', `/api/v1/stores/${store.id}/reorder-rules/${p.id}`, { body });
    assert.ok([200, 201].includes(r.status), r.text);
  };
  const move = async (store, p, quantity, reason = 'receipt') => ok(await api('POST', '/api/v1/stock/moves', {
    body: { store_id: store.id, product_id: p.id, quantity, reason },
  }), 201);
  const suggestions = async (store, token = admin) => ok(await srv.api('GET', `/api/v1/replenishment?store_id=${store.id}`, { token }));
  const order = (body, token = admin) => srv.api('POST', '/api/v1/replenishment/orders', { token, body });
  const lineOf = (rep, p) => [...rep.groups.flatMap((g) => g.lines), ...rep.unassigned].find((l) => l.product_id === p.id);

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
  });
  after(async () => { await srv?.stop(); });

  describe('suggestions', () => {
    let store, alpha, beta, dormant, p1, p2, p3, p4, p5, p6, p7;

    before(async () => {
      store = await mkStore();
      alpha = await mkSupplier({ name: `Alpha ${uniq()}` });
      beta = await mkSupplier({ name: `Beta ${uniq()}` });
      dormant = await mkSupplier({ name: `Dormant ${uniq()}` });
      await ok(await api('PATCH', `/api/v1/suppliers/${dormant.id}`, { body: { active: false } }));
      p1 = await mkProduct({ sku: `A1-${uniq()}`, cost: 90 });
      p2 = await mkProduct({ sku: `A2-${uniq()}` });
      p3 = await mkProduct({ sku: `A3-${uniq()}` });
      p4 = await mkProduct({ sku: `B1-${uniq()}`, unit: 'kg' });
      p5 = await mkProduct({ sku: `U1-${uniq()}`, cost: 40 });
      p6 = await mkProduct({ sku: `U2-${uniq()}` });
      p7 = await mkProduct({ sku: `U3-${uniq()}`, cost: 5 });
      // p1: 3 on hand, min 5, max 20: needs 17, packs of 12: 24 at 100
      await link(p1, alpha, { cost: 100, pack_size: 12, preferred: true });
      await link(p1, beta, { cost: 95 });
      await rule(store, p1, { min: 5, max: 20 });
      await move(store, p1, 3);
      // p2: nothing on hand, min 10, max 30, multiple 4: 32, MOQ 50: 50 at 10
      await link(p2, alpha, { cost: 10, min_order_qty: 50, preferred: true });
      await rule(store, p2, { min: 10, max: 30, order_multiple: 4 });
      // p3: 5 on hand above min 2: nothing
      await link(p3, alpha, { cost: 1, preferred: true });
      await rule(store, p3, { min: 2, max: 6 });
      await move(store, p3, 5);
      // p4 (kg): 0.75 on hand, min 1.5, max 8: 7.25, packs of 0.5: 7.5 at 7
      await link(p4, beta, { cost: 7, pack_size: 0.5, preferred: true });
      await rule(store, p4, { min: 1.5, max: 8, order_multiple: 0.25, safety_stock: 1 });
      await move(store, p4, 0.75);
      // p5: no supplier: unassigned at the product cost
      await rule(store, p5, { min: 1, max: 3 });
      // p6: a supplier, but not preferred; no cost anywhere
      await link(p6, alpha, { cost: 3 });
      await rule(store, p6, { min: 0, max: 2 });
      // p7: its preferred supplier is inactive
      await link(p7, dormant, { cost: 4, preferred: true });
      await rule(store, p7, { min: 1, max: 1 });
    });

    it('a store without rules has nothing to suggest', async () => {
      const empty = await mkStore();
      assert.deepEqual(await suggestions(empty), { store_id: empty.id, groups: [], unassigned: [] });
    });

    it('groups by preferred supplier with order multiples, packs and MOQ applied', async () => {
      const rep = await suggestions(store);
      assert.equal(rep.store_id, store.id);
      assert.deepEqual(rep.groups.map((g) => [g.supplier_id, g.supplier_name]), [[alpha.id, alpha.name], [beta.id, beta.name]]);
      const [ga, gb] = rep.groups;
      assert.deepEqual(Object.keys(ga.lines[0]).sort(), LINE_KEYS);
      assert.deepEqual(ga.lines.map((l) => [l.product_id, l.on_hand, l.on_order, l.min, l.max, l.quantity, l.unit_cost, l.total]), [
        [p1.id, 3, 0, 5, 20, 24, 100, 2400],
        [p2.id, 0, 0, 10, 30, 50, 10, 500],
      ]);
      assert.equal(ga.total, 2900);
      assert.equal(ga.lines[0].sku, p1.sku);
      assert.equal(ga.lines[0].name, p1.name);
      assert.match(ga.lines[0].reason, /on hand 3 \+ on order 0 = 3 is at or below min 5/);
      assert.match(ga.lines[0].reason, /in packs of 12: 24/);
      assert.match(ga.lines[1].reason, /multiple of 4: 32/);
      assert.match(ga.lines[1].reason, /minimum order: 50/);
      assert.deepEqual(gb.lines.map((l) => [l.product_id, l.on_hand, l.quantity, l.unit_cost, l.total]), [[p4.id, 0.75, 7.5, 7, 53]]);
      assert.equal(gb.total, 53); // 7.5 × 7 = 52.5 -> 53
      assert.match(gb.lines[0].reason, /urgent: on hand is below the safety stock 1/);
      assert.deepEqual(rep.unassigned.map((l) => [l.product_id, l.quantity, l.unit_cost, l.total]), [
        [p5.id, 3, 40, 120],
        [p6.id, 2, null, null],
        [p7.id, 1, 5, 5],
      ]);
      assert.equal(lineOf(rep, p3), undefined, 'above min');
    });

    it('exports the suggestions as rows with their supplier', async () => {
      const r = await api('GET', `/api/v1/replenishment?store_id=${store.id}&format=csv`);
      assert.equal(r.status, 200);
      assert.match(hdr(r, 'content-type'), /text\/csv/);
      const rows = r.text.replace(/^\uFEFF/, '').trim().split('\r\n');
      assert.match(rows[0], /^supplier_id,supplier_name,product_id,sku,/);
      assert.equal(rows.length, 1 + 6);
      assert.ok(rows.some((x) => x.includes(alpha.name) && x.includes(p1.sku)));
      assertProblem(await api('GET', `/api/v1/replenishment?store_id=${store.id}&format=pdf`), 422, 'validation', ['format']);
    });

    it('counts what open orders still expect; cancelled orders do not', async () => {
      const s = await mkStore();
      const p = await mkProduct({ cost: 1 });
      await link(p, alpha, { cost: 2, preferred: true });
      await rule(s, p, { min: 20, max: 40 });
      await move(s, p, 4);
      assert.equal(lineOf(await suggestions(s), p).quantity, 36);
      // A sent order of 20, 8 of it received: 12 still expected.
      const po = (await ok(await api('POST', '/api/v1/purchase-orders', { body: { supplier_id: alpha.id, store_id: s.id, lines: [{ product_id: p.id, quantity: 20 }] } }), 201));
      await ok(await api('POST', `/api/v1/purchase-orders/${po.id}/send`, { body: {} }));
      let l = lineOf(await suggestions(s), p);
      assert.equal(l, undefined, '4 + 20 on order is above min 20');
      await ok(await api('POST', `/api/v1/purchase-orders/${po.id}/receive`, { body: { lines: [{ line_id: po.lines[0].id, quantity: 8 }] } }));
      l = lineOf(await suggestions(s), p);
      assert.equal(l, undefined, '12 on hand + 12 on order');
      await move(s, p, -6, 'damage');
      l = lineOf(await suggestions(s), p);
      assert.deepEqual([l.on_hand, l.on_order, l.quantity], [6, 12, 22]);
      // a draft counts too; a cancelled one does not
      const draft = (await ok(await api('POST', '/api/v1/purchase-orders', { body: { supplier_id: beta.id, store_id: s.id, lines: [{ product_id: p.id, quantity: 22, unit_cost: 1 }] } }), 201));
      assert.equal(lineOf(await suggestions(s), p), undefined);
      await ok(await api('POST', `/api/v1/purchase-orders/${draft.id}/cancel`, { body: {} }));
      assert.equal(lineOf(await suggestions(s), p).on_order, 12);
      // another store's orders are not this store's
      const elsewhere = await mkStore();
      await ok(await api('POST', '/api/v1/purchase-orders', { body: { supplier_id: alpha.id, store_id: elsewhere.id, lines: [{ product_id: p.id, quantity: 100 }] } }), 201);
      assert.equal(lineOf(await suggestions(s), p).on_order, 12);
    });

    it('negative stock is made good', async () => {
      const s = await mkStore({ allow_negative_stock: true });
      const p = await mkProduct();
      await link(p, beta, { cost: 3, preferred: true });
      await rule(s, p, { min: 2, max: 10 });
      await move(s, p, -3, 'adjustment');
      const l = lineOf(await suggestions(s), p);
      assert.deepEqual([l.on_hand, l.quantity, l.total], [-3, 13, 39]);
    });

    it('turns one supplier\'s suggestions into a draft purchase order', async () => {
      const s = await mkStore();
      const a = await mkProduct();
      const b = await mkProduct();
      const c = await mkProduct({ cost: 8 });
      await link(a, alpha, { cost: 100, pack_size: 6, preferred: true });
      await link(b, alpha, { cost: 25, min_order_qty: 10, preferred: true });
      await link(c, beta, { cost: 9, preferred: true });
      await rule(s, a, { min: 2, max: 10 });
      await rule(s, b, { min: 1, max: 3 });
      await rule(s, c, { min: 1, max: 4 });
      const r = await order({ store_id: s.id, supplier_id: alpha.id });
      const po = await ok(r, 201);
      assert.equal(hdr(r, 'location'), `/api/v1/purchase-orders/${po.id}`);
      assert.equal(po.status, 'draft');
      assert.equal(po.store_id, s.id);
      assert.equal(po.supplier_id, alpha.id);
      assert.deepEqual(po.lines.map((l) => [l.product_id, l.quantity, l.unit_cost, l.total]).sort((x, y) => x[0] - y[0]),
        [[a.id, 12, 100, 1200], [b.id, 10, 25, 250]]);
      assert.equal(po.total, 1450);
      assert.deepEqual(await ok(await api('GET', `/api/v1/purchase-orders/${po.id}`)), po);
      // Now on order: alpha's group is gone, beta's stays.
      const rep = await suggestions(s);
      assert.deepEqual(rep.groups.map((g) => g.supplier_id), [beta.id]);
      assertProblem(await order({ store_id: s.id, supplier_id: alpha.id }), 422, 'validation', ['supplier_id']);
      const audit = await ok(await api('GET', `/api/v1/audit?entity=purchase_order&entity_id=${po.id}`));
      assert.deepEqual(audit.items.map((x) => x.action), ['create']);
      // unknown supplier or store, bad input
      assertProblem(await order({ store_id: s.id, supplier_id: 99999999 }), 422, 'validation', ['supplier_id']);
      assertProblem(await order({ store_id: 99999999, supplier_id: alpha.id }), 422, 'validation', ['store_id']);
      assertProblem(await order({}), 422, 'validation', ['store_id', 'supplier_id']);
      assertProblem(await order({ store_id: s.id, supplier_id: beta.id, x: 1 }), 422, 'validation', ['x']);
      assertProblem(await order({ store_id: String(s.id), supplier_id: beta.id }), 400, 'bad-request', ['store_id']);
      // the refused calls made nothing
      assert.deepEqual((await suggestions(s)).groups.map((g) => g.supplier_id), [beta.id]);
    });

    it('concurrent calls make one draft order', async () => {
      const s = await mkStore();
      const p = await mkProduct();
      await link(p, alpha, { cost: 3, preferred: true });
      await rule(s, p, { min: 1, max: 4 });
      const rs = await Promise.all(Array.from({ length: 6 }, () => order({ store_id: s.id, supplier_id: alpha.id })));
      assert.deepEqual(rs.map((r) => r.status).sort(), [201, 422, 422, 422, 422, 422]);
      const list = await ok(await api('GET', `/api/v1/purchase-orders?store_id=${s.id}`));
      assert.equal(list.items.length, 1);
      assert.equal(list.items[0].total, 12);
    });

    it('needs a store: 422 without one, 404 for an unknown one', async () => {
      assertProblem(await api('GET', '/api/v1/replenishment'), 422, 'validation', ['store_id']);
      assertProblem(await api('GET', '/api/v1/replenishment?store_id=abc'), 422, 'validation', ['store_id']);
      assertProblem(await api('GET', '/api/v1/replenishment?store_id=99999999'), 404, 'not-found');
    });

    it('store managers only for their stores; sales and service not at all', async () => {
      const mine = await mkStore();
      const p = await mkProduct();
      await link(p, beta, { cost: 2, preferred: true });
      await rule(mine, p, { min: 1, max: 5 });
      const mgr = await makeUser(srv, 'store_manager', [mine.id]);
      assert.equal(lineOf(await suggestions(mine, mgr.token), p).quantity, 5);
      assertProblem(await srv.api('GET', `/api/v1/replenishment?store_id=${store.id}`, { token: mgr.token }), 404, 'not-found');
      assertProblem(await order({ store_id: store.id, supplier_id: alpha.id }, mgr.token), 403, 'forbidden');
      assert.ok(lineOf(await suggestions(store), p1), 'nothing was ordered for the other store');
      const po = await ok(await order({ store_id: mine.id, supplier_id: beta.id }, mgr.token), 201);
      assert.equal(po.created_by, mgr.id);
      for (const role of ['sales', 'service']) {
        const u = await makeUser(srv, role, role === 'sales' ? [mine.id] : []);
        assertProblem(await srv.api('GET', `/api/v1/replenishment?store_id=${mine.id}`, { token: u.token }), 403, 'forbidden');
        assertProblem(await order({ store_id: mine.id, supplier_id: beta.id }, u.token), 403, 'forbidden');
      }
    });
  });

  describe('slow movers', () => {
    let store, other, p, q, r, z;
    const slow = (query, token = admin) => srv.api('GET', `/api/v1/reports/slow-movers${query}`, { token });

    before(async () => {
      store = await mkStore();
      other = await mkStore();
      p = await mkProduct({ cost: 250 });
      q = await mkProduct();
      r = await mkProduct({ cost: 3 });
      z = await mkProduct({ cost: 7 });
      await move(store, p, 4);
      await move(store, q, 2.5);
      await move(store, r, 3);
      await move(store, r, -3, 'damage'); // nothing left: not a slow mover
      await move(other, z, 1);
    });

    it('without sales every product with stock is slow, with value and no cover', async () => {
      const rep = await ok(await slow(`?store_id=${store.id}`));
      assert.equal(rep.next_cursor, null);
      assert.deepEqual(rep.items.map((i) => i.product_id), [p.id, q.id]);
      assert.deepEqual(Object.keys(rep.items[0]).sort(), SLOW_KEYS);
      assert.deepEqual(rep.items[0], {
        store_id: store.id, product_id: p.id, sku: p.sku, name: p.name, on_hand: 4, unit_cost: 250, value: 1000,
        last_sale_at: null, sold_28d: 0, days_of_cover: null,
      });
      assert.equal(rep.items[1].on_hand, 2.5);
      assert.equal(rep.items[1].unit_cost, null);
      assert.equal(rep.items[1].value, null);
      for (const days of [1, 730]) {
        assert.deepEqual((await ok(await slow(`?store_id=${store.id}&days=${days}`))).items.map((i) => i.product_id), [p.id, q.id]);
      }
    });

    it('a product sold today is not slow', async () => {
      const sold = await mkProduct({ cost: 100, price: 300 });
      await move(store, sold, 5);
      assert.ok((await ok(await slow(`?store_id=${store.id}`))).items.some((i) => i.product_id === sold.id));
      const sale = await srv.api('POST', '/api/v1/sales', {
        token: admin, headers: { 'idempotency-key': randomUUID() },
        body: { store_id: store.id, lines: [{ product_id: sold.id, quantity: 2 }], payments: [{ method: 'cash', amount: 600 }] },
      });
      assert.equal(sale.status, 201, sale.text);
      for (const days of [1, 90]) {
        const items = (await ok(await slow(`?store_id=${store.id}&days=${days}`))).items;
        assert.ok(!items.some((i) => i.product_id === sold.id), `days=${days}`);
      }
    });

    it('checks days and store_id', async () => {
      for (const days of ['0', '731', '-3', 'x', '1.5']) {
        assertProblem(await slow(`?days=${days}`), 422, 'validation', ['days']);
      }
      assertProblem(await slow('?store_id=0'), 422, 'validation', ['store_id']);
      assert.deepEqual((await ok(await slow('?store_id=99999999'))).items, []);
    });

    it('pages and exports', async () => {
      const p1 = await ok(await slow(`?store_id=${store.id}&limit=1`));
      assert.equal(p1.items.length, 1);
      assert.equal(typeof p1.next_cursor, 'string');
      const p2 = await ok(await slow(`?store_id=${store.id}&limit=1&cursor=${p1.next_cursor}`));
      assert.deepEqual(p2.items.map((i) => i.product_id), [q.id]);
      assert.equal(p2.next_cursor, null);
      const csv = await slow(`?store_id=${store.id}&format=csv&limit=1`);
      assert.equal(csv.status, 200);
      const rows = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
      assert.equal(rows.length, 3, 'every page');
      assert.match(rows[0], /^store_id,product_id,sku,name,on_hand,unit_cost,value,last_sale_at,sold_28d,days_of_cover$/);
      const xlsx = await slow(`?store_id=${store.id}&format=xlsx`);
      assert.equal(xlsx.status, 200);
    });

    it('all stores for hq; store managers see theirs only', async () => {
      const all = (await ok(await slow('?limit=500'))).items;
      assert.ok(all.some((i) => i.store_id === store.id && i.product_id === p.id));
      assert.ok(all.some((i) => i.store_id === other.id && i.product_id === z.id));
      const hq = await makeUser(srv, 'hq');
      assert.ok((await ok(await slow('?limit=500', hq.token))).items.some((i) => i.store_id === other.id));
      const mgr = await makeUser(srv, 'store_manager', [other.id]);
      const mine = (await ok(await slow('', mgr.token))).items;
      assert.deepEqual(mine.map((i) => [i.store_id, i.product_id]), [[other.id, z.id]]);
      assertProblem(await slow(`?store_id=${store.id}`, mgr.token), 404, 'not-found');
      for (const role of ['sales', 'service']) {
        const u = await makeUser(srv, role, role === 'sales' ? [other.id] : []);
        assertProblem(await slow('', u.token), 403, 'forbidden');
      }
    });
  });
});
