// A product's price and cost history: creation, edits that change the price
// or the cost (others are left out), a receipt's moving-average cost,
// paging newest first, and bad input.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

describe('product price history', () => {
  let srv, admin, p;
  const api = (m, path, o = {}) => srv.api(m, path, { token: admin, ...o });
  const history = (id, q = '', o = {}) => api('GET', `/api/v1/products/${id}/price-history${q}`, o);

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    const r = await api('POST', '/api/v1/products', {
      body: { sku: `PH${uniq().toUpperCase()}`, name: 'Tea', unit: 'pcs', price: 1000, cost: 600, vat_rate: 1300 },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    p = r.body;
  });
  after(async () => { await srv?.stop(); });

  it('lists the creation, then each price or cost change, newest first', async () => {
    assert.equal((await api('PATCH', `/api/v1/products/${p.id}`, { body: { price: 1200 } })).status, 200);
    assert.equal((await api('PATCH', `/api/v1/products/${p.id}`, { body: { name: 'Green tea' } })).status, 200);
    assert.equal((await api('PATCH', `/api/v1/products/${p.id}`, { body: { cost: 650, price: 1250 } })).status, 200);
    assert.equal((await api('PATCH', `/api/v1/products/${p.id}`, { body: { cost: null } })).status, 200);
    const r = await history(p.id);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.next_cursor, null);
    const rows = r.body.items.map((i) => ({ action: i.action, price: i.price, cost: i.cost, username: i.username }));
    assert.deepEqual(rows, [
      { action: 'update', price: null, cost: { before: 650, after: null }, username: 'admin' },
      { action: 'update', price: { before: 1200, after: 1250 }, cost: { before: 600, after: 650 }, username: 'admin' },
      { action: 'update', price: { before: 1000, after: 1200 }, cost: null, username: 'admin' },
      { action: 'create', price: { before: null, after: 1000 }, cost: { before: null, after: 600 }, username: 'admin' },
    ]);
    for (const i of r.body.items) assert.match(i.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it('records the moving-average cost set by goods received', async () => {
    const store = await api('POST', '/api/v1/stores', { body: { code: `S-${uniq()}`, name: 'S', channel: 'direct' } });
    const q = await api('POST', '/api/v1/products', {
      body: { sku: `PH${uniq().toUpperCase()}`, name: 'Rice', unit: 'pcs', price: 500, vat_rate: 900 },
    });
    const m = await api('POST', '/api/v1/stock/moves', {
      body: { store_id: store.body.id, product_id: q.body.id, quantity: 10, reason: 'receipt', unit_cost: 320 },
    });
    assert.equal(m.status, 201, JSON.stringify(m.body));
    const r = await history(q.body.id);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.items.map((i) => [i.price, i.cost]), [
      [null, { before: null, after: 320 }],
      [{ before: null, after: 500 }, null], // created without a cost
    ]);
  });

  it('pages newest first', async () => {
    const q = (await api('POST', '/api/v1/products', {
      body: { sku: `PH${uniq().toUpperCase()}`, name: 'Salt', unit: 'pcs', price: 100, vat_rate: 900 },
    })).body;
    for (const price of [101, 102, 103, 104]) {
      assert.equal((await api('PATCH', `/api/v1/products/${q.id}`, { body: { price } })).status, 200);
    }
    const seen = [];
    let cursor = null;
    for (let i = 0; i < 10; i++) {
      const r = await history(q.id, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(r.body.items.length <= 2);
      seen.push(...r.body.items.map((x) => x.price.after));
      cursor = r.body.next_cursor;
      if (cursor === null) break;
    }
    assert.deepEqual(seen, [104, 103, 102, 101, 100]);
  });

  it('refuses bad input and unknown products', async () => {
    assertProblem(await history(999999999), 404, 'not-found');
    assertProblem(await history(p.id, '?limit=0'), 422, 'validation', ['limit']);
    assertProblem(await history(p.id, '?cursor=abc'), 422, 'validation', ['cursor']);
    assertProblem(await history(p.id, '?format=csv'), 422, 'validation', ['format']);
    assert.equal((await history(p.id, '', { token: undefined })).status, 401);
  });

  it('is readable by the roles that read the catalog', async () => {
    const store = await api('POST', '/api/v1/stores', { body: { code: `S-${uniq()}`, name: 'S', channel: 'direct' } });
    const sales = await makeUser(srv, 'sales', [store.body.id]);
    const r = await srv.api('GET', `/api/v1/products/${p.id}/price-history`, { token: sales.token });
    assert.equal(r.status, 200);
    assert.ok(r.body.items.length >= 1);
  });
});
