// Stock counts: the snapshot of expected quantities (category and its
// sub-categories, active products or products with stock), scanner batches
// that add up (or set), the review with variances and their value, applying
// against the snapshot so moves made during the count are kept, cancel,
// every wrong transition, audit rows, and store scoping.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const COUNT_KEYS = ['id', 'store_id', 'category_id', 'status', 'note', 'snapshot_move_id', 'lines_total',
  'lines_counted', 'created_by', 'created_at', 'applied_at', 'cancelled_at'].sort();
const LINE_KEYS = ['product_id', 'sku', 'name', 'barcode', 'expected', 'counted', 'variance', 'unit_cost',
  'variance_value'].sort();
const TOTAL_KEYS = ['lines', 'counted', 'uncounted', 'with_variance', 'variance_value', 'surplus_value',
  'shortage_value', 'unvalued'].sort();
const K = '/api/v1/stock/counts';

let barcodeSeq = 0;
// A fresh EAN-13 with a correct check digit.
function ean13() {
  barcodeSeq += 1;
  const body = `20${String(process.pid % 100000).padStart(5, '0')}${String(barcodeSeq).padStart(5, '0')}`;
  const sum = [...body].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0);
  return body + String((10 - (sum % 10)) % 10);
}

describe('stock counts', () => {
  let srv, admin, adminId;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });

  async function mkStore(extra = {}) {
    const r = await api('POST', '/api/v1/stores', { body: { code: `S-${uniq()}`, name: `Store ${uniq()}`, channel: 'direct', ...extra } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  }
  async function mkCategory(parent_id) {
    const r = await api('POST', '/api/v1/categories', { body: { name: `Cat ${uniq()}`, ...(parent_id ? { parent_id } : {}) } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  }
  async function mkProduct(extra = {}) {
    const r = await api('POST', '/api/v1/products', {
      body: { sku: `P-${uniq()}`, name: `Product ${uniq()}`, unit: 'pcs', price: 1000, cost: 100, vat_rate: 0, barcode: ean13(), ...extra },
    });
    assert.equal(r.status, 201, r.text);
    return r.body;
  }
  async function move(store_id, product_id, quantity, reason = 'receipt') {
    const r = await api('POST', '/api/v1/stock/moves', { body: { store_id, product_id, quantity, reason } });
    assert.equal(r.status, 201, r.text);
    return r.body;
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
  const open = (body, token = admin) => srv.api('POST', K, { token, body });
  async function opened(body, token = admin) {
    const r = await open(body, token);
    assert.equal(r.status, 201, r.text);
    return r.body;
  }
  const scan = (id, body, token = admin) => srv.api('POST', `${K}/${id}/lines`, { token, body });
  async function scanned(id, body, token = admin) {
    const r = await scan(id, body, token);
    assert.equal(r.status, 200, r.text);
    return r.body;
  }
  const act = (id, action, token = admin) => srv.api('POST', `${K}/${id}/${action}`, { token });
  async function review(id, token = admin) {
    const r = await srv.api('GET', `${K}/${id}`, { token });
    assert.equal(r.status, 200, r.text);
    return r.body;
  }
  const line = (rv, pid) => rv.lines.find((l) => l.product_id === pid);
  async function audit(id) {
    const r = await api('GET', `/api/v1/audit?entity=stock_count&entity_id=${id}&limit=500`);
    assert.equal(r.status, 200, r.text);
    return r.body.items.reverse();
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
  });
  after(async () => { await srv?.stop(); });

  it('opens a count: 201, Location, expected quantities snapshotted for the category subtree', async () => {
    const S = await mkStore();
    const root = await mkCategory();
    const child = await mkCategory(root);
    const other = await mkCategory();
    const a = await mkProduct({ category_id: root, cost: 120 });
    const b = await mkProduct({ category_id: child, cost: null });
    const c = await mkProduct({ category_id: other });
    const idle = await mkProduct({ category_id: root }); // active, never stocked
    const gone = await mkProduct({ category_id: root }); // inactive, no stock: left out
    const goneWithStock = await mkProduct({ category_id: child }); // inactive with stock: counted
    await move(S, a.id, 10);
    await move(S, b.id, 2.5);
    await move(S, c.id, 4);
    await move(S, goneWithStock.id, 1);
    for (const p of [gone, goneWithStock]) {
      assert.equal((await api('PATCH', `/api/v1/products/${p.id}`, { body: { active: false } })).status, 200);
    }
    const r = await open({ store_id: S, category_id: root, note: 'spring stocktake' });
    assert.equal(r.status, 201, r.text);
    const k = r.body;
    assert.deepEqual(Object.keys(k).sort(), COUNT_KEYS);
    assert.equal(hdr(r, 'location'), `${K}/${k.id}`);
    assert.equal(k.store_id, S);
    assert.equal(k.category_id, root);
    assert.equal(k.status, 'open');
    assert.equal(k.note, 'spring stocktake');
    assert.equal(k.created_by, adminId);
    assert.match(k.created_at, RFC3339_UTC);
    assert.equal(k.applied_at, null);
    assert.equal(k.cancelled_at, null);
    assert.equal(k.lines_total, 4);
    assert.equal(k.lines_counted, 0);
    const lastMove = (await moves(S, goneWithStock.id))[0].id;
    assert.ok(k.snapshot_move_id >= lastMove, `${k.snapshot_move_id} >= ${lastMove}`);

    const rv = await review(k.id);
    assert.deepEqual(Object.keys(rv).sort(), [...COUNT_KEYS, 'lines', 'totals'].sort());
    assert.deepEqual(rv.lines.map((l) => l.product_id), [a.id, b.id, idle.id, goneWithStock.id]);
    for (const l of rv.lines) assert.deepEqual(Object.keys(l).sort(), LINE_KEYS);
    assert.deepEqual(rv.lines.map((l) => l.expected), [10, 2.5, 0, 1]);
    assert.ok(rv.lines.every((l) => l.counted === null && l.variance === null && l.variance_value === null));
    assert.deepEqual(rv.lines.map((l) => l.unit_cost), [120, null, 100, 100]);
    assert.equal(line(rv, a.id).sku, a.sku);
    assert.equal(line(rv, a.id).name, a.name);
    assert.equal(line(rv, a.id).barcode, a.barcode);
    assert.deepEqual(Object.keys(rv.totals).sort(), TOTAL_KEYS);
    assert.deepEqual(rv.totals, { lines: 4, counted: 0, uncounted: 4, with_variance: 0, variance_value: 0,
      surplus_value: 0, shortage_value: 0, unvalued: 0 });
    assert.deepEqual((await audit(k.id)).map((x) => x.action), ['create']);

    // without a category: every active product or product with stock
    const S2 = await mkStore();
    await move(S2, c.id, 1);
    const all = await opened({ store_id: S2 });
    assert.equal(all.category_id, null);
    assert.equal(all.note, null);
    const rv2 = await review(all.id);
    const ids = rv2.lines.map((l) => l.product_id);
    for (const p of [a, b, c, idle]) assert.ok(ids.includes(p.id), `product ${p.id} in the full count`);
    assert.ok(!ids.includes(gone.id) && !ids.includes(goneWithStock.id));
    assert.equal(line(rv2, c.id).expected, 1);
    assert.equal(line(rv2, a.id).expected, 0);
  });

  it('refuses bad input when opening', async () => {
    const S = await mkStore();
    assertProblem(await open({}), 422, 'validation', ['store_id']);
    assertProblem(await open({ store_id: 99999999 }), 422, 'validation', ['store_id']);
    assertProblem(await open({ store_id: S, category_id: 99999999 }), 422, 'validation', ['category_id']);
    assertProblem(await open({ store_id: 99999999, category_id: 99999999 }), 422, 'validation', ['store_id', 'category_id']);
    assertProblem(await open({ store_id: S, status: 'applied' }), 422, 'validation', ['status']);
    assertProblem(await open({ store_id: S, expected: {} }), 422, 'validation', ['expected']);
    assertProblem(await open({ store_id: 'S' }), 400, 'bad-request', ['store_id']);
    assertProblem(await open({ store_id: S, note: 5 }), 400, 'bad-request', ['note']);
    assert.deepEqual(await listAll(`${K}?store_id=${S}`), []);
  });

  it('scanner batches add up (by barcode and by id, within and across batches); mode set overwrites', async () => {
    const S = await mkStore();
    const cat = await mkCategory();
    const a = await mkProduct({ category_id: cat, cost: 100 });
    const b = await mkProduct({ category_id: cat, cost: 30 });
    const c = await mkProduct({ category_id: cat, cost: null });
    const outside = await mkProduct({ category_id: await mkCategory() });
    await move(S, a.id, 10);
    await move(S, b.id, 2);
    await move(S, c.id, 5);
    const k = await opened({ store_id: S, category_id: cat });
    const r1 = await scanned(k.id, { lines: [{ barcode: a.barcode, quantity: 2 }, { product_id: a.id, quantity: 3 }, { barcode: b.barcode, quantity: 1 }] });
    assert.equal(r1.mode, 'add');
    assert.equal(r1.status, 'open');
    assert.equal(r1.lines_counted, 2);
    assert.deepEqual(r1.lines.map((l) => [l.product_id, l.counted]), [[a.id, 5], [b.id, 1]]);
    const r2 = await scanned(k.id, { lines: [{ barcode: a.barcode, quantity: 1.5 }, { barcode: a.barcode, quantity: 0.25 }] });
    assert.deepEqual(r2.lines.map((l) => [l.product_id, l.counted, l.expected, l.variance]), [[a.id, 6.75, 10, -3.25]]);
    // zero counts: a product that is not there
    await scanned(k.id, { lines: [{ product_id: c.id, quantity: 0 }] });
    let rv = await review(k.id);
    assert.equal(line(rv, a.id).counted, 6.75);
    assert.equal(line(rv, b.id).counted, 1);
    assert.equal(line(rv, c.id).counted, 0);
    // a correction: set overwrites (repeats within the batch still add up)
    const r3 = await scanned(k.id, { mode: 'set', lines: [{ product_id: a.id, quantity: 4 }, { barcode: a.barcode, quantity: 8 }] });
    assert.equal(r3.mode, 'set');
    assert.equal(r3.lines[0].counted, 12);
    await scanned(k.id, { mode: 'set', lines: [{ product_id: a.id, quantity: 9 }] });
    await scanned(k.id, { mode: 'add', lines: [{ product_id: b.id, quantity: 2 }] });
    rv = await review(k.id);
    assert.deepEqual([a, b, c].map((p) => [line(rv, p.id).counted, line(rv, p.id).variance, line(rv, p.id).variance_value]),
      [[9, -1, -100], [3, 1, 30], [0, -5, null]]);
    assert.deepEqual(rv.totals, { lines: 3, counted: 3, uncounted: 0, with_variance: 3, variance_value: -70,
      surplus_value: 30, shortage_value: -100, unvalued: 1 });
    assert.equal(rv.lines_counted, 3);

    // bad lines: each named, nothing of the batch kept
    const bad = await scan(k.id, { lines: [{ product_id: a.id, quantity: 1 }, { barcode: '4006381333931', quantity: 1 },
      { barcode: outside.barcode, quantity: 1 }, { product_id: outside.id, quantity: 1 }, { product_id: 99999999, quantity: 1 },
      { product_id: a.id, quantity: -1 }, { product_id: a.id, quantity: 1.0001 }, { product_id: a.id, barcode: a.barcode, quantity: 1 },
      { quantity: 1 }, { product_id: a.id }] });
    assertProblem(bad, 422, 'validation', ['lines[1].barcode', 'lines[2].barcode', 'lines[3].product_id', 'lines[4].product_id',
      'lines[5].quantity', 'lines[6].quantity', 'lines[7].product_id', 'lines[8].barcode', 'lines[9].quantity']);
    assert.ok(!bad.body.errors.some((e) => e.field.startsWith('lines[0]')), bad.text);
    assert.match(bad.body.errors.find((e) => e.field === 'lines[2].barcode').message, /not in this count/);
    assert.equal(line(await review(k.id), a.id).counted, 9);
    assertProblem(await scan(k.id, { lines: [] }), 422, 'validation', ['lines']);
    assertProblem(await scan(k.id, {}), 422, 'validation', ['lines']);
    assertProblem(await scan(k.id, { lines: [{ product_id: a.id, quantity: 1 }], mode: 'replace' }), 422, 'validation', ['mode']);
    assertProblem(await scan(k.id, { lines: [{ product_id: a.id, quantity: 1, note: 'x' }] }), 422, 'validation', ['lines[0].note']);
    assertProblem(await scan(k.id, { lines: [{ barcode: 4006381333931, quantity: 1 }] }), 400, 'bad-request', ['lines[0].barcode']);
    assertProblem(await scan(k.id, { lines: ['x'] }), 400, 'bad-request', ['lines[0]']);
    assertProblem(await scan(99999999, { lines: [{ product_id: a.id, quantity: 1 }] }), 404, 'not-found');
    const rows = await audit(k.id);
    assert.deepEqual(rows.map((x) => x.action), ['create', 'count_lines', 'count_lines', 'count_lines', 'count_lines', 'count_lines', 'count_lines']);
    assert.equal(rows[4].after.mode, 'set');
  });

  it('an in-scope product without a line (inactive, no stock) gets one when scanned', async () => {
    const S = await mkStore();
    const cat = await mkCategory();
    const a = await mkProduct({ category_id: cat });
    const dormant = await mkProduct({ category_id: cat, cost: 70 });
    assert.equal((await api('PATCH', `/api/v1/products/${dormant.id}`, { body: { active: false } })).status, 200);
    await move(S, a.id, 1);
    const k = await opened({ store_id: S, category_id: cat });
    assert.equal(k.lines_total, 1);
    const r = await scanned(k.id, { lines: [{ barcode: dormant.barcode, quantity: 2 }] });
    assert.equal(r.lines_total, 2);
    assert.deepEqual(r.lines.map((l) => [l.product_id, l.expected, l.counted, l.unit_cost]), [[dormant.id, 0, 2, 70]]);
    const applied = await act(k.id, 'apply');
    assert.equal(applied.status, 200, applied.text);
    assert.equal(await onHand(S, dormant.id), 2);
    assert.equal(await onHand(S, a.id), 1, 'uncounted lines are left alone');
  });

  it('apply: count moves against the snapshot, so a move made during the count is kept', async () => {
    const S = await mkStore();
    const cat = await mkCategory();
    const a = await mkProduct({ category_id: cat, cost: 100 });
    const b = await mkProduct({ category_id: cat, cost: 10 });
    const c = await mkProduct({ category_id: cat });
    const d = await mkProduct({ category_id: cat });
    await move(S, a.id, 10);
    await move(S, b.id, 4);
    await move(S, c.id, 7);
    await move(S, d.id, 3);
    const k = await opened({ store_id: S, category_id: cat });
    // counted before the sale: 8 of a (2 missing), 6 of b (2 extra), 3 of d (right)
    await scanned(k.id, { lines: [{ product_id: a.id, quantity: 8 }, { product_id: b.id, quantity: 6 }, { product_id: d.id, quantity: 3 }] });
    // a sale-like move during the count
    await move(S, a.id, -3, 'adjustment');
    assert.equal(await onHand(S, a.id), 7);
    const r = await act(k.id, 'apply');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'applied');
    assert.match(r.body.applied_at, RFC3339_UTC);
    assert.equal(r.body.moves, 2);
    assert.equal(r.body.uncounted, 1);
    assert.equal(r.body.totals.uncounted, 1);
    assert.equal(r.body.totals.variance_value, -200 + 20);
    assert.equal(line(r.body, c.id).counted, null);
    // final = counted + moves after the snapshot
    assert.equal(await onHand(S, a.id), 8 - 3);
    assert.equal(await onHand(S, b.id), 6);
    assert.equal(await onHand(S, c.id), 7, 'uncounted: left alone');
    assert.equal(await onHand(S, d.id), 3);
    const ma = (await moves(S, a.id)).find((m) => m.kind === 'count');
    assert.equal(ma.quantity, -2);
    assert.equal(ma.doc_type, 'count');
    assert.equal(ma.doc_id, k.id);
    assert.equal(ma.unit_cost, 100);
    assert.equal((await moves(S, b.id)).find((m) => m.kind === 'count').quantity, 2);
    assert.ok(!(await moves(S, c.id)).some((m) => m.kind === 'count'));
    assert.ok(!(await moves(S, d.id)).some((m) => m.kind === 'count'), 'no move for a line without variance');
    for (const p of [a, b, c, d]) {
      const sum = (await moves(S, p.id)).reduce((s, m) => s + Math.round(m.quantity * 1000), 0);
      assert.equal(Math.round((await onHand(S, p.id)) * 1000), sum);
    }
    // applying twice, cancelling or scanning after apply: 409 state, nothing moves again
    assertProblem(await act(k.id, 'apply'), 409, 'state');
    assertProblem(await act(k.id, 'cancel'), 409, 'state');
    assertProblem(await scan(k.id, { lines: [{ product_id: a.id, quantity: 1 }] }), 409, 'state');
    assert.equal(await onHand(S, a.id), 5);
    assert.equal((await moves(S, a.id)).filter((m) => m.kind === 'count').length, 1);
    const rows = await audit(k.id);
    assert.deepEqual(rows.map((x) => x.action), ['create', 'count_lines', 'apply']);
    assert.equal(rows[2].before.status, 'open');
    assert.equal(rows[2].after.status, 'applied');
    assert.equal(rows[2].after.moves, 2);
    assert.equal(rows[2].store_id, S);
  });

  it('a count may take stock below zero when applied (its moves are always allowed)', async () => {
    const S = await mkStore();
    const cat = await mkCategory();
    const a = await mkProduct({ category_id: cat });
    await move(S, a.id, 5);
    const k = await opened({ store_id: S, category_id: cat });
    await scanned(k.id, { lines: [{ product_id: a.id, quantity: 1 }] });
    await move(S, a.id, -5, 'adjustment'); // all of it sold during the count
    assert.equal((await act(k.id, 'apply')).status, 200);
    assert.equal(await onHand(S, a.id), -4);
  });

  it('cancel: only an open count; an applied or cancelled one answers 409 state', async () => {
    const S = await mkStore();
    const cat = await mkCategory();
    const a = await mkProduct({ category_id: cat });
    await move(S, a.id, 5);
    const k = await opened({ store_id: S, category_id: cat });
    await scanned(k.id, { lines: [{ product_id: a.id, quantity: 1 }] });
    const r = await act(k.id, 'cancel');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'cancelled');
    assert.match(r.body.cancelled_at, RFC3339_UTC);
    for (const x of ['apply', 'cancel']) assertProblem(await act(k.id, x), 409, 'state');
    assertProblem(await scan(k.id, { lines: [{ product_id: a.id, quantity: 1 }] }), 409, 'state');
    assert.equal(await onHand(S, a.id), 5);
    assert.deepEqual((await audit(k.id)).map((x) => x.action), ['create', 'count_lines', 'cancel']);
    for (const x of ['apply', 'cancel']) assertProblem(await act(99999999, x), 404, 'not-found');
    assertProblem(await api('GET', `${K}/99999999`), 404, 'not-found');
  });

  it('one open count per product and store: an overlapping one answers 409 until the first ends', async () => {
    const S = await mkStore();
    const root = await mkCategory();
    const child = await mkCategory(root);
    const other = await mkCategory();
    await mkProduct({ category_id: child });
    await mkProduct({ category_id: other });
    const first = await opened({ store_id: S, category_id: child });
    assertProblem(await open({ store_id: S, category_id: root }), 409, 'conflict');
    assertProblem(await open({ store_id: S }), 409, 'conflict');
    const side = await opened({ store_id: S, category_id: other }); // disjoint: fine
    const T2 = await mkStore();
    await opened({ store_id: T2, category_id: root }); // another store: fine
    assert.equal((await act(first.id, 'cancel')).status, 200);
    assert.equal((await opened({ store_id: S, category_id: root })).status, 'open');
    assert.equal((await act(side.id, 'cancel')).status, 200);
  });

  it('store managers count their stores only; others 404 on read and on write', async () => {
    const S = await mkStore();
    const T2 = await mkStore();
    const cat = await mkCategory();
    const a = await mkProduct({ category_id: cat });
    await move(S, a.id, 3);
    const mgrS = await makeUser(srv, 'store_manager', [S]);
    const mgrT = await makeUser(srv, 'store_manager', [T2]);
    const salesS = await makeUser(srv, 'sales', [S]);
    const hq = await makeUser(srv, 'hq', []);
    const k = await opened({ store_id: S, category_id: cat }, mgrS.token);
    assert.equal(k.created_by, mgrS.id);
    assertProblem(await open({ store_id: T2, category_id: cat }, mgrS.token), 403, 'forbidden');
    assertProblem(await open({ store_id: S, category_id: cat }, salesS.token), 403, 'forbidden');
    assert.equal((await review(k.id, salesS.token)).id, k.id);
    assert.equal((await review(k.id, hq.token)).id, k.id);
    assertProblem(await srv.api('GET', `${K}/${k.id}`, { token: mgrT.token }), 404, 'not-found');
    assertProblem(await scan(k.id, { lines: [{ product_id: a.id, quantity: 1 }] }, mgrT.token), 404, 'not-found');
    assertProblem(await act(k.id, 'apply', mgrT.token), 404, 'not-found');
    assertProblem(await act(k.id, 'cancel', mgrT.token), 404, 'not-found');
    assertProblem(await scan(k.id, { lines: [{ product_id: a.id, quantity: 1 }] }, salesS.token), 403, 'forbidden');
    await scanned(k.id, { lines: [{ barcode: a.barcode, quantity: 2 }] }, mgrS.token);
    const r = await act(k.id, 'apply', mgrS.token);
    assert.equal(r.status, 200, r.text);
    assert.equal(await onHand(S, a.id), 2);
    // lists
    const kT = await opened({ store_id: T2, category_id: cat }, mgrT.token);
    const seenS = await listAll(K, mgrS.token);
    assert.ok(seenS.some((x) => x.id === k.id));
    assert.ok(seenS.every((x) => x.store_id === S), JSON.stringify(seenS));
    assert.ok(!(await listAll(K, mgrT.token)).some((x) => x.id === k.id));
    assertProblem(await srv.api('GET', `${K}?store_id=${S}`, { token: mgrT.token }), 404, 'not-found');
    const seenHq = await listAll(K, hq.token);
    assert.ok(seenHq.some((x) => x.id === k.id) && seenHq.some((x) => x.id === kT.id));
  });

  it('lists filter by store and status, page with a cursor, and export', async () => {
    const S = await mkStore();
    const c1 = await mkCategory();
    const c2 = await mkCategory();
    const c3 = await mkCategory();
    for (const c of [c1, c2, c3]) await mkProduct({ category_id: c });
    const k1 = await opened({ store_id: S, category_id: c1 });
    const k2 = await opened({ store_id: S, category_id: c2 });
    const k3 = await opened({ store_id: S, category_id: c3 });
    assert.equal((await act(k2.id, 'apply')).status, 200);
    assert.equal((await act(k3.id, 'cancel')).status, 200);
    const all = await listAll(`${K}?store_id=${S}`, admin, 1);
    assert.deepEqual(all.map((x) => [x.id, x.status]), [[k1.id, 'open'], [k2.id, 'applied'], [k3.id, 'cancelled']]);
    assert.ok(all.every((x) => !('lines' in x) && x.lines_total === 1));
    for (const [s, k] of [['open', k1], ['applied', k2], ['cancelled', k3]]) {
      assert.deepEqual((await listAll(`${K}?store_id=${S}&status=${s}`)).map((x) => x.id), [k.id]);
    }
    assertProblem(await api('GET', `${K}?status=done`), 422, 'validation', ['status']);
    assertProblem(await api('GET', `${K}?store_id=abc`), 422, 'validation', ['store_id']);
    const csv = await api('GET', `${K}?store_id=${S}&format=csv`);
    assert.equal(csv.status, 200);
    assert.equal(csv.text.trim().split('\n').length, 4);
  });
});
