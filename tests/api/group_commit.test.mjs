// Group commit on SQLite: concurrent sales share commits even when the
// server has a single worker thread (a sale waiting for its commit must not
// hold the thread that serves the other tills).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq, ENGINE } from './lib/server.mjs';

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
