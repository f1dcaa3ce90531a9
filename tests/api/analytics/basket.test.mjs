// Market basket over the sales: GET /basket/rules at product and category
// levels, store scope (a manager sees only their stores, 404 for another's),
// a voided sale left out, and GET /products/{id}/bought-together; every
// count, support, confidence and lift worked out by hand below. Bad input:
// 422 naming every bad field, 403 without the permission.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

const r4 = (x) => Math.round(x * 10000) / 10000;

describe('market basket', () => {
  let srv, admin, managerA, salesA;
  let A, B, food, dairy, drinks, milk, bread, juice, yogurt, apples;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const rules = (q, token = admin) => srv.api('GET', `/api/v1/basket/rules?${q}`, { token });
  const together = (id, q = '', token = admin) =>
    srv.api('GET', `/api/v1/products/${id}/bought-together?${q}`, { token });

  async function mk(path, body) {
    const r = await api('POST', path, { body });
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    return r.body;
  }
  async function sell(store, ...ps) {
    const body = {
      store_id: store.id,
      lines: ps.map((p) => ({ product_id: p.id, quantity: 1 })),
      payments: [{ method: 'cash', amount: 1000000 }],
    };
    const r = await api('POST', '/api/v1/sales', { body, headers: { 'idempotency-key': randomUUID() } });
    assert.equal(r.status, 201, r.text);
    return r.body;
  }

  // Baskets (all today). Store A: S1 milk bread, S2 milk bread juice,
  // S3 milk yogurt, S4 bread, S5 apples juice; store B: S6 milk bread,
  // S7 juice; and milk+juice in A, voided (left out).
  // Categories: Food > Dairy (milk, yogurt); Food (bread); Drinks (juice);
  // apples have none.
  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    admin = srv.adminToken;
    food = await mk('/api/v1/categories', { name: `Food ${uniq()}` });
    dairy = await mk('/api/v1/categories', { name: `Dairy ${uniq()}`, parent_id: food.id });
    drinks = await mk('/api/v1/categories', { name: `Drinks ${uniq()}` });
    const st = (name) => mk('/api/v1/stores', { code: `K${uniq()}`.slice(0, 12), name, channel: 'direct' });
    A = await st('Basket A');
    B = await st('Basket B');
    const pr = (name, category_id) => mk('/api/v1/products', {
      sku: `BK${uniq()}`, name, unit: 'pcs', price: 500, cost: 300, vat_rate: 900,
      ...(category_id ? { category_id } : {}),
    });
    milk = await pr('Milk', dairy.id);
    bread = await pr('Bread', food.id);
    juice = await pr('Juice', drinks.id);
    yogurt = await pr('Yogurt', dairy.id);
    apples = await pr('Apples');
    for (const s of [A, B]) {
      for (const p of [milk, bread, juice, yogurt, apples]) {
        const r = await api('POST', '/api/v1/stock/moves', { body: { store_id: s.id, product_id: p.id, quantity: 100, reason: 'receipt' } });
        assert.equal(r.status, 201, r.text);
      }
    }
    await sell(A, milk, bread);
    await sell(A, milk, bread, juice);
    await sell(A, milk, yogurt);
    await sell(A, bread);
    await sell(A, apples, juice);
    await sell(B, milk, bread);
    await sell(B, juice);
    const v = await sell(A, milk, juice);
    const vr = await api('POST', `/api/v1/sales/${v.id}/void`, { body: { reason: 'mistake' } });
    assert.equal(vr.status, 200, vr.text);
    managerA = await makeUser(srv, 'store_manager', [A.id]);
    salesA = await makeUser(srv, 'sales', [A.id]);
  });
  after(async () => srv?.stop());

  const side = (...ps) => ps.map((p) => ({ id: p.id, name: p.name }));

  it('finds the product rules of every store: N = 7, min count 0.25 × 7 = 1.75 → 2', async () => {
    // milk 4, bread 4, juice 3, yogurt 1, apples 1; milk+bread 3 (S1 S2 S6),
    // other pairs 1. milk => bread: support 3/7, confidence 3/4,
    // lift (3/4) / (4/7) = 1.3125; bread => milk the same.
    const r = await rules('min_support=0.25');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.transactions, 7);
    assert.equal(r.body.min_count, 2);
    assert.equal(r.body.category_level, 0);
    assert.equal(r.body.store_id, null);
    const rule = (l, c) => ({ antecedent: side(l), consequent: side(c), count: 3, support: r4(3 / 7), confidence: 0.75, lift: 1.3125 });
    assert.deepEqual(r.body.items, [rule(milk, bread), rule(bread, milk)]);
    assert.equal(r.body.next_cursor, null);
    // confidence 0.75 misses 0.8; limit 1 keeps the first
    assert.deepEqual((await rules('min_support=0.25&min_confidence=0.8')).body.items, []);
    assert.deepEqual((await rules('min_support=0.25&limit=1')).body.items, [rule(milk, bread)]);
  });

  it('limits to one store, and a manager to their stores (404 for another)', async () => {
    // A: N = 5; milk 3, bread 3, juice 2, milk+bread 2; 0.4 × 5 = 2.
    // milk => bread: confidence 2/3, lift (2/3) / (3/5) = 1.1111
    const want = [
      { antecedent: side(milk), consequent: side(bread), count: 2, support: 0.4, confidence: r4(2 / 3), lift: r4(10 / 9) },
      { antecedent: side(bread), consequent: side(milk), count: 2, support: 0.4, confidence: r4(2 / 3), lift: r4(10 / 9) },
    ];
    const a = await rules(`min_support=0.4&store_id=${A.id}`);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.transactions, 5);
    assert.equal(a.body.store_id, A.id);
    assert.deepEqual(a.body.items, want);
    const m = await rules('min_support=0.4', managerA.token);
    assert.equal(m.status, 200, m.text);
    assert.equal(m.body.transactions, 5);
    assert.deepEqual(m.body.items, want);
    assertProblem(await rules(`store_id=${B.id}`, managerA.token), 404, 'not-found');
    assertProblem(await rules('', salesA.token), 403, 'forbidden');
  });

  it('works at category levels: top level, and level 2 with shallower categories as themselves', async () => {
    // level 1: S1 Food, S2 Food Drinks, S3 Food, S4 Food, S5 Drinks (apples
    // left out), S6 Food, S7 Drinks: Food 5, Drinks 3, both 1; 0.1 × 7 → 1.
    // Drinks => Food: confidence 1/3, lift (1/3) / (5/7) = 0.4667;
    // Food => Drinks: confidence 1/5, lift (1/5) / (3/7) = 0.4667.
    const c1 = await rules('min_support=0.1&category_level=1');
    assert.equal(c1.status, 200, c1.text);
    assert.equal(c1.body.transactions, 7);
    assert.deepEqual(c1.body.items, [
      { antecedent: side(drinks), consequent: side(food), count: 1, support: r4(1 / 7), confidence: r4(1 / 3), lift: r4(7 / 15) },
      { antecedent: side(food), consequent: side(drinks), count: 1, support: r4(1 / 7), confidence: 0.2, lift: r4(7 / 15) },
    ]);
    // level 2: milk, yogurt → Dairy; bread → Food (level 1, itself); juice →
    // Drinks. Dairy 4, Food 4, Drinks 3, Dairy+Food 3 (S1 S2 S6).
    const c2 = await rules('min_support=0.25&category_level=2');
    assert.equal(c2.status, 200, c2.text);
    const rule = (l, c) => ({ antecedent: side(l), consequent: side(c), count: 3, support: r4(3 / 7), confidence: 0.75, lift: 1.3125 });
    assert.deepEqual(c2.body.items, [rule(food, dairy), rule(dairy, food)]);
  });

  it('names every bad parameter in one 422', async () => {
    const r = await rules(`min_support=0&min_confidence=2&category_level=11&limit=0&store_id=x&from=2026-13-01`);
    assertProblem(r, 422, 'validation', ['min_support', 'min_confidence', 'category_level', 'limit', 'store_id', 'from']);
    assertProblem(await rules('min_support=abc&to=yesterday'), 422, 'validation', ['min_support', 'to']);
  });

  it('lists the products bought with one product, by count then lift', async () => {
    // milk's baskets: S1 S2 S3 S6 (4 of 7). bread 3: confidence 3/4, lift
    // (3/4) / (4/7) = 1.3125; yogurt 1: 1/4, lift (1/4) / (1/7) = 1.75;
    // juice 1: 1/4, lift (1/4) / (3/7) = 0.5833 (the voided sale left out).
    const r = await together(milk.id);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.product_id, milk.id);
    assert.equal(r.body.transactions, 7);
    assert.equal(r.body.count, 4);
    const row = (p, count, confidence, lift) => ({ product_id: p.id, sku: p.sku, name: p.name, count, confidence, lift });
    assert.deepEqual(r.body.items, [row(bread, 3, 0.75, 1.3125), row(yogurt, 1, 0.25, 1.75), row(juice, 1, 0.25, r4(7 / 12))]);
    assert.deepEqual((await together(milk.id, 'limit=1')).body.items, [row(bread, 3, 0.75, 1.3125)]);
    // the cashier of A: store A only (N = 5; milk 3: S1 S2 S3)
    const s = await together(milk.id, '', salesA.token);
    assert.equal(s.status, 200, s.text);
    assert.equal(s.body.transactions, 5);
    assert.deepEqual(s.body.items.map((x) => [x.product_id, x.count]), [[bread.id, 2], [yogurt.id, 1], [juice.id, 1]]);
    assertProblem(await together(milk.id, `store_id=${B.id}`, salesA.token), 404, 'not-found');
    assertProblem(await together(999999999), 404, 'not-found');
    assertProblem(await together(milk.id, 'limit=0&store_id=-1'), 422, 'validation', ['limit', 'store_id']);
  });
});

