// Coupons: templates (checks per field, roles, audit), printed batches of
// unnamed coupons (codes, CSV), the till's lookup, coupons in a sale
// (amount, percent with a cap, minimum spend, categories, stores, promotions,
// gifts, several coupons), single use under concurrency, cancel, and a void
// giving the coupon back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

const CODE_RE = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}$/;

describe('coupons', () => {
  let srv, admin, manager, seller, store, other, promoStore, food, dairy, milk, bread, gift, cheese;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const sell = (body, { token = admin, key = randomUUID() } = {}) =>
    srv.api('POST', '/api/v1/sales', { token, body, headers: { 'idempotency-key': key } });
  async function mk(path, body) {
    const r = await api('POST', path, { body });
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    return r.body;
  }
  const template = (o = {}) => mk('/api/v1/coupon-templates', { name: `Coupon ${uniq()}`, kind: 'amount_off', value: 500, valid_days: 30, ...o });
  async function batch(templateId, count = 1) {
    const r = await api('POST', '/api/v1/coupons/batches', { body: { template_id: templateId, count } });
    assert.equal(r.status, 201, r.text);
    return r.body.codes;
  }
  const coupon = async (o = {}) => (await batch((await template(o)).id))[0];
  const line = (p, quantity = 1) => ({ product_id: p.id, quantity });
  const cash = (amount = 100000) => [{ method: 'cash', amount }];
  const byCode = async (code) => {
    const r = await api('GET', `/api/v1/coupons?code=${encodeURIComponent(code)}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.items.length, 1);
    return r.body.items[0];
  };

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    admin = srv.adminToken;
    store = await mk('/api/v1/stores', { code: `C${uniq()}`.slice(0, 12), name: 'Coupon store', channel: 'direct' });
    other = await mk('/api/v1/stores', { code: `O${uniq()}`.slice(0, 12), name: 'Other store', channel: 'direct' });
    promoStore = await mk('/api/v1/stores', { code: `P${uniq()}`.slice(0, 12), name: 'Promo store', channel: 'direct' });
    food = await mk('/api/v1/categories', { name: `Food ${uniq()}` });
    dairy = await mk('/api/v1/categories', { name: `Dairy ${uniq()}`, parent_id: food.id });
    milk = await mk('/api/v1/products', { sku: `M${uniq()}`, name: 'Milk', price: 1000, vat_rate: 1300, category_id: dairy.id });
    cheese = await mk('/api/v1/products', { sku: `C${uniq()}`, name: 'Cheese', price: 3000, vat_rate: 1300, category_id: dairy.id });
    bread = await mk('/api/v1/products', { sku: `B${uniq()}`, name: 'Bread', price: 2000, vat_rate: 1300 });
    gift = await mk('/api/v1/products', { sku: `G${uniq()}`, name: 'Tote bag', price: 1500, vat_rate: 1300 });
    for (const s of [store, other, promoStore]) {
      for (const p of [milk, bread, gift, cheese]) {
        const r = await api('POST', '/api/v1/stock/moves', { body: { store_id: s.id, product_id: p.id, quantity: 1000, reason: 'receipt' } });
        assert.equal(r.status, 201, r.text);
      }
    }
    // A 10% promotion on bread in the promo store only.
    await mk('/api/v1/promotions', { name: `Bread ${uniq()}`, kind: 'percent_off', params: { percent: 1000 }, store_ids: [promoStore.id], product_ids: [bread.id] });
    manager = await makeUser(srv, 'store_manager', [store.id]);
    seller = await makeUser(srv, 'sales', [store.id]);
  });
  after(async () => { await srv?.stop(); });

  it('templates: create, read, list, change, audited', async () => {
    const t = await template({ name: 'Spring ¥5', min_spend: 2000, store_ids: [store.id], category_ids: [food.id], per_customer_limit: 2, stackable: false });
    assert.equal(t.kind, 'amount_off');
    assert.equal(t.value, 500);
    assert.equal(t.min_spend, 2000);
    assert.equal(t.max_discount, null);
    assert.equal(t.valid_days, 30);
    assert.equal(t.valid_to, null);
    assert.deepEqual(t.store_ids, [store.id]);
    assert.deepEqual(t.category_ids, [food.id]);
    assert.equal(t.per_customer_limit, 2);
    assert.equal(t.stackable, false);
    assert.equal(t.active, true);
    const g = await api('GET', `/api/v1/coupon-templates/${t.id}`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.body, t);
    const p = await api('PATCH', `/api/v1/coupon-templates/${t.id}`, { body: { kind: 'percent_off', value: 1500, max_discount: 3000, active: false } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.kind, 'percent_off');
    assert.equal(p.body.max_discount, 3000);
    assert.equal(p.body.active, false);
    assert.equal(p.body.min_spend, 2000, 'untouched fields stay');
    const l = await api('GET', '/api/v1/coupon-templates?active=false');
    assert.ok(l.body.items.some((x) => x.id === t.id));
    assert.ok(!(await api('GET', '/api/v1/coupon-templates?active=true')).body.items.some((x) => x.id === t.id));
    const audit = await api('GET', `/api/v1/audit?entity=coupon_template&entity_id=${t.id}`);
    assert.deepEqual(audit.body.items.map((x) => x.action).sort(), ['create', 'update']);
    assert.equal((await api('GET', '/api/v1/coupon-templates/999999')).status, 404);
  });

  it('templates: every bad field named, wrong types 400, roles', async () => {
    const bad = async (body, fields) => assertProblem(await api('POST', '/api/v1/coupon-templates', { body }), 422, 'validation', fields);
    await bad({}, ['name', 'kind', 'value', 'valid_days']);
    await bad({ name: ' ', kind: 'free_beer', value: 1, valid_days: 0, bogus: 1 }, ['name', 'kind', 'valid_days', 'bogus']);
    await bad({ name: 'x', kind: 'amount_off', value: 0, valid_days: 3 }, ['value']);
    await bad({ name: 'x', kind: 'percent_off', value: 10001, valid_days: 3 }, ['value']);
    await bad({ name: 'x', kind: 'gift', value: 999999, valid_days: 3 }, ['value']);
    await bad({ name: 'x', kind: 'amount_off', value: 100, max_discount: 50, valid_days: 3 }, ['max_discount']);
    await bad({ name: 'x', kind: 'amount_off', value: 100, valid_days: 3, valid_to: '2030-01-01' }, ['valid_days']);
    await bad({ name: 'x', kind: 'amount_off', value: 100, valid_from: '2030-02-01', valid_to: '2030-01-01' }, ['valid_to']);
    await bad({ name: 'x', kind: 'amount_off', value: 100, valid_to: '2030-13-01' }, ['valid_to']);
    await bad({ name: 'x', kind: 'amount_off', value: 100, valid_days: 3, store_ids: [999999], category_ids: [999999], per_customer_limit: -1, min_spend: -5 },
      ['store_ids', 'category_ids', 'per_customer_limit', 'min_spend']);
    assertProblem(await api('POST', '/api/v1/coupon-templates', { body: { name: 'x', kind: 'amount_off', value: '100', valid_days: 3 } }), 400, 'bad-request', ['value']);
    assertProblem(await api('POST', '/api/v1/coupon-templates', { body: { name: 'x', kind: 'amount_off', value: 100, valid_days: 3, stackable: 'no' } }), 400, 'bad-request', ['stackable']);
    const t = await template();
    assertProblem(await api('PATCH', `/api/v1/coupon-templates/${t.id}`, { body: { kind: 'gift' } }), 422, 'validation', ['value']);
    assertProblem(await api('PATCH', `/api/v1/coupon-templates/${t.id}`, { body: { valid_days: null } }), 422, 'validation', ['valid_days']);
    // Fixed dates instead of days.
    const dated = await template({ valid_days: null, valid_from: '2026-01-01', valid_to: '2099-12-31' });
    assert.equal(dated.valid_to, '2099-12-31');
    for (const u of [manager, seller]) {
      assert.equal((await srv.api('POST', '/api/v1/coupon-templates', { token: u.token, body: { name: 'x', kind: 'amount_off', value: 1, valid_days: 1 } })).status, 403);
      assert.equal((await srv.api('GET', `/api/v1/coupon-templates/${t.id}`, { token: u.token })).status, 200);
    }
    assert.equal((await srv.api('POST', '/api/v1/coupons/batches', { token: seller.token, body: { template_id: t.id, count: 1 } })).status, 403);
  });

  it('batches: unique unguessable codes, listed and exported as CSV; bad input', async () => {
    const t = await template({ valid_days: 7 });
    const r = await api('POST', '/api/v1/coupons/batches', { body: { template_id: t.id, count: 50 } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.count, 50);
    assert.equal(r.body.codes.length, 50);
    assert.equal(new Set(r.body.codes).size, 50);
    for (const c of r.body.codes) assert.match(c, CODE_RE);
    // Valid through the 7th company day: between 6 and 8 days from now.
    const left = Date.parse(r.body.expires_at) - Date.now();
    assert.ok(left > 6 * 86400e3 && left <= 7 * 86400e3, r.body.expires_at);
    const l = await api('GET', `/api/v1/coupons?batch_id=${r.body.batch_id}&limit=500`);
    assert.equal(l.body.items.length, 50);
    for (const c of l.body.items) {
      assert.equal(c.status, 'issued');
      assert.equal(c.customer_id, null);
      assert.equal(c.template_id, t.id);
    }
    const csv = await api('GET', `/api/v1/coupons?batch_id=${r.body.batch_id}&format=csv`);
    assert.equal(csv.status, 200);
    assert.equal(csv.text.replace(/^\uFEFF/, '').trim().split('\n').length, 51);
    assert.ok(csv.text.includes(r.body.codes[0]));
    const bad = (body) => api('POST', '/api/v1/coupons/batches', { body });
    assertProblem(await bad({ template_id: t.id, count: 0 }), 422, 'validation', ['count']);
    assertProblem(await bad({ template_id: t.id, count: 10001 }), 422, 'validation', ['count']);
    assertProblem(await bad({ template_id: 999999, count: 1 }), 422, 'validation', ['template_id']);
    assertProblem(await bad({ count: 1, extra: 1 }), 422, 'validation', ['template_id', 'extra']);
    assertProblem(await bad({ template_id: t.id, count: '1' }), 400, 'bad-request', ['count']);
    const off = await template({ active: false });
    assertProblem(await bad({ template_id: off.id, count: 1 }), 422, 'validation', ['template_id']);
    const ended = await template({ valid_days: null, valid_from: '2020-01-01', valid_to: '2020-12-31' });
    assertProblem(await bad({ template_id: ended.id, count: 1 }), 422, 'validation', ['template_id']);
    // A store manager may issue.
    assert.equal((await srv.api('POST', '/api/v1/coupons/batches', { token: manager.token, body: { template_id: t.id, count: 1 } })).status, 201);
  });

  it('lookup: a code as typed, whether it is usable here now', async () => {
    const t = await template({ store_ids: [store.id] });
    const [code] = await batch(t.id);
    const typed = code.toLowerCase().replace(/-/g, ' ');
    const r = await api('GET', `/api/v1/coupons/lookup?code=${encodeURIComponent(typed)}&store_id=${store.id}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.coupon.code, code);
    assert.equal(r.body.template.id, t.id);
    assert.equal(r.body.usable, true);
    assert.equal(r.body.reason, null);
    const o = await api('GET', `/api/v1/coupons/lookup?code=${code}&store_id=${other.id}`);
    assert.equal(o.body.usable, false);
    assert.match(o.body.reason, /store/);
    assertProblem(await api('GET', '/api/v1/coupons/lookup?code=AAAAA-AAAAA-AAAAA'), 404, 'not-found');
    assertProblem(await api('GET', '/api/v1/coupons/lookup?code=nonsense'), 404, 'not-found');
    assertProblem(await api('GET', '/api/v1/coupons/lookup'), 422, 'validation', ['code']);
    // A seller of another store may not name that store.
    assert.equal((await srv.api('GET', `/api/v1/coupons/lookup?code=${code}&store_id=${other.id}`, { token: seller.token })).status, 404);
    assert.equal((await srv.api('GET', `/api/v1/coupons/lookup?code=${code}&store_id=${store.id}`, { token: seller.token })).body.usable, true);
  });

  it('a sale: amount off spread over the lines, the coupon redeemed by it', async () => {
    const code = await coupon({ value: 600 });
    const r = await sell({ store_id: store.id, lines: [line(milk), line(bread)], coupon_codes: [code], payments: cash() });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.subtotal, 3000);
    assert.equal(r.body.discount_total, 600);
    assert.equal(r.body.total, 2400);
    const parts = r.body.lines.map((l) => l.discounts.filter((d) => d.source === 'coupon').reduce((s, d) => s + d.amount, 0));
    assert.deepEqual(parts, [200, 400]);
    const c = await byCode(code);
    assert.equal(c.status, 'redeemed');
    assert.equal(c.sale_id, r.body.id);
    assert.equal(c.store_id, store.id);
    assert.equal(c.discount, 600);
    assert.equal(r.body.lines[0].discounts[0].source_id, c.id);
    // Single use.
    const again = await sell({ store_id: store.id, lines: [line(milk)], coupon_codes: [code], payments: cash() });
    assertProblem(again, 422, 'validation', ['coupon_codes[0]']);
    assert.match(JSON.stringify(again.body.errors), /already used/);
    const lk = await api('GET', `/api/v1/coupons/lookup?code=${code}`);
    assert.equal(lk.body.usable, false);
    // Never more than the lines are worth.
    const big = await coupon({ value: 100000 });
    const b = await sell({ store_id: store.id, lines: [line(milk)], coupon_codes: [big], payments: [] });
    assert.equal(b.status, 201, b.text);
    assert.equal(b.body.total, 0);
    assert.equal((await byCode(big)).discount, 1000);
  });

  it('a sale: percent off with a cap, minimum spend, categories with subcategories, stores', async () => {
    const pct = await coupon({ kind: 'percent_off', value: 2000, max_discount: 700 });
    const r = await sell({ store_id: store.id, lines: [line(milk, 2), line(bread)], coupon_codes: [pct], payments: cash() });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.discount_total, 700, '20% of 4000 is 800, capped at 700');
    const uncapped = await coupon({ kind: 'percent_off', value: 1000 });
    assert.equal((await sell({ store_id: store.id, lines: [line(bread)], coupon_codes: [uncapped], payments: cash() })).body.discount_total, 200);
    // Dairy sits under food: a food coupon applies to milk, not to bread.
    const foodOnly = await coupon({ value: 5000, category_ids: [food.id], min_spend: 2000 });
    const f = await sell({ store_id: store.id, lines: [line(milk, 2), line(bread)], coupon_codes: [foodOnly], payments: cash() });
    assert.equal(f.status, 201, f.text);
    assert.equal(f.body.discount_total, 2000, 'only the milk lines, in full');
    assert.equal(f.body.lines[1].discount, 0);
    const short = await coupon({ value: 100, category_ids: [food.id], min_spend: 2000 });
    const s = await sell({ store_id: store.id, lines: [line(milk), line(bread)], coupon_codes: [short], payments: cash() });
    assertProblem(s, 422, 'validation', ['coupon_codes[0]']);
    assert.match(JSON.stringify(s.body.errors), /needs a spend of 2000/);
    const none = await sell({ store_id: store.id, lines: [line(bread)], coupon_codes: [await coupon({ value: 100, category_ids: [dairy.id] })], payments: cash() });
    assertProblem(none, 422, 'validation', ['coupon_codes[0]']);
    assert.match(JSON.stringify(none.body.errors), /applies to no line/);
    const elsewhere = await coupon({ value: 100, store_ids: [other.id] });
    const e = await sell({ store_id: store.id, lines: [line(bread)], coupon_codes: [elsewhere], payments: cash() });
    assertProblem(e, 422, 'validation', ['coupon_codes[0]']);
    assert.match(JSON.stringify(e.body.errors), /not valid in this store/);
    assert.equal((await sell({ store_id: other.id, lines: [line(bread)], coupon_codes: [elsewhere], payments: cash() })).status, 201);
    // Nothing was written for the refused sales: the coupons are still issued.
    assert.equal((await byCode(short)).status, 'issued');
  });

  it('a sale: non-stackable coupons skip promoted lines; gifts; several coupons', async () => {
    // In the promo store bread carries 10% off.
    const solo = await coupon({ value: 5000, stackable: false });
    const r = await sell({ store_id: promoStore.id, lines: [line(bread), line(milk)], coupon_codes: [solo], payments: cash() });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.lines[0].discount, 200, 'bread: the promotion only');
    assert.equal(r.body.lines[1].discount, 1000, 'milk: the coupon, in full');
    const onlyPromoted = await sell({ store_id: promoStore.id, lines: [line(bread)], coupon_codes: [await coupon({ value: 100, stackable: false })], payments: cash() });
    assertProblem(onlyPromoted, 422, 'validation', ['coupon_codes[0]']);
    const stack = await coupon({ value: 500 });
    const st = await sell({ store_id: promoStore.id, lines: [line(bread)], coupon_codes: [stack], payments: cash() });
    assert.equal(st.body.lines[0].discount, 700, 'promotion 200 + coupon 500');

    // A gift coupon: a gift line at 100% off.
    const g = await coupon({ kind: 'gift', value: gift.id, min_spend: 1000 });
    const gs = await sell({ store_id: store.id, lines: [line(milk)], coupon_codes: [g], payments: cash() });
    assert.equal(gs.status, 201, gs.text);
    assert.equal(gs.body.lines.length, 2);
    assert.equal(gs.body.lines[1].product_id, gift.id);
    assert.equal(gs.body.lines[1].is_gift, true);
    assert.equal(gs.body.lines[1].total, 0);
    assert.equal(gs.body.lines[1].discounts[0].source, 'coupon');
    assert.equal(gs.body.total, 1000);
    assert.equal((await byCode(g)).discount, 1500);

    // Two coupons: each on what the one before left.
    const a = await coupon({ value: 1000 });
    const b = await coupon({ kind: 'percent_off', value: 5000 });
    const two = await sell({ store_id: store.id, lines: [line(cheese)], coupon_codes: [a, b], payments: cash() });
    assert.equal(two.status, 201, two.text);
    assert.equal(two.body.discount_total, 2000, '1000 off, then half of 2000');
    // Rules: each code once, one per template, at most five.
    const t = await template({ value: 100 });
    const [x, y] = await batch(t.id, 2);
    assertProblem(await sell({ store_id: store.id, lines: [line(cheese)], coupon_codes: [x, x], payments: cash() }), 422, 'validation', ['coupon_codes[1]']);
    const same = await sell({ store_id: store.id, lines: [line(cheese)], coupon_codes: [x, y], payments: cash() });
    assertProblem(same, 422, 'validation', ['coupon_codes[1]']);
    assert.match(JSON.stringify(same.body.errors), /only one coupon/);
    const six = await Promise.all([1, 2, 3, 4, 5, 6].map(() => coupon({ value: 1 })));
    assertProblem(await sell({ store_id: store.id, lines: [line(cheese)], coupon_codes: six, payments: cash() }), 422, 'validation', ['coupon_codes']);
    assertProblem(await sell({ store_id: store.id, lines: [line(cheese)], coupon_codes: ['NOPE-NOPE'], payments: cash() }), 422, 'validation', ['coupon_codes[0]']);
    assertProblem(await sell({ store_id: store.id, lines: [line(cheese)], coupon_codes: [7], payments: cash() }), 400, 'bad-request', ['coupon_codes']);
    assert.equal((await byCode(x)).status, 'issued');
  });

  it('cancel: an issued coupon only; a cancelled coupon is refused by a sale', async () => {
    const code = await coupon();
    const c = await byCode(code);
    assert.equal((await srv.api('POST', `/api/v1/coupons/${c.id}/cancel`, { token: seller.token })).status, 403);
    const r = await srv.api('POST', `/api/v1/coupons/${c.id}/cancel`, { token: manager.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'cancelled');
    assertProblem(await api('POST', `/api/v1/coupons/${c.id}/cancel`), 409, 'state');
    assertProblem(await api('POST', '/api/v1/coupons/999999/cancel'), 404, 'not-found');
    const s = await sell({ store_id: store.id, lines: [line(milk)], coupon_codes: [code], payments: cash() });
    assertProblem(s, 422, 'validation', ['coupon_codes[0]']);
    assert.match(JSON.stringify(s.body.errors), /cancelled/);
    assert.equal((await api('GET', `/api/v1/coupons/${c.id}`)).body.status, 'cancelled');
    assert.equal((await api('GET', `/api/v1/coupons?status=cancelled&template_id=${c.template_id}`)).body.items.length, 1);
    const audit = await api('GET', `/api/v1/audit?entity=coupon&entity_id=${c.id}`);
    assert.deepEqual(audit.body.items.map((x) => x.action), ['cancel']);
    assertProblem(await api('GET', '/api/v1/coupons?status=used'), 422, 'validation', ['status']);
  });

  it('one coupon in eight sales at once: one sale; a void gives it back', async () => {
    const code = await coupon({ value: 300 });
    const results = await Promise.all(Array.from({ length: 8 }, () =>
      sell({ store_id: store.id, lines: [line(milk)], coupon_codes: [code], payments: cash() })));
    const ok = results.filter((r) => r.status === 201);
    assert.equal(ok.length, 1, results.map((r) => `${r.status} ${r.text}`).join('\n'));
    for (const r of results.filter((x) => x.status !== 201)) {
      assert.ok(r.status === 409 || r.status === 422, r.text);
      assert.match(r.text, /used/);
    }
    const c = await byCode(code);
    assert.equal(c.status, 'redeemed');
    assert.equal(c.sale_id, ok[0].body.id);
    // Only one sale holds it.
    const sales = await api('GET', `/api/v1/sales?store_id=${store.id}&limit=500`);
    const withCoupon = [];
    for (const s of sales.body.items) {
      const full = await api('GET', `/api/v1/sales/${s.id}`);
      if (full.body.lines.some((l) => l.discounts.some((d) => d.source === 'coupon' && d.source_id === c.id))) withCoupon.push(s.id);
    }
    assert.deepEqual(withCoupon, [ok[0].body.id]);
    // The void gives it back; it can be used again.
    const v = await api('POST', `/api/v1/sales/${ok[0].body.id}/void`, { body: { reason: 'wrong customer' } });
    assert.equal(v.status, 200, v.text);
    const back = await byCode(code);
    assert.equal(back.status, 'issued');
    assert.equal(back.sale_id, null);
    assert.equal(back.discount, 0);
    const again = await sell({ store_id: store.id, lines: [line(milk)], coupon_codes: [code], payments: cash() });
    assert.equal(again.status, 201, again.text);
    assert.equal((await byCode(code)).sale_id, again.body.id);
    // A return does not give it back.
    const ret = await api('POST', `/api/v1/sales/${again.body.id}/returns`, { body: { lines: [{ line_id: again.body.lines[0].id, quantity: 1 }], refund_method: 'cash', reason: 'changed mind' } });
    assert.equal(ret.status, 201, ret.text);
    assert.equal(ret.body.returns[0].refund_total, 700, 'what was paid: the coupon discount is not refunded');
    assert.equal((await byCode(code)).status, 'redeemed');
  });

  it('lists: filters, bad parameters, a store-bound user sees unnamed coupons', async () => {
    const t = await template();
    await batch(t.id, 3);
    const l = await srv.api('GET', `/api/v1/coupons?template_id=${t.id}&status=issued&limit=2`, { token: seller.token });
    assert.equal(l.status, 200, l.text);
    assert.equal(l.body.items.length, 2);
    assert.ok(l.body.next_cursor);
    const n = await srv.api('GET', `/api/v1/coupons?template_id=${t.id}&cursor=${l.body.next_cursor}`, { token: seller.token });
    assert.equal(n.body.items.length, 1);
    assertProblem(await api('GET', '/api/v1/coupons?template_id=x'), 422, 'validation', ['template_id']);
    assert.equal((await api('GET', '/api/v1/coupons?code=zzz')).body.items.length, 0);
    assert.equal((await api('GET', '/api/v1/coupons/999999')).status, 404);
  });

  it('issuing to a customer: bad input and roles, an unknown customer', async () => {
    const t = await template();
    assertProblem(await api('POST', '/api/v1/coupons', { body: { template_id: 999999, customer_id: 999999 } }), 422, 'validation', ['template_id', 'customer_id']);
    assertProblem(await api('POST', '/api/v1/coupons', { body: { template_id: t.id } }), 422, 'validation', ['customer_id']);
    assertProblem(await api('POST', '/api/v1/coupons', { body: { template_id: t.id, customer_id: 1, color: 'red' } }), 422, 'validation', ['color']);
    assertProblem(await api('POST', '/api/v1/coupons', { body: { template_id: 'x', customer_id: 1 } }), 400, 'bad-request', ['template_id']);
    assertProblem(await api('POST', '/api/v1/coupons', { raw: '{"template_id":' }), 400, 'malformed-json');
    assert.equal((await srv.api('POST', '/api/v1/coupons', { token: seller.token, body: { template_id: t.id, customer_id: 1 } })).status, 403);
    assertProblem(await api('GET', '/api/v1/customers/999999/coupons'), 404, 'not-found');
    assertProblem(await api('GET', '/api/v1/coupons?customer_id=999999'), 404, 'not-found');
  });

  it('named coupons: issued to a customer, limit per customer, needs that customer on the sale', async (t) => {
    const probe = await api('POST', '/api/v1/customers', { body: { name: 'Probe', phone: `139${String(Date.now()).slice(-8)}` } });
    if (probe.status === 404 || probe.status === 405) {
      t.skip('customers are not on this branch yet');
      return;
    }
    assert.equal(probe.status, 201, probe.text);
    const phone = () => `138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const ann = (await mk('/api/v1/customers', { name: 'Ann', phone: phone(), home_store_id: store.id }));
    const bob = (await mk('/api/v1/customers', { name: 'Bob', phone: phone(), home_store_id: other.id }));
    const tpl = await template({ value: 300, per_customer_limit: 1 });
    const r = await api('POST', '/api/v1/coupons', { body: { template_id: tpl.id, customer_id: ann.id } });
    assert.equal(r.status, 201, r.text);
    assert.match(r.body.code, CODE_RE);
    assert.equal(r.body.customer_id, ann.id);
    assert.equal(r.body.status, 'issued');
    assertProblem(await api('POST', '/api/v1/coupons', { body: { template_id: tpl.id, customer_id: ann.id } }), 409, 'conflict');
    assertProblem(await api('POST', '/api/v1/coupons', { body: { template_id: 999999, customer_id: 999999 } }), 422, 'validation', ['template_id', 'customer_id']);
    assertProblem(await api('POST', '/api/v1/coupons', { body: { template_id: tpl.id } }), 422, 'validation', ['customer_id']);
    // A manager of store A does not see Bob (another store): not found.
    assertProblem(await srv.api('POST', '/api/v1/coupons', { token: manager.token, body: { template_id: tpl.id, customer_id: bob.id } }), 422, 'validation', ['customer_id']);
    assert.equal((await srv.api('GET', `/api/v1/customers/${bob.id}/coupons`, { token: manager.token })).status, 404);
    const mine = await api('GET', `/api/v1/customers/${ann.id}/coupons`);
    assert.deepEqual(mine.body.items.map((c) => c.code), [r.body.code]);
    // Sales with a customer come with the loyalty part of the sale.
    const probeSale = await sell({ store_id: store.id, customer_id: ann.id, lines: [line(milk)], payments: cash() });
    if (probeSale.status === 422 && /not enabled/.test(probeSale.text)) {
      t.skip('sales with a customer are not on this branch yet');
      return;
    }
    assert.equal(probeSale.status, 201, probeSale.text);
    // The sale needs Ann.
    const anon = await sell({ store_id: store.id, lines: [line(milk)], coupon_codes: [r.body.code], payments: cash() });
    assertProblem(anon, 422, 'validation', ['coupon_codes[0]']);
    assert.match(JSON.stringify(anon.body.errors), /add the customer/);
    const wrong = await sell({ store_id: store.id, customer_id: bob.id, lines: [line(milk)], coupon_codes: [r.body.code], payments: cash() });
    assertProblem(wrong, 422, 'validation', ['coupon_codes[0]']);
    const s = await sell({ store_id: store.id, customer_id: ann.id, lines: [line(milk)], coupon_codes: [r.body.code], payments: cash() });
    assert.equal(s.status, 201, s.text);
    assert.equal(s.body.discount_total >= 300, true);
    // Redeemed still counts toward the limit.
    assertProblem(await api('POST', '/api/v1/coupons', { body: { template_id: tpl.id, customer_id: ann.id } }), 409, 'conflict');
  });
});
