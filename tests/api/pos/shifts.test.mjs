// Shifts and the Z-report: opening (one open shift per register), running
// totals, closing with counted tenders, Z figures against the sales made
// (cash with change and rounding, card, mixed, a manual discount, a void,
// returns), the stored report, roles and store scoping, sales and returns
// after the close, and sales racing a close.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const SHIFT_KEYS = ['id', 'store_id', 'register', 'status', 'opened_at', 'opened_by', 'opening_cash', 'closed_at', 'closed_by'];
const Z_KEYS = ['shift_id', 'store_id', 'register', 'opened_at', 'opened_by', 'closed_at', 'closed_by', 'opening_cash',
  'sales', 'returns', 'voids', 'takings', 'cash', 'units'].sort();

describe('shifts', () => {
  let srv, admin, storeZ, storeB, managerZ, salesZ, managerB, hq;
  let milk, water, apples;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const sell = (body, token) => srv.api('POST', '/api/v1/sales', { token, body, headers: { 'idempotency-key': randomUUID() } });
  const open = (body, token = admin) => srv.api('POST', '/api/v1/shifts', { token, body });
  const close = (id, body, token) => srv.api('POST', `/api/v1/shifts/${id}/close`, { token, body });
  const getShift = (id, token = admin) => srv.api('GET', `/api/v1/shifts/${id}`, { token });
  const store = async (extra = {}) => {
    const c = `Z${uniq()}`.slice(0, 12);
    const r = await api('POST', '/api/v1/stores', { body: { code: c, name: `Store ${c}`, channel: 'direct', ...extra } });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const product = async (body) => {
    const r = await api('POST', '/api/v1/products', { body: { sku: `P-${uniq()}`, name: 'Product', unit: 'pcs', price: 100, vat_rate: 1300, ...body } });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const receive = async (storeId, productId, quantity) => {
    const r = await api('POST', '/api/v1/stock/moves', { body: { store_id: storeId, product_id: productId, quantity, reason: 'receipt' } });
    assert.equal(r.status, 201, r.text);
  };
  const taking = (z, method) => {
    const t = z.takings.find((x) => x.method === method);
    assert.ok(t, `no takings row for ${method}: ${JSON.stringify(z.takings)}`);
    return t;
  };

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    admin = srv.adminToken;
    // 抹零 to ¥0.1: the cash due is rounded down to 10 fen.
    storeZ = (await store({ cash_rounding: 10 })).id;
    storeB = (await store()).id;
    milk = await product({ name: '鲜牛奶 1L', price: 1299, cost: 800, vat_rate: 1300 });
    water = await product({ name: 'Water', price: 200, cost: 50, vat_rate: 1300 });
    apples = await product({ name: 'Apples', unit: 'kg', price: 1000, cost: 600, vat_rate: 900 });
    for (const s of [storeZ, storeB]) {
      await receive(s, milk.id, 200);
      await receive(s, water.id, 1000);
      await receive(s, apples.id, 100);
    }
    managerZ = await makeUser(srv, 'store_manager', [storeZ]);
    salesZ = await makeUser(srv, 'sales', [storeZ]);
    managerB = await makeUser(srv, 'store_manager', [storeB]);
    hq = await makeUser(srv, 'hq');
  });
  after(async () => { await srv?.stop(); });

  it('opens a shift: 201, Location, every field, totals all zero; one open shift per register', async () => {
    const reg = `R-${uniq()}`;
    const r = await open({ store_id: storeZ, register: reg, opening_cash: 20000 }, salesZ.token);
    assert.equal(r.status, 201, r.text);
    const s = r.body;
    assert.equal(hdr(r, 'location'), `/api/v1/shifts/${s.id}`);
    assert.deepEqual(Object.keys(s).sort(), [...SHIFT_KEYS, 'totals'].sort());
    assert.equal(s.store_id, storeZ);
    assert.equal(s.register, reg);
    assert.equal(s.status, 'open');
    assert.equal(s.opened_by, salesZ.id);
    assert.match(s.opened_at, RFC3339_UTC);
    assert.equal(s.opening_cash, 20000);
    assert.equal(s.closed_at, null);
    assert.equal(s.closed_by, null);
    const t = s.totals;
    assert.deepEqual(Object.keys(t).sort(), Z_KEYS);
    assert.deepEqual(t.sales, { count: 0, gross: 0, discounts: 0, rounding: 0, vat: 0, total: 0, paid: 0 });
    assert.deepEqual(t.returns, { count: 0, refunded: 0 });
    assert.deepEqual(t.voids, { count: 0, total: 0 });
    assert.deepEqual(t.cash, { opening: 20000, sales: 0, refunds: 0, top_ups: 0, expected: 20000, counted: null, difference: null });
    assert.deepEqual(t.takings.map((x) => x.method), ['cash', 'card', 'wechat', 'alipay', 'voucher']);
    assert.equal(t.units, 0);
    assert.equal(t.closed_at, null);

    const g = await getShift(s.id, salesZ.token);
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.body, s);

    // The same register again, by anyone: 409 state.
    assertProblem(await open({ store_id: storeZ, register: reg, opening_cash: 0 }, managerZ.token), 409, 'state');
    assertProblem(await open({ store_id: storeZ, register: reg, opening_cash: 0 }), 409, 'state');
    // Another register of the store, or the same register name in another store: fine.
    const other = await open({ store_id: storeZ, register: `${reg}-2`, opening_cash: 0 }, managerZ.token);
    assert.equal(other.status, 201, other.text);
    const elsewhere = await open({ store_id: storeB, register: reg, opening_cash: 0 });
    assert.equal(elsewhere.status, 201, elsewhere.text);
    // Without a register: register "1", the one sales use by default.
    const dflt = await open({ store_id: storeB, opening_cash: 100 }, managerB.token);
    assert.equal(dflt.status, 201, dflt.text);
    assert.equal(dflt.body.register, '1');
    // A sale in store B without a register goes into that shift.
    const sale = await sell({ store_id: storeB, lines: [{ product_id: water.id, quantity: 1 }], payments: [{ method: 'cash', amount: 200 }] }, managerB.token);
    assert.equal(sale.status, 201, sale.text);
    assert.equal(sale.body.shift_id, dflt.body.id);
  });

  it('refuses bad input: 422 with every field, 400 for wrong types, unknown store', async () => {
    assertProblem(await open({}), 422, 'validation', ['store_id', 'opening_cash']);
    assertProblem(await open({ store_id: storeZ, register: 'x', opening_cash: -1 }), 422, 'validation', ['opening_cash']);
    assertProblem(await open({ store_id: storeZ, register: '', opening_cash: 0 }), 422, 'validation', ['register']);
    assertProblem(await open({ store_id: storeZ, register: 'x'.repeat(33), opening_cash: 0 }), 422, 'validation', ['register']);
    assertProblem(await open({ store_id: storeZ, opening_cash: 0, float: 1 }), 422, 'validation', ['float']);
    assertProblem(await open({ store_id: storeZ, opening_cash: 1.5 }), 422, 'validation', ['opening_cash']);
    assertProblem(await open({ store_id: storeZ, opening_cash: '100' }), 400, 'bad-request', ['opening_cash']);
    assertProblem(await open({ store_id: 'one', opening_cash: 0 }), 400, 'bad-request', ['store_id']);
    assertProblem(await open({ store_id: 999999999, register: `R-${uniq()}`, opening_cash: 0 }), 422, 'validation', ['store_id']);
    const r = await api('POST', '/api/v1/shifts', { raw: '[1]' });
    assert.equal(r.status, 400);
    assertProblem(await api('GET', '/api/v1/shifts?status=pending'), 422, 'validation', ['status']);
    assertProblem(await api('GET', '/api/v1/shifts?store_id=abc'), 422, 'validation', ['store_id']);
    assertProblem(await api('GET', '/api/v1/shifts/999999999'), 404, 'not-found');
    assertProblem(await close(999999999, { counted: { cash: 0 } }, admin), 404, 'not-found');
  });

  it('roles and store scoping: 403 for another store or a role that may not, 404 for reading another store', async () => {
    const reg = `R-${uniq()}`;
    // A store-bound user opening in a store not theirs: 403.
    assertProblem(await open({ store_id: storeB, register: reg, opening_cash: 0 }, salesZ.token), 403, 'forbidden');
    assertProblem(await open({ store_id: storeZ, register: reg, opening_cash: 0 }, managerB.token), 403, 'forbidden');
    // hq reads but does not open or close.
    assertProblem(await open({ store_id: storeZ, register: reg, opening_cash: 0 }, hq.token), 403, 'forbidden');
    const s = (await open({ store_id: storeZ, register: reg, opening_cash: 0 }, salesZ.token)).body;
    assertProblem(await close(s.id, { counted: { cash: 0 } }, hq.token), 403, 'forbidden');
    assert.equal((await getShift(s.id, hq.token)).status, 200);
    // Another store's shift: 404 for reading and for closing.
    assertProblem(await getShift(s.id, managerB.token), 404, 'not-found');
    assertProblem(await close(s.id, { counted: { cash: 0 } }, managerB.token), 404, 'not-found');
    assertProblem(await srv.api('GET', `/api/v1/shifts?store_id=${storeZ}`, { token: managerB.token }), 404, 'not-found');
    // Lists hold the user's stores only.
    const mine = await srv.api('GET', '/api/v1/shifts?limit=500', { token: managerB.token });
    assert.equal(mine.status, 200, mine.text);
    assert.ok(mine.body.items.length > 0);
    assert.ok(mine.body.items.every((x) => x.store_id === storeB), JSON.stringify(mine.body.items));
    // A sales user closing: 403 (closing needs a store manager or admin).
    assertProblem(await close(s.id, { counted: { cash: 0 } }, salesZ.token), 403, 'forbidden');
    assert.equal((await getShift(s.id)).body.status, 'open');
    // Without a token: 401.
    assert.equal((await srv.api('GET', `/api/v1/shifts/${s.id}`)).status, 401);
    // The store's manager closes it.
    const z = await close(s.id, { counted: { cash: 0 } }, managerZ.token);
    assert.equal(z.status, 200, z.text);
    assert.equal(z.body.closed_by, managerZ.id);
  });

  it('closes with counted tenders: the Z-report equals the sales, returns and voids made, and is stored', async () => {
    const reg = `R-${uniq()}`;
    const opened = await open({ store_id: storeZ, register: reg, opening_cash: 50000 }, salesZ.token);
    assert.equal(opened.status, 201, opened.text);
    const shift = opened.body;
    const sale = async (lines, payments, extra = {}, token = salesZ.token) => {
      const r = await sell({ store_id: storeZ, register: reg, lines, payments, ...extra }, token);
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.shift_id, shift.id);
      return r.body;
    };
    // Cash with change and 抹零: 3198 due in cash → 3190, 5000 given, 1810 back.
    const s1 = await sale([{ product_id: milk.id, quantity: 2 }, { product_id: water.id, quantity: 3 }], [{ method: 'cash', amount: 5000 }]);
    assert.deepEqual([s1.subtotal, s1.total, s1.rounding, s1.paid, s1.change_due, s1.vat_total], [3198, 3198, 8, 3190, 1810, 299 + 69]);
    // Card with a 5% manual discount: 1.5 kg apples 1500 - 75 = 1425; no rounding without cash.
    const s2 = await sale([{ product_id: apples.id, quantity: 1.5 }], [{ method: 'card', amount: 1425 }], { manual_discount_bp: 500 });
    assert.deepEqual([s2.subtotal, s2.discount_total, s2.total, s2.rounding, s2.paid, s2.change_due, s2.vat_total], [1500, 75, 1425, 0, 1425, 0, 118]);
    // Mixed: wechat 1000 + cash 1000 for 1499: cash due 499 → 490, 510 back.
    const s3 = await sale([{ product_id: milk.id, quantity: 1 }, { product_id: water.id, quantity: 1 }],
      [{ method: 'wechat', amount: 1000 }, { method: 'cash', amount: 1000 }]);
    assert.deepEqual([s3.total, s3.rounding, s3.paid, s3.change_due, s3.vat_total], [1499, 9, 1490, 510, 149 + 23]);
    // Alipay, later partly returned.
    const s5 = await sale([{ product_id: milk.id, quantity: 1 }], [{ method: 'alipay', amount: 1299 }]);
    // Cash, then voided by the manager: listed under voids, not in the sales.
    const s4 = await sale([{ product_id: water.id, quantity: 5 }], [{ method: 'cash', amount: 1000 }]);
    const v = await srv.api('POST', `/api/v1/sales/${s4.id}/void`, { token: managerZ.token, body: { reason: 'wrong items rung up' } });
    assert.equal(v.status, 200, v.text);
    // Returns booked at this register: one water of s1 back in cash, s5's milk back to alipay.
    const ret = async (s, lineIdx, quantity, method) => {
      const r = await srv.api('POST', `/api/v1/sales/${s.id}/returns`, {
        token: salesZ.token, headers: { 'idempotency-key': randomUUID() },
        body: { lines: [{ line_id: s.lines[lineIdx].id, quantity }], refund_method: method, reason: 'customer changed mind', register: reg },
      });
      assert.equal(r.status, 201, r.text);
      const got = await api('GET', `/api/v1/sales/${s.id}`);
      const rr = got.body.returns.at(-1);
      assert.equal(rr.refund_method, method);
      return rr.refund_total;
    };
    const refundCash = await ret(s1, 1, 1, 'cash');
    const refundAlipay = await ret(s5, 0, 1, 'alipay');
    assert.ok(refundCash > 0 && refundCash <= 200, String(refundCash));
    assert.equal(refundAlipay, 1299);

    // The figures, from the sales above.
    const cashSales = (5000 - 1810) + (1000 - 510);
    const expectedCash = 50000 + cashSales - refundCash;
    const salesFig = { count: 4, gross: 3198 + 1500 + 1499 + 1299, discounts: 75, rounding: 8 + 9,
      vat: 368 + 118 + 172 + s5.vat_total, total: 3198 + 1425 + 1499 + 1299, paid: 3190 + 1425 + 1490 + 1299 };
    assert.equal(salesFig.paid, cashSales + 1425 + 1000 + 1299, 'tenders add up to what was paid');

    // While open: the running totals.
    const g = await getShift(shift.id, salesZ.token);
    assert.equal(g.status, 200, g.text);
    const t = g.body.totals;
    assert.deepEqual(t.sales, salesFig);
    assert.deepEqual(t.voids, { count: 1, total: 1000 });
    assert.deepEqual(t.returns, { count: 2, refunded: refundCash + refundAlipay });
    assert.deepEqual(t.cash, { opening: 50000, sales: cashSales, refunds: refundCash, top_ups: 0, expected: expectedCash, counted: null, difference: null });
    assert.equal(t.units, 2 + 3 + 1.5 + 1 + 1 + 1);

    // Bad counts: 422 (cash required, amounts >= 0, known tenders only), 400 for types.
    assertProblem(await close(shift.id, {}, managerZ.token), 422, 'validation', ['counted.cash']);
    assertProblem(await close(shift.id, { counted: { card: 1425 } }, managerZ.token), 422, 'validation', ['counted.cash']);
    assertProblem(await close(shift.id, { counted: { cash: 100, card: -1 } }, managerZ.token), 422, 'validation', ['counted.card']);
    assertProblem(await close(shift.id, { counted: { cash: 100, bitcoin: 1 } }, managerZ.token), 422, 'validation', ['counted.bitcoin']);
    assertProblem(await close(shift.id, { counted: { cash: 100 }, note: 'x' }, managerZ.token), 422, 'validation', ['note']);
    assertProblem(await close(shift.id, { counted: 5 }, managerZ.token), 400, 'bad-request', ['counted']);
    assertProblem(await close(shift.id, { counted: { cash: '100' } }, managerZ.token), 400, 'bad-request', ['counted.cash']);
    assert.equal((await getShift(shift.id)).body.status, 'open');

    // Close: the drawer is 1 yuan short; card and wechat match; alipay counted 0; voucher not counted.
    const c = await close(shift.id, { counted: { cash: expectedCash - 100, card: 1425, wechat: 1000, alipay: 0 } }, managerZ.token);
    assert.equal(c.status, 200, c.text);
    const z = c.body;
    assert.deepEqual(Object.keys(z).sort(), Z_KEYS);
    assert.equal(z.shift_id, shift.id);
    assert.equal(z.store_id, storeZ);
    assert.equal(z.register, reg);
    assert.equal(z.opened_at, shift.opened_at);
    assert.equal(z.opened_by, salesZ.id);
    assert.equal(z.closed_by, managerZ.id);
    assert.match(z.closed_at, RFC3339_UTC);
    assert.equal(z.opening_cash, 50000);
    assert.deepEqual(z.sales, salesFig);
    assert.deepEqual(z.returns, { count: 2, refunded: refundCash + refundAlipay });
    assert.deepEqual(z.voids, { count: 1, total: 1000 });
    assert.deepEqual(z.cash, { opening: 50000, sales: cashSales, refunds: refundCash, top_ups: 0, expected: expectedCash,
      counted: expectedCash - 100, difference: -100 });
    assert.deepEqual(z.takings, [
      { method: 'cash', sales: cashSales, refunds: refundCash, top_ups: 0, net: cashSales - refundCash, expected: expectedCash, counted: expectedCash - 100, difference: -100 },
      { method: 'card', sales: 1425, refunds: 0, top_ups: 0, net: 1425, expected: 1425, counted: 1425, difference: 0 },
      { method: 'wechat', sales: 1000, refunds: 0, top_ups: 0, net: 1000, expected: 1000, counted: 1000, difference: 0 },
      { method: 'alipay', sales: 1299, refunds: 1299, top_ups: 0, net: 0, expected: 0, counted: 0, difference: 0 },
      { method: 'voucher', sales: 0, refunds: 0, top_ups: 0, net: 0, expected: 0, counted: null, difference: null },
    ]);
    assert.equal(z.units, 9.5);

    // Stored: the shift answers the same report; closing again is 409 state.
    const after1 = await getShift(shift.id, salesZ.token);
    assert.equal(after1.status, 200);
    assert.equal(after1.body.status, 'closed');
    assert.equal(after1.body.closed_by, managerZ.id);
    assert.equal(after1.body.closed_at, z.closed_at);
    assert.equal(after1.body.totals, undefined);
    assert.deepEqual(after1.body.z_report, z);
    assertProblem(await close(shift.id, { counted: { cash: 0 } }, managerZ.token), 409, 'state');
    assertProblem(await close(shift.id, { counted: { cash: 0 } }, admin), 409, 'state');
    // A void of a sale of the closed shift is refused (return it instead).
    assertProblem(await srv.api('POST', `/api/v1/sales/${s3.id}/void`, { token: managerZ.token, body: { reason: 'late' } }), 409, 'state');

    // Lists by status.
    const closedList = await api('GET', `/api/v1/shifts?store_id=${storeZ}&status=closed&register=${reg}`);
    assert.equal(closedList.status, 200, closedList.text);
    assert.deepEqual(closedList.body.items.map((x) => x.id), [shift.id]);
    assert.deepEqual(Object.keys(closedList.body.items[0]).sort(), [...SHIFT_KEYS].sort());
    const openList = await api('GET', `/api/v1/shifts?store_id=${storeZ}&status=open&register=${reg}`);
    assert.deepEqual(openList.body.items, []);

    // A sale after the close opens a new shift (opening cash 0) and stays out of the closed report.
    const late = await sell({ store_id: storeZ, register: reg, lines: [{ product_id: water.id, quantity: 2 }], payments: [{ method: 'cash', amount: 400 }] }, salesZ.token);
    assert.equal(late.status, 201, late.text);
    assert.ok(late.body.shift_id && late.body.shift_id !== shift.id);
    const next = await getShift(late.body.shift_id, salesZ.token);
    assert.equal(next.body.status, 'open');
    assert.equal(next.body.register, reg);
    assert.equal(next.body.opening_cash, 0);
    assert.equal(next.body.opened_by, salesZ.id);
    assert.equal(next.body.totals.sales.count, 1);
    assert.equal(next.body.totals.sales.total, 400);
    // A return now of a closed-shift sale goes into the new shift too.
    await ret(s1, 0, 1, 'cash');
    const next2 = (await getShift(late.body.shift_id)).body;
    assert.equal(next2.totals.returns.count, 1);
    assert.equal(next2.totals.cash.expected, 400 - next2.totals.returns.refunded);
    // The closed report did not move.
    assert.deepEqual((await getShift(shift.id)).body.z_report, z);
    // Opening that register by hand now: 409 (the sale opened one).
    assertProblem(await open({ store_id: storeZ, register: reg, opening_cash: 100 }, managerZ.token), 409, 'state');

    // The audit log has the opening and the close.
    const audit = await api('GET', `/api/v1/audit?entity=shift&entity_id=${shift.id}`);
    assert.equal(audit.status, 200, audit.text);
    assert.deepEqual(audit.body.items.map((x) => x.action).sort(), ['close', 'create']);
  });

  it('sales racing a close each land in exactly one shift, and the report holds exactly its own', async () => {
    // Several rounds: on PostgreSQL a sale that found the shift open must
    // be in the report, one that did not must open the next shift.
    for (let round = 0; round < 5; round++) {
      const reg = `R-${uniq()}`;
      const shift = (await open({ store_id: storeZ, register: reg, opening_cash: 1000 }, managerZ.token)).body;
      const body = { store_id: storeZ, register: reg, lines: [{ product_id: water.id, quantity: 1 }], payments: [{ method: 'cash', amount: 500 }] };
      const sales = [];
      for (let i = 0; i < 10; i++) sales.push(sell(body, salesZ.token));
      const closing = close(shift.id, { counted: { cash: 0 } }, managerZ.token);
      for (let i = 0; i < 10; i++) sales.push(sell(body, salesZ.token));
      const done = await Promise.all(sales);
      const z = await closing;
      assert.equal(z.status, 200, z.text);
      for (const r of done) assert.equal(r.status, 201, r.text);
      const inClosed = done.filter((r) => r.body.shift_id === shift.id);
      const later = new Set(done.filter((r) => r.body.shift_id !== shift.id).map((r) => r.body.shift_id));
      assert.ok(later.size <= 1, `later sales went to ${[...later]}`);
      assert.equal(z.body.sales.count, inClosed.length, `round ${round}`);
      assert.equal(z.body.sales.total, inClosed.length * 200);
      assert.equal(z.body.cash.expected, 1000 + inClosed.length * 200);
      assert.equal(z.body.cash.difference, -(1000 + inClosed.length * 200));
      if (later.size) {
        const next = (await getShift([...later][0])).body;
        assert.equal(next.totals.sales.count, 20 - inClosed.length);
      }
      assert.deepEqual((await getShift(shift.id)).body.z_report, z.body);
    }
  });

  it('exports the shifts list as CSV row by row: every page, the fields of the list, the filters kept', async () => {
    const s = (await store()).id;
    for (const register of ['R1', 'R2', 'R3']) {
      const r = await open({ store_id: s, register, opening_cash: 1000 });
      assert.equal(r.status, 201, r.text);
    }
    const list = await api('GET', `/api/v1/shifts?store_id=${s}`);
    assert.equal(list.body.items.length, 3);
    const csv = await api('GET', `/api/v1/shifts?store_id=${s}&limit=1&format=csv`);
    assert.equal(csv.status, 200);
    assert.match(hdr(csv, 'content-type'), /^text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    assert.equal(lines[0], SHIFT_KEYS.join(','));
    assert.equal(lines.length, 4, 'limit=1 must not cut an export: all 3 shifts');
    assert.deepEqual(lines.slice(1).map((l) => Number(l.split(',')[0])), list.body.items.map((x) => x.id));
    assert.deepEqual(lines.slice(1).map((l) => l.split(',')[2]), ['R3', 'R2', 'R1']);
    const none = await api('GET', `/api/v1/shifts?store_id=${s}&status=closed&format=csv`);
    assert.equal(none.status, 200);
    assert.equal(none.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n').length, 1, 'the status filter holds');
  });
});
