// Staff KPIs: each person's figures against a recomputation from the sale
// lines this suite rang (single salesperson, cashier fallback, a whole-line
// return on its day), store level and conversion from footfall, medians,
// and who may ask for whose figures (404, never 403).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq, makeUser } from '../lib/server.mjs';

describe('staff KPIs', () => {
  let srv, storeK, storeO, p1, p2;
  let s1, s2, mgr, mgrO, salesO;
  const sold = []; // {sale, credited}
  const api = (m, p, o = {}) => srv.api(m, p, { token: srv.adminToken, ...o });
  const mkStore = async () => {
    const c = `K${uniq()}`.slice(0, 12);
    const r = await api('POST', '/api/v1/stores', { body: { code: c, name: `Store ${c}`, channel: 'direct', region: 'East' } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  const mkProduct = async (price, cost) => {
    const r = await api('POST', '/api/v1/products', { body: { sku: `P-${uniq()}`, name: 'Item', price, cost, vat_rate: 1300 } });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const sell = async (token, store, lines, extra = {}) => {
    const r = await srv.api('POST', '/api/v1/sales', {
      token, body: { store_id: store, lines, payments: [{ method: 'cash', amount: 1000000 }], ...extra },
      headers: { 'idempotency-key': randomUUID() },
    });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  let today;
  const cost = { };
  // Expected figures of a person from the sales the suite made.
  function expected(userId) {
    const e = { revenue: 0, vat: 0, cost: 0, units: 0, transactions: 0, discount: 0, gross: 0, refunded: 0 };
    for (const { sale, credited } of sold) {
      if (credited !== userId) continue;
      e.transactions += 1;
      for (const l of sale.lines) {
        e.revenue += l.total; e.vat += l.vat; e.cost += cost[l.product_id] * l.quantity;
        e.units += l.quantity; e.discount += l.discount; e.gross += l.gross;
      }
      for (const r of sale.returns ?? []) {
        for (const rl of r.lines) {
          const l = sale.lines.find((x) => x.id === rl.line_id);
          assert.equal(rl.quantity, l.quantity, 'the suite returns whole lines');
          e.revenue -= rl.refund; e.vat -= l.vat; e.cost -= cost[l.product_id] * l.quantity;
          e.units -= l.quantity; e.refunded += rl.refund;
        }
      }
    }
    return e;
  }

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    storeK = await mkStore();
    storeO = await mkStore();
    p1 = await mkProduct(1999, 1200);
    p2 = await mkProduct(350, 100);
    cost[p1.id] = 1200; cost[p2.id] = 100;
    for (const s of [storeK, storeO]) for (const p of [p1, p2]) {
      const r = await api('POST', '/api/v1/stock/moves', { body: { store_id: s, product_id: p.id, quantity: 500, reason: 'receipt' } });
      assert.equal(r.status, 201, r.text);
    }
    s1 = await makeUser(srv, 'sales', [storeK]);
    s2 = await makeUser(srv, 'sales', [storeK]);
    mgr = await makeUser(srv, 'store_manager', [storeK]);
    mgrO = await makeUser(srv, 'store_manager', [storeO]);
    salesO = await makeUser(srv, 'sales', [storeO]);
    // s1 rings two sales; the manager rings one credited to s1 as salesperson;
    // s2 rings one; the manager rings one for nobody (credited to the cashier).
    sold.push({ sale: await sell(s1.token, storeK, [{ product_id: p1.id, quantity: 2 }, { product_id: p2.id, quantity: 3 }]), credited: s1.id });
    sold.push({ sale: await sell(s1.token, storeK, [{ product_id: p2.id, quantity: 1 }], { manual_discount_bp: 500 }), credited: s1.id });
    sold.push({ sale: await sell(mgr.token, storeK, [{ product_id: p1.id, quantity: 1 }, { product_id: p2.id, quantity: 4 }], { salesperson_id: s1.id }), credited: s1.id });
    sold.push({ sale: await sell(s2.token, storeK, [{ product_id: p1.id, quantity: 3 }]), credited: s2.id });
    sold.push({ sale: await sell(mgr.token, storeK, [{ product_id: p2.id, quantity: 2 }]), credited: mgr.id });
    sold.push({ sale: await sell(salesO.token, storeO, [{ product_id: p1.id, quantity: 1 }]), credited: salesO.id });
    today = sold[0].sale.day;
    // A whole-line return of the sale credited to s1 through salesperson_id.
    const third = sold[2].sale;
    const l = third.lines.find((x) => x.product_id === p2.id);
    const r = await srv.api('POST', `/api/v1/sales/${third.id}/returns`, { token: mgr.token, body: { lines: [{ line_id: l.id, quantity: l.quantity }], refund_method: 'cash', reason: 'Changed mind' } });
    assert.equal(r.status, 201, r.text);
    sold[2].sale = r.body;
  });
  after(async () => { await srv?.stop(); });

  const kpis = (token, q) => srv.api('GET', `/api/v1/kpis?${q}`, { token });

  it('a person\'s KPIs match the sale lines (salesperson over cashier, a return negative)', async () => {
    const r = await kpis(mgr.token, `level=person&store_id=${storeK}&from=${today}&to=${today}`);
    assert.equal(r.status, 200, r.text);
    const byKey = Object.fromEntries(r.body.items.map((i) => [i.key, i]));
    assert.deepEqual(Object.keys(byKey).map(Number).sort((a, b) => a - b), [s1.id, s2.id, mgr.id].sort((a, b) => a - b));
    for (const u of [s1, s2, mgr]) {
      const e = expected(u.id);
      const k = byKey[u.id];
      assert.equal(k.period_start, today);
      assert.equal(k.store_id, storeK);
      assert.equal(k.revenue, e.revenue, 'revenue');
      assert.equal(k.transactions, e.transactions, 'transactions');
      assert.equal(k.avg_ticket, Math.round(e.revenue / e.transactions), 'avg ticket');
      assert.equal(k.upt, Math.round((e.units * 1000) / e.transactions) / 1000, 'upt');
      assert.equal(k.gross_margin, e.revenue - e.vat - Math.round(e.cost), 'gross margin');
      assert.equal(k.margin_rate_bp, Math.round(((e.revenue - e.vat - Math.round(e.cost)) * 10000) / (e.revenue - e.vat)));
      assert.equal(k.discount_rate_bp, Math.round((e.discount * 10000) / e.gross), 'discount rate');
      assert.equal(k.return_rate_bp, Math.round((e.refunded * 10000) / (e.revenue + e.refunded)), 'return rate');
      assert.equal(k.entries, null);
      assert.equal(k.conversion_bp, null);
      assert.equal(k.csat, null);
    }
    assert.ok(expected(s1.id).refunded > 0, 'the return counted against s1');
    assert.ok(byKey[s1.id].return_rate_bp > 0);
    assert.ok(byKey[s1.id].discount_rate_bp > 0);
  });

  it('store level sums the people; conversion from footfall', async () => {
    const f = await srv.api('PUT', '/api/v1/footfall', { token: mgr.token, body: { store_id: storeK, day: today, hours: [{ hour: 10, entries: 30 }, { hour: 11, entries: 20 }] } });
    assert.equal(f.status, 200, f.text);
    const r = await kpis(mgr.token, `level=store&store_id=${storeK}&from=${today}&to=${today}&period=month`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.items.length, 1);
    const k = r.body.items[0];
    assert.equal(k.key, storeK);
    assert.equal(k.period_start, `${today.slice(0, 7)}-01`);
    const all = [s1, s2, mgr].map((u) => expected(u.id));
    assert.equal(k.revenue, all.reduce((a, e) => a + e.revenue, 0));
    assert.equal(k.transactions, 5);
    assert.equal(k.entries, 50);
    assert.equal(k.conversion_bp, Math.round((5 * 10000) / 50));
    // person level: the person's transactions over the store's entries
    const p = await kpis(s1.token, `from=${today}&to=${today}`);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.items.length, 1);
    assert.equal(p.body.items[0].key, s1.id);
    assert.equal(p.body.items[0].entries, 50);
    assert.equal(p.body.items[0].conversion_bp, Math.round((3 * 10000) / 50));
  });

  it('answers the store\'s and the company\'s medians', async () => {
    const r = await kpis(mgr.token, `store_id=${storeK}&from=${today}&to=${today}`);
    assert.equal(r.status, 200, r.text);
    const rev = [s1, s2, mgr].map((u) => expected(u.id).revenue).sort((a, b) => a - b);
    assert.equal(r.body.medians.store.revenue, rev[1]);
    const all = [...rev, expected(salesO.id).revenue].sort((a, b) => a - b);
    assert.equal(r.body.medians.company.revenue, Math.round((all[1] + all[2]) / 2));
    // transactions: s1 3, s2 1, the manager 1, the other store's 1
    assert.equal(r.body.medians.company.transactions, 1);
    assert.equal(r.body.medians.store.transactions, 1);
  });

  it('a salesperson sees only their own figures; others are 404, never 403', async () => {
    const own = await kpis(s2.token, `from=${today}&to=${today}`);
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(own.body.items.map((i) => i.key), [s2.id]);
    const stores = await kpis(s2.token, `level=store&from=${today}&to=${today}`);
    assert.equal(stores.status, 200, stores.text);
    assert.deepEqual(stores.body.items.map((i) => i.key), [storeK], 'a salesperson\'s store level: their own store only');
    const other = await kpis(s2.token, `user_id=${s1.id}&from=${today}&to=${today}`);
    assert.equal(other.status, 404, other.text);
    // a store manager of another store: the person and the store are unknown
    const m = await kpis(mgrO.token, `user_id=${s1.id}&from=${today}&to=${today}`);
    assert.equal(m.status, 404, m.text);
    const ms = await kpis(mgrO.token, `level=store&store_id=${storeK}`);
    assert.equal(ms.status, 404, ms.text);
    // their own list does not hold storeK's people
    const list = await kpis(mgrO.token, `from=${today}&to=${today}`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.items.map((i) => i.key), [salesO.id]);
    // hq sees everyone
    const hq = await kpis(srv.adminToken, `user_id=${s1.id}&from=${today}&to=${today}`);
    assert.equal(hq.status, 200, hq.text);
    assert.equal(hq.body.items[0].revenue, expected(s1.id).revenue);
  });

  it('refuses bad ranges and exports CSV', async () => {
    const bad = await kpis(mgr.token, 'from=2026-12-10&to=2026-12-01');
    assert.equal(bad.status, 422, bad.text);
    const lvl = await kpis(mgr.token, 'level=galaxy');
    assert.equal(lvl.status, 422, lvl.text);
    const csv = await kpis(mgr.token, `store_id=${storeK}&from=${today}&to=${today}&format=csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.text, /revenue/);
    assert.equal(csv.text.trim().split('\n').length, 4, csv.text);
  });
});
