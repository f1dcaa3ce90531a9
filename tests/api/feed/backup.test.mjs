// `tersa backup` while a server keeps selling, `tersa restore` of the copy:
// every sale acknowledged before the backup began is in the restored
// database, which passes check-db, check-stock and verify-journal; restore
// refuses what is not a Tersa database and an existing target. SQLite only:
// PostgreSQL is backed up with pg_dump (refused with a pointer to it).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, uniq, ROOT, ENGINE } from '../lib/server.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
const tersa = (...args) => spawnSync(BIN, args, { encoding: 'utf8', cwd: ROOT, timeout: 60000 });
const run = (...args) =>
  new Promise((resolve) => {
    const p = spawn(BIN, args, { cwd: ROOT });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (status) => resolve({ status, out }));
  });

describe('backup and restore', { skip: ENGINE !== 'sqlite' && 'SQLite only: PostgreSQL uses pg_dump' }, () => {
  let srv, admin, store, product, dir;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tersa-backup-'));
    srv = await startServer();
    admin = srv.adminToken;
    let r = await api('POST', '/api/v1/stores', { body: { code: `B${uniq()}`.slice(0, 12), name: 'Backup store', channel: 'direct' } });
    assert.equal(r.status, 201, r.text);
    store = r.body;
    r = await api('POST', '/api/v1/products', { body: { sku: `B${uniq()}`, name: 'Backup tea', unit: 'pcs', price: 1200, cost: 500, vat_rate: 1300 } });
    assert.equal(r.status, 201, r.text);
    product = r.body;
    r = await api('POST', '/api/v1/stock/moves', { body: { store_id: store.id, product_id: product.id, quantity: 1000000, reason: 'receipt' } });
    assert.equal(r.status, 201, r.text);
  });
  after(async () => {
    await srv?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('copies the database while sales go on, and the restored copy has every sale acknowledged before', async () => {
    const acked = [];
    const failed = [];
    let selling = true;
    const seller = async () => {
      while (selling) {
        const r = await api('POST', '/api/v1/sales', {
          headers: { 'idempotency-key': randomUUID() },
          body: { store_id: store.id, lines: [{ product_id: product.id, quantity: 1 + (acked.length % 3) }], payments: [{ method: 'cash', amount: 10000 }] },
        });
        if (r.status === 201) acked.push(r.body);
        else failed.push(`${r.status} ${r.text}`);
      }
    };
    const sellers = [seller(), seller(), seller(), seller()];
    while (acked.length < 60) await new Promise((r) => setTimeout(r, 10));
    const before = acked.slice();
    const file = path.join(dir, 'copy.db');
    const b = await run('backup', '--db', srv.db, file);
    // a few more sales after the copy, which it need not hold
    const target = acked.length + 20;
    while (acked.length < target) await new Promise((r) => setTimeout(r, 10));
    selling = false;
    await Promise.all(sellers);
    assert.equal(b.status, 0, b.out);
    assert.match(b.out, /integrity ok/);
    assert.deepEqual(failed, []);
    assert.ok(!existsSync(`${file}.tmp`), 'no temporary file is left');
    // The copy is one file, without a WAL beside it.
    assert.ok(!existsSync(`${file}-wal`));

    const restored = path.join(dir, 'restored.db');
    const r = tersa('restore', file, '--db', restored);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const cmd of ['check-db', 'check-stock', 'verify-journal']) {
      const c = tersa(cmd, '--db', restored);
      assert.equal(c.status, 0, `${cmd}: ${c.stdout}${c.stderr}`);
    }
    // Every sale acknowledged before the backup began is there, as sold.
    const copy = await startServer({ db: restored, login: false });
    try {
      const token = await copy.login('admin', process.env.TERSA_ADMIN_PASSWORD ?? 'Admin-test-passw0rd-2026');
      for (const s of before) {
        const g = await copy.api('GET', `/api/v1/sales/${s.id}`, { token });
        assert.equal(g.status, 200, `sale ${s.id} (${s.number}) missing from the restored copy: ${g.text}`);
        assert.equal(g.body.number, s.number);
        assert.equal(g.body.total, s.total);
      }
    } finally {
      await copy.stop();
    }
  });

  it('refuses a file that is not a Tersa database, and an existing target without --force', () => {
    const junk = path.join(dir, 'junk.db');
    writeFileSync(junk, 'this is not a database, only some text that is long enough to look like a file\n'.repeat(20));
    let r = tersa('restore', junk, '--db', path.join(dir, 'never.db'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not a SQLite database/);
    assert.ok(!existsSync(path.join(dir, 'never.db')));
    r = tersa('restore', path.join(dir, 'absent.db'), '--db', path.join(dir, 'never.db'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no backup file/);

    const file = path.join(dir, 'copy.db');
    const existing = path.join(dir, 'existing.db');
    copyFileSync(file, existing);
    r = tersa('restore', file, '--db', existing);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /exists: restore over it with --force/);
    r = tersa('restore', file, '--db', existing, '--force');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    // A database a server has open is never replaced.
    r = tersa('restore', file, '--db', srv.db, '--force');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /in use/);
  });

  it('refuses PostgreSQL with a pointer to pg_dump, and bad arguments', () => {
    let r = tersa('backup', '--db', 'postgresql://postgres@127.0.0.1:1/none', path.join(dir, 'pg.db'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /pg_dump/);
    r = tersa('restore', path.join(dir, 'copy.db'), '--db', 'postgresql://postgres@127.0.0.1:1/none');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /pg_restore/);
    r = tersa('backup', '--db', srv.db);
    assert.equal(r.status, 2);
    r = tersa('backup', '--db', path.join(dir, 'absent.db'), path.join(dir, 'x.db'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no database/);
    assert.ok(!existsSync(path.join(dir, 'absent.db')), 'backup never creates its source');
  });
});
