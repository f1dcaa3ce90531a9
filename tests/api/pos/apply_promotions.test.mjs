// SaleInput.apply_promotions false: a sale rung by a till that could not see
// the promotions (offline) is recorded at the prices the customer paid — no
// automatic promotions, no coupons or points — and says so in the answer,
// the audit row and the journal.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { asAdmin } from '../lib/admin.mjs';
import { assertProblem } from '../lib/assert.mjs';

describe('apply_promotions', () => {
  let srv, store, cashier, milk, water, cup, customer;
  const { api, sell, mk } = asAdmin(() => srv);
  const product = (o) => mk('/api/v1/products', { sku: `A${uniq()}`, name: 'Item', unit: 'pcs', vat_rate: 1300, ...o });
  const cash = [{ method: 'cash', amount: 100000 }];
  const minutesAgo = (m) => new Date(Date.now() - m * 60000).toISOString();

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    store = await mk('/api/v1/stores', { code: `AP${uniq()}`.slice(0, 12), name: 'Offline store', channel: 'direct' });
    milk = await product({ name: 'Milk', price: 1299 });
    water = await product({ name: 'Water', price: 200 });
    cup = await product({ name: 'Cup', price: 450 });
    for (const p of [milk, water, cup]) await mk('/api/v1/stock/moves', { store_id: store.id, product_id: p.id, quantity: 100, reason: 'receipt' });
    await mk('/api/v1/promotions', { name: `Milk ${uniq()}`, kind: 'percent_off', params: { percent: 1000 }, store_ids: [store.id], product_ids: [milk.id] });
    await mk('/api/v1/promotions', { name: `Cup ${uniq()}`, kind: 'gift', params: { product_id: cup.id, quantity: 1, min_quantity: 3 }, store_ids: [store.id], product_ids: [water.id] });
    const prog = await api('PUT', '/api/v1/loyalty/program', { body: { points_per_yuan: 1, point_value: 1, expiry_days: 365, max_redeem_bp: 5000 } });
    assert.equal(prog.status, 200, prog.text);
    customer = await mk('/api/v1/customers', { name: `C ${uniq()}`, phone: `138${String(Date.now()).slice(-8)}`, home_store_id: store.id });
    cashier = await makeUser(srv, 'sales', [store.id]);
  });
  after(async () => { await srv?.stop(); });

  it('false: catalog prices without promotions or gifts; the manual discount and points earned stay', async () => {
    const body = { store_id: store.id, customer_id: customer.id, lines: [{ product_id: milk.id, quantity: 1 }, { product_id: water.id, quantity: 3 }],
      manual_discount_bp: 1000, payments: cash };
    const on = await sell(body, cashier.token);
    assert.equal(on.status, 201, on.text);
    assert.equal(on.body.apply_promotions, true);
    assert.equal(on.body.lines.length, 3, 'the gift cup with promotions on');
    const off = await sell({ ...body, apply_promotions: false, offline_at: minutesAgo(5) }, cashier.token);
    assert.equal(off.status, 201, off.text);
    const s = off.body;
    assert.equal(s.apply_promotions, false);
    assert.equal(s.lines.length, 2);
    assert.ok(s.lines.every((l) => l.promotion_id === null && l.discounts.every((d) => d.source === 'manual')));
    assert.equal(s.subtotal, 1299 + 600);
    assert.equal(s.discount_total, 190); // 10% of 1899, half-up
    assert.equal(s.total, 1899 - 190);
    assert.equal(s.points_earned, Math.floor(s.paid / 100));
    // Recorded as such: the answer on reading, the audit row, the journal.
    assert.equal((await api('GET', `/api/v1/sales/${s.id}`)).body.apply_promotions, false);
    const audit = await api('GET', `/api/v1/audit?entity=sale&entity_id=${s.id}`);
    assert.equal(audit.body.items[0].after.apply_promotions, false);
    const onAudit = await api('GET', `/api/v1/audit?entity=sale&entity_id=${on.body.id}`);
    assert.equal(onAudit.body.items[0].after.apply_promotions, undefined);
    const j = await api('GET', `/api/v1/journal/verify?store_id=${store.id}`);
    assert.equal(j.body.ok, true, j.text);
    // The preview of the same body answers the same figures.
    const p = await srv.api('POST', '/api/v1/sales/preview', { token: cashier.token, body: { ...body, apply_promotions: false, offline_at: minutesAgo(5) } });
    assert.equal(p.status, 200, p.text);
    for (const k of ['subtotal', 'discount_total', 'total', 'paid', 'change_due', 'points_earned', 'apply_promotions']) assert.equal(p.body[k], s[k], k);
  });

  it('false refuses coupons and points with every field named', async () => {
    assertProblem(await sell({ store_id: store.id, customer_id: customer.id, apply_promotions: false, coupon_codes: ['ANY-CODE'], points_redeemed: 10,
      lines: [{ product_id: milk.id, quantity: 1 }], payments: cash }, cashier.token),
    422, 'validation', ['coupon_codes', 'points_redeemed']);
    assertProblem(await sell({ store_id: store.id, apply_promotions: 'false', lines: [{ product_id: milk.id, quantity: 1 }], payments: cash }),
      400, 'bad-request', ['apply_promotions']);
  });

  it('an offline till’s cached price: the catalog price then, also when it has changed since', async () => {
    const tea = await product({ name: 'Tea', price: 800 });
    await mk('/api/v1/stock/moves', { store_id: store.id, product_id: tea.id, quantity: 10, reason: 'receipt' });
    await new Promise((res) => setTimeout(res, 5));
    const madeAt = new Date().toISOString(); // after the product was made, before it changes
    await new Promise((res) => setTimeout(res, 5));
    const line = (unit_price) => ({ store_id: store.id, apply_promotions: false, offline_at: madeAt, lines: [{ product_id: tea.id, quantity: 1, unit_price }], payments: cash });
    // The price the till showed is the catalog's: no permission needed.
    const same = await sell(line(800), cashier.token);
    assert.equal(same.status, 201, same.text);
    assert.equal(same.body.lines[0].price_overridden, false);
    // Another price, never the catalog's: an override.
    assertProblem(await sell(line(500), cashier.token), 422, 'validation', ['lines[0].unit_price']);
    // Online, a price still needs price_override, apply_promotions or not.
    assertProblem(await sell({ ...line(800), offline_at: undefined }, cashier.token), 422, 'validation', ['lines[0].unit_price']);
    // The price went up after the till rang the sale: recorded as paid.
    const up = await api('PATCH', `/api/v1/products/${tea.id}`, { body: { price: 900 } });
    assert.equal(up.status, 200, up.text);
    // Receiving stock or another price is not a reason: only the price in
    // force when the sale was made.
    assertProblem(await sell(line(700), cashier.token), 422, 'validation', ['lines[0].unit_price']);
    const old = await sell(line(800), cashier.token);
    assert.equal(old.status, 201, old.text);
    assert.equal(old.body.lines[0].unit_price, 800);
    assert.equal(old.body.lines[0].list_price, 900);
    assert.equal(old.body.lines[0].price_overridden, true);
    assert.equal(old.body.total, 800);
    // With promotions on, the cashier's price is refused as before.
    assertProblem(await sell({ ...line(800), apply_promotions: true }, cashier.token), 422, 'validation', ['lines[0].unit_price']);
  });
});
