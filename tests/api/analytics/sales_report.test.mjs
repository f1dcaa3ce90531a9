// GET /reports/sales: for every group_by the report (read from the day
// rollups) equals the stored sales to the fen — many sales over three
// stores, discounts with and without a manager's approval, cash rounding,
// split tenders, whole-line returns and a void; periods, store scope,
// roles, bad parameters and the CSV/XLSX exports.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const GROUPS = ['day', 'week', 'month', 'store', 'region', 'channel', 'category', 'product', 'staff'];
// The fields checked here; sales_measures.test.mjs checks the other measures.
const FIELDS = ['key', 'label', 'revenue', 'orders', 'units', 'avg_basket', 'gross_margin'];
const ALL_FIELDS = [...FIELDS, 'upt', 'discount', 'gross_margin_pct', 'returns', 'refunded', 'return_rate'];

// Quantities in thousandths, as the server keeps them.
const milli = (q) => Math.round(q * 1000);
// price × quantity (thousandths) / 1000, half away from zero (money_mul_qty).
const mulQty = (price, q) => Math.sign(price * q) * Math.floor((Math.abs(price * q) + 500) / 1000);
// revenue / orders, half away from zero; 0 without orders.
const perOrder = (rev, orders) => (orders <= 0 ? 0 : Math.sign(rev) * Math.floor((2 * Math.abs(rev) + orders) / (2 * orders)));

