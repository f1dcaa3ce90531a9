// Returns and voids: partial returns refunding each unit's share of what was
// paid, several returns adding up to exactly `paid` under cash rounding,
// over-returns and bad input refused with nothing written, stock back,
// status transitions, idempotent returns, voids of the open shift, roles
// and store scope, audit rows, and the rollups as the sales report reads
// them (where it exists) and the journal.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, uniq, makeUser, ROOT } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

// The refund arithmetic as the API promises it: the sale's rounding is
// split over the lines by their totals (largest remainder, ties to the
// earlier line); each amount is prorated cumulatively over the units,
// half-up, the last unit taking the remainder.
function roundingShares(rounding, totals) {
  const sum = totals.reduce((a, b) => a + b, 0);
  if (!sum) return totals.map(() => 0);
  const shares = totals.map((t) => Math.floor((rounding * t) / sum));
  const rems = totals.map((t) => (rounding * t) % sum);
  let left = rounding - shares.reduce((a, b) => a + b, 0);
  const bumped = new Set();
  while (left > 0) {
    let best = -1;
    for (let i = 0; i < totals.length; i++) if (!bumped.has(i) && rems[i] > 0 && (best < 0 || rems[i] > rems[best])) best = i;
    bumped.add(best);
    shares[best] += 1;
    left -= 1;
  }
  return shares;
}
const cumulative = (amount, done, all) => (done >= all ? amount : Math.round((amount * done) / all));
// Quantities in thousandths, as the server keeps them.
const milli = (q) => Math.round(q * 1000);

