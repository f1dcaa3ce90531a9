// POS sales: pricing, VAT, tenders, cash rounding, receipt numbers,
// idempotency, stock, scale barcodes, price overrides, manual discounts with
// approval, offline sales, store scoping and concurrency.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq, makeUser, USER_PASSWORD } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

describe('sales', () => {
  let srv, admin, storeA, storeB, code;
  let milk, apples, water;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const sell = (body, { token = admin, key = randomUUID() } = {}) =>
    srv.api('POST', '/api/v1/sales', { token, body, headers: { 'idempotency-key': key } });
  const stockOf = async (store, product) => {
    const r = await api('GET', `/api/v1/stock?store_id=${store}&product_id=${product}`);
    assert.equal(r.status, 200, r.text);
    return r.body.items.length ? r.body.items[0].on_hand : 0;
  };
  const receive = async (store, product, quantity) => {
    const r = await api('POST', '/api/v1/stock/moves', { body: { store_id: store, product_id: product, quantity, reason: 'receipt' } });
    assert.equal(r.status, 201, r.text);
  };
  const product = async (body) => {
    const r = await api('POST', '/api/v1/products', { body: { sku: `P-${uniq()}`, name: 'Product', price: 100, vat_rate: 1300, ...body } });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const store = async (extra = {}) => {
    const c = `S${uniq()}`.slice(0, 12);
    const r = await api('POST', '/api/v1/stores', { body: { code: c, name: `Store ${c}`, channel: 'direct', ...extra } });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    admin = srv.adminToken;
    const a = await store();
    storeA = a.id;
    code = a.code;
    storeB = (await store()).id;
    milk = await product({ name: '鲜牛奶 1L', price: 1299, cost: 800, vat_rate: 1300 });
    apples = await product({ sku: `0${String(Date.now() % 10000).padStart(4, '0')}`, name: 'Apples', unit: 'kg', price: 1000, cost: 600, vat_rate: 900 });
    water = await product({ name: 'Water', price: 200, cost: 50, vat_rate: 1300 });
    for (const s of [storeA, storeB]) {
      await receive(s, milk.id, 100);
      await receive(s, apples.id, 50);
      await receive(s, water.id, 1000);
    }
  });
  after(async () => { await srv?.stop(); });

  it('prices from the catalog, VAT per line half-up, change, number, stock, Location', async () => {
    const before = await stockOf(storeA, milk.id);
    const r = await sell({ store_id: storeA, lines: [{ product_id: milk.id, quantity: 2 }, { product_id: water.id, quantity: 3 }],
      payments: [{ method: 'cash', amount: 5000 }] });
    assert.equal(r.status, 201, r.text);
    const s = r.body;
    assert.equal(hdr(r, 'location'), `/api/v1/sales/${s.id}`);
    assert.equal(s.status, 'completed');
    assert.match(s.number, new RegExp(`^${code}-\\d{8}-\\d{4}$`));
    assert.equal(s.lines[0].unit_price, 1299);
    assert.equal(s.lines[0].total, 2598);
    assert.equal(s.lines[0].vat, Math.round(2598 * 1300 / 11300)); // 298.88 -> 299
    assert.equal(s.lines[1].total, 600);
    assert.equal(s.lines[1].vat, 69); // 600 * 13/113 = 69.03
    assert.equal(s.subtotal, 3198);
    assert.equal(s.total, 3198);
    assert.equal(s.vat_total, s.lines[0].vat + s.lines[1].vat);
    assert.equal(s.change_due, 5000 - 3198);
    assert.equal(s.paid, 3198);
    assert.equal(await stockOf(storeA, milk.id), before - 2);
    const g = await api('GET', `/api/v1/sales/${s.id}`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.body, s);
  });

  it('receipt numbers count up per store and day without gaps, failed sales included', async () => {
    const n = async () => {
      const r = await sell({ store_id: storeB, lines: [{ product_id: water.id, quantity: 1 }], payments: [{ method: 'card', amount: 200 }] });
      assert.equal(r.status, 201, r.text);
      return Number(r.body.number.split('-').pop());
    };
    const first = await n();
    const bad = await sell({ store_id: storeB, lines: [{ product_id: water.id, quantity: 1 }], payments: [{ method: 'card', amount: 100 }] });
    assertProblem(bad, 422, 'validation', ['payments']);
    const tooMuch = await sell({ store_id: storeB, lines: [{ product_id: milk.id, quantity: 100000 }], payments: [{ method: 'cash', amount: 200000000 }] });
    assertProblem(tooMuch, 409, 'insufficient-stock');
    assert.equal(await n(), first + 1);
  });

  it('payments: must cover the total, only cash may exceed it, several tenders', async () => {
    const lines = [{ product_id: milk.id, quantity: 1 }];
    assertProblem(await sell({ store_id: storeA, lines, payments: [{ method: 'card', amount: 1300 }] }), 422, 'validation', ['payments']);
    assertProblem(await sell({ store_id: storeA, lines, payments: [{ method: 'cash', amount: 1000 }] }), 422, 'validation', ['payments']);
    assertProblem(await sell({ store_id: storeA, lines, payments: [] }), 422, 'validation', ['payments']);
    const r = await sell({ store_id: storeA, lines, payments: [{ method: 'wechat', amount: 999 }, { method: 'cash', amount: 500 }] });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.change_due, 200);
    assert.deepEqual(r.body.payments.map((p) => p.method), ['wechat', 'cash']);
    assertProblem(await sell({ store_id: storeA, lines, payments: [{ method: 'bitcoin', amount: 1299 }] }), 422, 'validation', ['payments[0].method']);
    assertProblem(await sell({ store_id: storeA, lines, payments: [{ method: 'cash', amount: 12.5 }] }), 422, 'validation', ['payments[0].amount']);
  });

  it('cash rounding (抹零): the cash due is rounded down and recorded', async () => {
    const s = await store({ cash_rounding: 10 });
    await receive(s.id, milk.id, 10);
    const r = await sell({ store_id: s.id, lines: [{ product_id: milk.id, quantity: 1 }], payments: [{ method: 'cash', amount: 2000 }] });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.total, 1299);
    assert.equal(r.body.rounding, 9);
    assert.equal(r.body.paid, 1290);
    assert.equal(r.body.change_due, 710);
    const card = await sell({ store_id: s.id, lines: [{ product_id: milk.id, quantity: 1 }], payments: [{ method: 'card', amount: 1299 }] });
    assert.equal(card.body.rounding, 0, 'no rounding without cash');
  });

  it('idempotency: replay, conflict, refused requests not stored, per user', async () => {
    const key = randomUUID();
    const body = { store_id: storeA, lines: [{ product_id: water.id, quantity: 1 }], payments: [{ method: 'cash', amount: 200 }] };
    const first = await sell(body, { key });
    assert.equal(first.status, 201);
    const before = await stockOf(storeA, water.id);
    const again = await sell(body, { key });
    assert.equal(again.status, 201);
    assert.equal(hdr(again, 'idempotent-replayed'), 'true');
    assert.deepEqual(again.body, first.body);
    assert.equal(await stockOf(storeA, water.id), before, 'a replay moved stock');
    assertProblem(await sell({ ...body, note: 'other' }, { key }), 409, 'idempotency-conflict');

    const k2 = randomUUID();
    assertProblem(await sell({ ...body, payments: [{ method: 'cash', amount: 1 }] }, { key: k2 }), 422, 'validation');
    const fixed = await sell(body, { key: k2 });
    assert.equal(fixed.status, 201, 'a corrected retry under the same key must go through');
    assert.equal(hdr(fixed, 'idempotent-replayed'), null);

    const mgr = await makeUser(srv, 'store_manager', [storeA]);
    const theirs = await sell(body, { key, token: mgr.token });
    assert.equal(theirs.status, 201);
    assert.notEqual(theirs.body.id, first.body.id, "another user's key must not replay someone else's sale");
  });

  it('the same key fired 20 times at once makes one sale', async () => {
    const key = randomUUID();
    const before = await stockOf(storeA, water.id);
    const body = { store_id: storeA, lines: [{ product_id: water.id, quantity: 1 }], payments: [{ method: 'cash', amount: 200 }] };
    const rs = await Promise.all(Array.from({ length: 20 }, () => sell(body, { key })));
    for (const r of rs) assert.equal(r.status, 201, r.text);
    assert.equal(new Set(rs.map((r) => r.body.id)).size, 1);
    assert.equal(await stockOf(storeA, water.id), before - 1);
  });

  it('header and body validation', async () => {
    const r = await srv.api('POST', '/api/v1/sales', { token: admin, body: { store_id: storeA, lines: [] } });
    assertProblem(r, 400, 'bad-request', ['Idempotency-Key']);
    assertProblem(await sell({ store_id: storeA, lines: [], payments: [] }), 422, 'validation', ['lines']);
    assertProblem(await sell({ store_id: storeA, lines: [{ product_id: milk.id, quantity: 1.0005 }], payments: [{ method: 'cash', amount: 5000 }] }),
      422, 'validation', ['lines[0].quantity']);
    assertProblem(await sell({ store_id: storeA, lines: [{ product_id: 999999, quantity: 1 }, { barcode: '6901234567893', quantity: 1 }], payments: [{ method: 'cash', amount: 5000 }], bogus: 1 }),
      422, 'validation', ['lines[0].product_id', 'lines[1].barcode', 'bogus']);
    assertProblem(await sell({ store_id: storeA, lines: [{ product_id: 'x', quantity: 1 }], payments: [] }), 400, 'bad-request', ['lines[0].product_id']);
    assertProblem(await sell({ store_id: 999999, lines: [{ product_id: milk.id, quantity: 1 }], payments: [{ method: 'cash', amount: 5000 }] }),
      422, 'validation', ['store_id']);
    assertProblem(await sell({ store_id: storeA, customer_id: 17, points_redeemed: 5, lines: [{ product_id: milk.id, quantity: 1 }], payments: [{ method: 'cash', amount: 5000 }] }),
      422, 'validation', ['customer_id']);
    // Points pay only through points_redeemed, which needs a customer.
    assertProblem(await sell({ store_id: storeA, points_redeemed: 5, lines: [{ product_id: milk.id, quantity: 1 }], payments: [{ method: 'points', amount: 5 }, { method: 'stored_value', amount: 5 }, { method: 'cash', amount: 5000 }] }),
      422, 'validation', ['points_redeemed', 'payments[0].method', 'payments[1].method']);
  });

  it('insufficient stock refuses the whole sale and names the product; nothing is written', async () => {
    const s = await store();
    await receive(s.id, milk.id, 1);
    await receive(s.id, water.id, 5);
    const r = await sell({ store_id: s.id, lines: [{ product_id: water.id, quantity: 1 }, { product_id: milk.id, quantity: 2 }], payments: [{ method: 'cash', amount: 5000 }] });
    assertProblem(r, 409, 'insufficient-stock', ['lines[1].quantity']);
    assert.match(r.body.detail, /鲜牛奶/);
    assert.equal(await stockOf(s.id, water.id), 5, 'the first line moved stock of a refused sale');
    const list = await api('GET', `/api/v1/sales?store_id=${s.id}`);
    assert.equal(list.body.items.length, 0);
    await api('PATCH', `/api/v1/stores/${s.id}`, { body: { allow_negative_stock: true } });
    const ok = await sell({ store_id: s.id, lines: [{ product_id: milk.id, quantity: 2 }], payments: [{ method: 'cash', amount: 5000 }] });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(await stockOf(s.id, milk.id), -1);
  });

  it('offline sales are always accepted and flag negative stock', async () => {
    const s = await store();
    const at = new Date(Date.now() - 3600e3).toISOString();
    const r = await sell({ store_id: s.id, offline_at: at, lines: [{ product_id: milk.id, quantity: 1 }], payments: [{ method: 'cash', amount: 1299 }] });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.negative_stock, true);
    assert.equal(Date.parse(r.body.offline_at), Date.parse(at));
    assert.equal(await stockOf(s.id, milk.id), -1);
    const alerts = await api('GET', `/api/v1/alerts?kind=negative_stock&store_id=${s.id}`);
    assert.equal(alerts.status, 200, alerts.text);
    assert.ok(alerts.body.items.some((a) => a.product_id === milk.id), JSON.stringify(alerts.body));
    const future = new Date(Date.now() + 86400e3).toISOString();
    assertProblem(await sell({ store_id: s.id, offline_at: future, lines: [{ product_id: milk.id, quantity: 1 }], payments: [{ method: 'cash', amount: 1299 }] }),
      422, 'validation', ['offline_at']);
  });

  it('scale labels: weight and price embedded in an EAN-13 with prefix 20–29', async () => {
    const ean = (twelve) => {
      const sum = [...twelve].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0);
      return twelve + ((10 - (sum % 10)) % 10);
    };
    const plu = apples.sku.padStart(5, '0');
    const weight = ean(`20${plu}00750`); // 750 g
    const price = ean(`25${plu}01500`);  // ¥15.00
    const r = await sell({ store_id: storeA, lines: [{ barcode: weight }, { barcode: price }], payments: [{ method: 'cash', amount: 5000 }] });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.lines[0].product_id, apples.id);
    assert.equal(r.body.lines[0].quantity, 0.75);
    assert.equal(r.body.lines[0].total, 750);
    assert.equal(r.body.lines[1].quantity, 1.5);
    assert.equal(r.body.lines[1].total, 1500);
    assertProblem(await sell({ store_id: storeA, lines: [{ barcode: weight, quantity: 2 }], payments: [{ method: 'cash', amount: 5000 }] }),
      422, 'validation', ['lines[0].quantity']);
  });

  it('price override needs the permission and is recorded', async () => {
    const cashier = await makeUser(srv, 'sales', [storeA]);
    const body = { store_id: storeA, lines: [{ product_id: milk.id, quantity: 1, unit_price: 999 }], payments: [{ method: 'cash', amount: 1299 }] };
    assertProblem(await sell(body, { token: cashier.token }), 422, 'validation', ['lines[0].unit_price']);
    const mgr = await makeUser(srv, 'store_manager', [storeA]);
    const r = await sell(body, { token: mgr.token });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.lines[0].unit_price, 999);
    assert.equal(r.body.lines[0].list_price, 1299);
    assert.equal(r.body.lines[0].price_overridden, true);
    const audit = await api('GET', `/api/v1/audit?entity=sale&entity_id=${r.body.id}`);
    assert.equal(audit.body.items[0].after.price_override, true);
  });

  it('manual discounts: within the cap, above it only with a manager approval', async () => {
    const cashier = await makeUser(srv, 'sales', [storeA]);
    const lines = [{ product_id: milk.id, quantity: 1 }, { product_id: water.id, quantity: 1 }];
    const ok = await sell({ store_id: storeA, lines, manual_discount_bp: 1000, payments: [{ method: 'cash', amount: 2000 }] }, { token: cashier.token });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.discount_total, 150); // 10% of 1499, half-up
    assert.equal(ok.body.total, 1349);
    assert.equal(ok.body.lines.reduce((s, l) => s + l.discount, 0), 150);
    assert.ok(ok.body.lines.every((l) => l.discounts.every((d) => d.source === 'manual')));

    const body = { store_id: storeA, lines, manual_discount_bp: 2000, payments: [{ method: 'cash', amount: 2000 }] };
    assertProblem(await sell(body, { token: cashier.token }), 422, 'validation', ['manual_discount_bp']);
    const other = await makeUser(srv, 'store_manager', [storeB]);
    const meta = await api('GET', `/api/v1/users/${other.id}`);
    assertProblem(await sell({ ...body, approver: { username: meta.body.username, password: USER_PASSWORD } }, { token: cashier.token }),
      422, 'validation', ['approver']);
    const mgr = await makeUser(srv, 'store_manager', [storeA]);
    const mgrName = (await api('GET', `/api/v1/users/${mgr.id}`)).body.username;
    assertProblem(await sell({ ...body, approver: { username: mgrName, password: 'wrong-password-123' } }, { token: cashier.token }),
      422, 'validation', ['approver']);
    const approved = await sell({ ...body, approver: { username: mgrName, password: USER_PASSWORD } }, { token: cashier.token });
    assert.equal(approved.status, 201, approved.text);
    assert.equal(approved.body.approved_by, mgr.id);
    assert.equal(approved.body.discount_total, 300);
  });

  it('store scope: another store answers 403 on write and 404 on read', async () => {
    const cashier = await makeUser(srv, 'sales', [storeA]);
    const body = { store_id: storeB, lines: [{ product_id: water.id, quantity: 1 }], payments: [{ method: 'cash', amount: 200 }] };
    assertProblem(await sell(body, { token: cashier.token }), 403, 'forbidden');
    const theirs = await sell(body);
    assert.equal(theirs.status, 201);
    assertProblem(await srv.api('GET', `/api/v1/sales/${theirs.body.id}`, { token: cashier.token }), 404, 'not-found');
    const list = await srv.api('GET', '/api/v1/sales?limit=500', { token: cashier.token });
    assert.ok(list.body.items.every((s) => s.store_id === storeA));
    const hq = await makeUser(srv, 'hq', []);
    assertProblem(await sell(body, { token: hq.token }), 403, 'forbidden');
  });

  it('promotions apply in the sale: 第二件半价, 满减 prorated exactly, a gift line', async () => {
    const s = await store();
    const cup = await product({ name: 'Gift cup', price: 1500, cost: 300 });
    const tea = await product({ name: 'Tea', price: 1000, cost: 400 });
    for (const p of [cup, tea, water]) await receive(s.id, p.id, 50);
    const promo = async (body) => {
      const r = await api('POST', '/api/v1/promotions', { body: { store_ids: [s.id], ...body } });
      assert.equal(r.status, 201, r.text);
      return r.body;
    };
    const half = await promo({ name: '第二件半价', kind: 'buy_x_get_y', params: { buy: 1, get: 1, percent: 5000 }, product_ids: [tea.id], priority: 10 });
    const mj = await promo({ name: '满30减5', kind: 'spend_threshold', params: { every: 3000, off: 500 }, priority: 5 });
    const gift = await promo({ name: 'Cup gift', kind: 'gift', params: { product_id: cup.id, quantity: 1, min_spend: 1000 }, product_ids: [tea.id] });
    const r = await sell({ store_id: s.id, lines: [{ product_id: tea.id, quantity: 2 }, { product_id: water.id, quantity: 7 }],
      payments: [{ method: 'card', amount: 2900 }] });
    assert.equal(r.status, 201, r.text);
    const [t, w, g] = r.body.lines;
    // tea 2000 gross, half off the second: 500; then 满30减5 on 1500 + 1400 = 2900 < 3000: nothing
    assert.equal(t.discount, 500);
    assert.deepEqual(t.discounts, [{ source: 'promotion', source_id: half.id, amount: 500 }]);
    assert.equal(t.promotion_id, half.id);
    assert.equal(w.discount, 0);
    assert.equal(g.product_id, cup.id);
    assert.equal(g.is_gift, true);
    assert.equal(g.total, 0);
    assert.equal(g.promotion_id, gift.id);
    assert.equal(r.body.total, 2900);
    assert.equal(r.body.lines.reduce((a, l) => a + l.total, 0), r.body.total);
    assert.equal(await stockOf(s.id, cup.id), 49, 'the gift leaves stock');

    const big = await sell({ store_id: s.id, lines: [{ product_id: water.id, quantity: 31 }, { product_id: tea.id, quantity: 1 }],
      payments: [{ method: 'card', amount: 100000 }] });
    assert.equal(big.status, 422, 'card may not exceed the total');
    const ok = await sell({ store_id: s.id, lines: [{ product_id: water.id, quantity: 31 }, { product_id: tea.id, quantity: 1 }],
      payments: [{ method: 'cash', amount: 100000 }] });
    assert.equal(ok.status, 201, ok.text);
    // 6200 + 1000 = 7200: two times 满30减5 = 1000 off, spread exactly over the lines
    assert.equal(ok.body.discount_total, 1000);
    assert.equal(ok.body.lines.filter((l) => !l.is_gift).reduce((a, l) => a + l.discount, 0), 1000);
    assert.ok(ok.body.lines.every((l) => l.is_gift || l.discounts.every((d) => d.source_id === mj.id)));
    for (const id of [half.id, mj.id, gift.id]) await api('DELETE', `/api/v1/promotions/${id}`);
  });

  it('a product with history is deactivated instead of deleted', async () => {
    const p = await product({ name: 'Sold once' });
    await receive(storeA, p.id, 1);
    assert.equal((await sell({ store_id: storeA, lines: [{ product_id: p.id, quantity: 1 }], payments: [{ method: 'cash', amount: 100 }] })).status, 201);
    const r = await api('DELETE', `/api/v1/products/${p.id}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.active, false);
    assert.equal((await api('GET', `/api/v1/products/${p.id}`)).body.active, false);
    assertProblem(await sell({ store_id: storeA, lines: [{ product_id: p.id, quantity: 1 }], payments: [{ method: 'cash', amount: 100 }] }),
      422, 'validation', ['lines[0].product_id']);
  });

  it('a gift goes while stocks last: without stock the sale goes through without it', async () => {
    const s = await store();
    const neg = await store({ allow_negative_stock: true });
    const cup = await product({ name: 'Last cup', price: 1500 });
    const tea = await product({ name: 'Tea leaves', price: 1000 });
    await receive(s.id, tea.id, 10);
    await receive(neg.id, tea.id, 10);
    await receive(s.id, cup.id, 2);
    const r = await api('POST', '/api/v1/promotions', { body: { store_ids: [s.id, neg.id], name: 'Cup with tea', kind: 'gift',
      params: { product_id: cup.id, quantity: 1 }, product_ids: [tea.id] } });
    assert.equal(r.status, 201, r.text);
    const teaSale = (storeId, lines = []) => sell({ store_id: storeId, lines: [{ product_id: tea.id, quantity: 1 }, ...lines],
      payments: [{ method: 'card', amount: 1000 + lines.length * 1500 }] });
    // two cups: the first sale buys one and gets one, the next needs a third
    let x = await teaSale(s.id, [{ product_id: cup.id, quantity: 1 }]);
    assert.equal(x.status, 201, x.text);
    assert.equal(x.body.lines.filter((l) => l.is_gift).length, 1);
    x = await teaSale(s.id);
    assert.equal(x.status, 201, x.text);
    assert.deepEqual(x.body.lines.map((l) => l.product_id), [tea.id], 'no gift line without stock');
    assert.equal(x.body.total, 1000);
    assert.equal(await stockOf(s.id, cup.id), 0);
    // where stock may go negative the gift is given anyway
    x = await teaSale(neg.id);
    assert.equal(x.status, 201, x.text);
    assert.equal(x.body.lines.filter((l) => l.is_gift && l.product_id === cup.id).length, 1);
    assert.equal(await stockOf(neg.id, cup.id), -1);
    await api('DELETE', `/api/v1/promotions/${r.body.id}`);
  });

  it('500 concurrent single-unit sales of a product with stock 100: exactly 100 succeed', async () => {
    const s = await store();
    const p = await product({ name: 'Hot item', price: 500 });
    await receive(s.id, p.id, 100);
    const body = { store_id: s.id, lines: [{ product_id: p.id, quantity: 1 }], payments: [{ method: 'card', amount: 500 }] };
    const rs = await Promise.all(Array.from({ length: 500 }, () => sell(body)));
    const codes = rs.map((r) => r.status);
    assert.equal(codes.filter((c) => c === 201).length, 100, JSON.stringify(codes.filter((c) => c !== 201 && c !== 409)));
    assert.equal(codes.filter((c) => c === 409).length, 400);
    assert.equal(await stockOf(s.id, p.id), 0);
    const numbers = rs.filter((r) => r.status === 201).map((r) => Number(r.body.number.split('-').pop())).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 100 }, (_, i) => i + 1), 'receipt numbers must be 1..100 without gaps');
  });
  it('salesperson_id must be an active user assigned to the sale\'s store', async () => {
    const mine = await makeUser(srv, 'sales', [storeA]);
    const elsewhere = await makeUser(srv, 'sales', [storeB]);
    const manager = await makeUser(srv, 'store_manager', [storeB, storeA]);
    // Roles not bound to stores have no store_ids: they are not store staff.
    const hqUser = await makeUser(srv, 'hq');
    const me = await api('GET', '/api/v1/me');
    const body = (sp) => ({ store_id: storeA, lines: [{ product_id: water.id, quantity: 1 }], payments: [{ method: 'cash', amount: 200 }], salesperson_id: sp });
    for (const u of [mine, manager]) {
      const r = await sell(body(u.id));
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.salesperson_id, u.id);
    }
    const before = await stockOf(storeA, water.id);
    // Another store's user, users of no store (hq, admin), nobody: refused, nothing stored.
    for (const sp of [elsewhere.id, hqUser.id, me.body.id, 999999999]) {
      assertProblem(await sell(body(sp)), 422, 'validation', ['salesperson_id']);
    }
    // A deactivated user no longer sells.
    assert.equal((await api('PATCH', `/api/v1/users/${mine.id}`, { body: { active: false } })).status, 200);
    assertProblem(await sell(body(mine.id)), 422, 'validation', ['salesperson_id']);
    assert.equal(await stockOf(storeA, water.id), before);
  });

  it('sums of line amounts are checked: amounts past the money range answer 422 naming the field', async () => {
    const big = await product({ name: 'Big ticket', price: 100 });
    const MAX = 10000000000000; // the largest amount a request may carry
    const sale = (lines, extra = {}) => sell({ store_id: storeA, lines, payments: [{ method: 'cash', amount: MAX }], ...extra });
    // Each line fits; their sum does not.
    assertProblem(await sale([{ product_id: big.id, quantity: 1, unit_price: MAX }, { product_id: big.id, quantity: 1, unit_price: MAX }]),
      422, 'validation', ['lines']);
    // Lines each worth about 9·10^18 (int64 holds 9.2·10^18): the sum of three
    // would wrap around; each line is refused by name instead.
    const huge = { product_id: big.id, quantity: 900000, unit_price: MAX };
    assertProblem(await sale([huge, huge, huge], { manual_discount_bp: 500 }), 422, 'validation',
      ['lines[0].quantity', 'lines[1].quantity', 'lines[2].quantity']);
    // Payments that add up past the range.
    assertProblem(await sell({ store_id: storeA, lines: [{ product_id: water.id, quantity: 1 }],
      payments: Array.from({ length: 3 }, () => ({ method: 'cash', amount: MAX })) }), 422, 'validation', ['payments']);
    const list = await api('GET', `/api/v1/stock/moves?store_id=${storeA}&product_id=${big.id}`);
    assert.equal(list.body.items.length, 0, 'nothing was sold');
  });

  it('exports the sales list as CSV row by row: every page, the fields of the list, the filters kept', async () => {
    const s = (await store()).id;
    await receive(s, water.id, 10);
    for (let i = 0; i < 3; i++) {
      const r = await sell({ store_id: s, lines: [{ product_id: water.id, quantity: 1 }], payments: [{ method: 'cash', amount: 200 }] });
      assert.equal(r.status, 201, r.text);
    }
    const list = await api('GET', `/api/v1/sales?store_id=${s}`);
    assert.equal(list.body.items.length, 3);
    const csv = await api('GET', `/api/v1/sales?store_id=${s}&limit=1&format=csv`);
    assert.equal(csv.status, 200);
    assert.match(hdr(csv, 'content-type'), /^text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    assert.equal(lines[0], 'id,number,store_id,shift_id,customer_id,cashier_id,salesperson_id,at,day,status,' +
      'subtotal,discount_total,rounding,vat_total,total,paid,change_due,points_earned,points_redeemed,' +
      'manual_discount_bp,approved_by,note,offline_at,negative_stock,refunded_total,voided_by,voided_at,void_reason,apply_promotions');
    assert.equal(lines[0], Object.keys(list.body.items[0]).join(','));
    assert.equal(lines.length, 4, 'limit=1 must not cut an export: all 3 sales');
    assert.deepEqual(lines.slice(1).map((l) => Number(l.split(',')[0])), list.body.items.map((x) => x.id));
    assert.ok(lines.slice(1).every((l, i) => l.includes(list.body.items[i].number)));
  });
});
