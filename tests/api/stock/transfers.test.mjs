// Transfers between stores: create and its validation, ship (stock leaves the
// source; insufficient stock refuses the whole shipment), receive in full or
// in part (the shortfall kept per line and in the discrepancy report), close,
// cancel, every wrong transition, audit rows, and store scoping.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const TRANSFER_KEYS = ['id', 'from_store_id', 'to_store_id', 'status', 'note', 'lines', 'created_by',
  'created_at', 'shipped_at', 'received_at', 'closed_at', 'cancelled_at'].sort();
const LINE_KEYS = ['id', 'product_id', 'quantity', 'received_quantity', 'unit_cost', 'discrepancy'].sort();
const DISCREPANCY_KEYS = ['line_id', 'transfer_id', 'from_store_id', 'to_store_id', 'product_id', 'sku', 'name',
  'quantity', 'received_quantity', 'discrepancy', 'unit_cost', 'value', 'received_at'].sort();
const T = '/api/v1/stock/transfers';

describe('transfers', () => {
  let srv, admin, adminId;
  let A, B, C; // stores
  let mgrA, mgrB, mgrC, salesA, hq;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });

  async function mkStore(extra = {}) {
    const r = await api('POST', '/api/v1/stores', { body: { code: `S-${uniq()}`, name: `Store ${uniq()}`, channel: 'direct', ...extra } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  }
  async function mkProduct(extra = {}) {
    const r = await api('POST', '/api/v1/products', {
      body: { sku: `P-${uniq()}`, name: `Product ${uniq()}`, unit: 'pcs', price: 1000, cost: 250, vat_rate: 0, ...extra },
    });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  }
  async function stockIn(store_id, product_id, quantity) {
    const r = await api('POST', '/api/v1/stock/moves', { body: { store_id, product_id, quantity, reason: 'receipt' } });
    assert.equal(r.status, 201, r.text);
  }
  async function onHand(store_id, product_id) {
    const r = await api('GET', `/api/v1/stock?store_id=${store_id}&product_id=${product_id}`);
    assert.equal(r.status, 200, r.text);
    return r.body.items.length ? r.body.items[0].on_hand : 0;
  }
  async function moves(store_id, product_id) {
    const r = await api('GET', `/api/v1/stock/moves?store_id=${store_id}&product_id=${product_id}&limit=500`);
    assert.equal(r.status, 200, r.text);
    return r.body.items;
  }
  // The balance equals the sum of the moves (thousandths, to avoid float sums).
  async function assertLedger(store_id, product_id) {
    const sum = (await moves(store_id, product_id)).reduce((s, m) => s + Math.round(m.quantity * 1000), 0);
    assert.equal(Math.round((await onHand(store_id, product_id)) * 1000), sum, `ledger of ${store_id}/${product_id}`);
  }
  async function create(body, token = admin) {
    return srv.api('POST', T, { token, body });
  }
  async function draft(from, to, lines, token = admin) {
    const r = await create({ from_store_id: from, to_store_id: to, lines }, token);
    assert.equal(r.status, 201, r.text);
    return r.body;
  }
  const act = (id, action, token = admin, body) => srv.api('POST', `${T}/${id}/${action}`, { token, body });
  async function ok(id, action, token = admin, body) {
    const r = await act(id, action, token, body);
    assert.equal(r.status, 200, `${action}: ${r.text}`);
    return r.body;
  }
  async function audit(id) {
    const r = await api('GET', `/api/v1/audit?entity=transfer&entity_id=${id}&limit=500`);
    assert.equal(r.status, 200, r.text);
    return r.body.items.reverse(); // oldest first
  }
  async function listAll(p, token = admin, limit = 2) {
    const seen = [];
    let cursor = null;
    for (let i = 0; i < 500; i++) {
      const sep = p.includes('?') ? '&' : '?';
      const r = await srv.api('GET', `${p}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
      assert.equal(r.status, 200, r.text);
      seen.push(...r.body.items);
      cursor = r.body.next_cursor;
      if (cursor === null) return seen;
    }
    assert.fail('pagination did not end');
  }

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    adminId = (await api('GET', '/api/v1/me')).body.id;
    A = await mkStore();
    B = await mkStore();
    C = await mkStore();
    mgrA = await makeUser(srv, 'store_manager', [A]);
    mgrB = await makeUser(srv, 'store_manager', [B]);
    mgrC = await makeUser(srv, 'store_manager', [C]);
    salesA = await makeUser(srv, 'sales', [A]);
    hq = await makeUser(srv, 'hq', []);
  });
  after(async () => { await srv?.stop(); });

  it('creates a draft: 201, Location, every field', async () => {
    const p1 = await mkProduct();
    const p2 = await mkProduct({ cost: null });
    const r = await create({ from_store_id: A, to_store_id: B, note: 'weekly top-up', lines: [
      { product_id: p1, quantity: 4 }, { product_id: p2, quantity: 0.125 }] });
    assert.equal(r.status, 201, r.text);
    const t = r.body;
    assert.deepEqual(Object.keys(t).sort(), TRANSFER_KEYS);
    assert.equal(hdr(r, 'location'), `${T}/${t.id}`);
    assert.equal(t.from_store_id, A);
    assert.equal(t.to_store_id, B);
    assert.equal(t.status, 'draft');
    assert.equal(t.note, 'weekly top-up');
    assert.equal(t.created_by, adminId);
    assert.match(t.created_at, RFC3339_UTC);
    for (const k of ['shipped_at', 'received_at', 'closed_at', 'cancelled_at']) assert.equal(t[k], null, k);
    assert.equal(t.lines.length, 2);
    for (const l of t.lines) {
      assert.deepEqual(Object.keys(l).sort(), LINE_KEYS);
      assert.ok(Number.isInteger(l.id) && l.id > 0);
      assert.equal(l.received_quantity, null);
      assert.equal(l.unit_cost, null);
      assert.equal(l.discrepancy, null);
    }
    assert.deepEqual(t.lines.map((l) => [l.product_id, l.quantity]), [[p1, 4], [p2, 0.125]]);
    const g = await api('GET', `${T}/${t.id}`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.body, t);
    // a note is optional; nothing moved yet
    const t2 = await draft(A, C, [{ product_id: p1, quantity: 1 }]);
    assert.equal(t2.note, null);
    assert.equal(await onHand(A, p1), 0);
    assert.deepEqual((await audit(t.id)).map((a) => a.action), ['create']);
  });

  it('refuses bad input, naming every field at once', async () => {
    const p = await mkProduct();
    const base = { from_store_id: A, to_store_id: B, lines: [{ product_id: p, quantity: 1 }] };
    const countBefore = (await listAll(T, admin, 500)).length;
    assertProblem(await create({ ...base, to_store_id: A }), 422, 'validation', ['to_store_id']);
    assertProblem(await create({ ...base, lines: [] }), 422, 'validation', ['lines']);
    assertProblem(await create({ from_store_id: A, to_store_id: B }), 422, 'validation', ['lines']);
    assertProblem(await create({ lines: base.lines }), 422, 'validation', ['from_store_id', 'to_store_id']);
    assertProblem(await create({ ...base, from_store_id: 99999999 }), 422, 'validation', ['from_store_id']);
    assertProblem(await create({ ...base, to_store_id: 99999999 }), 422, 'validation', ['to_store_id']);
    assertProblem(await create({ ...base, lines: [{ product_id: p, quantity: 1 }, { product_id: p, quantity: 2 }] }),
      422, 'validation', ['lines[1].product_id']);
    assertProblem(await create({ ...base, lines: [{ product_id: 99999999, quantity: 1 }] }), 422, 'validation', ['lines[0].product_id']);
    for (const q of [0, -1, 1.2345]) {
      assertProblem(await create({ ...base, lines: [{ product_id: p, quantity: q }] }), 422, 'validation', ['lines[0].quantity']);
    }
    assertProblem(await create({ ...base, lines: [{ product_id: p }] }), 422, 'validation', ['lines[0].quantity']);
    assertProblem(await create({ ...base, lines: [{ product_id: p, quantity: 1, unit_cost: 5 }] }), 422, 'validation', ['lines[0].unit_cost']);
    assertProblem(await create({ ...base, status: 'shipped' }), 422, 'validation', ['status']);
    // several problems in one answer
    const r = await create({ from_store_id: A, to_store_id: A, note: 'x',
      lines: [{ product_id: 99999999, quantity: 1 }, { product_id: p, quantity: 0 }, { product_id: p, quantity: 1.0001 }] });
    assertProblem(r, 422, 'validation', ['to_store_id', 'lines[0].product_id', 'lines[1].quantity', 'lines[2].quantity', 'lines[2].product_id']);
    // wrong types: 400
    assertProblem(await create({ ...base, lines: [{ product_id: p, quantity: 'two' }] }), 400, 'bad-request', ['lines[0].quantity']);
    assertProblem(await create({ ...base, lines: [7] }), 400, 'bad-request', ['lines[0]']);
    assertProblem(await create({ ...base, lines: { product_id: p } }), 400, 'bad-request', ['lines']);
    assertProblem(await create({ ...base, from_store_id: '1' }), 400, 'bad-request', ['from_store_id']);
    assertProblem(await api('POST', T, { raw: '{"from_store_id":' }), 400, 'malformed-json');
    // nothing was created by the refused requests
    assert.equal((await listAll(T, admin, 500)).length, countBefore);
  });

  it('ship, receive in full, close: stock leaves A, arrives at B, audit rows', async () => {
    const p1 = await mkProduct({ cost: 250 });
    const p3 = await mkProduct({ cost: 100 });
    await stockIn(A, p1, 10);
    await stockIn(A, p3, 5);
    const t = await draft(A, B, [{ product_id: p1, quantity: 4 }, { product_id: p3, quantity: 2.5 }]);
    const s = await ok(t.id, 'ship');
    assert.equal(s.status, 'shipped');
    assert.match(s.shipped_at, RFC3339_UTC);
    assert.deepEqual(s.lines.map((l) => l.unit_cost), [250, 100]);
    assert.deepEqual(s.lines.map((l) => l.received_quantity), [null, null]);
    assert.equal(await onHand(A, p1), 6);
    assert.equal(await onHand(A, p3), 2.5);
    assert.equal(await onHand(B, p1), 0);
    const out = (await moves(A, p1)).find((m) => m.kind === 'transfer_out');
    assert.equal(out.quantity, -4);
    assert.equal(out.doc_type, 'transfer');
    assert.equal(out.doc_id, t.id);
    assert.equal(out.unit_cost, 250);

    const r = await ok(t.id, 'receive'); // no body: everything as shipped
    assert.equal(r.status, 'received');
    assert.match(r.received_at, RFC3339_UTC);
    assert.deepEqual(r.lines.map((l) => [l.received_quantity, l.discrepancy]), [[4, 0], [2.5, 0]]);
    assert.equal(await onHand(B, p1), 4);
    assert.equal(await onHand(B, p3), 2.5);
    const inn = (await moves(B, p3)).find((m) => m.kind === 'transfer_in');
    assert.equal(inn.quantity, 2.5);
    assert.equal(inn.doc_id, t.id);
    assert.equal(inn.unit_cost, 100);

    const c = await ok(t.id, 'close');
    assert.equal(c.status, 'closed');
    assert.match(c.closed_at, RFC3339_UTC);
    assert.equal(c.cancelled_at, null);
    assert.deepEqual((await api('GET', `${T}/${t.id}`)).body, c);
    const rows = await audit(t.id);
    assert.deepEqual(rows.map((a) => a.action), ['create', 'ship', 'receive', 'close']);
    assert.equal(rows[1].before.status, 'draft');
    assert.equal(rows[1].after.status, 'shipped');
    assert.equal(rows[1].store_id, A);
    assert.equal(rows[2].store_id, B);
    for (const [s2, p] of [[A, p1], [A, p3], [B, p1], [B, p3]]) await assertLedger(s2, p);
  });

  it('an empty receipt body or empty lines means everything as shipped', async () => {
    const p = await mkProduct();
    await stockIn(A, p, 3);
    const t1 = await draft(A, B, [{ product_id: p, quantity: 1 }]);
    await ok(t1.id, 'ship');
    assert.equal((await ok(t1.id, 'receive', admin, { lines: [] })).lines[0].received_quantity, 1);
    const t2 = await draft(A, B, [{ product_id: p, quantity: 2 }]);
    await ok(t2.id, 'ship');
    assert.equal((await ok(t2.id, 'receive', admin, {})).lines[0].received_quantity, 2);
    assert.equal(await onHand(A, p), 0);
    assert.equal(await onHand(B, p), 3);
  });

  it('partial receipt: the shortfall is kept per line, audited and reported', async () => {
    const p1 = await mkProduct({ cost: 250 });
    const p2 = await mkProduct({ cost: null });
    const p3 = await mkProduct({ cost: 40 });
    await stockIn(A, p1, 5);
    await stockIn(A, p2, 3);
    await stockIn(A, p3, 2);
    const t = await draft(A, B, [{ product_id: p1, quantity: 5 }, { product_id: p2, quantity: 3 }, { product_id: p3, quantity: 2 }]);
    const [l1, , l3] = (await ok(t.id, 'ship')).lines;
    const r = await ok(t.id, 'receive', mgrB.token, { lines: [{ line_id: l1.id, quantity: 3.5 }, { line_id: l3.id, quantity: 0 }] });
    assert.equal(r.status, 'received');
    // lines not named arrive as shipped
    assert.deepEqual(r.lines.map((l) => [l.quantity, l.received_quantity, l.discrepancy]), [[5, 3.5, 1.5], [3, 3, 0], [2, 0, 2]]);
    assert.equal(await onHand(A, p1), 0);
    assert.equal(await onHand(B, p1), 3.5);
    assert.equal(await onHand(B, p2), 3);
    assert.equal(await onHand(B, p3), 0);
    // what was shipped moves in, and the shortfall out again as transfer_loss (newest first)
    assert.deepEqual((await moves(B, p1)).map((m) => [m.kind, m.quantity]), [['transfer_loss', -1.5], ['transfer_in', 5]]);
    assert.deepEqual((await moves(B, p2)).map((m) => [m.kind, m.quantity]), [['transfer_in', 3]]);
    assert.deepEqual((await moves(B, p3)).map((m) => [m.kind, m.quantity]), [['transfer_loss', -2], ['transfer_in', 2]]);
    for (const p of [p1, p2, p3]) {
      await assertLedger(A, p);
      await assertLedger(B, p);
    }
    const rows = await audit(t.id);
    assert.deepEqual(rows.map((a) => a.action), ['create', 'ship', 'discrepancy', 'receive']);
    const d = rows[2].after;
    assert.equal(d.transfer_id, t.id);
    assert.deepEqual(d.lines.map((l) => [l.line_id, l.product_id, l.discrepancy]), [[l1.id, p1, 1.5], [l3.id, p3, 2]]);

    // the report, for B, for A and for hq; not for C
    const rep = await listAll(`${T}/discrepancies?store_id=${B}`);
    const mine = rep.filter((x) => x.transfer_id === t.id);
    assert.equal(mine.length, 2);
    for (const x of mine) assert.deepEqual(Object.keys(x).sort(), DISCREPANCY_KEYS);
    assert.deepEqual(mine.map((x) => [x.line_id, x.product_id, x.quantity, x.received_quantity, x.discrepancy, x.unit_cost, x.value]),
      [[l1.id, p1, 5, 3.5, 1.5, 250, 375], [l3.id, p3, 2, 0, 2, 40, 80]]);
    assert.equal(mine[0].from_store_id, A);
    assert.equal(mine[0].to_store_id, B);
    assert.match(mine[0].received_at, RFC3339_UTC);
    assert.equal(typeof mine[0].sku, 'string');
    assert.equal((await listAll(`${T}/discrepancies?store_id=${A}`, mgrA.token)).filter((x) => x.transfer_id === t.id).length, 2);
    assert.equal((await listAll(`${T}/discrepancies`, hq.token)).filter((x) => x.transfer_id === t.id).length, 2);
    assert.equal((await listAll(`${T}/discrepancies?store_id=${C}`)).filter((x) => x.transfer_id === t.id).length, 0);
    assert.equal((await listAll(`${T}/discrepancies`, mgrC.token)).filter((x) => x.transfer_id === t.id).length, 0);
    assertProblem(await srv.api('GET', `${T}/discrepancies?store_id=${A}`, { token: mgrC.token }), 404, 'not-found');
    // time range on received_at: today (a date takes its whole day), the future, an instant
    // today in the company time zone (the default, Asia/Shanghai)
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const inRange = await listAll(`${T}/discrepancies?store_id=${B}&from=2000-01-01&to=2999-01-01`);
    assert.equal(inRange.filter((x) => x.transfer_id === t.id).length, 2);
    const future = await listAll(`${T}/discrepancies?store_id=${B}&from=2999-01-01`);
    assert.equal(future.length, 0);
    const before = await listAll(`${T}/discrepancies?store_id=${B}&to=2000-01-01T00:00:00Z`);
    assert.equal(before.length, 0);
    const onlyToday = await listAll(`${T}/discrepancies?store_id=${B}&from=${today}&to=${today}`);
    assert.equal(onlyToday.filter((x) => x.transfer_id === t.id).length, 2, 'a date as `to` takes its whole day');
    assertProblem(await api('GET', `${T}/discrepancies?from=yesterday`), 422, 'validation', ['from']);
    assertProblem(await api('GET', `${T}/discrepancies?store_id=x`), 422, 'validation', ['store_id']);
    // export
    const csv = await api('GET', `${T}/discrepancies?store_id=${B}&format=csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.text, /line_id,transfer_id/);
    // the discrepancy shows in GET and the transfer can be closed
    const g = (await api('GET', `${T}/${t.id}`)).body;
    assert.deepEqual(g.lines.map((l) => l.discrepancy), [1.5, 0, 2]);
    assert.equal((await ok(t.id, 'close', mgrB.token)).status, 'closed');
  });

  it('refuses a receipt of more than shipped, unknown or repeated lines (422, nothing changes)', async () => {
    const p1 = await mkProduct();
    const p2 = await mkProduct();
    await stockIn(A, p1, 4);
    await stockIn(A, p2, 4);
    const t = await draft(A, B, [{ product_id: p1, quantity: 2 }, { product_id: p2, quantity: 1 }]);
    const [l1, l2] = (await ok(t.id, 'ship')).lines;
    assertProblem(await act(t.id, 'receive', admin, { lines: [{ line_id: l1.id, quantity: 2.001 }] }), 422, 'validation', ['lines[0].quantity']);
    assertProblem(await act(t.id, 'receive', admin, { lines: [{ line_id: l2.id, quantity: 1 }, { line_id: l1.id, quantity: 3 }] }),
      422, 'validation', ['lines[1].quantity']);
    assertProblem(await act(t.id, 'receive', admin, { lines: [{ line_id: 99999999, quantity: 1 }] }), 422, 'validation', ['lines[0].line_id']);
    assertProblem(await act(t.id, 'receive', admin, { lines: [{ line_id: l1.id, quantity: 1 }, { line_id: l1.id, quantity: 1 }] }),
      422, 'validation', ['lines[1].line_id']);
    assertProblem(await act(t.id, 'receive', admin, { lines: [{ line_id: l1.id, quantity: -1 }] }), 422, 'validation', ['lines[0].quantity']);
    assertProblem(await act(t.id, 'receive', admin, { lines: [{ line_id: l1.id, quantity: 0.0001 }] }), 422, 'validation', ['lines[0].quantity']);
    assertProblem(await act(t.id, 'receive', admin, { lines: [{ line_id: l1.id }] }), 422, 'validation', ['lines[0].quantity']);
    assertProblem(await act(t.id, 'receive', admin, { lines: [{ line_id: l1.id, quantity: 1, product_id: p1 }] }), 422, 'validation', ['lines[0].product_id']);
    assertProblem(await act(t.id, 'receive', admin, { everything: true }), 422, 'validation', ['everything']);
    assertProblem(await act(t.id, 'receive', admin, { lines: [{ line_id: 'one', quantity: 1 }] }), 400, 'bad-request', ['lines[0].line_id']);
    const g = (await api('GET', `${T}/${t.id}`)).body;
    assert.equal(g.status, 'shipped');
    assert.deepEqual(g.lines.map((l) => l.received_quantity), [null, null]);
    assert.equal(await onHand(B, p1), 0);
    assert.equal((await ok(t.id, 'receive', admin, { lines: [{ line_id: l1.id, quantity: 2 }] })).status, 'received');
  });

  it('insufficient stock at ship refuses the whole shipment (409, nothing moves)', async () => {
    const p1 = await mkProduct();
    const p2 = await mkProduct();
    await stockIn(A, p1, 5);
    await stockIn(A, p2, 1);
    const t = await draft(A, B, [{ product_id: p1, quantity: 2 }, { product_id: p2, quantity: 1.5 }]);
    const r = await act(t.id, 'ship');
    assertProblem(r, 409, 'insufficient-stock', ['lines[1].quantity']);
    assert.ok(!(r.body.errors || []).some((e) => e.field === 'lines[0].quantity'), r.text);
    const g = (await api('GET', `${T}/${t.id}`)).body;
    assert.equal(g.status, 'draft');
    assert.equal(g.shipped_at, null);
    assert.deepEqual(g.lines.map((l) => l.unit_cost), [null, null]);
    assert.equal(await onHand(A, p1), 5);
    assert.equal(await onHand(A, p2), 1);
    assert.deepEqual((await moves(A, p1)).map((m) => m.kind), ['receipt']);
    assert.deepEqual((await audit(t.id)).map((a) => a.action), ['create']);
    // two short lines are both named
    const t2 = await draft(A, B, [{ product_id: p1, quantity: 6 }, { product_id: p2, quantity: 2 }]);
    assertProblem(await act(t2.id, 'ship'), 409, 'insufficient-stock', ['lines[0].quantity', 'lines[1].quantity']);
    // once stock is there the same transfer ships
    await stockIn(A, p2, 1);
    assert.equal((await ok(t.id, 'ship')).status, 'shipped');
    assert.equal(await onHand(A, p2), 0.5);
    // a store that allows negative stock ships anyway
    const N = await mkStore({ allow_negative_stock: true });
    const t3 = await draft(N, B, [{ product_id: p1, quantity: 3 }]);
    assert.equal((await ok(t3.id, 'ship')).status, 'shipped');
    assert.equal(await onHand(N, p1), -3);
  });

  it('every wrong transition answers 409 state and changes nothing', async () => {
    const p = await mkProduct();
    await stockIn(A, p, 10);
    const d = await draft(A, B, [{ product_id: p, quantity: 1 }]);
    for (const a of ['receive', 'close']) assertProblem(await act(d.id, a), 409, 'state');
    const s = await draft(A, B, [{ product_id: p, quantity: 1 }]);
    await ok(s.id, 'ship');
    for (const a of ['ship', 'close', 'cancel']) assertProblem(await act(s.id, a), 409, 'state');
    await ok(s.id, 'receive');
    for (const a of ['ship', 'receive', 'cancel']) assertProblem(await act(s.id, a), 409, 'state');
    await ok(s.id, 'close');
    for (const a of ['ship', 'receive', 'close', 'cancel']) assertProblem(await act(s.id, a), 409, 'state');
    const c = await ok(d.id, 'cancel');
    assert.equal(c.status, 'cancelled');
    assert.match(c.cancelled_at, RFC3339_UTC);
    for (const a of ['ship', 'receive', 'close', 'cancel']) assertProblem(await act(d.id, a), 409, 'state');
    const r = await act(d.id, 'ship');
    assert.match(r.body.detail, /cancelled/);
    assert.equal(await onHand(A, p), 9);
    assert.equal(await onHand(B, p), 1);
    assert.deepEqual((await audit(d.id)).map((a) => a.action), ['create', 'cancel']);
    assert.deepEqual((await audit(s.id)).map((a) => a.action), ['create', 'ship', 'receive', 'close']);
    for (const a of ['ship', 'receive', 'close', 'cancel']) assertProblem(await act(99999999, a), 404, 'not-found');
    assertProblem(await api('GET', `${T}/99999999`), 404, 'not-found');
  });

  it('store managers: create and ship from their store, receive into it; others 404 on read and on write', async () => {
    const p = await mkProduct();
    await stockIn(A, p, 10);
    await stockIn(B, p, 10);
    const t = await draft(A, B, [{ product_id: p, quantity: 2 }], mgrA.token);
    assert.equal(t.status, 'draft');
    // from a store not theirs: 403, even towards their own
    assertProblem(await create({ from_store_id: B, to_store_id: A, lines: [{ product_id: p, quantity: 1 }] }, mgrA.token), 403, 'forbidden');
    assertProblem(await create({ from_store_id: C, to_store_id: B, lines: [{ product_id: p, quantity: 1 }] }, mgrA.token), 403, 'forbidden');
    // sales may read but not write
    assert.equal((await srv.api('GET', `${T}/${t.id}`, { token: salesA.token })).status, 200);
    assertProblem(await create({ from_store_id: A, to_store_id: B, lines: [{ product_id: p, quantity: 1 }] }, salesA.token), 403, 'forbidden');
    assertProblem(await act(t.id, 'ship', salesA.token), 403, 'forbidden');
    // another store's manager: the transfer is not there for them, reading or writing
    assertProblem(await srv.api('GET', `${T}/${t.id}`, { token: mgrC.token }), 404, 'not-found');
    for (const a of ['ship', 'receive', 'close', 'cancel']) assertProblem(await act(t.id, a, mgrC.token), 404, 'not-found');
    assertProblem(await act(999999999, 'ship', mgrC.token), 404, 'not-found');
    // the destination reads it but may not ship or cancel it
    assert.equal((await srv.api('GET', `${T}/${t.id}`, { token: mgrB.token })).status, 200);
    assertProblem(await act(t.id, 'ship', mgrB.token), 403, 'forbidden');
    assertProblem(await act(t.id, 'cancel', mgrB.token), 403, 'forbidden');
    assert.equal((await ok(t.id, 'ship', mgrA.token)).status, 'shipped');
    // the source may not receive
    assertProblem(await act(t.id, 'receive', mgrA.token), 403, 'forbidden');
    assert.equal((await ok(t.id, 'receive', mgrB.token)).status, 'received');
    assert.equal((await ok(t.id, 'close', mgrA.token)).status, 'closed');
    assert.equal(await onHand(A, p), 8);
    assert.equal(await onHand(B, p), 12);
    // hq may do anything
    const h = await draft(B, C, [{ product_id: p, quantity: 1 }], hq.token);
    assert.equal((await ok(h.id, 'ship', hq.token)).status, 'shipped');
    assert.equal((await ok(h.id, 'receive', hq.token)).status, 'received');
    // lists: a store manager sees transfers touching their store only
    const other = await draft(B, C, [{ product_id: p, quantity: 1 }]);
    const seenA = await listAll(T, mgrA.token);
    assert.ok(seenA.length > 0);
    assert.ok(seenA.every((x) => x.from_store_id === A || x.to_store_id === A), JSON.stringify(seenA));
    assert.ok(seenA.some((x) => x.id === t.id));
    const seenB = await listAll(T, mgrB.token);
    assert.ok(seenB.some((x) => x.id === t.id) && seenB.some((x) => x.id === other.id));
    assert.ok(!(await listAll(T, mgrC.token)).some((x) => x.id === t.id));
    assertProblem(await srv.api('GET', `${T}?store_id=${B}`, { token: mgrA.token }), 404, 'not-found');
    assert.ok((await listAll(T, hq.token)).some((x) => x.id === other.id));
  });

  it('lists filter by store and status, page with a cursor, and export', async () => {
    const X = await mkStore();
    const Y = await mkStore();
    const p = await mkProduct();
    await stockIn(X, p, 5);
    const d1 = await draft(X, Y, [{ product_id: p, quantity: 1 }]);
    const d2 = await draft(Y, X, [{ product_id: p, quantity: 1 }, { product_id: await mkProduct(), quantity: 2 }]);
    const s1 = await draft(X, Y, [{ product_id: p, quantity: 1 }]);
    await ok(s1.id, 'ship');
    const all = await listAll(`${T}?store_id=${X}`, admin, 1);
    assert.deepEqual(all.map((x) => x.id), [d1.id, d2.id, s1.id]);
    assert.deepEqual(all.map((x) => x.line_count), [1, 2, 1]);
    assert.ok(all.every((x) => !('lines' in x)));
    assert.deepEqual((await listAll(`${T}?store_id=${X}&status=draft`)).map((x) => x.id), [d1.id, d2.id]);
    assert.deepEqual((await listAll(`${T}?store_id=${Y}&status=shipped`)).map((x) => x.id), [s1.id]);
    assert.deepEqual(await listAll(`${T}?store_id=${X}&status=closed`), []);
    assertProblem(await api('GET', `${T}?status=lost`), 422, 'validation', ['status']);
    assertProblem(await api('GET', `${T}?store_id=0`), 422, 'validation', ['store_id']);
    const csv = await api('GET', `${T}?store_id=${X}&format=csv`);
    assert.equal(csv.status, 200);
    assert.equal(csv.text.trim().split('\n').length, 4);
  });
});