describe('returns and voids', () => {
  let srv, admin, storeA, storeB, storeR, storeC;
  let milk, apples, water;
  let salesA, managerA, managerB, salesB, hq, service;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const sell = async (store, lines, payments, { token = admin, key = randomUUID(), extra = {} } = {}) => {
    const r = await srv.api('POST', '/api/v1/sales', { token, body: { store_id: store, lines, payments, ...extra }, headers: { 'idempotency-key': key } });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const ret = (sale, body, { token = admin, key } = {}) =>
    srv.api('POST', `/api/v1/sales/${sale}/returns`, { token, body, headers: key ? { 'idempotency-key': key } : {} });
  const voidSale = (sale, body, { token = admin } = {}) => srv.api('POST', `/api/v1/sales/${sale}/void`, { token, body });
  const getSale = async (id) => {
    const r = await api('GET', `/api/v1/sales/${id}`);
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  const stockOf = async (store, product) => {
    const r = await api('GET', `/api/v1/stock?store_id=${store}&product_id=${product}`);
    assert.equal(r.status, 200, r.text);
    return r.body.items.length ? r.body.items[0].on_hand : 0;
  };
  const receive = async (store, product, quantity) => {
    const r = await api('POST', '/api/v1/stock/moves', { body: { store_id: store, product_id: product, quantity, reason: 'receipt' } });
    assert.equal(r.status, 201, r.text);
  };
  const mkProduct = async (body) => {
    const r = await api('POST', '/api/v1/products', { body: { sku: `P-${uniq()}`, name: 'Product', price: 100, vat_rate: 1300, ...body } });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const mkStore = async () => {
    const c = `S${uniq()}`.slice(0, 12);
    const r = await api('POST', '/api/v1/stores', { body: { code: c, name: `Store ${c}`, channel: 'direct' } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  const cash = (amount) => [{ method: 'cash', amount }];
  const lineOf = (sale, product) => sale.lines.find((l) => l.product_id === product.id);

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    admin = srv.adminToken;
    [storeA, storeB, storeR, storeC] = [await mkStore(), await mkStore(), await mkStore(), await mkStore()];
    const p = await api('PATCH', `/api/v1/stores/${storeR}`, { body: { cash_rounding: 10 } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.cash_rounding, 10);
    milk = await mkProduct({ name: '鲜牛奶 1L', price: 1299, cost: 800, vat_rate: 1300 });
    apples = await mkProduct({ name: 'Apples', unit: 'kg', price: 1000, cost: 600, vat_rate: 900 });
    water = await mkProduct({ name: 'Water', price: 200, cost: 50, vat_rate: 1300 });
    for (const s of [storeA, storeB, storeR, storeC]) {
      await receive(s, milk.id, 200);
      await receive(s, apples.id, 100);
      await receive(s, water.id, 1000);
    }
    salesA = await makeUser(srv, 'sales', [storeA]);
    managerA = await makeUser(srv, 'store_manager', [storeA, storeC]);
    managerB = await makeUser(srv, 'store_manager', [storeB]);
    salesB = await makeUser(srv, 'sales', [storeB]);
    hq = await makeUser(srv, 'hq');
    service = await makeUser(srv, 'service');
  });
  after(async () => { await srv?.stop(); });

  it('a partial return refunds the units\' share of the discounted line and puts the stock back', async () => {
    // 5% off the order (within a cashier's cap), spread over the lines.
    const sale = await sell(storeA, [{ product_id: milk.id, quantity: 3 }, { product_id: water.id, quantity: 2 }], cash(5000),
      { token: salesA.token, extra: { manual_discount_bp: 500 } });
    const ml = lineOf(sale, milk);
    assert.ok(ml.discount > 0, 'the order discount reached the line');
    const milkBefore = await stockOf(storeA, milk.id);
    const r = await ret(sale.id, { lines: [{ line_id: ml.id, quantity: 1 }], refund_method: 'cash', reason: 'Damaged box' }, { token: salesA.token });
    assert.equal(r.status, 201, r.text);
    assert.equal(hdr(r, 'location'), `/api/v1/sales/${sale.id}`);
    assert.equal(hdr(r, 'idempotent-replayed'), null);
    const s = r.body;
    const refund = Math.round(ml.total / 3);
    assert.equal(s.id, sale.id);
    assert.equal(s.status, 'partially_returned');
    assert.equal(s.refunded_total, refund);
    assert.equal(lineOf(s, milk).returned_quantity, 1);
    assert.equal(lineOf(s, milk).refunded, refund);
    assert.equal(lineOf(s, water).returned_quantity, 0);
    assert.equal(lineOf(s, water).refunded, 0);
    // Everything the sale said stays as it was.
    for (const k of ['number', 'total', 'paid', 'rounding', 'vat_total', 'discount_total', 'change_due']) assert.equal(s[k], sale[k], k);
    assert.equal(s.returns.length, 1);
    const rt = s.returns[0];
    assert.equal(rt.kind, 'return');
    assert.equal(rt.refund_total, refund);
    assert.equal(rt.refund_method, 'cash');
    assert.equal(rt.reason, 'Damaged box');
    assert.equal(rt.user_id, salesA.id);
    assert.equal(rt.points_reversed, 0);
    assert.match(rt.at, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(rt.lines, [{ line_id: ml.id, product_id: milk.id, quantity: 1, refund }]);
    assert.equal(await stockOf(storeA, milk.id), milkBefore + 1);
    // The stock move names the return.
    const mv = await api('GET', `/api/v1/stock/moves?store_id=${storeA}&product_id=${milk.id}&limit=1`);
    assert.equal(mv.status, 200, mv.text);
    assert.equal(mv.body.items[0].kind, 'return');
    assert.equal(mv.body.items[0].doc_type, 'sale_return');
    assert.equal(mv.body.items[0].doc_id, rt.id);
    assert.equal(mv.body.items[0].quantity, 1);
    assert.deepEqual(await getSale(sale.id), s);

    // The second milk unit: its own rounded share; then the last takes the rest.
    const r2 = await ret(sale.id, { lines: [{ line_id: ml.id, quantity: 2 }], refund_method: 'cash', reason: 'Changed mind' }, { token: salesA.token });
    assert.equal(r2.status, 201, r2.text);
    assert.equal(lineOf(r2.body, milk).refunded, ml.total);
    assert.equal(r2.body.returns[1].refund_total, ml.total - refund);
    assert.equal(r2.body.status, 'partially_returned', 'the water is still out');
    assert.equal(await stockOf(storeA, milk.id), milkBefore + 3);

    // An audit row per return.
    const au = await api('GET', `/api/v1/audit?entity=sale_return&entity_id=${rt.id}`);
    assert.equal(au.status, 200, au.text);
    assert.equal(au.body.items.length, 1);
    assert.equal(au.body.items[0].action, 'create');
    assert.equal(au.body.items[0].store_id, storeA);
    assert.equal(au.body.items[0].after.refund_total, refund);
    assert.equal(au.body.items[0].after.sale_id, sale.id);
  });

  it('returns in pieces under cash rounding refund exactly what was paid', async () => {
    const before = { milk: await stockOf(storeR, milk.id), apples: await stockOf(storeR, apples.id), water: await stockOf(storeR, water.id) };
    // 38.97 + 12.35 + 2.00 = 53.32, cash rounded down to 53.30.
    const sale = await sell(storeR, [{ product_id: milk.id, quantity: 3 }, { product_id: apples.id, quantity: 1.235 },
      { product_id: water.id, quantity: 1 }], cash(6000));
    assert.equal(sale.total, 5332);
    assert.equal(sale.rounding, 2);
    assert.equal(sale.paid, 5330);
    assert.equal(sale.change_due, 670);
    const shares = roundingShares(sale.rounding, sale.lines.map((l) => l.total));
    const L = { milk: lineOf(sale, milk), apples: lineOf(sale, apples), water: lineOf(sale, water) };
    const idx = { milk: sale.lines.indexOf(L.milk), apples: sale.lines.indexOf(L.apples), water: sale.lines.indexOf(L.water) };
    const done = { milk: 0, apples: 0, water: 0 };
    // What one piece should refund, by the model above.
    const expect = (name, q) => {
      const l = L[name];
      const owed = l.total - shares[idx[name]];
      const all = milli(l.quantity);
      const v = cumulative(owed, done[name] + milli(q), all) - cumulative(owed, done[name], all);
      done[name] += milli(q);
      return v;
    };
    const steps = [
      { lines: [['milk', 1], ['apples', 0.5]], method: 'card' },
      { lines: [['water', 1]], method: 'wechat' },
      { lines: [['milk', 1]], method: 'alipay' },
      { lines: [['apples', 0.735], ['milk', 1]], method: 'voucher' },
    ];
    let total = 0;
    let last;
    for (const [n, st] of steps.entries()) {
      const want = st.lines.map(([name, q]) => expect(name, q));
      const r = await ret(sale.id, { lines: st.lines.map(([name, q]) => ({ line_id: L[name].id, quantity: q })), refund_method: st.method, reason: `piece ${n + 1}` });
      assert.equal(r.status, 201, r.text);
      const rt = r.body.returns[n];
      assert.equal(rt.refund_method, st.method);
      assert.deepEqual(rt.lines.map((l) => l.refund), want, `return ${n + 1}`);
      assert.equal(rt.refund_total, want.reduce((a, b) => a + b, 0));
      total += rt.refund_total;
      assert.equal(r.body.refunded_total, total);
      assert.equal(r.body.status, n < steps.length - 1 ? 'partially_returned' : 'returned');
      last = r.body;
    }
    assert.equal(total, sale.paid, 'everything returned refunds exactly what was paid');
    assert.equal(last.refunded_total, 5330);
    for (const [i, l] of last.lines.entries()) {
      assert.equal(l.returned_quantity, l.quantity);
      assert.equal(l.refunded, l.total - shares[i], 'each line gives back its total less its rounding share');
    }
    assert.equal(await stockOf(storeR, milk.id), before.milk);
    assert.equal(await stockOf(storeR, apples.id), before.apples);
    assert.equal(await stockOf(storeR, water.id), before.water);

    // Returned in full: nothing more to return, and no void.
    assertProblem(await ret(sale.id, { lines: [{ line_id: L.milk.id, quantity: 1 }], refund_method: 'cash', reason: 'again' }), 409, 'state');
    assertProblem(await voidSale(sale.id, { reason: 'late' }), 409, 'state');
  });

  it('refuses over-returns and unknown lines with the field named, and writes nothing', async () => {
    const sale = await sell(storeA, [{ product_id: milk.id, quantity: 2 }, { product_id: water.id, quantity: 1 }], cash(3000));
    const other = await sell(storeA, [{ product_id: water.id, quantity: 1 }], cash(200));
    const [ml, wl] = [lineOf(sale, milk), lineOf(sale, water)];
    const milkBefore = await stockOf(storeA, milk.id);
    const ok = { refund_method: 'cash', reason: 'Wrong size' };
    const bad = async (body, status, slug, fields) => assertProblem(await ret(sale.id, { ...ok, ...body }), status, slug, fields);
    await bad({ lines: [{ line_id: ml.id, quantity: 3 }] }, 422, 'validation', ['lines[0].quantity']);
    await bad({ lines: [{ line_id: wl.id, quantity: 1 }, { line_id: ml.id, quantity: 2.5 }] }, 422, 'validation', ['lines[1].quantity']);
    await bad({ lines: [{ line_id: 999999999, quantity: 1 }] }, 422, 'validation', ['lines[0].line_id']);
    await bad({ lines: [{ line_id: other.lines[0].id, quantity: 1 }] }, 422, 'validation', ['lines[0].line_id']);
    await bad({ lines: [{ line_id: ml.id, quantity: 1 }, { line_id: ml.id, quantity: 1 }] }, 422, 'validation', ['lines[1].line_id']);
    await bad({ lines: [{ line_id: ml.id, quantity: 0 }] }, 422, 'validation', ['lines[0].quantity']);
    await bad({ lines: [{ line_id: ml.id, quantity: -1 }] }, 422, 'validation', ['lines[0].quantity']);
    await bad({ lines: [{ line_id: ml.id, quantity: 0.0001 }] }, 422, 'validation', ['lines[0].quantity']);
    await bad({ lines: [{ line_id: ml.id }] }, 422, 'validation', ['lines[0].quantity']);
    await bad({ lines: [{ quantity: 1 }] }, 422, 'validation', ['lines[0].line_id']);
    await bad({ lines: [{ line_id: ml.id, quantity: 1, refund: 5 }] }, 422, 'validation', ['lines[0].refund']);
    await bad({ lines: [] }, 422, 'validation', ['lines']);
    await bad({ lines: undefined }, 422, 'validation', ['lines']);
    const one = [{ line_id: ml.id, quantity: 1 }];
    await bad({ lines: one, refund_method: 'bitcoin' }, 422, 'validation', ['refund_method']);
    await bad({ lines: one, refund_method: 'points' }, 422, 'validation', ['refund_method']);
    await bad({ lines: one, refund_method: 'stored_value' }, 422, 'validation', ['refund_method']);
    await bad({ lines: one, reason: undefined }, 422, 'validation', ['reason']);
    await bad({ lines: one, reason: '   ' }, 422, 'validation', ['reason']);
    await bad({ lines: one, reason: '退'.repeat(201) }, 422, 'validation', ['reason']);
    await bad({ lines: one, refund_total: 1 }, 422, 'validation', ['refund_total']);
    // Every bad field in one answer.
    await bad({ lines: [{ line_id: ml.id, quantity: 9 }], refund_method: 'iou', reason: '' }, 422, 'validation',
      ['lines[0].quantity', 'refund_method', 'reason']);
    // Wrong types: 400.
    await bad({ lines: 'all' }, 400, 'bad-request', ['lines']);
    await bad({ lines: [5] }, 400, 'bad-request', ['lines[0]']);
    await bad({ lines: [{ line_id: 'x', quantity: 1 }] }, 400, 'bad-request', ['lines[0].line_id']);
    await bad({ lines: one, reason: 7 }, 400, 'bad-request', ['reason']);
    const mal = await srv.api('POST', `/api/v1/sales/${sale.id}/returns`, { token: admin, raw: '{"lines":' });
    assertProblem(mal, 400, 'malformed-json');
    assertProblem(await ret(999999999, { ...ok, lines: one }), 404, 'not-found');

    const now = await getSale(sale.id);
    assert.equal(now.status, 'completed');
    assert.equal(now.refunded_total, 0);
    assert.deepEqual(now.returns, []);
    assert.equal(await stockOf(storeA, milk.id), milkBefore);

    // 200 characters is fine; then only what is left may go back.
    assert.equal((await ret(sale.id, { ...ok, lines: one, reason: '退'.repeat(200) })).status, 201);
    await bad({ lines: [{ line_id: ml.id, quantity: 2 }] }, 422, 'validation', ['lines[0].quantity']);
    const r = await ret(sale.id, { ...ok, lines: [{ line_id: ml.id, quantity: 1 }, { line_id: wl.id, quantity: 1 }] });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.status, 'returned');
    assert.equal(r.body.refunded_total, sale.paid);
    assert.equal(await stockOf(storeA, milk.id), milkBefore + 2);
  });

  it('Idempotency-Key: a replay answers the first result, another body conflicts, keys are per user', async () => {
    const sale = await sell(storeA, [{ product_id: milk.id, quantity: 4 }], cash(6000));
    const line = sale.lines[0].id;
    const body = { lines: [{ line_id: line, quantity: 1 }], refund_method: 'cash', reason: 'Leaking' };
    const key = randomUUID();
    const r1 = await ret(sale.id, body, { token: salesA.token, key });
    assert.equal(r1.status, 201, r1.text);
    const r2 = await ret(sale.id, body, { token: salesA.token, key });
    assert.equal(r2.status, 201, r2.text);
    assert.equal(hdr(r2, 'idempotent-replayed'), 'true');
    assert.deepEqual(r2.body, r1.body);
    assert.equal((await getSale(sale.id)).returns.length, 1, 'the replay returned nothing more');
    assertProblem(await ret(sale.id, { ...body, reason: 'Other' }, { token: salesA.token, key }), 409, 'idempotency-conflict');
    // Another user's same key is their own request.
    const r3 = await ret(sale.id, body, { token: managerA.token, key });
    assert.equal(r3.status, 201, r3.text);
    assert.equal(hdr(r3, 'idempotent-replayed'), null);
    assert.equal(r3.body.returns.length, 2);
    // A refused request stores nothing: the corrected retry goes through.
    const k2 = randomUUID();
    assertProblem(await ret(sale.id, { ...body, lines: [{ line_id: line, quantity: 3 }] }, { token: salesA.token, key: k2 }), 422, 'validation', ['lines[0].quantity']);
    const r4 = await ret(sale.id, body, { token: salesA.token, key: k2 });
    assert.equal(r4.status, 201, r4.text);
    assert.equal(r4.body.returns.length, 3);
    // A sale's key is not a return's.
    const k3 = randomUUID();
    await sell(storeA, [{ product_id: water.id, quantity: 1 }], cash(200), { token: salesA.token, key: k3 });
    assertProblem(await ret(sale.id, body, { token: salesA.token, key: k3 }), 409, 'idempotency-conflict');
    // Without a key, each request is a new return.
    const r5 = await ret(sale.id, body, { token: salesA.token });
    assert.equal(r5.status, 201, r5.text);
    assert.equal(r5.body.status, 'returned');
    assertProblem(await ret(sale.id, body, { token: salesA.token, key: 'k'.repeat(65) }), 400, 'bad-request');
  });

  it('refunds go back to the sale\'s own tenders in the sale\'s order; another tender needs a manager and is audited', async () => {
    // 3 milk + 1 water = 4097, paid 3000 by card then 2000 cash (903 change):
    // the card took 3000, the cash 1097.
    const sale = await sell(storeA, [{ product_id: milk.id, quantity: 3 }, { product_id: water.id, quantity: 1 }],
      [{ method: 'card', amount: 3000 }, { method: 'cash', amount: 2000 }], { token: salesA.token });
    assert.equal(sale.change_due, 903);
    const [ml, wl] = [lineOf(sale, milk), lineOf(sale, water)];
    const r1 = await ret(sale.id, { lines: [{ line_id: ml.id, quantity: 1 }], reason: 'Dented' }, { token: salesA.token });
    assert.equal(r1.status, 201, r1.text);
    assert.deepEqual(r1.body.returns[0].refunds, [{ method: 'card', amount: 1299 }]);
    assert.equal(r1.body.returns[0].refund_method, 'card');
    assert.equal(r1.body.returns[0].refund_override, false);
    // The card has 1701 left; the rest of this refund goes to the cash.
    const r2 = await ret(sale.id, { lines: [{ line_id: ml.id, quantity: 2 }], reason: 'Dented' }, { token: salesA.token });
    assert.equal(r2.status, 201, r2.text);
    assert.deepEqual(r2.body.returns[1].refunds, [{ method: 'card', amount: 1701 }, { method: 'cash', amount: 897 }]);
    assert.equal(r2.body.returns[1].refund_method, 'mixed');
    // Naming a tender of the sale that still holds enough is no override.
    const r3 = await ret(sale.id, { lines: [{ line_id: wl.id, quantity: 1 }], refund_method: 'cash', reason: 'Dented' }, { token: salesA.token });
    assert.equal(r3.status, 201, r3.text);
    assert.deepEqual(r3.body.returns[2].refunds, [{ method: 'cash', amount: 200 }]);
    assert.equal(r3.body.status, 'returned');
    assert.equal(r3.body.refunded_total, sale.paid);

    // A card sale refunded in cash: a cashier may not, a store manager may.
    const card = await sell(storeA, [{ product_id: milk.id, quantity: 1 }], [{ method: 'card', amount: 1299 }], { token: salesA.token });
    const milkBefore = await stockOf(storeA, milk.id);
    const body = { lines: [{ line_id: card.lines[0].id, quantity: 1 }], refund_method: 'cash', reason: 'Wants cash' };
    assertProblem(await ret(card.id, body, { token: salesA.token }), 403, 'forbidden', ['refund_method']);
    assertProblem(await ret(card.id, { ...body, refund_method: 'wechat' }, { token: salesA.token }), 403, 'forbidden');
    const untouched = await getSale(card.id);
    assert.deepEqual(untouched.returns, []);
    assert.equal(await stockOf(storeA, milk.id), milkBefore);
    const ok = await ret(card.id, body, { token: managerA.token });
    assert.equal(ok.status, 201, ok.text);
    const rt = ok.body.returns[0];
    assert.deepEqual(rt.refunds, [{ method: 'cash', amount: 1299 }]);
    assert.equal(rt.refund_method, 'cash');
    assert.equal(rt.refund_override, true);
    const au = await api('GET', `/api/v1/audit?entity=sale_return&entity_id=${rt.id}`);
    assert.equal(au.status, 200, au.text);
    const ov = au.body.items.find((x) => x.action === 'refund_override');
    assert.ok(ov, `an audit row for the override: ${au.text}`);
    assert.equal(ov.user_id ?? managerA.id, managerA.id);
    assert.deepEqual(ov.before.tenders, [{ method: 'card', amount: 1299 }]);
    assert.deepEqual(ov.after.refunds, [{ method: 'cash', amount: 1299 }]);
  });

  it('a store manager voids a sale of the open shift: stock back, status voided, journal and audit', async () => {
    const sale = await sell(storeA, [{ product_id: milk.id, quantity: 2 }, { product_id: apples.id, quantity: 0.75 }], cash(4000), { token: salesA.token });
    const before = { milk: await stockOf(storeA, milk.id), apples: await stockOf(storeA, apples.id) };
    const r = await voidSale(sale.id, { reason: 'Customer walked away' }, { token: managerA.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'voided');
    assert.equal(r.body.voided_by, managerA.id);
    assert.equal(r.body.void_reason, 'Customer walked away');
    assert.match(r.body.voided_at, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(r.body.returns, []);
    assert.equal(r.body.refunded_total, 0);
    for (const k of ['number', 'total', 'paid', 'lines', 'payments']) assert.deepEqual(r.body[k], sale[k], k);
    assert.equal(await stockOf(storeA, milk.id), before.milk + 2);
    assert.equal(await stockOf(storeA, apples.id), before.apples + 0.75);
    const mv = await api('GET', `/api/v1/stock/moves?store_id=${storeA}&product_id=${apples.id}&limit=1`);
    assert.equal(mv.body.items[0].kind, 'return');
    assert.equal(mv.body.items[0].doc_type, 'sale_void');
    assert.equal(mv.body.items[0].doc_id, sale.id);
    assert.equal((await getSale(sale.id)).status, 'voided');
    // Once voided: no second void, no return.
    assertProblem(await voidSale(sale.id, { reason: 'again' }, { token: managerA.token }), 409, 'state');
    assertProblem(await ret(sale.id, { lines: [{ line_id: sale.lines[0].id, quantity: 1 }], refund_method: 'cash', reason: 'x' }), 409, 'state');
    assert.equal(await stockOf(storeA, milk.id), before.milk + 2);
    const au = await api('GET', `/api/v1/audit?entity=sale&entity_id=${sale.id}`);
    assert.equal(au.status, 200, au.text);
    const row = au.body.items.find((x) => x.action === 'void');
    assert.ok(row, JSON.stringify(au.body.items));
    assert.equal(row.user_id, managerA.id);
    assert.equal(row.before.status, 'completed');
    assert.equal(row.after.status, 'voided');
    assert.equal(row.after.reason, 'Customer walked away');
  });

  it('void: refused after a return, for sales and hq, outside the store, without a reason', async () => {
    const sale = await sell(storeA, [{ product_id: water.id, quantity: 3 }], cash(600));
    assert.equal((await ret(sale.id, { lines: [{ line_id: sale.lines[0].id, quantity: 1 }], refund_method: 'cash', reason: 'Dented' })).status, 201);
    assertProblem(await voidSale(sale.id, { reason: 'x' }, { token: managerA.token }), 409, 'state');
    assert.equal((await getSale(sale.id)).status, 'partially_returned');

    const fresh = await sell(storeA, [{ product_id: water.id, quantity: 1 }], cash(200));
    assertProblem(await voidSale(fresh.id, { reason: 'x' }, { token: salesA.token }), 403, 'forbidden');
    assertProblem(await voidSale(fresh.id, { reason: 'x' }, { token: hq.token }), 403, 'forbidden');
    assertProblem(await voidSale(fresh.id, { reason: 'x' }, { token: service.token }), 403, 'forbidden');
    assertProblem(await voidSale(fresh.id, { reason: 'x' }, { token: managerB.token }), 404, 'not-found');
    assertProblem(await voidSale(fresh.id, {}, { token: managerA.token }), 422, 'validation', ['reason']);
    assertProblem(await voidSale(fresh.id, { reason: '' }, { token: managerA.token }), 422, 'validation', ['reason']);
    assertProblem(await voidSale(fresh.id, { reason: 'r'.repeat(201) }, { token: managerA.token }), 422, 'validation', ['reason']);
    assertProblem(await voidSale(fresh.id, { reason: 'x', status: 'voided' }, { token: managerA.token }), 422, 'validation', ['status']);
    assertProblem(await voidSale(fresh.id, { reason: 5 }, { token: managerA.token }), 400, 'bad-request', ['reason']);
    assertProblem(await voidSale(999999999, { reason: 'x' }), 404, 'not-found');
    assert.equal((await getSale(fresh.id)).status, 'completed');
    // Admin may void in any store.
    const r = await voidSale(fresh.id, { reason: 'Test sale' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'voided');
  });

  it('void: only while the sale\'s shift is open; a return then goes to the open shift', async () => {
    const sale = await sell(storeC, [{ product_id: milk.id, quantity: 1 }], cash(1299), { token: managerA.token });
    assert.ok(sale.shift_id, 'the sale belongs to a shift');
    const close = await srv.api('POST', `/api/v1/shifts/${sale.shift_id}/close`, { token: managerA.token, body: { counted: { cash: 1299 } } });
    assert.equal(close.status, 200, close.text);
    assertProblem(await voidSale(sale.id, { reason: 'Too late' }, { token: managerA.token }), 409, 'state');
    assert.equal((await getSale(sale.id)).status, 'completed');
    // A return still works: it opens (or joins) the store's current shift.
    const r = await ret(sale.id, { lines: [{ line_id: sale.lines[0].id, quantity: 1 }], refund_method: 'cash', reason: 'Sour' }, { token: managerA.token });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.status, 'returned');
    const later = await sell(storeC, [{ product_id: water.id, quantity: 1 }], cash(200), { token: managerA.token });
    assert.notEqual(later.shift_id, sale.shift_id);
    const sh = await api('GET', `/api/v1/shifts/${later.shift_id}`);
    assert.equal(sh.status, 200, sh.text);
    assert.equal(sh.body.status, 'open');
    assert.match(JSON.stringify(sh.body.totals), /1299/, 'the refund is in the open shift');
  });

  it('store scope: another store\'s sale is 404 for reads, returns and voids; roles without sales_write get 403', async () => {
    const sale = await sell(storeA, [{ product_id: water.id, quantity: 2 }], cash(400));
    const body = { lines: [{ line_id: sale.lines[0].id, quantity: 1 }], refund_method: 'cash', reason: 'x' };
    assertProblem(await srv.api('GET', `/api/v1/sales/${sale.id}`, { token: salesB.token }), 404, 'not-found');
    assertProblem(await ret(sale.id, body, { token: salesB.token }), 404, 'not-found');
    assertProblem(await ret(sale.id, body, { token: managerB.token }), 404, 'not-found');
    // Even a bad body does not tell another store's user that the sale exists.
    assertProblem(await ret(sale.id, { lines: 'x' }, { token: salesB.token }), 404, 'not-found');
    assertProblem(await ret(sale.id, body, { token: hq.token }), 403, 'forbidden');
    assertProblem(await ret(sale.id, body, { token: service.token }), 403, 'forbidden');
    assert.equal((await getSale(sale.id)).status, 'completed');
    // The store's own users may.
    assert.equal((await ret(sale.id, body, { token: managerA.token })).status, 201);
  });

  it('concurrent returns of one line never return more than was sold, and refund exactly paid', async () => {
    const sale = await sell(storeR, [{ product_id: milk.id, quantity: 5 }, { product_id: water.id, quantity: 1 }], cash(7000));
    assert.ok(sale.rounding > 0, 'a rounding to spread');
    const before = await stockOf(storeR, milk.id);
    const body = { lines: [{ line_id: lineOf(sale, milk).id, quantity: 1 }], refund_method: 'cash', reason: 'rush' };
    const rs = await Promise.all(Array.from({ length: 12 }, () => ret(sale.id, body)));
    const statuses = rs.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 201).length, 5, JSON.stringify(statuses));
    for (const r of rs) if (r.status !== 201) assert.ok([409, 422].includes(r.status), r.text);
    assert.ok(rs.every((r) => r.status < 500), JSON.stringify(statuses));
    assert.equal(await stockOf(storeR, milk.id), before + 5);
    const wl = lineOf(sale, water);
    const last = await ret(sale.id, { lines: [{ line_id: wl.id, quantity: 1 }], refund_method: 'card', reason: 'last' });
    assert.equal(last.status, 201, last.text);
    const s = await getSale(sale.id);
    assert.equal(s.status, 'returned');
    assert.equal(s.returns.length, 6);
    assert.equal(s.refunded_total, s.paid);
    assert.equal(s.returns.reduce((x, r) => x + r.refund_total, 0), s.paid);

    // A void racing a return of a fresh sale: exactly one of them wins.
    for (let i = 0; i < 5; i++) {
      const f = await sell(storeA, [{ product_id: water.id, quantity: 2 }], cash(400));
      const [a, b] = await Promise.all([
        ret(f.id, { lines: [{ line_id: f.lines[0].id, quantity: 1 }], refund_method: 'card', reason: 'race' }),
        voidSale(f.id, { reason: 'race' }, { token: managerA.token }),
      ]);
      const g = await getSale(f.id);
      if (a.status === 201) {
        assertProblem(b, 409, 'state');
        assert.equal(g.status, 'partially_returned');
      } else {
        assertProblem(a, 409, 'state');
        assert.equal(b.status, 200, b.text);
        assert.equal(g.status, 'voided');
        assert.deepEqual(g.returns, []);
      }
    }
  });

  it('rollups and the journal: the sales report nets returns and voids out, every chain verifies', async (t) => {
    // A fresh store with known sales: one returned in pieces, one voided,
    // one partly returned.
    const st = await mkStore();
    const pr = await api('PATCH', `/api/v1/stores/${st}`, { body: { cash_rounding: 10 } });
    assert.equal(pr.status, 200, pr.text);
    await receive(st, milk.id, 50);
    await receive(st, water.id, 50);
    const s1 = await sell(st, [{ product_id: milk.id, quantity: 3 }, { product_id: water.id, quantity: 2 }], cash(5000));
    const s2 = await sell(st, [{ product_id: milk.id, quantity: 1 }], cash(1299));
    const s3 = await sell(st, [{ product_id: water.id, quantity: 5 }], cash(1000));
    const mlk = lineOf(s1, milk), wtr = lineOf(s1, water);
    for (const [line, q] of [[mlk, 2], [wtr, 1], [mlk, 1], [wtr, 1]]) {
      assert.equal((await ret(s1.id, { lines: [{ line_id: line.id, quantity: q }], refund_method: 'cash', reason: 'x' })).status, 201);
    }
    assert.equal((await voidSale(s2.id, { reason: 'Mistake' })).status, 200);
    assert.equal((await ret(s3.id, { lines: [{ line_id: s3.lines[0].id, quantity: 2 }], refund_method: 'card', reason: 'x' })).status, 201);
    const [g1, g2, g3] = [await getSale(s1.id), await getSale(s2.id), await getSale(s3.id)];
    assert.equal(g1.status, 'returned');
    assert.equal(g1.refunded_total, g1.paid);
    assert.equal(g2.status, 'voided');
    assert.equal(g3.status, 'partially_returned');
    assert.equal(g3.refunded_total, Math.round((g3.lines[0].total - g3.rounding) * 2 / 5));
    assert.equal(await stockOf(st, milk.id), 50);
    assert.equal(await stockOf(st, water.id), 47);

    // The journal: a record per sale, return and void, all verifying.
    const jv = await api('GET', `/api/v1/journal/verify?store_id=${st}`);
    assert.equal(jv.status, 200, jv.text);
    assert.equal(jv.body.ok, true, jv.text);
    assert.equal(jv.body.first_broken_seq, null, jv.text);
    assert.equal(jv.body.records, 3 + 5 + 1, jv.text);
    const all = await api('GET', '/api/v1/journal/verify');
    assert.equal(all.body.ok, true, all.text);
    // The command line check, where the binary has it.
    const bin = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
    if (/verify-journal/.test(execFileSync(bin, ['help'], { encoding: 'utf8' }))) {
      const out = execFileSync(bin, ['verify-journal', '--db', srv.db], { encoding: 'utf8', timeout: 60000 });
      assert.doesNotMatch(out, /broken|mismatch|fail/i, out);
    } else {
      t.diagnostic('tersa verify-journal is not built yet');
    }

    // The sales report reads the rollups.
    const rep = await api('GET', `/api/v1/reports/sales?group_by=store&store_id=${st}`);
    assert.equal(rep.status, 200, rep.text);
    const tot = rep.body.totals;
    const net = [g1, g3].reduce((a, s) => a + s.paid - s.refunded_total, 0);
    assert.equal(tot.revenue, net, rep.text);
    assert.equal(tot.orders, 2, 'the void took its order back; returns keep theirs');
    assert.equal(tot.units, 3, 'five sold and two back in s3; s1 all back; s2 voided');
    // s1 and s2 net to nothing; s3 keeps 3/5 of its VAT and three waters at cost 0.50.
    const vat = g3.lines[0].vat - Math.round((g3.lines[0].vat * 2) / 5);
    assert.equal(tot.gross_margin, net - vat - 3 * 50, rep.text);
    // By product: what the lines kept; cash rounding sits in its own item.
    const byp = await api('GET', `/api/v1/reports/sales?group_by=product&store_id=${st}`);
    assert.equal(byp.status, 200, byp.text);
    const item = (id) => byp.body.items.find((i) => String(i.key) === String(id));
    assert.equal(item(water.id).revenue, g3.lines[0].total - Math.round((g3.lines[0].total * 2) / 5), byp.text);
    assert.equal(item(water.id).units, 3, byp.text);
    assert.equal(item(milk.id)?.revenue ?? 0, 0, byp.text);
    assert.equal(item(milk.id)?.units ?? 0, 0, byp.text);
    const money = byp.body.items.reduce((a, i) => a + i.revenue, 0);
    assert.equal(money, tot.revenue, 'the items add up to the totals');
  });
});
