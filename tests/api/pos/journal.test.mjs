// The tamper-evident journal: GET /journal/verify and `tersa verify-journal`
// after sales, returns and a void; roles and parameters; on PostgreSQL rows
// altered behind the application's back with psql are found (the same on
// SQLite is covered by tests/unit/pos/test_journal.c).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawnSync, execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, uniq, makeUser, ROOT, ENGINE } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');

describe('journal verification', () => {
  let srv, admin, hq, manager, storeA, storeB, product;
  const sales = [];
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const verify = (q = '', token = admin) => srv.api('GET', `/api/v1/journal/verify${q}`, { token });
  const cli = (...args) => spawnSync(BIN, ['verify-journal', ...args], { encoding: 'utf8', cwd: ROOT, timeout: 30000 });
  const psql = (sql) => execFileSync('psql', [srv.db, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], { stdio: ['ignore', 'pipe', 'pipe'] });
  const sell = async (store, quantity = 1) => {
    const r = await api('POST', '/api/v1/sales', {
      headers: { 'idempotency-key': randomUUID() },
      body: { store_id: store, lines: [{ product_id: product.id, quantity }], payments: [{ method: 'cash', amount: 10000 }] },
    });
    assert.equal(r.status, 201, r.text);
    sales.push(r.body);
    return r.body;
  };

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    const st = async () => {
      const r = await api('POST', '/api/v1/stores', { body: { code: `J${uniq()}`.slice(0, 12), name: 'Journal store', channel: 'direct' } });
      assert.equal(r.status, 201, r.text);
      return r.body;
    };
    storeA = await st();
    storeB = await st();
    const p = await api('POST', '/api/v1/products', { body: { sku: `J${uniq()}`, name: 'Tea', unit: 'pcs', price: 1500, cost: 700, vat_rate: 1300 } });
    assert.equal(p.status, 201, p.text);
    product = p.body;
    for (const s of [storeA, storeB]) {
      const r = await api('POST', '/api/v1/stock/moves', { body: { store_id: s.id, product_id: product.id, quantity: 100, reason: 'receipt' } });
      assert.equal(r.status, 201, r.text);
    }
    for (let i = 0; i < 4; i++) await sell(storeA.id, 1 + i);
    for (let i = 0; i < 3; i++) await sell(storeB.id);
    // A return and a void add their own records.
    const s = sales[1];
    const r = await api('POST', `/api/v1/sales/${s.id}/returns`, { body: { lines: [{ line_id: s.lines[0].id, quantity: 1 }], refund_method: 'cash', reason: 'broken' } });
    assert.equal(r.status, 201, r.text);
    const v = await api('POST', `/api/v1/sales/${sales[6].id}/void`, { body: { reason: 'wrong' } });
    assert.equal(v.status, 200, v.text);
    hq = await makeUser(srv, 'hq');
    manager = await makeUser(srv, 'store_manager', [storeA.id]);
  });
  // The PostgreSQL run leaves a record deleted on purpose: no final checks then.
  after(async () => { await srv?.stop({ skipChecks: ENGINE === 'postgresql' }); });

  it('an intact journal verifies, for every store and for one', async () => {
    const all = await verify();
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(all.body, { ok: true, records: 9, store_id: null, first_broken_seq: null, problem: null });
    const a = await verify(`?store_id=${storeA.id}`, hq.token);
    assert.deepEqual(a.body, { ok: true, records: 5, store_id: storeA.id, first_broken_seq: null, problem: null });
    const b = await verify(`?store_id=${storeB.id}`);
    assert.deepEqual(b.body, { ok: true, records: 4, store_id: storeB.id, first_broken_seq: null, problem: null });
  });

  it('the CLI agrees: exit 0 and the record count', () => {
    let r = cli('--db', srv.db);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'journal: 9 record(s) intact\n');
    r = cli('--db', srv.db, '--store', String(storeB.id));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'journal: 4 record(s) intact\n');
    for (const bad of [[], ['--db'], ['--db', srv.db, '--store'], ['--db', srv.db, '--store', 'x'], ['--db', srv.db, '--store', '0']]) {
      r = cli(...bad);
      assert.equal(r.status, 2, `${bad.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /verify-journal needs --db/);
    }
  });

  it('roles and parameters', async () => {
    assertProblem(await verify('', manager.token), 403, 'forbidden');
    assertProblem(await verify('?store_id=abc'), 422, 'validation', ['store_id']);
    assertProblem(await verify('?store_id=0'), 422, 'validation', ['store_id']);
    assertProblem(await verify('?store_id=999999'), 404, 'not-found');
    assertProblem(await srv.api('GET', '/api/v1/journal/verify'), 401, 'unauthorized');
  });

  it('a row altered behind the application\'s back is found (PostgreSQL, psql)', { skip: ENGINE !== 'postgresql' }, async () => {
    const s = sales[2]; // store A's third record (the return came after its four sales)
    psql(`UPDATE sales SET total = total + 1 WHERE id = ${s.id}`);
    const r = await verify();
    assert.deepEqual(r.body, { ok: false, records: 3, store_id: storeA.id, first_broken_seq: 3, problem: 'the document was changed after it was recorded' });
    assert.equal((await verify(`?store_id=${storeB.id}`)).body.ok, true);
    let c = cli('--db', srv.db);
    assert.equal(c.status, 1, c.stderr);
    assert.equal(c.stdout, `journal: store ${storeA.id}, record 3: the document was changed after it was recorded\n`);
    psql(`UPDATE sales SET total = total - 1 WHERE id = ${s.id}`);
    assert.equal((await verify()).body.ok, true);

    psql(`UPDATE journal SET content = content || 'x' WHERE store_id = ${storeA.id} AND seq = 2`);
    assert.deepEqual((await verify(`?store_id=${storeA.id}`)).body,
      { ok: false, records: 2, store_id: storeA.id, first_broken_seq: 2, problem: "the record's hash does not match its content" });
    psql(`UPDATE journal SET content = left(content, length(content) - 1) WHERE store_id = ${storeA.id} AND seq = 2`);
    assert.equal((await verify()).body.ok, true);

    psql(`DELETE FROM journal WHERE store_id = ${storeB.id} AND seq = (SELECT max(seq) FROM journal WHERE store_id = ${storeB.id})`);
    assert.deepEqual((await verify()).body,
      { ok: false, records: 8, store_id: storeB.id, first_broken_seq: 4, problem: 'records at the end of the journal are missing' });
    c = cli('--db', srv.db, '--store', String(storeB.id));
    assert.equal(c.status, 1);
    assert.equal(c.stdout, `journal: store ${storeB.id}, record 4: records at the end of the journal are missing\n`);
    // The other store still verifies alone.
    c = cli('--db', srv.db, '--store', String(storeA.id));
    assert.equal(c.status, 0, c.stdout);
  });

  it('new sales keep extending a verified chain', async () => {
    await sell(storeA.id);
    const r = await verify(`?store_id=${storeA.id}`);
    assert.equal(r.body.ok, true, JSON.stringify(r.body));
    assert.equal(r.body.records, 6);
  });
});
