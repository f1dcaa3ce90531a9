// Loyalty: the points program, tiers, sales with a customer (tier discount,
// points earned and redeemed, stored value spent), returns and voids that
// reverse them, concurrent redemptions and stored-value spending, manual
// adjustments, top-ups and refunds, with bad input and store scoping.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, uniq, makeUser, ROOT } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

describe('loyalty', () => {
  let srv, admin, storeA, storeB, milk, seller, sellerB, manager;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const sell = (body, { token = admin, key = randomUUID() } = {}) =>
    srv.api('POST', '/api/v1/sales', { token, body, headers: { 'idempotency-key': key } });
  const mk = async (path, body) => {
    const r = await api('POST', path, { body });
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    return r.body;
  };
  // A customer whose home store is storeId (POST /customers as API.md has it).
  const customer = async (storeId = storeA) => {
    const phone = `13${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
    return (await mk('/api/v1/customers', { name: `C ${uniq()}`, phone, home_store_id: storeId })).id;
  };
  const points = async (c) => (await api('GET', `/api/v1/customers/${c}/points`)).body;
  const sv = async (c) => (await api('GET', `/api/v1/customers/${c}/stored-value`)).body;
  const one = (qty = 1) => [{ product_id: milk.id, quantity: qty }];
  const setProgram = async (p) => {
    const r = await api('PUT', '/api/v1/loyalty/program', { body: { points_per_yuan: 1, point_value: 1, expiry_days: 365, max_redeem_bp: 5000, ...p } });
    assert.equal(r.status, 200, r.text);
    return r.body;
  };

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    admin = srv.adminToken;
    storeA = (await mk('/api/v1/stores', { code: `L${uniq()}`.slice(0, 12), name: 'Loyalty A', channel: 'direct' })).id;
    storeB = (await mk('/api/v1/stores', { code: `L${uniq()}`.slice(0, 12), name: 'Loyalty B', channel: 'direct' })).id;
    milk = await mk('/api/v1/products', { sku: `M-${uniq()}`, name: 'Milk', price: 10000, cost: 5000, vat_rate: 1300 });
    for (const s of [storeA, storeB]) await mk('/api/v1/stock/moves', { store_id: s, product_id: milk.id, quantity: 10000, reason: 'receipt' });
    seller = await makeUser(srv, 'sales', [storeA]);
    sellerB = await makeUser(srv, 'sales', [storeB]);
    manager = await makeUser(srv, 'store_manager', [storeA]);
  });
  after(async () => { await srv?.stop(); });

  it('program: defaults, replace, bad values named, types, permission, audit', async () => {
    const g = await api('GET', '/api/v1/loyalty/program');
    assert.equal(g.status, 200, g.text);
    assert.deepEqual({ ...g.body, updated_at: undefined }, { points_per_yuan: 1, point_value: 1, expiry_days: 365, max_redeem_bp: 5000,
      min_redeem: 0, max_redeem_points: 0, rounding: 'floor', sv_bonus_spent: 'last', updated_at: undefined });
    const p = await setProgram({ rounding: 'half_up', min_redeem: 10, max_redeem_points: 1000 });
    assert.equal(p.rounding, 'half_up');
    assert.equal(p.max_redeem_points, 1000);
    assertProblem(await api('PUT', '/api/v1/loyalty/program', { body: { points_per_yuan: -1, point_value: 1, expiry_days: -1, max_redeem_bp: 10001, rounding: 'up', sv_bonus_spent: 'never', bogus: 1 } }),
      422, 'validation', ['points_per_yuan', 'expiry_days', 'max_redeem_bp', 'rounding', 'sv_bonus_spent', 'bogus']);
    assertProblem(await api('PUT', '/api/v1/loyalty/program', { body: { points_per_yuan: 1 } }), 422, 'validation', ['point_value', 'expiry_days', 'max_redeem_bp']);
    assertProblem(await api('PUT', '/api/v1/loyalty/program', { body: { points_per_yuan: 'x', point_value: 1, expiry_days: 1, max_redeem_bp: 1 } }), 400, 'bad-request', ['points_per_yuan']);
    assertProblem(await srv.api('PUT', '/api/v1/loyalty/program', { token: manager.token, body: {} }), 403, 'forbidden');
    assert.equal((await api('GET', '/api/v1/loyalty/program')).body.rounding, 'half_up');
    const au = await api('GET', '/api/v1/audit?entity=loyalty_program');
    assert.ok(au.body.items.length >= 1);
    await setProgram({});
  });

  it('tiers: create, duplicate code, bad values, patch', async () => {
    const code = `t${uniq()}`;
    const t = await mk('/api/v1/tiers', { code, name: '普通', min_spend: 0 });
    assert.equal(t.discount_bp, 0);
    assert.equal(t.points_multiplier_bp, 10000);
    assert.equal(t.active, true);
    assertProblem(await api('POST', '/api/v1/tiers', { body: { code, name: 'x', min_spend: 1 } }), 409, 'duplicate', ['code']);
    assertProblem(await api('POST', '/api/v1/tiers', { body: { name: ' ', min_spend: -1, discount_bp: 10001, points_multiplier_bp: -5, extra: 1 } }),
      422, 'validation', ['code', 'name', 'min_spend', 'discount_bp', 'points_multiplier_bp', 'extra']);
    assertProblem(await api('POST', '/api/v1/tiers', { body: { code: 5, name: 'x', min_spend: 0 } }), 400, 'bad-request', ['code']);
    const p = await api('PATCH', `/api/v1/tiers/${t.id}`, { body: { name: '普通会员', active: false } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.name, '普通会员');
    assert.equal(p.body.active, false);
    assertProblem(await api('PATCH', '/api/v1/tiers/999999', { body: { name: 'x' } }), 404, 'not-found');
    assertProblem(await api('PATCH', `/api/v1/tiers/${t.id}`, { body: { min_spend: null } }), 422, 'validation', ['min_spend']);
    const l = await api('GET', '/api/v1/tiers');
    assert.ok(l.body.items.some((x) => x.id === t.id));
  });

  it('a sale earns points, redeems them as a points tender; the ledger and balance show it', async () => {
    const c = await customer();
    const s1 = await sell({ store_id: storeA, customer_id: c, lines: one(), payments: [{ method: 'cash', amount: 10000 }] });
    assert.equal(s1.status, 201, s1.text);
    assert.equal(s1.body.customer_id, c);
    assert.equal(s1.body.points_earned, 100);
    let pts = await points(c);
    assert.equal(pts.balance, 100);
    assert.equal(pts.owed, 0);
    assert.equal(pts.items[0].kind, 'earn');
    assert.equal(pts.items[0].remaining, 100);
    assert.ok(pts.items[0].expires_at);
    // 60 points pay 0.60; the other tenders pay the rest.
    const s2 = await sell({ store_id: storeA, customer_id: c, points_redeemed: 60, lines: one(), payments: [{ method: 'card', amount: 9940 }] });
    assert.equal(s2.status, 201, s2.text);
    assert.equal(s2.body.points_redeemed, 60);
    assert.deepEqual(s2.body.payments.map((p) => [p.method, p.amount]), [['card', 9940], ['points', 60]]);
    assert.equal(s2.body.points_earned, 99);
    pts = await points(c);
    assert.equal(pts.balance, 139);
    assert.deepEqual(pts.items.slice(0, 2).map((x) => x.kind).sort(), ['earn', 'redeem']);
    // Paging.
    const pg = await api('GET', `/api/v1/customers/${c}/points?limit=1`);
    assert.equal(pg.body.items.length, 1);
    assert.ok(pg.body.next_cursor);
    // The sale without a customer still earns nothing and works as before.
    const plain = await sell({ store_id: storeA, lines: one(), payments: [{ method: 'cash', amount: 10000 }] });
    assert.equal(plain.status, 201, plain.text);
    assert.equal(plain.body.points_earned, 0);
    assert.equal((await api('GET', '/api/v1/journal/verify')).body.ok, true);
  });

  it('bad loyalty input in a sale: named fields, nothing written', async () => {
    const c = await customer();
    const before = (await api('GET', `/api/v1/sales?customer_id=${c}`)).body.items.length;
    assertProblem(await sell({ store_id: storeA, customer_id: c, lines: one(), payments: [{ method: 'points', amount: 100 }, { method: 'cash', amount: 9900 }] }),
      422, 'validation', ['payments[0].method']);
    assertProblem(await sell({ store_id: storeA, customer_id: 999999, lines: one(), payments: [{ method: 'cash', amount: 10000 }] }),
      422, 'validation', ['customer_id']);
    assertProblem(await sell({ store_id: storeA, points_redeemed: 5, lines: one(), payments: [{ method: 'cash', amount: 10000 }] }),
      422, 'validation', ['points_redeemed']);
    assertProblem(await sell({ store_id: storeA, customer_id: c, points_redeemed: 5, lines: one(), payments: [{ method: 'cash', amount: 10000 }] }),
      409, 'insufficient-points');
    assertProblem(await sell({ store_id: storeA, customer_id: c, lines: one(), payments: [{ method: 'stored_value', amount: 10000 }] }),
      409, 'insufficient-balance');
    assertProblem(await sell({ store_id: storeA, customer_id: c, points_redeemed: -1, lines: one(), payments: [{ method: 'cash', amount: 10000 }] }),
      422, 'validation', ['points_redeemed']);
    assertProblem(await sell({ store_id: storeA, customer_id: 'x', lines: one(), payments: [{ method: 'cash', amount: 10000 }] }),
      400, 'bad-request', ['customer_id']);
    // A customer of store B is not visible to a seller of store A.
    const cb = await customer(storeB);
    assertProblem(await sell({ store_id: storeA, customer_id: cb, lines: one(), payments: [{ method: 'cash', amount: 10000 }] }, { token: seller.token }),
      422, 'validation', ['customer_id']);
    assert.equal((await api('GET', `/api/v1/sales?customer_id=${c}`)).body.items.length, before);
    assert.equal((await points(c)).items.length, 0);
  });

  it('ten concurrent sales each redeeming 150 of 200 points: exactly one succeeds', async () => {
    const c = await customer();
    const adj = await api('POST', `/api/v1/customers/${c}/points/adjustments`, { body: { points: 200, reason: 'welcome' } });
    assert.equal(adj.status, 201, adj.text);
    const rs = await Promise.all(Array.from({ length: 10 }, () =>
      sell({ store_id: storeA, customer_id: c, points_redeemed: 150, lines: one(), payments: [{ method: 'cash', amount: 9850 }] })));
    const ok = rs.filter((r) => r.status === 201);
    assert.equal(ok.length, 1, rs.map((r) => `${r.status} ${r.body?.type ?? ''}`).join(', '));
    for (const r of rs.filter((x) => x.status !== 201)) assertProblem(r, 409, 'insufficient-points');
    const pts = await points(c);
    assert.equal(pts.balance, 200 - 150 + 98);
  });

  it('stored value: rules, top-up with bonus, spent from two tills at once never below zero', async () => {
    assertProblem(await api('POST', '/api/v1/stored-value/rules', { body: { min_amount: 0, bonus: -1 } }), 422, 'validation', ['min_amount', 'bonus']);
    const amount = 50000 + Math.floor(Math.random() * 100000);
    const rule = await mk('/api/v1/stored-value/rules', { min_amount: amount, bonus: 5000 });
    assertProblem(await api('POST', '/api/v1/stored-value/rules', { body: { min_amount: amount, bonus: 1 } }), 409, 'duplicate', ['min_amount']);
    assert.ok((await api('GET', '/api/v1/stored-value/rules')).body.items.some((x) => x.id === rule.id));
    const c = await customer();
    const t = await srv.api('POST', `/api/v1/customers/${c}/stored-value/top-ups`, { token: seller.token, body: { amount, method: 'wechat', store_id: storeA } });
    assert.equal(t.status, 201, t.text);
    assert.equal(t.body.bonus, 5000);
    assert.equal(t.body.balance, amount + 5000);
    // At a till with an open shift, the top-up is recorded in that shift.
    const shift = await mk('/api/v1/shifts', { store_id: storeA, register: `sv${uniq()}`.slice(0, 20), opening_cash: 0 });
    const t2 = await srv.api('POST', `/api/v1/customers/${c}/stored-value/top-ups`, { token: seller.token, body: { amount: 100, method: 'cash', store_id: storeA, register: shift.register } });
    assert.equal(t2.status, 201, t2.text);
    assert.equal(t2.body.shift_id, shift.id);
    assert.equal(t2.body.bonus, 0);
    // The shift's drawer expects the cash the top-up brought in.
    const z = (await api('GET', `/api/v1/shifts/${shift.id}`)).body.totals;
    const zcash = z.takings.find((x) => x.method === 'cash');
    assert.deepEqual([zcash.top_ups, zcash.net, zcash.expected, z.cash.top_ups, z.cash.expected], [100, 100, 100, 100, 100], JSON.stringify(z));
    assert.equal(z.takings.find((x) => x.method === 'wechat').top_ups, 0, 'the top-up outside the shift is not in it');
    const bal = amount + 5000 + 100;
    // Bad input and scoping.
    assertProblem(await srv.api('POST', `/api/v1/customers/${c}/stored-value/top-ups`, { token: seller.token, body: { amount: 0, method: 'bitcoin', store_id: storeA } }),
      422, 'validation', ['amount', 'method']);
    assertProblem(await srv.api('POST', `/api/v1/customers/${c}/stored-value/top-ups`, { token: seller.token, body: { amount: 100, method: 'cash', store_id: storeB } }), 403, 'forbidden');
    assertProblem(await srv.api('GET', `/api/v1/customers/${c}/stored-value`, { token: sellerB.token }), 404, 'not-found');
    assertProblem(await api('POST', '/api/v1/customers/999999/stored-value/top-ups', { body: { amount: 100, method: 'cash', store_id: storeA } }), 404, 'not-found');
    assert.equal((await api('DELETE', `/api/v1/stored-value/rules/${rule.id}`)).status, 204);
    // Two tills spend more than the balance at once: one wins.
    const half = Math.floor(bal / 2) + 1;
    const lines = [{ product_id: milk.id, quantity: Math.ceil(half / 10000) }];
    const total = Math.ceil(half / 10000) * 10000;
    const rs = await Promise.all([storeA, storeA].map(() =>
      sell({ store_id: storeA, customer_id: c, lines, payments: [{ method: 'stored_value', amount: half }, { method: 'cash', amount: total - half }] })));
    assert.equal(rs.filter((r) => r.status === 201).length, 1, rs.map((r) => r.text).join('\n'));
    assertProblem(rs.find((r) => r.status !== 201), 409, 'insufficient-balance');
    const after1 = await sv(c);
    assert.equal(after1.balance, bal - half);
    assert.ok(after1.paid_balance >= 0 && after1.bonus_balance >= 0);
  });

  it('a return takes back points and credits stored value; a void gives everything back', async () => {
    const c = await customer();
    await srv.api('POST', `/api/v1/customers/${c}/stored-value/top-ups`, { token: seller.token, body: { amount: 30000, method: 'cash', store_id: storeA } });
    await api('POST', `/api/v1/customers/${c}/points/adjustments`, { body: { points: 500, reason: 'welcome' } });
    const s = await sell({ store_id: storeA, customer_id: c, points_redeemed: 500, lines: one(2),
      payments: [{ method: 'stored_value', amount: 10000 }, { method: 'cash', amount: 9500 }] });
    assert.equal(s.status, 201, s.text);
    assert.equal(s.body.points_earned, 95);
    assert.equal((await points(c)).balance, 95);
    assert.equal((await sv(c)).balance, 20000);
    // Return one of two units (10,000): to stored value first, the sale's first tender.
    const r = await srv.api('POST', `/api/v1/sales/${s.body.id}/returns`, { token: seller.token, body: { lines: [{ line_id: s.body.lines[0].id, quantity: 1 }], reason: 'wrong size' } });
    assert.equal(r.status, 201, r.text);
    const rt = r.body.returns[0];
    assert.equal(rt.points_reversed, 48); // round(95 x 10000 / 20000)
    assert.deepEqual(rt.refunds, [{ method: 'stored_value', amount: 10000 }]);
    assert.equal((await points(c)).balance, 95 - 48);
    assert.equal((await sv(c)).balance, 30000);
    // A void of another sale gives back points redeemed and stored value spent.
    const s2 = await sell({ store_id: storeA, customer_id: c, points_redeemed: 40, lines: one(),
      payments: [{ method: 'stored_value', amount: 5000 }, { method: 'cash', amount: 4960 }] });
    assert.equal(s2.status, 201, s2.text);
    const v = await api('POST', `/api/v1/sales/${s2.body.id}/void`, { body: { reason: 'mistake' } });
    assert.equal(v.status, 200, v.text);
    assert.equal((await points(c)).balance, 95 - 48);
    assert.equal((await sv(c)).balance, 30000);
    const ledger = await points(c);
    assert.ok(ledger.items.some((x) => x.kind === 'void' && x.points === 40));
    // points refund only for what the sale redeemed; none without a customer.
    const plain = await sell({ store_id: storeA, lines: one(), payments: [{ method: 'cash', amount: 10000 }] });
    assertProblem(await api('POST', `/api/v1/sales/${plain.body.id}/returns`, { body: { lines: [{ line_id: plain.body.lines[0].id, quantity: 1 }], refund_method: 'stored_value', reason: 'x' } }),
      422, 'validation', ['refund_method']);
  });

  it('stored-value refund: the paid part only, the bonus forfeited when it empties; bad input', async () => {
    const c = await customer();
    const amount = 20000 + Math.floor(Math.random() * 1000);
    await mk('/api/v1/stored-value/rules', { min_amount: amount, bonus: 2000 });
    await srv.api('POST', `/api/v1/customers/${c}/stored-value/top-ups`, { token: seller.token, body: { amount, method: 'cash', store_id: storeA } });
    const url = `/api/v1/customers/${c}/stored-value/refunds`;
    assertProblem(await srv.api('POST', url, { token: seller.token, body: { method: 'cash', store_id: storeA, reason: 'x' } }), 403, 'forbidden');
    assertProblem(await srv.api('POST', url, { token: manager.token, body: { amount: amount + 1, method: 'cash', store_id: storeA, reason: 'x' } }), 422, 'validation', ['amount']);
    assertProblem(await srv.api('POST', url, { token: manager.token, body: { method: 'gold', store_id: storeA } }), 422, 'validation', ['method', 'reason']);
    let r = await srv.api('POST', url, { token: manager.token, body: { amount: 1000, method: 'cash', store_id: storeA, reason: 'part' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.forfeited_bonus, 0);
    r = await srv.api('POST', url, { token: manager.token, body: { method: 'cash', store_id: storeA, reason: 'moving' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.forfeited_bonus, 2000);
    const s = await sv(c);
    assert.deepEqual([s.balance, s.paid_balance, s.bonus_balance], [0, 0, 0]);
  });

  it('adjustments: reason required, never below zero, permission, audit', async () => {
    const c = await customer();
    const url = `/api/v1/customers/${c}/points/adjustments`;
    assertProblem(await api('POST', url, { body: { points: 0 } }), 422, 'validation', ['points', 'reason']);
    assertProblem(await api('POST', url, { body: { points: -1, reason: 'x' } }), 422, 'validation', ['points']);
    assertProblem(await api('POST', url, { body: { points: 1.5, reason: 'x' } }), 422, 'validation', ['points']);
    assertProblem(await api('POST', url, { body: { points: '5', reason: 'x' } }), 400, 'bad-request', ['points']);
    assertProblem(await srv.api('POST', url, { token: seller.token, body: { points: 5, reason: 'x' } }), 403, 'forbidden');
    const r = await srv.api('POST', url, { token: manager.token, body: { points: 5, reason: 'complaint' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.balance_after, 5);
    assert.equal(r.body.reason, 'complaint');
    assertProblem(await api('POST', '/api/v1/customers/999999/points/adjustments', { body: { points: 5, reason: 'x' } }), 404, 'not-found');
    const au = await api('GET', `/api/v1/audit?entity=customer_points&entity_id=${c}`);
    assert.equal(au.body.items.length, 1);
  });

  it('a merge moves points, lots and stored value; the sales recorded with points still verify', async () => {
    const keep = await customer();
    const from = await customer();
    for (const c of [keep, from]) {
      const s = await sell({ store_id: storeA, customer_id: c, lines: one(), payments: [{ method: 'cash', amount: 10000 }] });
      assert.equal(s.status, 201, s.text);
    }
    await srv.api('POST', `/api/v1/customers/${from}/stored-value/top-ups`, { token: seller.token, body: { amount: 3000, method: 'cash', store_id: storeA } });
    const m = await api('POST', `/api/v1/customers/${keep}/merge`, { body: { from_id: from } });
    assert.ok([200, 201].includes(m.status), m.text);
    assert.equal((await points(keep)).balance, 200);
    assert.equal((await sv(keep)).balance, 3000);
    // The moved lot is spent like the kept one's.
    const s = await sell({ store_id: storeA, customer_id: keep, points_redeemed: 150, lines: one(), payments: [{ method: 'cash', amount: 9850 }] });
    assert.equal(s.status, 201, s.text);
    assert.equal((await points(keep)).balance, 50 + 98);
    assert.equal((await api('GET', '/api/v1/journal/verify')).body.ok, true);
  });

  it('the nightly jobs run on demand and tersa check-db finds every balance equal to its ledger', () => {
    const bin = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
    for (const job of ['points_expiry', 'tier_downgrade']) execFileSync(bin, ['job', 'run', job, '--db', srv.db], { encoding: 'utf8', timeout: 60000 });
    const out = execFileSync(bin, ['check-db', '--db', srv.db], { encoding: 'utf8', timeout: 60000 });
    assert.match(out, /^ok/);
  });

  it('the sale that crosses a threshold upgrades the tier; the tier discounts the next sale', async () => {
    // A customer without a tier is in the lowest one (普通 here).
    const base = await mk('/api/v1/tiers', { code: `b${uniq()}`, name: '普通', min_spend: 0 });
    const gold = await mk('/api/v1/tiers', { code: `g${uniq()}`, name: '金卡', min_spend: 15000, discount_bp: 1000, points_multiplier_bp: 20000 });
    try {
      const c = await customer();
      await sell({ store_id: storeA, customer_id: c, lines: one(), payments: [{ method: 'cash', amount: 10000 }] });
      assert.equal((await api('GET', `/api/v1/customers/${c}/tier-history`)).body.items.length, 0);
      const s2 = await sell({ store_id: storeA, customer_id: c, lines: one(), payments: [{ method: 'cash', amount: 10000 }] });
      const h = (await api('GET', `/api/v1/customers/${c}/tier-history`)).body.items;
      assert.equal(h.length, 1);
      assert.equal(h[0].from_tier_id, null);
      assert.equal(h[0].to_tier_id, gold.id);
      assert.equal(h[0].reason, 'upgrade');
      assert.equal(h[0].sale_id, s2.body.id);
      assert.equal(h[0].spend_12m, 20000);
      const s3 = await sell({ store_id: storeA, customer_id: c, lines: one(), payments: [{ method: 'cash', amount: 9000 }] });
      assert.equal(s3.status, 201, s3.text);
      assert.equal(s3.body.total, 9000);
      assert.deepEqual(s3.body.lines[0].discounts.map((d) => [d.source, d.source_id, d.amount]), [['tier', gold.id, 1000]]);
      assert.equal(s3.body.points_earned, 180);
    } finally {
      await api('PATCH', `/api/v1/tiers/${gold.id}`, { body: { active: false } });
      await api('PATCH', `/api/v1/tiers/${base.id}`, { body: { active: false } });
    }
  });
});
