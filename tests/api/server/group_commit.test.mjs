// Group commit on SQLite: concurrent sales share commits even when the
// server has a single worker thread (a sale waiting for its commit must not
// hold the thread that serves the other tills); and, on both engines, a
// till that hangs up while its sale is written.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { startServer, uniq, ENGINE } from '../lib/server.mjs';

const metric = (text, name) => {
  const m = text.match(new RegExp(`^${name} (\\d+)$`, 'm'));
  return m ? Number(m[1]) : null;
};

describe('group commit', { skip: ENGINE !== 'sqlite' && 'SQLite only: PostgreSQL commits per sale' }, () => {
  let srv, admin, storeId, productId;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const writer = async () => {
    const r = await api('GET', '/metrics');
    assert.equal(r.status, 200);
    return { commits: metric(r.text, 'tersa_sqlite_writer_commits_total'), writes: metric(r.text, 'tersa_sqlite_writer_writes_total') };
  };

  before(async () => {
    srv = await startServer({ args: ['--threads', '1', '--per-ip', '1024'] });
    admin = srv.adminToken;
    const code = `G${uniq()}`.slice(0, 12);
    let r = await api('POST', '/api/v1/stores', { body: { code, name: 'Group', channel: 'direct' } });
    assert.equal(r.status, 201, r.text);
    storeId = r.body.id;
    r = await api('POST', '/api/v1/products', { body: { sku: `G-${uniq()}`, name: 'Tea', price: 350, vat_rate: 1300 } });
    assert.equal(r.status, 201, r.text);
    productId = r.body.id;
    r = await api('POST', '/api/v1/stock/moves', { body: { store_id: storeId, product_id: productId, quantity: 10000, reason: 'receipt' } });
    assert.equal(r.status, 201, r.text);
  });
  after(async () => { await srv?.stop(); });

  it('40 tills at once on one worker thread: every sale answered after a shared commit', async () => {
    const before = await writer();
    assert.notEqual(before.commits, null, 'the writer metrics are exported');
    const body = { store_id: storeId, lines: [{ product_id: productId, quantity: 1 }], payments: [{ method: 'cash', amount: 400 }] };
    const rs = await Promise.all(Array.from({ length: 40 }, () =>
      api('POST', '/api/v1/sales', { body, headers: { 'idempotency-key': randomUUID() } })));
    assert.deepEqual(rs.map((r) => r.status), Array(40).fill(201), rs.find((r) => r.status !== 201)?.text);
    assert.equal(new Set(rs.map((r) => r.body.id)).size, 40);
    for (const r of rs.slice(0, 5)) {
      assert.equal(r.body.change_due, 50);
      const g = await api('GET', `/api/v1/sales/${r.body.id}`);
      assert.deepEqual(g.body, r.body, 'the answer is the sale as stored');
    }
    const after = await writer();
    assert.equal(after.writes - before.writes, 40);
    // Blocking the only thread per sale would make one commit per sale.
    assert.ok(after.commits - before.commits < 40,
      `40 sales took ${after.commits - before.commits} commits: none were shared`);
  });
});

describe('a till that hangs up while its sale is written', () => {
  let srv, admin;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
  });
  after(async () => { await srv?.stop(); });

  it('the sale is stored once, a retry with its key replays it, the server goes on', async () => {
    const code = `H${uniq()}`.slice(0, 12);
    let r = await api('POST', '/api/v1/stores', { body: { code, name: 'Hang-up', channel: 'direct' } });
    const storeId = r.body.id;
    r = await api('POST', '/api/v1/products', { body: { sku: `H-${uniq()}`, name: 'Milk', price: 500, vat_rate: 1300 } });
    const productId = r.body.id;
    await api('POST', '/api/v1/stock/moves', { body: { store_id: storeId, product_id: productId, quantity: 100, reason: 'receipt' } });
    const body = JSON.stringify({ store_id: storeId, lines: [{ product_id: productId, quantity: 1 }], payments: [{ method: 'cash', amount: 500 }] });
    const keys = Array.from({ length: 10 }, () => randomUUID());
    // Ten tills send a sale and close the connection at once.
    await Promise.all(keys.map((key) => new Promise((resolve) => {
      const s = net.connect(srv.port, '127.0.0.1', () => {
        s.end(`POST /api/v1/sales HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ${admin}\r\n` +
          `Content-Type: application/json\r\nIdempotency-Key: ${key}\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        s.destroy();
        resolve();
      });
      s.on('error', resolve);
    })));
    // Their retries: each key gives one sale, made now or replayed.
    const retries = await Promise.all(keys.map((key) => api('POST', '/api/v1/sales', { body: JSON.parse(body), headers: { 'idempotency-key': key } })));
    assert.deepEqual(retries.map((x) => x.status), Array(10).fill(201));
    const ids = new Set(retries.map((x) => x.body.id));
    assert.equal(ids.size, 10);
    const list = await api('GET', `/api/v1/sales?store_id=${storeId}&limit=100`);
    assert.equal(list.body.items.length, 10, 'no sale stored twice');
    const stock = await api('GET', `/api/v1/stock?store_id=${storeId}&product_id=${productId}`);
    assert.equal(stock.body.items[0].on_hand, 90);
    assert.equal((await api('GET', '/api/v1/health')).status, 200);
  });
});
