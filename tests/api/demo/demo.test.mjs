// The demo company through `tersa serve --demo=small` (what `make run` does
// with full) and `tersa demo`: the admin login as on any new database, staff
// logins, sales and reports over it, the checks passing on it, made once,
// and bad options refused. Runs on SQLite, or PostgreSQL with TERSA_TEST_PG.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { startServer, ROOT } from '../lib/server.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
const DEMO_PASSWORD = 'tersa-demo-2026';

function run(args) {
  return spawnSync(BIN, args, { encoding: 'utf8', timeout: 120000 });
}

describe('demo company (serve --demo=small)', () => {
  let srv, db;
  before(async () => {
    srv = await startServer({ args: ['--demo=small'] });
    db = srv.db;
  });
  after(async () => {
    await srv?.stop();
  });

  it('keeps the admin login and adds the staff, stores and a month of sales', async () => {
    let r = await srv.api('GET', '/api/v1/stores', { token: srv.adminToken });
    assert.equal(r.status, 200);
    const stores = r.body.items ?? r.body;
    assert.equal(stores.length, 3);
    assert.ok(stores.some((s) => s.channel === 'online'));
    r = await srv.api('GET', '/api/v1/reports/sales?group_by=store', { token: srv.adminToken });
    assert.equal(r.status, 200);
    const manager = await srv.login('manager01', DEMO_PASSWORD);
    r = await srv.api('GET', '/api/v1/sales?limit=50', { token: manager });
    assert.equal(r.status, 200);
    const sales = r.body.items;
    assert.ok(sales.length > 0);
    assert.ok(sales.every((s) => s.store_id === stores.find((x) => x.code === 'S001').id));
    for (const s of sales) assert.match(s.number, /^S001-\d{8}-\d{4}$/);
  });

  it('passes check-db, check-stock and verify-journal, and is made only once', async () => {
    await srv.stop({ keepDb: true });
    for (const cmd of ['check-db', 'check-stock', 'verify-journal']) {
      const r = run([cmd, '--db', db]);
      assert.equal(r.status, 0, `${cmd}: ${r.stdout}${r.stderr}`);
    }
    srv = await startServer({ db, args: ['--demo=small'] });
    const r = await srv.api('GET', '/api/v1/stores', { token: srv.adminToken });
    assert.equal((r.body.items ?? r.body).length, 3);
  });
});

describe('tersa demo: options', () => {
  let dir;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tersa-demo-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses bad options with the usage (exit 2) and writes nothing', () => {
    const db = path.join(dir, 'bad.db');
    for (const args of [
      ['demo', '--db', db, '--scale', 'huge'],
      ['demo', '--db', db, '--scale', 'small', '--end', '2026-13-01'],
      ['demo', '--db', db, '--scale', 'small', '--seed', 'x'],
      ['demo', '--db', db, '--scale', 'small', '--products', '5'],
      ['demo', '--scale', 'small'],
      ['serve', '--db', db, '--demo=huge'],
    ]) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /demo|usage/);
    }
  });

  it('makes the small company on SQLite with a summary', () => {
    const db = path.join(dir, 'small.db');
    const r = run(['demo', '--db', db, '--scale', 'small', '--seed', '5', '--end', '2026-11-30']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /demo company: 3 stores, 300 products, 1500 customers, \d+ sales/);
    for (const cmd of ['check-db', 'check-stock', 'verify-journal'])
      assert.equal(run([cmd, '--db', db]).status, 0, cmd);
  });
});