function dayAdd(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
// ISO 8601 week: the week (Monday..Sunday) holding the year's first Thursday is week 1.
function isoWeek(day) {
  const d = new Date(`${day}T00:00:00Z`);
  const wd = (d.getUTCDay() + 6) % 7;
  const thu = new Date(d);
  thu.setUTCDate(d.getUTCDate() - wd + 3);
  const y = thu.getUTCFullYear();
  const week = Math.floor((thu - Date.UTC(y, 0, 1)) / 86400000 / 7) + 1;
  return { key: `${y}-W${String(week).padStart(2, '0')}`, label: `${dayAdd(day, -wd)} – ${dayAdd(day, 6 - wd)}` };
}

// A deterministic pseudo-random sequence (mulberry32).
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('sales report', () => {
  let srv, admin, hq, service;
  let stores, products, users, cats, people;
  const sales = []; // every sale as GET /sales/{id} answers after all writes
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const report = (q, token = admin) => srv.api('GET', `/api/v1/reports/sales${q}`, { token });

  async function mk(path, body) {
    const r = await api('POST', path, { body });
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    return r.body;
  }

  // The report the stored sales imply, computed from the sale JSON alone.
  function expected(group, { storeIds = null } = {}) {
    const g = new Map();
    const tot = { revenue: 0, vat: 0, cost: 0, orders: 0, units: 0 };
    const prodTot = { revenue: 0, vat: 0, cost: 0, orders: 0, units: 0 };
    const add = (key, label, d) => {
      const k = JSON.stringify(key);
      if (!g.has(k)) g.set(k, { key, label, revenue: 0, vat: 0, cost: 0, orders: 0, units: 0 });
      const x = g.get(k);
      for (const f of ['revenue', 'vat', 'cost', 'orders', 'units']) x[f] += d[f];
    };
    for (const s of sales) {
      if (s.status === 'voided') continue;
      if (storeIds && !storeIds.includes(s.store_id)) continue;
      const store = stores.find((x) => x.id === s.store_id);
      // Returns in this test give back whole lines: a returned line adds nothing.
      const live = s.lines.filter((l) => milli(l.returned_quantity) === 0);
      const cost = (l) => mulQty(products.find((p) => p.id === l.product_id).cost ?? 0, milli(l.quantity));
      const d = {
        revenue: s.paid - s.refunded_total,
        vat: live.reduce((a, l) => a + l.vat, 0),
        cost: live.reduce((a, l) => a + cost(l), 0),
        orders: 1,
        units: live.reduce((a, l) => a + milli(l.quantity), 0),
      };
      for (const f of Object.keys(tot)) tot[f] += d[f];
      const staff = s.salesperson_id ?? s.cashier_id;
      const w = isoWeek(s.day);
      if (group === 'day') add(s.day, s.day, d);
      if (group === 'week') add(w.key, w.label, d);
      if (group === 'month') add(s.day.slice(0, 7), s.day.slice(0, 7), d);
      if (group === 'store') add(store.id, store.name, d);
      if (group === 'region') add(store.region ?? null, store.region ?? '(no region)', d);
      if (group === 'channel') add(store.channel, store.channel, d);
      if (group === 'staff') add(staff, users.find((u) => u.id === staff).display_name, d);
      const seenCats = new Set(); // a sale is one order of each of its categories
      for (const l of s.lines) {
        const p = products.find((x) => x.id === l.product_id);
        const isLive = live.includes(l);
        const ld = {
          revenue: isLive ? l.total : 0, vat: isLive ? l.vat : 0, cost: isLive ? cost(l) : 0,
          orders: 1, units: isLive ? milli(l.quantity) : 0,
        };
        for (const f of Object.keys(prodTot)) prodTot[f] += ld[f];
        if (group === 'product') add(p.id, p.name, ld);
        if (group === 'category') {
          // Top-level categories, each with its subtree.
          let c = cats.find((x) => x.id === p.category_id);
          while (c && c.parent_id) c = cats.find((x) => x.id === c.parent_id);
          const id = c ? c.id : null;
          add(id, c ? c.path : '(no category)', { ...ld, orders: seenCats.has(id) ? 0 : 1 });
          seenCats.add(id);
        }
      }
    }
    const out = (x) => ({
      key: x.key, label: x.label, revenue: x.revenue, orders: x.orders, units: x.units,
      avg_basket: perOrder(x.revenue, x.orders), gross_margin: x.revenue - x.vat - x.cost,
    });
    const items = [...g.values()].map(out);
    if ((group === 'product' || group === 'category') &&
        ['revenue', 'vat', 'cost', 'units'].some((f) => tot[f] !== prodTot[f])) {
      items.push(out({ key: 'rounding', label: 'Cash rounding', revenue: tot.revenue - prodTot.revenue,
        vat: tot.vat - prodTot.vat, cost: tot.cost - prodTot.cost, orders: 0, units: tot.units - prodTot.units }));
    }
    return { items, totals: out({ ...tot, key: null, label: 'Total' }) };
  }

  // Items keyed for comparison; the report's units in thousandths.
  const norm = (x) => Object.fromEntries(FIELDS.map((f) => [f, f === 'units' ? milli(x.units) : x[f]]));
  const byKey = (items) => new Map(items.map((x) => [JSON.stringify(x.key), x]));

  function assertReport(body, want, what) {
    assert.deepEqual(Object.keys(body.totals).sort(), [...ALL_FIELDS].sort(), what);
    for (const x of body.items) assert.deepEqual(Object.keys(x).sort(), [...ALL_FIELDS].sort(), what);
    assert.deepEqual(norm(body.totals), want.totals, `${what}: totals`);
    assert.deepEqual(byKey(body.items.map(norm)), byKey(want.items), `${what}: items`);
    assert.equal(body.items.length, want.items.length, what);
    // The items' money adds up to the totals in every grouping.
    const sum = (f) => body.items.reduce((a, x) => a + x[f], 0);
    assert.equal(sum('revenue'), body.totals.revenue, `${what}: Σ revenue`);
    assert.equal(sum('gross_margin'), body.totals.gross_margin, `${what}: Σ gross margin`);
    assert.equal(Math.round(body.items.reduce((a, x) => a + milli(x.units), 0)), milli(body.totals.units), `${what}: Σ units`);
  }

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    admin = srv.adminToken;
    const food = await mk('/api/v1/categories', { name: `Food ${uniq()}` });
    const dairy = await mk('/api/v1/categories', { name: 'Dairy', parent_id: food.id });
    const drinks = await mk('/api/v1/categories', { name: `Drinks ${uniq()}` });
    cats = [food, dairy, drinks];
    const st = (name, extra) => mk('/api/v1/stores', { code: `R${uniq()}`.slice(0, 12), name, ...extra });
    stores = [
      await st('People\'s Square 人民广场', { channel: 'direct', region: 'East', cash_rounding: 10 }),
      await st('Franchise Hangzhou', { channel: 'franchise', region: 'East', cash_rounding: 100 }),
      await st('Online shop', { channel: 'online', cash_rounding: 1 }),
    ];
    const pr = (body) => mk('/api/v1/products', { sku: `RP${uniq()}`, unit: 'pcs', ...body });
    products = [
      await pr({ name: '鲜牛奶 1L', price: 1299, cost: 800, vat_rate: 1300, category_id: dairy.id }),
      await pr({ name: 'Orange juice', price: 550, cost: 301, vat_rate: 1300, category_id: drinks.id }),
      await pr({ name: 'Apples', unit: 'kg', price: 1000, cost: 633, vat_rate: 900 }),
      await pr({ name: 'Bread', price: 850, vat_rate: 900, category_id: food.id }), // no cost
      await pr({ name: 'Yogurt', price: 450, cost: 210, vat_rate: 1300, category_id: dairy.id }),
    ];
    for (const s of stores) {
      for (const p of products) {
        const r = await api('POST', '/api/v1/stock/moves', { body: { store_id: s.id, product_id: p.id, quantity: 1000, reason: 'receipt' } });
        assert.equal(r.status, 201, r.text);
      }
    }
    const salesA = await makeUser(srv, 'sales', [stores[0].id]);
    const managerA = await makeUser(srv, 'store_manager', [stores[0].id]);
    const salesB = await makeUser(srv, 'sales', [stores[1].id]);
    const managerB = await makeUser(srv, 'store_manager', [stores[1].id]);
    hq = await makeUser(srv, 'hq');
    service = await makeUser(srv, 'service');
    users = (await api('GET', '/api/v1/users?limit=500')).body.items;
    people = { salesA, managerA, salesB, managerB };

    // The sales: deterministic, varied baskets, discounts, tenders.
    const rnd = prng(20261127);
    const qty = [() => 1 + Math.floor(rnd() * 3), () => 1 + Math.floor(rnd() * 6), () => (1 + Math.floor(rnd() * 10)) / 4, () => 1 + Math.floor(rnd() * 2), () => 1 + Math.floor(rnd() * 4)];
    const created = [];
    for (let i = 0; i < 36; i++) {
      const si = i % 3;
      const store = stores[si];
      const seller = si === 0 ? (i % 2 ? salesA : managerA) : si === 1 ? salesB : null;
      const approver = si === 0 ? managerA : managerB;
      const picks = products.map((p, k) => ({ p, k })).filter(() => rnd() < 0.6);
      if (!picks.length) picks.push({ p: products[i % 4], k: i % 4 });
      const body = {
        store_id: store.id,
        lines: picks.map(({ p, k }) => ({ product_id: p.id, quantity: qty[k]() })),
        payments: i % 3 === 2 ? [{ method: 'card', amount: 100 }, { method: 'cash', amount: 100000 }] : [{ method: 'cash', amount: 100000 }],
      };
      if (i % 4 === 1) body.manual_discount_bp = 500;
      if (i % 4 === 2) {
        body.manual_discount_bp = 2500; // above a cashier's cap: the manager approves
        if (seller && seller !== managerA) body.approver = { username: approver.username, password: approver.password };
      }
      if (i % 5 === 0 && si === 0) body.salesperson_id = managerA.id;
      const r = await srv.api('POST', '/api/v1/sales', { token: seller ? seller.token : admin, body, headers: { 'idempotency-key': randomUUID() } });
      assert.equal(r.status, 201, `sale ${i}: ${r.text}`);
      created.push(r.body);
    }
    assert.ok(created.some((s) => s.rounding > 0), 'some sale was rounded');
    const dairyIds = [products[0].id, products[4].id];
    assert.ok(created.some((s) => s.status !== 'voided' && dairyIds.every((id) => s.lines.some((l) => l.product_id === id))),
      'some sale has two products of one category');
    assert.ok(created.some((s) => s.approved_by !== null), 'some discount was approved');
    // Whole-line returns of a few sales; a void of one more.
    for (const s of created.filter((_, i) => i % 7 === 3)) {
      const r = await api('POST', `/api/v1/sales/${s.id}/returns`, {
        body: { lines: [{ line_id: s.lines[0].id, quantity: s.lines[0].quantity }], refund_method: 'cash', reason: 'changed mind' },
      });
      assert.equal(r.status, 201, r.text);
    }
    const v = await api('POST', `/api/v1/sales/${created[created.length - 1].id}/void`, { body: { reason: 'wrong basket' } });
    assert.equal(v.status, 200, v.text);
    for (const s of created) {
      const r = await api('GET', `/api/v1/sales/${s.id}`);
      assert.equal(r.status, 200, r.text);
      sales.push(r.body);
    }
    assert.ok(sales.some((s) => s.refunded_total > 0));
    assert.ok(sales.some((s) => s.status === 'voided'));
  });
  after(async () => { await srv?.stop(); });

  it('totals equal the sum of the stored sales (GET /sales) to the fen', async () => {
    const list = await api('GET', '/api/v1/sales?limit=500');
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.items.length, sales.length);
    const live = list.body.items.filter((s) => s.status !== 'voided');
    const r = await report('?group_by=store');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.totals.revenue, live.reduce((a, s) => a + s.paid - s.refunded_total, 0));
    assert.equal(r.body.totals.orders, live.length);
    assert.equal(r.body.totals.key, null);
    assert.equal(r.body.totals.label, 'Total');
    assert.equal(r.body.next_cursor, null);
    assert.equal(r.body.group_by, 'store');
  });

  for (const group of GROUPS) {
    it(`group_by=${group}: every item and the totals match the sales`, async () => {
      const r = await report(`?group_by=${group}`);
      assert.equal(r.status, 200, r.text);
      assertReport(r.body, expected(group), group);
      // The same with the sales' own day as the range.
      const day = sales[0].day;
      const d = await report(`?group_by=${group}&from=${day}&to=${day}`);
      assert.equal(d.status, 200, d.text);
      assert.equal(d.body.from, day);
      assert.equal(d.body.to, day);
      assertReport(d.body, expected(group), `${group} on ${day}`);
    });
  }

  it('store_id narrows every grouping to that store', async () => {
    for (const group of ['day', 'product', 'category', 'staff']) {
      const r = await report(`?group_by=${group}&store_id=${stores[1].id}`);
      assert.equal(r.status, 200, r.text);
      assertReport(r.body, expected(group, { storeIds: [stores[1].id] }), `${group} of store B`);
    }
  });

  it('orders groups: periods by time, the rest by revenue, largest first', async () => {
    const s = await report('?group_by=product');
    const rev = s.body.items.filter((x) => x.key !== 'rounding').map((x) => x.revenue);
    assert.deepEqual(rev, [...rev].sort((a, b) => b - a));
    assert.ok(rev.length >= 4);
    const w = await report('?group_by=week');
    assert.equal(w.body.items.length, 1);
    assert.match(w.body.items[0].key, /^\d{4}-W\d\d$/);
    assert.equal(w.body.items[0].key, isoWeek(sales[0].day).key);
    const m = await report('?group_by=month');
    assert.equal(m.body.items[0].key, sales[0].day.slice(0, 7));
  });

  it('labels: category paths, no category, no region, cash rounding', async () => {
    const c = await report('?group_by=category');
    const labels = c.body.items.map((x) => x.label);
    assert.ok(labels.includes(cats[0].name), labels.join(', '));
    const sub = await report(`?group_by=category&category_id=${cats[0].id}`);
    assert.equal(sub.status, 200, sub.text);
    assert.ok(sub.body.items.some((x) => x.label === `${cats[0].name} / Dairy`), sub.text);
    assert.ok(labels.includes('(no category)'));
    assert.ok(c.body.items.some((x) => x.key === null));
    const round = c.body.items.find((x) => x.key === 'rounding');
    assert.ok(round && round.revenue < 0 && round.orders === 0, JSON.stringify(round));
    const g = await report('?group_by=region');
    assert.deepEqual(g.body.items.map((x) => x.label).sort(), ['(no region)', 'East']);
  });

  it('a range without sales: no items, zero totals; the default is the last 30 days', async () => {
    const day = sales[0].day;
    const r = await report(`?group_by=product&from=${dayAdd(day, -40)}&to=${dayAdd(day, -10)}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.items, []);
    assert.deepEqual(r.body.totals, { key: null, label: 'Total', revenue: 0, orders: 0, units: 0, avg_basket: 0, gross_margin: 0,
      upt: 0, discount: 0, gross_margin_pct: 0, returns: 0, refunded: 0, return_rate: 0 });
    const d = await report('');
    assert.equal(d.status, 200);
    assert.equal(d.body.group_by, 'day');
    assert.equal(d.body.from, dayAdd(d.body.to, -29));
    assert.ok(d.body.to >= day);
  });

  it('store-bound managers see only their stores; other roles as the permission says', async () => {
    const { managerA, salesA } = people;
    const r = await report('?group_by=store', managerA.token);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.items.map((x) => x.key), [stores[0].id]);
    assertReport(r.body, expected('store', { storeIds: [stores[0].id] }), 'manager A');
    const p = await report('?group_by=product', managerA.token);
    assertReport(p.body, expected('product', { storeIds: [stores[0].id] }), 'manager A products');
    assertProblem(await report(`?store_id=${stores[1].id}`, managerA.token), 404, 'not-found');
    assert.equal((await report(`?store_id=${stores[0].id}`, managerA.token)).status, 200);
    assertProblem(await report('', salesA.token), 403, 'forbidden');
    assertProblem(await report('', service.token), 403, 'forbidden');
    const h = await report('?group_by=channel', hq.token);
    assert.equal(h.status, 200);
    assertReport(h.body, expected('channel'), 'hq');
    assertProblem(await srv.api('GET', '/api/v1/reports/sales'), 401, 'unauthorized');
  });

  it('refuses bad parameters naming each one', async () => {
    assertProblem(await report('?group_by=year'), 422, 'validation', ['group_by']);
    assertProblem(await report('?from=2026-13-01'), 422, 'validation', ['from']);
    assertProblem(await report('?to=yesterday'), 422, 'validation', ['to']);
    assertProblem(await report('?from=2026-02-30&to=2026-02-31&group_by=x'), 422, 'validation', ['from', 'to', 'group_by']);
    assertProblem(await report('?from=2026-11-27&to=2026-11-26'), 422, 'validation', ['from']);
    assertProblem(await report('?from=2000-01-01&to=2026-01-01'), 422, 'validation', ['to']);
    assertProblem(await report('?store_id=abc'), 422, 'validation', ['store_id']);
    assertProblem(await report('?store_id=0'), 422, 'validation', ['store_id']);
    assertProblem(await report('?format=pdf'), 422, 'validation', ['format']);
    const none = await report('?store_id=999999');
    assert.equal(none.status, 200);
    assert.deepEqual(none.body.items, []);
  });

  it('exports the items as CSV and XLSX', async () => {
    const j = await report('?group_by=store');
    const c = await report('?group_by=store&format=csv');
    assert.equal(c.status, 200);
    assert.match(hdr(c, 'content-type'), /^text\/csv/);
    const rows = c.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    assert.equal(rows[0], ['key', 'label', 'revenue', 'orders', 'units', 'avg_basket', 'upt', 'discount', 'gross_margin', 'gross_margin_pct', 'returns', 'refunded', 'return_rate'].join(','));
    assert.equal(rows.length, 1 + j.body.items.length);
    assert.ok(rows.some((row) => row.startsWith(`${stores[0].id},`) && row.includes((j.body.items.find((x) => x.key === stores[0].id).revenue / 100).toFixed(2))));
    const x = await srv.api('GET', '/api/v1/reports/sales?group_by=product&format=xlsx', { token: admin });
    assert.equal(x.status, 200);
    assert.match(hdr(x, 'content-type'), /spreadsheetml/);
    assert.match(hdr(x, 'content-disposition'), /sales\.xlsx/);
  });
});
