// Stock ledger: manual moves and their validation, insufficient stock and
// the store's allow_negative_stock, balances and moves with filters and
// pagination, stock value, reorder rules and low-stock alerts, scoping of
// store-bound roles, 200 concurrent moves, and `tersa check-stock` at the end.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, uniq, makeUser, ROOT } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const MOVE_KEYS = ['id', 'store_id', 'product_id', 'quantity', 'kind', 'doc_type', 'doc_id', 'user_id',
  'unit_cost', 'note', 'balance_after', 'at'].sort();
const ITEM_KEYS = ['store_id', 'product_id', 'sku', 'name', 'on_hand', 'unit_cost', 'value', 'min', 'max'].sort();
const RULE_KEYS = ['store_id', 'product_id', 'min', 'max', 'safety_stock', 'lead_time_days', 'order_multiple',
  'created_at', 'updated_at'].sort();
const ALERT_KEYS = ['id', 'kind', 'store_id', 'product_id', 'status', 'message', 'quantity', 'threshold',
  'raised_at', 'resolved_at', 'acknowledged_at', 'acknowledged_by', 'note', 'details', 'updated_at'].sort();

describe('stock', () => {
  let srv, admin;
  let storeA, storeB, storeNeg; // storeNeg allows negative stock
  let manager, sales, hq;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });

  async function mkStore(extra = {}) {
    const r = await api('POST', '/api/v1/stores', { body: { code: `S-${uniq()}`, name: `Store ${uniq()}`, channel: 'direct', ...extra } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  }
  async function mkCategory(name, parent_id) {
    const r = await api('POST', '/api/v1/categories', { body: { name, ...(parent_id ? { parent_id } : {}) } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  }
  async function mkProduct(extra = {}) {
    const r = await api('POST', '/api/v1/products', {
      body: { sku: `P-${uniq()}`, name: `Product ${uniq()}`, unit: 'pcs', price: 1000, cost: 600, vat_rate: 0, ...extra },
    });
    assert.equal(r.status, 201, r.text);
    return r.body;
  }
  const move = (body, token = admin) => srv.api('POST', '/api/v1/stock/moves', { token, body });
  async function receive(store_id, product_id, quantity) {
    const r = await move({ store_id, product_id, quantity, reason: 'receipt' });
    assert.equal(r.status, 201, r.text);
    return r.body;
  }
  async function onHand(store_id, product_id) {
    const r = await api('GET', `/api/v1/stock?store_id=${store_id}&product_id=${product_id}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.length <= 1);
    return r.body.items.length ? r.body.items[0].on_hand : 0;
  }
  // Every page of a list, following next_cursor with the given page size.
  async function listAll(p, token = admin, limit = 2) {
    const seen = [];
    let cursor = null;
    for (let i = 0; i < 500; i++) {
      const sep = p.includes('?') ? '&' : '?';
      const r = await srv.api('GET', `${p}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.body.items.length <= limit);
      seen.push(...r.body.items);
      cursor = r.body.next_cursor;
      if (cursor === null) return seen;
      assert.equal(typeof cursor, 'string');
    }
    assert.fail('pagination did not end');
  }
  const alerts = async (q, token = admin) => {
    const r = await srv.api('GET', `/api/v1/alerts?${q}`, { token });
    assert.equal(r.status, 200, r.text);
    return r.body.items;
  };

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    storeA = await mkStore();
    storeB = await mkStore();
    storeNeg = await mkStore({ allow_negative_stock: true });
    manager = await makeUser(srv, 'store_manager', [storeA]);
    sales = await makeUser(srv, 'sales', [storeA]);
    hq = await makeUser(srv, 'hq');
  });
  after(async () => { await srv?.stop(); });

  describe('moves', () => {
    it('a receipt: 201 with every field, the balance, and an audit row', async () => {
      const p = await mkProduct();
      const r = await move({ store_id: storeA, product_id: p.id, quantity: 12.5, reason: 'receipt', note: 'first delivery', unit_cost: 550 });
      assert.equal(r.status, 201, r.text);
      const m = r.body;
      assert.deepEqual(Object.keys(m).sort(), MOVE_KEYS);
      assert.ok(Number.isInteger(m.id) && m.id > 0);
      assert.equal(m.store_id, storeA);
      assert.equal(m.product_id, p.id);
      assert.equal(m.quantity, 12.5);
      assert.equal(m.kind, 'receipt');
      assert.equal(m.doc_type, null);
      assert.equal(m.doc_id, null);
      assert.equal(typeof m.user_id, 'number');
      assert.equal(m.unit_cost, 550);
      assert.equal(m.note, 'first delivery');
      assert.equal(m.balance_after, 12.5);
      assert.match(m.at, RFC3339_UTC);
      assert.equal(await onHand(storeA, p.id), 12.5);

      const a = await api('GET', `/api/v1/audit?entity=stock_move&entity_id=${m.id}`);
      assert.equal(a.status, 200, a.text);
      assert.equal(a.body.items.length, 1);
      assert.equal(a.body.items[0].action, 'create');
      assert.equal(a.body.items[0].store_id, storeA);
      assert.deepEqual(a.body.items[0].after, m);
    });

    it('a receipt with a unit cost moves the moving-average cost over every store, audited', async () => {
      const p = await mkProduct({ cost: 1000 });
      await receive(storeA, p.id, 10); // no unit cost: the cost stays
      const cost = async () => (await api('GET', `/api/v1/products/${p.id}`)).body.cost;
      const costAudits = async () => (await api('GET', `/api/v1/audit?entity=product&entity_id=${p.id}`)).body.items
        .filter((x) => x.action === 'update');
      assert.equal(await cost(), 1000);
      let r = await move({ store_id: storeB, product_id: p.id, quantity: 5, reason: 'receipt', unit_cost: 1300 });
      assert.equal(r.status, 201, r.text);
      assert.equal(await cost(), 1100); // (10 x 1000 + 5 x 1300) / 15
      let audits = await costAudits();
      assert.equal(audits.length, 1);
      assert.deepEqual([audits[0].before, audits[0].after], [{ cost: 1000 }, { cost: 1100 }]);
      // at the average itself: no change, no audit row
      r = await move({ store_id: storeA, product_id: p.id, quantity: 3, reason: 'receipt', unit_cost: 1100 });
      assert.equal(r.status, 201, r.text);
      assert.equal((await costAudits()).length, 1);
      // an adjustment's cost is recorded on the move only
      r = await move({ store_id: storeA, product_id: p.id, quantity: 2, reason: 'adjustment', unit_cost: 9000 });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.unit_cost, 9000);
      assert.equal(await cost(), 1100);
      // a refused receipt changes nothing
      assertProblem(await move({ store_id: storeA, product_id: 99999999, quantity: 1, reason: 'receipt', unit_cost: 1 }),
        422, 'validation', ['product_id']);
      assert.equal(await cost(), 1100);
    });

    it("a store manager's receipt records its cost on the move but leaves the company-wide cost; hq's moves it", async () => {
      const p = await mkProduct({ cost: 1000 });
      await receive(storeA, p.id, 10);
      const cost = async () => (await api('GET', `/api/v1/products/${p.id}`)).body.cost;
      let r = await move({ store_id: storeA, product_id: p.id, quantity: 10, reason: 'receipt', unit_cost: 1 }, manager.token);
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.unit_cost, 1);
      assert.equal(await cost(), 1000);
      const audits = (await api('GET', `/api/v1/audit?entity=product&entity_id=${p.id}`)).body.items
        .filter((x) => x.action === 'update');
      assert.equal(audits.length, 0);
      r = await move({ store_id: storeA, product_id: p.id, quantity: 20, reason: 'receipt', unit_cost: 1300 }, hq.token);
      assert.equal(r.status, 201, r.text);
      assert.equal(await cost(), 1150); // (20 x 1000 + 20 x 1300) / 40
    });

    it('adjustments either way and damage: each move carries the running balance', async () => {
      const p = await mkProduct();
      await receive(storeA, p.id, 10);
      let r = await move({ store_id: storeA, product_id: p.id, quantity: -2.25, reason: 'adjustment' });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.kind, 'adjustment');
      assert.equal(r.body.balance_after, 7.75);
      assert.equal(r.body.unit_cost, null);
      r = await move({ store_id: storeA, product_id: p.id, quantity: 0.25, reason: 'adjustment' });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.balance_after, 8);
      r = await move({ store_id: storeA, product_id: p.id, quantity: -3, reason: 'damage', note: 'dropped' });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.kind, 'damage');
      assert.equal(r.body.balance_after, 5);
      assert.equal(await onHand(storeA, p.id), 5);
      // taking everything is allowed: the balance may reach zero exactly
      r = await move({ store_id: storeA, product_id: p.id, quantity: -5, reason: 'damage' });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.balance_after, 0);
    });

    it('zero quantity: 422 quantity', async () => {
      const p = await mkProduct();
      assertProblem(await move({ store_id: storeA, product_id: p.id, quantity: 0, reason: 'adjustment' }), 422, 'validation', ['quantity']);
    });

    it('more than three decimals: 422 quantity', async () => {
      const p = await mkProduct();
      assertProblem(await move({ store_id: storeA, product_id: p.id, quantity: 1.2345, reason: 'receipt' }), 422, 'validation', ['quantity']);
      assert.equal(await onHand(storeA, p.id), 0);
    });

    it('unknown product and unknown store: 422 naming both', async () => {
      const r = await move({ store_id: 999999, product_id: 999999, quantity: 1, reason: 'receipt' });
      assertProblem(r, 422, 'validation', ['store_id', 'product_id']);
    });

    it('a negative receipt and a positive damage: 422 quantity', async () => {
      const p = await mkProduct();
      await receive(storeA, p.id, 5);
      assertProblem(await move({ store_id: storeA, product_id: p.id, quantity: -1, reason: 'receipt' }), 422, 'validation', ['quantity']);
      assertProblem(await move({ store_id: storeA, product_id: p.id, quantity: 1, reason: 'damage' }), 422, 'validation', ['quantity']);
      assert.equal(await onHand(storeA, p.id), 5);
    });

    it('a reason other than receipt, adjustment, damage: 422 reason', async () => {
      const p = await mkProduct();
      for (const reason of ['sale', 'transfer_in', 'count', 'gift']) {
        assertProblem(await move({ store_id: storeA, product_id: p.id, quantity: 1, reason }), 422, 'validation', ['reason']);
      }
    });

    it('an unknown field: 422 naming it', async () => {
      const p = await mkProduct();
      assertProblem(await move({ store_id: storeA, product_id: p.id, quantity: 1, reason: 'receipt', kind: 'receipt' }), 422, 'validation', ['kind']);
    });

    it('every missing field listed in one 422; wrong JSON types answer 400', async () => {
      assertProblem(await move({}), 422, 'validation', ['store_id', 'product_id', 'quantity', 'reason']);
      const p = await mkProduct();
      assertProblem(await move({ store_id: storeA, product_id: p.id, quantity: '5', reason: 'receipt' }), 400, 'bad-request', ['quantity']);
      assertProblem(await move({ store_id: String(storeA), product_id: p.id, quantity: 5, reason: 'receipt' }), 400, 'bad-request', ['store_id']);
      assertProblem(await move({ store_id: storeA, product_id: p.id, quantity: 5, reason: 'receipt', unit_cost: -1 }), 422, 'validation', ['unit_cost']);
      assertProblem(await move({ store_id: storeA, product_id: p.id, quantity: 5, reason: 'receipt', note: 'x'.repeat(501) }), 422, 'validation', ['note']);
    });

    it('below zero: 409 insufficient-stock naming the product, nothing recorded', async () => {
      const p = await mkProduct();
      await receive(storeA, p.id, 2);
      const before = await api('GET', `/api/v1/stock/moves?store_id=${storeA}&product_id=${p.id}`);
      const r = await move({ store_id: storeA, product_id: p.id, quantity: -3, reason: 'damage' });
      assertProblem(r, 409, 'insufficient-stock', ['quantity']);
      assert.match(r.body.detail, new RegExp(p.sku));
      assert.match(r.body.detail, new RegExp(p.name));
      assert.equal(await onHand(storeA, p.id), 2);
      const after_ = await api('GET', `/api/v1/stock/moves?store_id=${storeA}&product_id=${p.id}`);
      assert.deepEqual(after_.body.items, before.body.items);
      // and from nothing at all
      const q = await mkProduct();
      assertProblem(await move({ store_id: storeA, product_id: q.id, quantity: -0.001, reason: 'adjustment' }), 409, 'insufficient-stock');
    });

    it('a store allowing negative stock takes the move and raises a negative_stock alert once, resolved on recovery', async () => {
      const p = await mkProduct();
      await receive(storeNeg, p.id, 1);
      let r = await move({ store_id: storeNeg, product_id: p.id, quantity: -3, reason: 'adjustment' });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.balance_after, -2);
      r = await move({ store_id: storeNeg, product_id: p.id, quantity: -1, reason: 'damage' });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.balance_after, -3);
      assert.equal(await onHand(storeNeg, p.id), -3);
      let list = await alerts(`kind=negative_stock&store_id=${storeNeg}`);
      list = list.filter((a) => a.product_id === p.id);
      assert.equal(list.length, 1, JSON.stringify(list));
      assert.equal(list[0].status, 'open');
      assert.equal(list[0].quantity, -2);
      // a receipt that leaves it still negative is accepted and keeps the alert
      r = await move({ store_id: storeNeg, product_id: p.id, quantity: 1, reason: 'receipt' });
      assert.equal(r.status, 201, r.text);
      assert.equal((await alerts(`kind=negative_stock&status=open&store_id=${storeNeg}&product_id=${p.id}`)).length, 1);
      await receive(storeNeg, p.id, 2);
      list = await alerts(`kind=negative_stock&store_id=${storeNeg}&product_id=${p.id}`);
      assert.equal(list.length, 1);
      assert.equal(list[0].status, 'resolved');
      assert.match(list[0].resolved_at, RFC3339_UTC);
    });

    it('a receipt into a store refusing negative stock is accepted even while the balance is negative', async () => {
      // the balance went negative while the store allowed it; then the setting is turned off
      const s = await mkStore({ allow_negative_stock: true });
      const p = await mkProduct();
      assert.equal((await move({ store_id: s, product_id: p.id, quantity: -5, reason: 'adjustment' })).status, 201);
      assert.equal((await api('PATCH', `/api/v1/stores/${s}`, { body: { allow_negative_stock: false } })).status, 200);
      const r = await move({ store_id: s, product_id: p.id, quantity: 2, reason: 'receipt' });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.balance_after, -3);
      assertProblem(await move({ store_id: s, product_id: p.id, quantity: -1, reason: 'damage' }), 409, 'insufficient-stock');
    });
  });

  describe('scoping and roles', () => {
    let pA, pB;
    before(async () => {
      pA = await mkProduct();
      pB = await mkProduct();
      await receive(storeA, pA.id, 4);
      await receive(storeB, pB.id, 6);
    });

    it('a store manager moves stock in their store, not in another (403)', async () => {
      const r = await move({ store_id: storeA, product_id: pA.id, quantity: 1, reason: 'receipt' }, manager.token);
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.user_id, manager.id);
      assertProblem(await move({ store_id: storeB, product_id: pB.id, quantity: 1, reason: 'receipt' }, manager.token), 403, 'forbidden');
      assert.equal(await onHand(storeB, pB.id), 6);
    });

    it('hq moves stock in any store; sales may not move stock (403)', async () => {
      assert.equal((await move({ store_id: storeB, product_id: pB.id, quantity: 1, reason: 'receipt' }, hq.token)).status, 201);
      assertProblem(await move({ store_id: storeA, product_id: pA.id, quantity: 1, reason: 'receipt' }, sales.token), 403, 'forbidden');
    });

    it("another store's stock, moves and value: 404 for a store-bound user", async () => {
      for (const t of [manager.token, sales.token]) {
        assertProblem(await srv.api('GET', `/api/v1/stock?store_id=${storeB}`, { token: t }), 404, 'not-found');
        assertProblem(await srv.api('GET', `/api/v1/stock/moves?store_id=${storeB}`, { token: t }), 404, 'not-found');
        assertProblem(await srv.api('GET', `/api/v1/stock/value?store_id=${storeB}`, { token: t }), 404, 'not-found');
      }
      assertProblem(await srv.api('GET', `/api/v1/alerts?store_id=${storeB}`, { token: manager.token }), 404, 'not-found');
    });

    it('unfiltered lists hold only their own stores', async () => {
      for (const t of [manager.token, sales.token]) {
        const items = await listAll('/api/v1/stock', t, 50);
        assert.ok(items.length > 0);
        assert.ok(items.every((i) => i.store_id === storeA), JSON.stringify(items));
        const moves = await listAll('/api/v1/stock/moves', t, 50);
        assert.ok(moves.length > 0);
        assert.ok(moves.every((m) => m.store_id === storeA));
        const v = await srv.api('GET', '/api/v1/stock/value', { token: t });
        assert.equal(v.status, 200, v.text);
        assert.deepEqual(v.body.items.map((i) => i.key), [storeA]);
      }
      const all = await listAll('/api/v1/stock', hq.token, 50);
      assert.ok(all.some((i) => i.store_id === storeB));
    });

    it('sales may not read alerts (403)', async () => {
      assertProblem(await srv.api('GET', '/api/v1/alerts', { token: sales.token }), 403, 'forbidden');
    });
  });

  describe('balances and moves: filters and pagination', () => {
    let store, root, child, other, prods;
    before(async () => {
      store = await mkStore();
      root = await mkCategory(`Root ${uniq()}`);
      child = await mkCategory(`Child ${uniq()}`, root);
      other = await mkCategory(`Other ${uniq()}`);
      const tag = uniq();
      prods = [
        await mkProduct({ category_id: root, name: `Tea ${tag} green`, cost: 100 }),
        await mkProduct({ category_id: child, name: `Tea ${tag} black`, cost: 250 }),
        await mkProduct({ category_id: child, name: `Coffee ${tag}`, cost: 1000 }),
        await mkProduct({ category_id: other, name: `Cups ${tag}`, cost: 333 }),
        await mkProduct({ name: `Loose ${tag}`, cost: null }),
      ];
      const qty = [1, 2, 3.5, 4, 5];
      for (let i = 0; i < prods.length; i++) await receive(store, prods[i].id, qty[i]);
      await move({ store_id: store, product_id: prods[0].id, quantity: -0.5, reason: 'damage' });
    });

    it('GET /stock: every field; value is on hand x cost', async () => {
      const r = await api('GET', `/api/v1/stock?store_id=${store}&product_id=${prods[2].id}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.items.length, 1);
      const it0 = r.body.items[0];
      assert.deepEqual(Object.keys(it0).sort(), ITEM_KEYS);
      assert.deepEqual(it0, { store_id: store, product_id: prods[2].id, sku: prods[2].sku, name: prods[2].name,
        on_hand: 3.5, unit_cost: 1000, value: 3500, min: null, max: null });
      const loose = (await api('GET', `/api/v1/stock?store_id=${store}&product_id=${prods[4].id}`)).body.items[0];
      assert.equal(loose.unit_cost, null);
      assert.equal(loose.value, 0);
      const cups = (await api('GET', `/api/v1/stock?store_id=${store}&product_id=${prods[3].id}`)).body.items[0];
      assert.equal(cups.value, 1332);
    });

    it('pages through a store by (store, product) with a cursor, each pair once', async () => {
      const items = await listAll(`/api/v1/stock?store_id=${store}`, admin, 2);
      assert.deepEqual(items.map((i) => i.product_id), prods.map((p) => p.id));
      const one = await api('GET', `/api/v1/stock?store_id=${store}&limit=2`);
      assert.match(one.body.next_cursor, /^\d+:\d+$/);
      // across stores too: no pair twice, ordered
      const every = await listAll('/api/v1/stock', admin, 3);
      const keys = every.map((i) => `${i.store_id}:${i.product_id}`);
      assert.equal(new Set(keys).size, keys.length);
      const sorted = [...every].sort((a, b) => a.store_id - b.store_id || a.product_id - b.product_id);
      assert.deepEqual(every, sorted);
    });

    it('filters by category (with its subcategories) and by text', async () => {
      let items = await listAll(`/api/v1/stock?store_id=${store}&category_id=${root}`, admin, 50);
      assert.deepEqual(items.map((i) => i.product_id), [prods[0].id, prods[1].id, prods[2].id]);
      items = await listAll(`/api/v1/stock?store_id=${store}&category_id=${child}`, admin, 50);
      assert.deepEqual(items.map((i) => i.product_id), [prods[1].id, prods[2].id]);
      const tag = prods[0].name.split(' ')[1];
      items = await listAll(`/api/v1/stock?store_id=${store}&q=${encodeURIComponent(`tea ${tag}`)}`, admin, 50);
      assert.deepEqual(items.map((i) => i.product_id), [prods[0].id, prods[1].id]);
      items = await listAll(`/api/v1/stock?q=${encodeURIComponent(prods[3].sku)}`, admin, 50);
      assert.deepEqual(items.map((i) => i.product_id), [prods[3].id]);
      items = await listAll(`/api/v1/stock?q=${encodeURIComponent('%')}&store_id=${store}`, admin, 50);
      assert.equal(items.length, 0);
    });

    it('filters by level: negative and none look at the balance, low is below_min', async () => {
      const [neg, zero, some, low] = [await mkProduct(), await mkProduct(), await mkProduct(), await mkProduct()];
      await receive(storeNeg, neg.id, 1);
      assert.equal((await move({ store_id: storeNeg, product_id: neg.id, quantity: -3, reason: 'adjustment' })).status, 201);
      await receive(storeNeg, zero.id, 2);
      assert.equal((await move({ store_id: storeNeg, product_id: zero.id, quantity: -2, reason: 'damage' })).status, 201);
      await receive(storeNeg, some.id, 4);
      await receive(storeNeg, low.id, 1);
      assert.equal((await api('PUT', `/api/v1/stores/${storeNeg}/reorder-rules/${low.id}`, { body: { min: 2, max: 10 } })).status, 201);
      const mine = (items) => items.map((i) => i.product_id).filter((id) => [neg.id, zero.id, some.id, low.id].includes(id));
      const level = (l) => listAll(`/api/v1/stock?store_id=${storeNeg}&level=${l}`, admin, 50);
      let items = await level('negative');
      assert.deepEqual(mine(items), [neg.id]);
      assert.ok(items.every((i) => i.on_hand < 0));
      items = await level('none');
      assert.deepEqual(mine(items), [zero.id]);
      assert.ok(items.every((i) => i.on_hand === 0));
      items = await level('low');
      assert.deepEqual(mine(items), [low.id]);
      assert.ok(items.every((i) => i.min !== null && i.on_hand <= i.min));
      // with the text search, and paged one at a time
      assert.deepEqual(mine(await listAll(`/api/v1/stock?store_id=${storeNeg}&level=none&q=${encodeURIComponent(zero.sku)}`, admin, 1)), [zero.id]);
      assertProblem(await api('GET', '/api/v1/stock?level=empty'), 422, 'validation', ['level']);
    });

    it('bad filters: 422 naming them', async () => {
      assertProblem(await api('GET', '/api/v1/stock?store_id=abc&category_id=0&below_min=yes'), 422, 'validation', ['store_id', 'category_id', 'below_min']);
      assertProblem(await api('GET', '/api/v1/stock?cursor=12'), 422, 'validation', ['cursor']);
      assertProblem(await api('GET', '/api/v1/stock?cursor=a:b'), 422, 'validation', ['cursor']);
      assertProblem(await api('GET', '/api/v1/stock?limit=0'), 422, 'validation', ['limit']);
      assertProblem(await api('GET', '/api/v1/stock/moves?kind=gift&from=yesterday&to=2026-13-01'), 422, 'validation', ['kind', 'from', 'to']);
    });

    it('GET /stock as CSV', async () => {
      const r = await api('GET', `/api/v1/stock?store_id=${store}&format=csv`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type'), /^text\/csv/);
      const lines = r.text.trim().split(/\r?\n/);
      assert.equal(lines.length, 1 + prods.length);
      assert.match(lines[0], /store_id/);
      assert.match(lines[0], /on_hand/);
    });

    it('GET /stock/moves: newest first, filtered by store, product, kind, time; paginated', async () => {
      const moves = await listAll(`/api/v1/stock/moves?store_id=${store}`, admin, 2);
      assert.equal(moves.length, 6);
      const ids = moves.map((m) => m.id);
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
      assert.equal(moves[0].kind, 'damage');
      assert.equal(moves[0].quantity, -0.5);
      assert.equal(moves[0].balance_after, 0.5);
      const rec = await listAll(`/api/v1/stock/moves?store_id=${store}&kind=receipt`, admin, 50);
      assert.equal(rec.length, 5);
      assert.ok(rec.every((m) => m.kind === 'receipt'));
      const one = await listAll(`/api/v1/stock/moves?store_id=${store}&product_id=${prods[0].id}`, admin, 50);
      assert.deepEqual(one.map((m) => m.kind), ['damage', 'receipt']);
      // time range: [from, to)
      const newest = moves[0].at;
      const atNewest = await listAll(`/api/v1/stock/moves?store_id=${store}&from=${encodeURIComponent(newest)}`, admin, 50);
      assert.ok(atNewest.some((m) => m.id === moves[0].id));
      assert.ok(atNewest.every((m) => m.at >= newest));
      const beforeOldest = await listAll(`/api/v1/stock/moves?store_id=${store}&to=${encodeURIComponent(moves[moves.length - 1].at)}`, admin, 50);
      assert.ok(!beforeOldest.some((m) => m.id === moves[moves.length - 1].id));
      const future = await listAll(`/api/v1/stock/moves?store_id=${store}&from=2999-01-01`, admin, 50);
      assert.equal(future.length, 0);
      const past = await listAll(`/api/v1/stock/moves?store_id=${store}&to=2000-01-01`, admin, 50);
      assert.equal(past.length, 0);
      // a date as `to` includes that whole day
      const today = await listAll(`/api/v1/stock/moves?store_id=${store}&from=2000-01-01&to=2999-12-31`, admin, 50);
      assert.equal(today.length, 6);
    });

    it('stock value by store and by category', async () => {
      // values: 0.5x100=50, 2x250=500, 3.5x1000=3500, 4x333=1332, 5 x no cost=0
      let r = await api('GET', `/api/v1/stock/value?store_id=${store}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.group_by, 'store');
      assert.equal(r.body.items.length, 1);
      assert.equal(r.body.items[0].key, store);
      assert.equal(typeof r.body.items[0].label, 'string');
      assert.equal(r.body.items[0].quantity, 15);
      assert.equal(r.body.items[0].value, 5382);
      assert.deepEqual(r.body.totals, { quantity: 15, value: 5382 });

      r = await api('GET', `/api/v1/stock/value?store_id=${store}&group_by=category`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.group_by, 'category');
      const by = Object.fromEntries(r.body.items.map((i) => [String(i.key), i]));
      assert.deepEqual(by[String(root)], { key: root, label: by[String(root)].label, quantity: 0.5, value: 50 });
      assert.deepEqual(by[String(child)], { key: child, label: by[String(child)].label, quantity: 5.5, value: 4000 });
      assert.deepEqual(by[String(other)], { key: other, label: by[String(other)].label, quantity: 4, value: 1332 });
      assert.deepEqual(by.null, { key: null, label: null, quantity: 5, value: 0 });
      assert.match(by[String(child)].label, /^Child /);
      assert.deepEqual(r.body.totals, { quantity: 15, value: 5382 });

      const all = await api('GET', '/api/v1/stock/value');
      assert.equal(all.status, 200);
      assert.ok(all.body.items.length >= 4);
      assert.equal(all.body.totals.value, all.body.items.reduce((s, i) => s + i.value, 0));
      assertProblem(await api('GET', '/api/v1/stock/value?group_by=brand'), 422, 'validation', ['group_by']);
    });
  });

  describe('reorder rules and low-stock alerts', () => {
    const rulePath = (s, p) => `/api/v1/stores/${s}/reorder-rules/${p}`;

    it('PUT creates (201) and replaces (200) a rule; GET lists it; DELETE removes it', async () => {
      const p = await mkProduct();
      let r = await api('PUT', rulePath(storeA, p.id), { body: { min: 2.5, max: 10, safety_stock: 1, lead_time_days: 3, order_multiple: 6 } });
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(Object.keys(r.body).sort(), RULE_KEYS);
      assert.equal(r.body.store_id, storeA);
      assert.equal(r.body.product_id, p.id);
      assert.equal(r.body.min, 2.5);
      assert.equal(r.body.max, 10);
      assert.equal(r.body.safety_stock, 1);
      assert.equal(r.body.lead_time_days, 3);
      assert.equal(r.body.order_multiple, 6);
      r = await api('PUT', rulePath(storeA, p.id), { body: { min: 1, max: 4 } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.safety_stock, 0);
      assert.equal(r.body.lead_time_days, null);
      assert.equal(r.body.order_multiple, 1);
      const l = await api('GET', `/api/v1/reorder-rules?store_id=${storeA}&product_id=${p.id}`);
      assert.equal(l.status, 200);
      assert.deepEqual(l.body.items, [r.body]);
      const s = (await api('GET', `/api/v1/stock?store_id=${storeA}&product_id=${p.id}`)).body.items[0];
      assert.equal(s.min, 1);
      assert.equal(s.max, 4);
      const audit = await api('GET', `/api/v1/audit?entity=reorder_rule&entity_id=${p.id}`);
      assert.deepEqual(audit.body.items.map((a) => a.action), ['update', 'create']);
      assert.equal((await api('DELETE', rulePath(storeA, p.id))).status, 204);
      assertProblem(await api('DELETE', rulePath(storeA, p.id)), 404, 'not-found');
      assert.equal((await api('GET', `/api/v1/reorder-rules?store_id=${storeA}&product_id=${p.id}`)).body.items.length, 0);
    });

    it('bad rules: 422 naming every field', async () => {
      const p = await mkProduct();
      const put = (body) => api('PUT', rulePath(storeA, p.id), { body });
      assertProblem(await put({ min: 5, max: 4 }), 422, 'validation', ['max']);
      assertProblem(await put({ min: -1, max: 4, safety_stock: -1, order_multiple: 0, lead_time_days: -2 }), 422, 'validation',
        ['min', 'safety_stock', 'order_multiple', 'lead_time_days']);
      assertProblem(await put({}), 422, 'validation', ['min', 'max']);
      assertProblem(await put({ min: null, max: 3 }), 422, 'validation', ['min']);
      assertProblem(await put({ min: 1.0001, max: 3, colour: 'red' }), 422, 'validation', ['min', 'colour']);
      assertProblem(await put({ min: '1', max: 3 }), 400, 'bad-request', ['min']);
      assertProblem(await api('PUT', rulePath(storeA, 999999), { body: { min: 1, max: 2 } }), 404, 'not-found');
      assertProblem(await api('PUT', rulePath(999999, p.id), { body: { min: 1, max: 2 } }), 404, 'not-found');
      assert.equal((await api('GET', `/api/v1/reorder-rules?product_id=${p.id}`)).body.items.length, 0);
    });

    it('store managers write rules for their own stores only; sales none', async () => {
      const p = await mkProduct();
      const r = await srv.api('PUT', rulePath(storeA, p.id), { token: manager.token, body: { min: 1, max: 2 } });
      assert.equal(r.status, 201, r.text);
      assertProblem(await srv.api('PUT', rulePath(storeB, p.id), { token: manager.token, body: { min: 1, max: 2 } }), 403, 'forbidden');
      assertProblem(await srv.api('DELETE', rulePath(storeB, p.id), { token: manager.token }), 403, 'forbidden');
      assertProblem(await srv.api('PUT', rulePath(storeA, p.id), { token: sales.token, body: { min: 1, max: 2 } }), 403, 'forbidden');
      assert.equal((await api('PUT', rulePath(storeB, p.id), { body: { min: 1, max: 2 } })).status, 201);
      const mine = await listAll(`/api/v1/reorder-rules?product_id=${p.id}`, manager.token, 50);
      assert.deepEqual(mine.map((x) => x.store_id), [storeA]);
      const all = await listAll(`/api/v1/reorder-rules?product_id=${p.id}`, admin, 1);
      assert.deepEqual(all.map((x) => x.store_id), [storeA, storeB]);
      assertProblem(await srv.api('GET', `/api/v1/reorder-rules?store_id=${storeB}`, { token: manager.token }), 404, 'not-found');
    });

    it('a move to or below min raises one alert; acknowledged; resolved on recovery; raised again on the next drop', async () => {
      const p = await mkProduct();
      await receive(storeA, p.id, 10);
      assert.equal((await api('PUT', rulePath(storeA, p.id), { body: { min: 5, max: 20 } })).status, 201);
      const q = `kind=low_stock&store_id=${storeA}&product_id=${p.id}`;
      assert.equal((await alerts(q)).length, 0);

      await move({ store_id: storeA, product_id: p.id, quantity: -5, reason: 'adjustment' });
      let list = await alerts(q);
      assert.equal(list.length, 1);
      const a = list[0];
      assert.deepEqual(Object.keys(a).sort(), ALERT_KEYS);
      assert.equal(a.kind, 'low_stock');
      assert.equal(a.status, 'open');
      assert.equal(a.quantity, 5);
      assert.equal(a.threshold, 5);
      assert.match(a.message, new RegExp(p.sku));
      assert.match(a.raised_at, RFC3339_UTC);
      assert.equal(a.resolved_at, null);

      // lower still: no second alert
      await move({ store_id: storeA, product_id: p.id, quantity: -1, reason: 'damage' });
      await move({ store_id: storeA, product_id: p.id, quantity: 0.5, reason: 'adjustment' });
      assert.equal((await alerts(q)).length, 1);

      // listed among the items below min
      const below = await listAll(`/api/v1/stock?store_id=${storeA}&below_min=true`, admin, 50);
      assert.ok(below.some((i) => i.product_id === p.id && i.on_hand === 4.5 && i.min === 5));
      assert.ok(below.every((i) => i.min !== null && i.on_hand <= i.min));

      // acknowledge (manager of the store), then again: 409 state
      let r = await srv.api('POST', `/api/v1/alerts/${a.id}/acknowledge`, { token: manager.token });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.status, 'acknowledged');
      assert.equal(r.body.acknowledged_by, manager.id);
      assert.match(r.body.acknowledged_at, RFC3339_UTC);
      assertProblem(await srv.api('POST', `/api/v1/alerts/${a.id}/acknowledge`, { token: manager.token }), 409, 'state');
      const audit = await api('GET', `/api/v1/audit?entity=alert&entity_id=${a.id}`);
      assert.deepEqual(audit.body.items.map((x) => x.action), ['acknowledge']);
      // still low and acknowledged: no new alert
      await move({ store_id: storeA, product_id: p.id, quantity: -0.5, reason: 'damage' });
      assert.equal((await alerts(q)).length, 1);

      // recovery above min resolves it
      await receive(storeA, p.id, 1.001);
      list = await alerts(q);
      assert.equal(list.length, 1);
      assert.equal(list[0].status, 'resolved');
      assert.match(list[0].resolved_at, RFC3339_UTC);
      assert.ok(!(await listAll(`/api/v1/stock?store_id=${storeA}&below_min=true`, admin, 50)).some((i) => i.product_id === p.id));

      // down to min again: a new alert
      await move({ store_id: storeA, product_id: p.id, quantity: -0.001, reason: 'adjustment' });
      list = await alerts(q);
      assert.equal(list.length, 2);
      assert.equal(list[0].status, 'open');
      assert.ok(list[0].id > list[1].id);
      assert.equal((await alerts(`${q}&status=open`)).length, 1);
      assert.equal((await alerts(`${q}&status=resolved`)).length, 1);
    });

    it('saving or removing a rule re-evaluates the alert at once', async () => {
      const p = await mkProduct();
      await receive(storeA, p.id, 3);
      const q = `kind=low_stock&store_id=${storeA}&product_id=${p.id}`;
      assert.equal((await api('PUT', rulePath(storeA, p.id), { body: { min: 2, max: 10 } })).status, 201);
      assert.equal((await alerts(q)).length, 0);
      assert.equal((await api('PUT', rulePath(storeA, p.id), { body: { min: 3, max: 10 } })).status, 200);
      let list = await alerts(q);
      assert.equal(list.length, 1);
      assert.equal(list[0].status, 'open');
      // saving again while low: still one
      assert.equal((await api('PUT', rulePath(storeA, p.id), { body: { min: 4, max: 10 } })).status, 200);
      assert.equal((await alerts(q)).length, 1);
      assert.equal((await api('PUT', rulePath(storeA, p.id), { body: { min: 1, max: 10 } })).status, 200);
      list = await alerts(q);
      assert.equal(list[0].status, 'resolved');
      // a rule on a product never moved: at 0, low at once; removing the rule resolves it
      const fresh = await mkProduct();
      assert.equal((await api('PUT', rulePath(storeA, fresh.id), { body: { min: 0, max: 5 } })).status, 201);
      const fq = `kind=low_stock&store_id=${storeA}&product_id=${fresh.id}`;
      assert.equal((await alerts(`${fq}&status=open`)).length, 1);
      const below = await listAll(`/api/v1/stock?store_id=${storeA}&below_min=true&product_id=${fresh.id}`, admin, 50);
      assert.deepEqual(below.map((i) => [i.product_id, i.on_hand, i.min]), [[fresh.id, 0, 0]]);
      assert.equal((await api('DELETE', rulePath(storeA, fresh.id))).status, 204);
      assert.equal((await alerts(`${fq}&status=open`)).length, 0);
      assert.equal((await alerts(`${fq}&status=resolved`)).length, 1);
    });

    it("another store's alert: 404 to acknowledge; bad filters 422; unknown alert 404", async () => {
      const p = await mkProduct();
      await api('PUT', rulePath(storeB, p.id), { body: { min: 1, max: 5 } });
      const [a] = await alerts(`kind=low_stock&store_id=${storeB}&product_id=${p.id}`);
      assert.ok(a);
      assertProblem(await srv.api('POST', `/api/v1/alerts/${a.id}/acknowledge`, { token: manager.token }), 404, 'not-found');
      const mine = await listAll('/api/v1/alerts', manager.token, 50);
      assert.ok(mine.length > 0);
      assert.ok(mine.every((x) => x.store_id === storeA));
      assertProblem(await api('POST', '/api/v1/alerts/999999/acknowledge'), 404, 'not-found');
      assertProblem(await api('GET', '/api/v1/alerts?kind=fire&status=burning'), 422, 'validation', ['kind', 'status']);
      const r = await srv.api('POST', `/api/v1/alerts/${a.id}/acknowledge`, { token: hq.token });
      assert.equal(r.status, 200, r.text);
    });
  });

  describe('concurrency', () => {
    it('200 concurrent moves of -1 on a stock of 150: 150 succeed, 50 get 409, balance 0', async () => {
      const p = await mkProduct();
      await receive(storeA, p.id, 150);
      const results = await Promise.all(Array.from({ length: 200 }, () =>
        move({ store_id: storeA, product_id: p.id, quantity: -1, reason: 'adjustment' })));
      const by = {};
      for (const r of results) by[r.status] = (by[r.status] ?? 0) + 1;
      assert.deepEqual(by, { 201: 150, 409: 50 }, JSON.stringify(by));
      for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.type, '/problems/insufficient-stock');
      assert.equal(await onHand(storeA, p.id), 0);
      const moves = await listAll(`/api/v1/stock/moves?store_id=${storeA}&product_id=${p.id}`, admin, 500);
      assert.equal(moves.length, 151);
      assert.equal(moves.reduce((s, m) => s + m.quantity, 0), 0);
      // each move's running balance is distinct: none lost, none doubled
      const after = moves.filter((m) => m.quantity === -1).map((m) => m.balance_after).sort((a, b) => a - b);
      assert.deepEqual(after, Array.from({ length: 150 }, (_, i) => i));
    });

    it('concurrent receipts and damage on one product lose nothing', async () => {
      const p = await mkProduct();
      await receive(storeB, p.id, 100);
      const jobs = [];
      for (let i = 0; i < 60; i++) {
        jobs.push(move({ store_id: storeB, product_id: p.id, quantity: 2, reason: 'receipt' }, hq.token));
        jobs.push(move({ store_id: storeB, product_id: p.id, quantity: -1.5, reason: 'damage' }));
      }
      const res = await Promise.all(jobs);
      assert.ok(res.every((r) => r.status === 201), JSON.stringify(res.filter((r) => r.status !== 201).map((r) => r.body)));
      assert.equal(await onHand(storeB, p.id), 130);
    });
  });

  describe('ledger recomputation', () => {
    it('tersa check-stock finds every balance equal to its moves (exit 0)', () => {
      const bin = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
      // the server keeps running: SQLite in WAL mode lets this reader in
      const out = execFileSync(bin, ['check-stock', '--db', srv.db], { encoding: 'utf8', timeout: 60000 });
      assert.match(out, /every balance matches/);
    });
  });
});