// On the demo company (30 days of sales in 3 stores): the pair rules found by
// FP-growth agree with the pairs counted by SQL for "bought together".
describe('market basket on the demo company', () => {
  let srv;
  before(async () => {
    srv = await startServer({ args: ['--demo=small', '--per-ip', '1024'] });
  });
  after(async () => srv?.stop());

  it('gives every pair rule X ⇒ Y the count, confidence and lift of Y in X\'s bought-together', async () => {
    const get = (p) => srv.api('GET', p, { token: srv.adminToken });
    const first = await get('/api/v1/products/1/bought-together');
    assert.equal(first.status, 200, first.text);
    const { from, to } = first.body; // the last 90 days
    const r = await get(`/api/v1/basket/rules?from=${from}&to=${to}&min_support=0.002&limit=500`);
    assert.equal(r.status, 200, r.text);
    const N = r.body.transactions;
    assert.ok(N > 100, `demo sales: ${N}`);
    const rules = r.body.items;
    assert.ok(rules.length > 5 && rules.length < 500, `rules: ${rules.length}`);
    const pairs = rules.filter((x) => x.antecedent.length === 1 && x.consequent.length === 1);
    const byX = new Map();
    for (const x of pairs) {
      assert.equal(x.support, r4(x.count / N));
      assert.ok(x.count >= r.body.min_count);
      const id = x.antecedent[0].id;
      if (!byX.has(id)) byX.set(id, []);
      byX.get(id).push(x);
    }
    for (const [id, xs] of byX) {
      const t = await get(`/api/v1/products/${id}/bought-together?limit=500`);
      assert.equal(t.status, 200, t.text);
      assert.equal(t.body.transactions, N);
      const row = new Map(t.body.items.map((y) => [y.product_id, y]));
      for (const x of xs) {
        const y = row.get(x.consequent[0].id);
        assert.ok(y, `product ${x.consequent[0].id} with ${id}`);
        assert.deepEqual([y.count, y.confidence, y.lift], [x.count, x.confidence, x.lift]);
      }
      // and every product bought with it often enough is a rule
      const frequent = t.body.items.filter((y) => y.count >= r.body.min_count).map((y) => y.product_id).sort();
      assert.deepEqual(xs.map((x) => x.consequent[0].id).sort(), frequent);
    }
  });
});
