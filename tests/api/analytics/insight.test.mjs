// Inventory and customer reports (GET /reports/stock-value, turnover,
// sell-through, customers, cohorts): sales with and without customers in
// two stores — offline sales weeks back, whole-line returns, a void, a
// merge of two customers, negative and zero stock — and every figure
// recomputed here from GET /sales/{id}, GET /stock and the products; store
// scope, bad parameters, CSV and XLSX.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const milli = (q) => Math.round(q * 1000);
// a × b / d, half away from zero (the server's integer rounding).
const ratio = (a, b, d) => (d <= 0 ? null : Math.sign(a * b) * Math.floor((2 * Math.abs(a * b) + d) / (2 * d)));
const mulQty = (price, q) => ratio(price, q, 1000);
const rate = (n, d) => (d <= 0 ? null : ratio(n, 10000, d) / 10000);
const hundredths = (n, s, d) => { const r = ratio(n, s * 100, d); return r === null ? null : r / 100; };

function dayAdd(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
function isoWeek(day) {
  const d = new Date(`${day}T00:00:00Z`);
  const wd = (d.getUTCDay() + 6) % 7;
  const thu = new Date(d);
  thu.setUTCDate(d.getUTCDate() - wd + 3);
  const y = thu.getUTCFullYear();
  const week = Math.floor((thu - Date.UTC(y, 0, 1)) / 86400000 / 7) + 1;
  return { key: `${y}-W${String(week).padStart(2, '0')}`, label: `${dayAdd(day, -wd)} – ${dayAdd(day, 6 - wd)}` };
}
const periodOf = (g, day) => (g === 'week' ? isoWeek(day).key : g === 'month' ? day.slice(0, 7) : day);
const monthNo = (day) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
const monthKey = (m) => `${String(Math.floor(m / 12)).padStart(4, '0')}-${String((m % 12) + 1).padStart(2, '0')}`;

describe('inventory and customer reports', () => {
  let srv, admin, hq, managerA, salesA;
  let stores, products, cats, customers, today;
  const sales = [];
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const get = (path, token = admin) => srv.api('GET', `/api/v1/reports/${path}`, { token });

  async function mk(path, body) {
    const r = await api('POST', path, { body });
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    return r.body;
  }
  async function sell(body, offlineDaysAgo = 0) {
    if (offlineDaysAgo) body.offline_at = new Date(Date.now() - offlineDaysAgo * 86400e3).toISOString();
    body.payments ??= [{ method: 'cash', amount: 1000000 }];
    const r = await api('POST', '/api/v1/sales', { body, headers: { 'idempotency-key': randomUUID() } });
    assert.equal(r.status, 201, r.text);
    return r.body;
  }
  const product = (id) => products.find((p) => p.id === id);
  const topOf = (catId) => { let c = cats.find((x) => x.id === catId); while (c && c.parent_id) c = cats.find((x) => x.id === c.parent_id); return c; };
  // The bucket of a category under root (null: the whole tree): its child of
  // root on its path, root itself, or undefined outside.
  function bucket(catId, root) {
    if (!root) return catId ? topOf(catId).id : null;
    let c = cats.find((x) => x.id === catId);
    while (c) {
      if (c.id === root) return root;
      if (c.parent_id === root) return c.id;
      c = cats.find((x) => x.id === c.parent_id);
    }
    return undefined;
  }
  const catLabel = (id) => (id === null ? '(no category)' : cats.find((c) => c.id === id).path);

  // Every change of the sales as rollup events: {day, store, customer,
  // orders, revenue, lines: [{product, category, units, cost}]}.
  function events() {
    const ev = [];
    for (const s of sales) {
      const lines = (f) => s.lines.filter(f).map((l) => ({
        product: l.product_id, category: product(l.product_id).category_id ?? null,
        units: milli(l.quantity), cost: mulQty(product(l.product_id).cost ?? 0, milli(l.quantity)),
      }));
      if (s.status === 'voided') {
        ev.push({ day: s.day, store: s.store_id, customer: s.customer_id, orders: 0, revenue: 0, lines: [] });
        continue;
      }
      ev.push({ day: s.day, store: s.store_id, customer: s.customer_id, orders: 1, revenue: s.paid, lines: lines(() => true) });
      if (s.refunded_total > 0) {
        // Whole-line returns, all made today.
        const back = lines((l) => milli(l.returned_quantity) > 0).map((l) => ({ ...l, units: -l.units, cost: -l.cost }));
        ev.push({ day: today, store: s.store_id, customer: s.customer_id, orders: 0, revenue: -s.refunded_total, lines: back });
      }
    }
    return ev;
  }

  async function balances(storeIds) {
    const out = [];
    for (const id of storeIds) {
      const r = await api('GET', `/api/v1/stock?store_id=${id}&limit=500`);
      assert.equal(r.status, 200, r.text);
      out.push(...r.body.items);
    }
    return out;
  }

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    admin = srv.adminToken;
    const food = await mk('/api/v1/categories', { name: `Food ${uniq()}` });
    const dairy = await mk('/api/v1/categories', { name: 'Dairy', parent_id: food.id });
    const drinks = await mk('/api/v1/categories', { name: `Drinks ${uniq()}` });
    cats = [];
    for (const c of [food, dairy, drinks]) cats.push((await api('GET', `/api/v1/categories/${c.id}`)).body);
    const st = (name, extra) => mk('/api/v1/stores', { code: `I${uniq()}`.slice(0, 12), name, ...extra });
    stores = [await st('Store A 人民广场', { channel: 'direct', cash_rounding: 10 }), await st('Store B', { channel: 'direct', cash_rounding: 1 })];
    const pr = (body) => mk('/api/v1/products', { sku: `IP${uniq()}`, unit: 'pcs', ...body });
    products = [
      await pr({ name: '鲜牛奶 1L', price: 1299, cost: 800, vat_rate: 1300, category_id: dairy.id }),
      await pr({ name: 'Orange juice', price: 550, cost: 301, vat_rate: 1300, category_id: drinks.id }),
      await pr({ name: 'Apples', unit: 'kg', price: 1000, cost: 633, vat_rate: 900 }),
      await pr({ name: 'Bread', price: 850, vat_rate: 900, category_id: food.id }), // no cost
      await pr({ name: 'Yogurt', price: 450, cost: 210, vat_rate: 1300, category_id: dairy.id }),
    ];
    const [milk, juice, apples, bread, yogurt] = products;
    const move = async (s, p, quantity, reason = 'receipt') => {
      const r = await api('POST', '/api/v1/stock/moves', { body: { store_id: s.id, product_id: p.id, quantity, reason } });
      assert.equal(r.status, 201, r.text);
    };
    for (const p of products) await move(stores[0], p, 100);
    for (const p of [milk, apples, bread]) await move(stores[1], p, 40);
    await move(stores[1], juice, 2);
    await move(stores[1], yogurt, 5);
    await move(stores[1], yogurt, -5, 'adjustment'); // a zero balance
    customers = [];
    for (let i = 0; i < 5; i++) customers.push(await mk('/api/v1/customers', { name: `王芳 ${uniq()}`, phone: `139${String(Date.now() + i).slice(-8)}` }));
    const [c1, c2, c3, c4, c5] = customers;
    const [A, B] = stores;
    const L = (p, q) => ({ product_id: p.id, quantity: q });
    const made = [];
    // History: offline sales weeks back.
    made.push(await sell({ store_id: A.id, customer_id: c1.id, lines: [L(milk, 2), L(bread, 1)] }, 70));
    made.push(await sell({ store_id: B.id, customer_id: c2.id, lines: [L(apples, 1.5), L(milk, 1)] }, 40));
    made.push(await sell({ store_id: B.id, customer_id: c1.id, lines: [L(yogurt, 1)] }, 35)); // Yogurt in B goes to -1
    made.push(await sell({ store_id: A.id, customer_id: c5.id, lines: [L(juice, 3)] }, 33));
    // Today.
    made.push(await sell({ store_id: A.id, customer_id: c1.id, lines: [L(milk, 1), L(juice, 2), L(yogurt, 3)] }));
    made.push(await sell({ store_id: A.id, customer_id: c2.id, lines: [L(apples, 0.75)] }));
    made.push(await sell({ store_id: B.id, customer_id: c3.id, lines: [L(milk, 3), L(juice, 2)] }));
    made.push(await sell({ store_id: B.id, customer_id: c3.id, lines: [L(bread, 2)] }));
    made.push(await sell({ store_id: A.id, lines: [L(milk, 1), L(bread, 4)] }));
    made.push(await sell({ store_id: B.id, lines: [L(apples, 2.25)] }));
    const voided = await sell({ store_id: A.id, customer_id: c4.id, lines: [L(yogurt, 2)] });
    made.push(voided);
    // Whole-line returns today: of today's member sale and of a sale 40 days back.
    for (const [s, k] of [[made[4], 1], [made[1], 0]]) {
      const r = await api('POST', `/api/v1/sales/${s.id}/returns`, {
        body: { lines: [{ line_id: s.lines[k].id, quantity: s.lines[k].quantity }], refund_method: 'cash', reason: 'changed mind' },
      });
      assert.equal(r.status, 201, r.text);
    }
    const v = await api('POST', `/api/v1/sales/${voided.id}/void`, { body: { reason: 'wrong basket' } });
    assert.equal(v.status, 200, v.text);
    // c5 turns out to be c1: the merge moves c5's sale (and its rollup rows) to c1.
    const m = await api('POST', `/api/v1/customers/${c1.id}/merge`, { body: { from_id: c5.id } });
    assert.equal(m.status, 200, m.text);
    for (const s of made) sales.push((await api('GET', `/api/v1/sales/${s.id}`)).body);
    assert.equal(sales[3].customer_id, c1.id);
    today = sales[sales.length - 1].day;
    assert.ok(sales.some((s) => s.day < today && s.refunded_total > 0));
    managerA = await makeUser(srv, 'store_manager', [A.id]);
    salesA = await makeUser(srv, 'sales', [A.id]);
    hq = await makeUser(srv, 'hq');
  });
  after(async () => { await srv?.stop(); });

  // ---- inventory ----

  async function expectStockValue(group, { storeIds = stores.map((s) => s.id), root = null } = {}) {
    const g = new Map();
    for (const b of await balances(storeIds)) {
      const p = product(b.product_id);
      const bk = bucket(p.category_id ?? null, root);
      if (bk === undefined) continue;
      const key = group === 'store' ? b.store_id : bk;
      const label = group === 'store' ? stores.find((s) => s.id === b.store_id).name : catLabel(bk);
      const x = g.get(key) ?? { key, label, raw: 0, quantity: 0, skus: 0, negative_skus: 0, zero_skus: 0, uncosted_skus: 0 };
      const q = milli(b.on_hand);
      x.raw += q * (p.cost ?? 0);
      x.quantity += q;
      x.skus++;
      x.negative_skus += q < 0;
      x.zero_skus += q === 0;
      x.uncosted_skus += p.cost == null;
      g.set(key, x);
    }
    const out = (x) => ({ key: x.key, label: x.label, value: ratio(x.raw, 1, 1000), quantity: x.quantity, skus: x.skus,
      negative_skus: x.negative_skus, zero_skus: x.zero_skus, uncosted_skus: x.uncosted_skus,
      negative_rate: rate(x.negative_skus, x.skus), zero_rate: rate(x.zero_skus, x.skus) });
    const tot = { key: null, label: 'Total', raw: 0, quantity: 0, skus: 0, negative_skus: 0, zero_skus: 0, uncosted_skus: 0 };
    for (const x of g.values()) for (const f of ['raw', 'quantity', 'skus', 'negative_skus', 'zero_skus', 'uncosted_skus']) tot[f] += x[f];
    return { items: [...g.values()].map(out), totals: out(tot) };
  }
  const byKey = (items) => new Map(items.map((x) => [JSON.stringify(x.key), x]));
  const qtyNorm = (fields) => (x) => { const y = { ...x }; for (const f of fields) y[f] = milli(y[f]); return y; };

  it('stock value by store and by category (with subtrees) equals the balances × cost', async () => {
    for (const group of ['store', 'category']) {
      for (const opts of [{}, { storeIds: [stores[1].id] }, { root: cats[0].id }]) {
        let q = `stock-value?group_by=${group}`;
        if (opts.storeIds) q += `&store_id=${opts.storeIds[0]}`;
        if (opts.root) q += `&category_id=${opts.root}`;
        const r = await get(q);
        assert.equal(r.status, 200, r.text);
        const want = await expectStockValue(group, opts);
        const norm = qtyNorm(['quantity']);
        assert.deepEqual(byKey(r.body.items.map(norm)), byKey(want.items), q);
        assert.equal(r.body.items.length, want.items.length, q);
        assert.deepEqual(norm(r.body.totals), want.totals, `${q}: totals`);
        const vals = r.body.items.map((x) => x.value);
        assert.deepEqual(vals, [...vals].sort((a, b) => b - a), `${q}: by value`);
      }
    }
    const r = await get(`stock-value?store_id=${stores[1].id}`);
    assert.ok(r.body.totals.negative_skus >= 1 && r.body.totals.zero_skus >= 1, JSON.stringify(r.body.totals));
    // The same value as GET /stock/value.
    const sv = await api('GET', `/api/v1/stock/value?store_id=${stores[0].id}`);
    assert.equal(sv.status, 200, sv.text);
    assert.equal((await get(`stock-value?store_id=${stores[0].id}`)).body.totals.value, sv.body.totals.value);
    const c = await get('stock-value?group_by=category');
    assert.ok(c.body.items.some((x) => x.key === null && x.label === '(no category)'));
    assert.ok(c.body.items.some((x) => x.key === cats[0].id && x.label === cats[0].path));
  });

  // Turnover / sell-through expectations over [from, to], every move made today.
  async function expectPeriod(kind, group, from, to, { storeIds = stores.map((s) => s.id), root = null } = {}) {
    const days = Math.round((Date.parse(to) - Date.parse(from)) / 86400e3) + 1;
    const g = new Map();
    const entry = (key, label) => {
      if (!g.has(JSON.stringify(key))) g.set(JSON.stringify(key), { key, label, cost: 0, open: 0, close: 0, sold: 0, received: 0, on_hand: 0 });
      return g.get(JSON.stringify(key));
    };
    const keyOf = (storeId, productId, catId) => {
      const bk = bucket(catId, root);
      if (bk === undefined) return undefined;
      if (group === 'store') return [storeId, stores.find((s) => s.id === storeId).name];
      if (group === 'product') return [productId, product(productId).name];
      return [bk, catLabel(bk)];
    };
    const includesToday = from <= today && today <= to;
    const ended = to >= today; // the end of `to` is after every move
    for (const b of await balances(storeIds)) {
      const p = product(b.product_id);
      const k = keyOf(b.store_id, p.id, p.category_id ?? null);
      if (!k) continue;
      const x = entry(...k);
      const closing = ended ? milli(b.on_hand) : 0; // nothing before today
      x.close += closing * (p.cost ?? 0); // opening: 0, every move is today
      x.on_hand += closing;
    }
    if (includesToday) {
      // Receipts (the setup's receipts; adjustments do not count).
      const moves = await api('GET', '/api/v1/stock/moves?kind=receipt&limit=500');
      for (const m of moves.body.items) {
        if (!storeIds.includes(m.store_id)) continue;
        const p = product(m.product_id);
        if (!p) continue;
        const k = keyOf(m.store_id, p.id, p.category_id ?? null);
        if (k) entry(...k).received += milli(m.quantity);
      }
    }
    for (const e of events()) {
      if (e.day < from || e.day > to || !storeIds.includes(e.store)) continue;
      for (const l of e.lines) {
        const k = keyOf(e.store, l.product, l.category);
        if (!k) continue;
        const x = entry(...k);
        x.cost += l.cost;
        x.sold += l.units;
      }
    }
    const tot = { key: null, label: 'Total', cost: 0, open: 0, close: 0, sold: 0, received: 0, on_hand: 0 };
    for (const x of g.values()) for (const f of ['cost', 'open', 'close', 'sold', 'received', 'on_hand']) tot[f] += x[f];
    const out = (x) => {
      if (kind === 'sell-through') {
        return { key: x.key, label: x.label, units_sold: x.sold, units_received: x.received, on_hand: x.on_hand,
          sell_through_rate: rate(x.sold, x.sold + Math.max(x.on_hand, 0)) };
      }
      const open = ratio(x.open, 1, 1000), close = ratio(x.close, 1, 1000), avg = ratio(open + close, 1, 2);
      return { key: x.key, label: x.label, cost: x.cost, opening_value: open, closing_value: close, avg_value: avg,
        turnover: hundredths(x.cost, 1, avg), days_of_cover: hundredths(close, days, x.cost) };
    };
    return { items: [...g.values()].filter((x) => kind !== 'sell-through' || true).map(out), totals: out(tot), days };
  }

  it('turnover and days of cover by store, category and product equal the sales and the stock', async () => {
    const ranges = [[dayAdd(today, -80), today], [today, today], [dayAdd(today, -40), dayAdd(today, -30)], [dayAdd(today, -1), dayAdd(today, -1)]];
    for (const group of ['store', 'category', 'product']) {
      for (const [from, to] of ranges) {
        for (const opts of [{}, { storeIds: [stores[0].id] }, { root: cats[0].id }]) {
          let q = `turnover?group_by=${group}&from=${from}&to=${to}`;
          if (opts.storeIds) q += `&store_id=${opts.storeIds[0]}`;
          if (opts.root) q += `&category_id=${opts.root}`;
          const r = await get(q);
          assert.equal(r.status, 200, r.text);
          const want = await expectPeriod('turnover', group, from, to, opts);
          assert.equal(r.body.days, want.days);
          assert.deepEqual(byKey(r.body.items), byKey(want.items), q);
          assert.equal(r.body.items.length, want.items.length, q);
          assert.deepEqual(r.body.totals, want.totals, `${q}: totals`);
        }
      }
    }
    const t = await get(`turnover?from=${dayAdd(today, -80)}&to=${today}`);
    assert.ok(t.body.totals.turnover > 0 && t.body.totals.days_of_cover > 0, JSON.stringify(t.body.totals));
  });

  it('sell-through per category equals units sold ÷ (sold + on hand at the end)', async () => {
    for (const [from, to] of [[dayAdd(today, -80), today], [today, today], [dayAdd(today, -40), dayAdd(today, -30)]]) {
      for (const opts of [{}, { storeIds: [stores[1].id] }, { root: cats[0].id }]) {
        let q = `sell-through?from=${from}&to=${to}`;
        if (opts.storeIds) q += `&store_id=${opts.storeIds[0]}`;
        if (opts.root) q += `&category_id=${opts.root}`;
        const r = await get(q);
        assert.equal(r.status, 200, r.text);
        const want = await expectPeriod('sell-through', 'category', from, to, opts);
        const norm = qtyNorm(['units_sold', 'units_received', 'on_hand']);
        assert.deepEqual(byKey(r.body.items.map(norm)), byKey(want.items), q);
        assert.deepEqual(norm(r.body.totals), want.totals, `${q}: totals`);
      }
    }
  });

  // ---- customers ----

  // Customer rollup rows in the stores: [{day, customer, orders, revenue}].
  const memberRows = (storeIds) => events().filter((e) => e.customer && storeIds.includes(e.store));

  function expectCustomers(group, from, to, storeIds = stores.map((s) => s.id)) {
    const rows = memberRows(storeIds);
    const first = new Map();
    for (const r of rows) if (r.orders > 0 && (!first.has(r.customer) || r.day < first.get(r.customer))) first.set(r.customer, r.day);
    const periods = [];
    for (let d = from; d <= to; d = dayAdd(d, 1)) {
      const key = periodOf(group, d);
      if (!periods.length || periods[periods.length - 1].key !== key) {
        periods.push({ key, label: group === 'week' ? isoWeek(d).label : key, active: new Set(), fresh: new Set(), member_orders: 0, member_revenue: 0, orders: 0, revenue: 0 });
      }
    }
    const tot = { key: null, label: 'Total', active: new Set(), fresh: new Set(), member_orders: 0, member_revenue: 0, orders: 0, revenue: 0 };
    const find = (day) => periods.find((p) => p.key === periodOf(group, day));
    for (const e of events()) {
      if (!storeIds.includes(e.store) || e.day < from || e.day > to) continue;
      for (const x of [find(e.day), tot]) {
        x.orders += e.orders;
        x.revenue += e.revenue;
        if (!e.customer) continue;
        x.member_orders += e.orders;
        x.member_revenue += e.revenue;
        if (e.orders > 0) {
          x.active.add(e.customer);
          const f = first.get(e.customer);
          if (x === tot ? f >= from : periodOf(group, f) === x.key) x.fresh.add(e.customer);
        }
      }
    }
    const out = (x) => ({ key: x.key, label: x.label, customers: x.active.size, new_customers: x.fresh.size,
      returning_customers: x.active.size - x.fresh.size, member_orders: x.member_orders, member_revenue: x.member_revenue,
      orders: x.orders, revenue: x.revenue, member_share_rate: rate(x.member_revenue, x.revenue) });
    return { items: periods.map(out), totals: out(tot) };
  }

  it('customers: new against returning, member orders, revenue and share per day, week and month', async () => {
    const from = dayAdd(today, -75);
    for (const group of ['day', 'week', 'month']) {
      for (const [f, t] of [[from, today], [today, today], [dayAdd(today, -36), dayAdd(today, -1)]]) {
        for (const storeIds of [stores.map((s) => s.id), [stores[1].id]]) {
          const q = `customers?group_by=${group}&from=${f}&to=${t}${storeIds.length === 1 ? `&store_id=${storeIds[0]}` : ''}`;
          const r = await get(q);
          assert.equal(r.status, 200, r.text);
          const want = expectCustomers(group, f, t, storeIds);
          assert.deepEqual(r.body.items, want.items, q);
          assert.deepEqual(r.body.totals, want.totals, `${q}: totals`);
        }
      }
    }
    const d = await get(`customers?from=${today}&to=${today}`);
    const x = d.body.items[0];
    // Today: c1 and c2 bought before (returning), c3 is new, c4's sale was voided.
    assert.equal(x.customers, 3);
    assert.equal(x.new_customers, 1);
    assert.equal(x.returning_customers, 2);
    assert.ok(x.member_share_rate > 0 && x.member_share_rate < 1);
    // In store B alone c2's first purchase there was 40 days back, c3 is new; c1 did not buy in B today.
    const b = await get(`customers?from=${today}&to=${today}&store_id=${stores[1].id}`);
    assert.equal(b.body.items[0].customers, 1);
  });

  function expectCohorts(from, to, storeIds = stores.map((s) => s.id)) {
    const rows = memberRows(storeIds).filter((r) => r.orders > 0);
    const first = new Map();
    for (const r of rows) if (!first.has(r.customer) || r.day < first.get(r.customer)) first.set(r.customer, r.day);
    const m0 = monthNo(from), m1 = monthNo(to);
    const items = [];
    for (let m = m0; m <= m1; m++) {
      const members = [...first].filter(([, d]) => d >= from && d <= to && monthNo(d) === m).map(([c]) => c);
      const retention = [];
      for (let k = 0; m + k <= m1; k++) {
        const n = members.filter((c) => rows.some((r) => r.customer === c && r.day <= to && monthNo(r.day) === m + k)).length;
        retention.push({ months_since: k, retained: n, retained_rate: rate(n, members.length) });
      }
      items.push({ cohort: monthKey(m), size: members.length, retention });
    }
    return items;
  }

  it('cohorts by month of first purchase with retention per month since', async () => {
    for (const [f, t] of [[dayAdd(today, -80), today], [dayAdd(today, -40), dayAdd(today, -20)]]) {
      for (const storeIds of [stores.map((s) => s.id), [stores[0].id], [stores[1].id]]) {
        const q = `cohorts?from=${f}&to=${t}${storeIds.length === 1 ? `&store_id=${storeIds[0]}` : ''}`;
        const r = await get(q);
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.body.items, expectCohorts(f, t, storeIds), q);
      }
    }
    const all = await get(`cohorts?from=${dayAdd(today, -80)}&to=${today}`);
    assert.ok(all.body.items.some((c) => c.size > 0 && c.retention.some((x) => x.months_since > 0 && x.retained > 0)),
      JSON.stringify(all.body.items));
    const d = await get('cohorts');
    assert.equal(d.status, 200, d.text);
    assert.equal(d.body.items.length, 12);
    assert.equal(d.body.to, today);
    assert.equal(d.body.from, `${d.body.items[0].cohort}-01`);
  });

  // ---- scope, bad input, export ----

  it('store-bound managers see only their stores; other roles as the permission says', async () => {
    const A = [stores[0].id];
    const mine = async (path) => { const r = await get(path, managerA.token); assert.equal(r.status, 200, `${path}: ${r.text}`); return r.body; };
    const sv = await mine('stock-value?group_by=store');
    assert.deepEqual(sv.items.map((x) => x.key), A);
    assert.deepEqual(qtyNorm(['quantity'])(sv.totals), (await expectStockValue('store', { storeIds: A })).totals);
    const from = dayAdd(today, -80);
    const tv = await mine(`turnover?group_by=category&from=${from}&to=${today}`);
    assert.deepEqual(tv.totals, (await expectPeriod('turnover', 'category', from, today, { storeIds: A })).totals);
    const st = await mine(`sell-through?from=${from}&to=${today}`);
    assert.equal(milli(st.totals.units_sold), (await expectPeriod('sell-through', 'category', from, today, { storeIds: A })).totals.units_sold);
    const cu = await mine(`customers?group_by=month&from=${from}&to=${today}`);
    assert.deepEqual(cu.totals, expectCustomers('month', from, today, A).totals);
    const co = await mine(`cohorts?from=${from}&to=${today}`);
    assert.deepEqual(co.items, expectCohorts(from, today, A));
    for (const p of ['stock-value', 'turnover', 'sell-through', 'customers', 'cohorts']) {
      assertProblem(await get(`${p}?store_id=${stores[1].id}`, managerA.token), 404, 'not-found');
      assertProblem(await get(p, salesA.token), 403, 'forbidden');
      assertProblem(await srv.api('GET', `/api/v1/reports/${p}`), 401, 'unauthorized');
      assert.equal((await get(p, hq.token)).status, 200);
    }
  });

  it('refuses bad parameters naming each one', async () => {
    for (const p of ['turnover', 'sell-through', 'customers', 'cohorts']) {
      assertProblem(await get(`${p}?from=2026-13-01`), 422, 'validation', ['from']);
      assertProblem(await get(`${p}?to=yesterday`), 422, 'validation', ['to']);
      assertProblem(await get(`${p}?from=2026-11-27&to=2026-11-26`), 422, 'validation', ['from']);
      assertProblem(await get(`${p}?from=2000-01-01&to=2026-01-01`), 422, 'validation', ['to']);
    }
    for (const p of ['stock-value', 'turnover', 'sell-through', 'customers', 'cohorts']) {
      assertProblem(await get(`${p}?store_id=abc`), 422, 'validation', ['store_id']);
      assertProblem(await get(`${p}?format=pdf`), 422, 'validation', ['format']);
      assertProblem(await get(`${p}?group_by=year`), 422, 'validation', ['group_by']);
    }
    for (const p of ['stock-value', 'turnover', 'sell-through']) {
      assertProblem(await get(`${p}?category_id=0`), 422, 'validation', ['category_id']);
      assertProblem(await get(`${p}?category_id=999999`), 422, 'validation', ['category_id']);
    }
    assertProblem(await get('turnover?from=x&to=y&group_by=z&store_id=q'), 422, 'validation', ['from', 'to', 'group_by', 'store_id']);
    assertProblem(await get('customers?from=2026-02-30&group_by=quarter'), 422, 'validation', ['from', 'group_by']);
  });

  it('exports the items as CSV and XLSX', async () => {
    const from = dayAdd(today, -80);
    for (const [p, cols] of [
      ['stock-value?group_by=category', 'key,label,value,quantity,skus,negative_skus,zero_skus,uncosted_skus,negative_rate,zero_rate'],
      [`turnover?from=${from}`, 'key,label,cost,opening_value,closing_value,avg_value,turnover,days_of_cover'],
      [`sell-through?from=${from}`, 'key,label,units_sold,units_received,on_hand,sell_through_rate'],
      [`customers?from=${from}&group_by=month`, 'key,label,customers,new_customers,returning_customers,member_orders,member_revenue,orders,revenue,member_share_rate'],
      [`cohorts?from=${from}`, 'cohort,size,months_since,retained,retained_rate'],
    ]) {
      const j = await get(p);
      const c = await get(`${p}&format=csv`);
      assert.equal(c.status, 200, c.text);
      assert.match(hdr(c, 'content-type'), /^text\/csv/);
      const rows = c.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
      assert.equal(rows[0], cols, p);
      const n = p.startsWith('cohorts') ? j.body.items.reduce((a, x) => a + x.retention.length, 0) : j.body.items.length;
      assert.equal(rows.length, 1 + n, p);
      const x = await get(`${p}&format=xlsx`);
      assert.equal(x.status, 200);
      assert.match(hdr(x, 'content-type'), /spreadsheetml/);
    }
  });
});
