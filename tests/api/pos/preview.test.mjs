// POST /sales/preview: the sale POST /sales would record — promotions, gift
// lines, tier, coupons, points, manual discount, rounding, VAT — computed by
// the same code and answered without writing anything; the same errors.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { asAdmin } from '../lib/admin.mjs';
import { assertProblem } from '../lib/assert.mjs';

describe('sale preview', () => {
  let srv, admin, store, storeB, cashier, manager, mgrName;
  let milk, cup, water, scarce, customer, couponCode;
  const { api, sell, mk } = asAdmin(() => srv);
  const preview = (body, token = admin) => srv.api('POST', '/api/v1/sales/preview', { token, body });
  const product = (o) => mk('/api/v1/products', { sku: `V${uniq()}`, name: 'Item', unit: 'pcs', vat_rate: 1300, ...o });
  const receive = (s, p, quantity) => mk('/api/v1/stock/moves', { store_id: s, product_id: p, quantity, reason: 'receipt' });
  const stockOf = async (s, p) => {
    const r = await api('GET', `/api/v1/stock?store_id=${s}&product_id=${p}`);
    assert.equal(r.status, 200, r.text);
    return r.body.items.length ? r.body.items[0].on_hand : 0;
  };
  // Everything a sale writes, as one comparable snapshot.
  async function state() {
    const sales = await api('GET', `/api/v1/sales?store_id=${store.id}&limit=500`);
    const audit = await api('GET', '/api/v1/audit?limit=1');
    const coupon = await api('GET', `/api/v1/coupons?code=${couponCode}`);
    const points = await api('GET', `/api/v1/customers/${customer.id}/points`);
    const journal = await api('GET', `/api/v1/journal/verify?store_id=${store.id}`);
    return {
      sales: sales.body.items.length,
      audit: audit.body.items[0]?.id,
      coupon: coupon.body.items[0].status,
      points: points.body.balance,
      journal: journal.body,
      stock: [await stockOf(store.id, milk.id), await stockOf(store.id, cup.id), await stockOf(store.id, water.id)],
    };
  }
  // A preview and the sale differ only in what the write decides.
  const comparable = (s) => ({
    ...s, id: undefined, number: undefined, at: undefined, shift_id: undefined,
    lines: s.lines.map((l) => ({ ...l, id: undefined })),
  });

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    admin = srv.adminToken;
    store = await mk('/api/v1/stores', { code: `PV${uniq()}`.slice(0, 12), name: 'Preview store', channel: 'direct', cash_rounding: 10 });
    storeB = await mk('/api/v1/stores', { code: `PW${uniq()}`.slice(0, 12), name: 'Other store', channel: 'direct' });
    milk = await product({ name: 'Milk', price: 1299, cost: 800 });
    cup = await product({ name: 'Cup', price: 450, cost: 100, vat_rate: 900 });
    water = await product({ name: 'Water', price: 205, cost: 50 });
    scarce = await product({ name: 'Scarce', price: 1000 });
    for (const [p, q] of [[milk, 100], [cup, 10], [water, 500], [scarce, 1]]) await receive(store.id, p.id, q);
    // 10% off milk; a cup given with 3 waters.
    await mk('/api/v1/promotions', { name: `Milk ${uniq()}`, kind: 'percent_off', params: { percent: 1000 }, store_ids: [store.id], product_ids: [milk.id] });
    await mk('/api/v1/promotions', { name: `Cup ${uniq()}`, kind: 'gift', params: { product_id: cup.id, quantity: 1, min_quantity: 3 }, store_ids: [store.id], product_ids: [water.id] });
    const prog = await api('PUT', '/api/v1/loyalty/program', { body: { points_per_yuan: 1, point_value: 1, expiry_days: 365, max_redeem_bp: 5000 } });
    assert.equal(prog.status, 200, prog.text);
    customer = await mk('/api/v1/customers', { name: `C ${uniq()}`, phone: `139${String(Date.now()).slice(-8)}`, home_store_id: store.id });
    await mk(`/api/v1/customers/${customer.id}/points/adjustments`, { points: 300, reason: 'welcome' });
    const t = await mk('/api/v1/coupon-templates', { name: `Coupon ${uniq()}`, kind: 'amount_off', value: 500, valid_days: 30 });
    couponCode = (await mk('/api/v1/coupons/batches', { template_id: t.id, count: 1 })).codes[0];
    cashier = await makeUser(srv, 'sales', [store.id]);
    manager = await makeUser(srv, 'store_manager', [store.id]);
    mgrName = (await api('GET', `/api/v1/users/${manager.id}`)).body.username;
  });
  after(async () => { await srv?.stop(); });

  it('answers the sale POST /sales then records, to the fen, line by line, and writes nothing', async () => {
    const body = {
      store_id: store.id, customer_id: customer.id,
      lines: [{ product_id: milk.id, quantity: 2 }, { product_id: water.id, quantity: 3 }],
      coupon_codes: [couponCode], points_redeemed: 100, manual_discount_bp: 500,
      payments: [{ method: 'card', amount: 1003, reference: 'slip-1' }, { method: 'cash', amount: 5000 }],
    };
    const s0 = await state();
    const p = await preview(body, cashier.token);
    assert.equal(p.status, 200, p.text);
    const v = p.body;
    assert.equal(v.id, 0);
    assert.equal(v.number, '');
    assert.equal(v.shift_id, null);
    assert.deepEqual(v.returns, []);
    // Promotions per line, the gift line, the coupon, the points tender.
    assert.ok(v.lines[0].discounts.some((d) => d.source === 'promotion'));
    assert.equal(v.lines.length, 3);
    assert.equal(v.lines[2].product_id, cup.id);
    assert.equal(v.lines[2].is_gift, true);
    assert.equal(v.lines[2].total, 0);
    assert.ok(v.lines.some((l) => l.discounts.some((d) => d.source === 'coupon')));
    assert.ok(v.lines.some((l) => l.discounts.some((d) => d.source === 'manual')));
    assert.deepEqual(v.payments.at(-1), { method: 'points', amount: 100, reference: null });
    assert.equal(v.points_redeemed, 100);
    assert.ok(v.points_earned > 0);
    assert.equal(v.total, v.lines.reduce((a, l) => a + l.total, 0));
    assert.equal(v.vat_total, v.lines.reduce((a, l) => a + l.vat, 0));
    assert.equal(v.rounding, (v.total - 1003 - 100) % 10, JSON.stringify(v));
    assert.ok(v.rounding > 0, `cash rounding to 10 fen: ${JSON.stringify(v)}`);
    assert.equal(v.change_due, 5000 - (v.total - 1003 - 100 - v.rounding));
    // Nothing written: another preview answers the same, state unchanged.
    const again = await preview(body, cashier.token);
    assert.deepEqual(comparable(again.body), comparable(v));
    assert.deepEqual(await state(), s0);

    const r = await sell(body, cashier.token);
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(comparable(r.body), comparable(v));
    assert.match(r.body.number, /-0001$/, 'the preview took no receipt number');
    const s1 = await state();
    assert.equal(s1.sales, s0.sales + 1);
    assert.equal(s1.coupon, 'redeemed');
    assert.equal(s1.points, s0.points - 100 + v.points_earned);
    assert.deepEqual(s1.stock, [s0.stock[0] - 2, s0.stock[1] - 1, s0.stock[2] - 3]);
  });

  it('without payments: nothing settled, paid = total; with too little, the sale’s 422', async () => {
    const lines = [{ product_id: milk.id, quantity: 1 }];
    const p = await preview({ store_id: store.id, lines }, cashier.token);
    assert.equal(p.status, 200, p.text);
    assert.deepEqual(p.body.payments, []);
    assert.equal(p.body.rounding, 0);
    assert.equal(p.body.change_due, 0);
    assert.equal(p.body.paid, p.body.total);
    assert.equal(p.body.total, 1299 - 130);
    assertProblem(await preview({ store_id: store.id, lines, payments: [{ method: 'card', amount: 100 }] }, cashier.token),
      422, 'validation', ['payments']);
  });

  it('the manual discount above the cap needs an approver, checked as for the sale', async () => {
    const body = { store_id: store.id, lines: [{ product_id: water.id, quantity: 1 }], manual_discount_bp: 2000 };
    assertProblem(await preview(body, cashier.token), 422, 'validation', ['manual_discount_bp']);
    assertProblem(await preview({ ...body, approver: { username: mgrName, password: 'wrong-password-123' } }, cashier.token),
      422, 'validation', ['approver']);
    const audit0 = (await api('GET', '/api/v1/audit?limit=1')).body.items[0].id;
    const ok = await preview({ ...body, approver: { username: mgrName, password: manager.password } }, cashier.token);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.approved_by, manager.id);
    assert.equal(ok.body.discount_total, 41); // 20% of 205, half-up
    // A granted approval in a preview writes no audit row.
    assert.equal((await api('GET', '/api/v1/audit?limit=1')).body.items[0].id, audit0);
  });

  it('every bad field at once; 400 on wrong types; 409 only where the sale would refuse', async () => {
    assertProblem(await preview({ store_id: store.id, lines: [{ product_id: 999999, quantity: 1 }, { quantity: -1 }], manual_discount_bp: 1, bogus: 1 }),
      422, 'validation', ['bogus', 'lines[0].product_id', 'lines[1]', 'lines[1].quantity']);
    assertProblem(await preview({ store_id: store.id, lines: [] }), 422, 'validation', ['lines']);
    assertProblem(await preview({}, cashier.token), 422, 'validation', ['store_id', 'lines']);
    assertProblem(await preview({ store_id: 'x', lines: [{ product_id: milk.id, quantity: 1 }] }), 400, 'bad-request', ['store_id']);
    assertProblem(await preview({ store_id: store.id, apply_promotions: 'no', lines: [{ product_id: milk.id, quantity: 1 }] }), 400, 'bad-request', ['apply_promotions']);
    assertProblem(await api('POST', '/api/v1/sales/preview', { raw: '{"store_id":' }), 400, 'malformed-json');
    const two = { store_id: store.id, lines: [{ product_id: scarce.id, quantity: 2 }] };
    assertProblem(await preview(two), 409, 'insufficient-stock', ['lines[0].quantity']);
    assertProblem(await sell({ ...two, payments: [{ method: 'cash', amount: 5000 }] }), 409, 'insufficient-stock', ['lines[0].quantity']);
    // Offline sales are recorded as they happened: negative stock flagged.
    const off = await preview({ ...two, offline_at: new Date(Date.now() - 60000).toISOString() });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.body.negative_stock, true);
    assert.equal(await stockOf(store.id, scarce.id), 1);
  });

  it('permission and store scope as for the sale', async () => {
    const body = { store_id: storeB.id, lines: [{ product_id: water.id, quantity: 1 }] };
    assertProblem(await preview(body, cashier.token), 403, 'forbidden');
    const hq = await makeUser(srv, 'hq', []);
    assertProblem(await preview({ ...body, store_id: store.id }, hq.token), 403, 'forbidden');
    const anon = await srv.api('POST', '/api/v1/sales/preview', { body });
    assert.equal(anon.status, 401);
  });
});
