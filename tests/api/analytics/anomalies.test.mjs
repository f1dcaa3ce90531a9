// Explained anomaly alerts on the demo company: no alert over a normal week
// (the check run as of each of the last seven days at four hours), then an
// injected anomaly of each kind the demo can carry — one cashier whose sales
// are voided far more often than the peers', a big stock adjustment — found
// by the hourly job with the figures recomputed here from the database,
// raised once however often the job runs, acknowledged with a note, the
// store scope, the filters and bad input.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { startServer, makeUser, ROOT } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
const DAY = 86400000;
// The CLI runs without blocking the event loop: while blocked, the client
// misses the server closing an idle keep-alive connection (after 30 s on a
// busy machine), and the next request fails on the closed socket.
const run = promisify(execFile);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

describe('anomaly alerts', () => {
  let srv, admin, stores, storeA, storeB, managerA, managerB, cashier;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  function sql(text) {
    if (srv.engine === 'sqlite') {
      return execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, text], { encoding: 'utf8' }).trim();
    }
    return execFileSync('psql', [srv.db, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' }).trim();
  }
  const rowsOf = (text) => sql(text).split('\n').filter(Boolean).map((l) => l.split('|'));
  async function runJob() {
    await run(BIN, ['job', 'run', 'anomalies', '--db', srv.db]); // rejects with stderr unless status 0
  }
  async function explained(q = '', token = admin) {
    const r = await srv.api('GET', `/api/v1/alerts?limit=500${q}`, { token });
    assert.equal(r.status, 200, r.text);
    return r.body.items.filter((a) => a.details !== null);
  }

  before(async () => {
    srv = await startServer({ args: ['--demo=small'] });
    admin = srv.adminToken;
    stores = (await api('GET', '/api/v1/stores')).body.items;
    storeA = stores[0];
    storeB = stores[1];
    managerA = await makeUser(srv, 'store_manager', [storeA.id]);
    managerB = await makeUser(srv, 'store_manager', [storeB.id]);
    cashier = await makeUser(srv, 'sales', [storeA.id]);
  });
  after(async () => { await srv?.stop(); });

  it('raises nothing over a normal week of the demo', async () => {
    for (let k = 1; k <= 7; k++) {
      const day = new Date(Date.now() - k * DAY).toISOString().slice(0, 10);
      for (const h of ['10', '14', '18', '21']) {
        const r = await run(BIN, ['anomalies', '--db', srv.db, '--at', `${day}T${h}:00:00+08:00`]);
        const out = JSON.parse(r.stdout);
        assert.ok(out.checked > 0, r.stdout);
        assert.equal(out.raised, 0, `${day} ${h}:00: ${r.stdout}`);
      }
    }
    await runJob();
    assert.deepEqual(await explained(), []);
  });

  it('finds a cashier whose sales are voided far more than the peers\', with the peer median in the sentence', async () => {
    // 40 sales by the new cashier, 12 of them voided by the manager
    const st = (await api('GET', `/api/v1/stock?store_id=${storeA.id}&limit=50`)).body.items;
    const p = st.find((b) => b.on_hand >= 5) ?? st[0];
    const rc = await api('POST', '/api/v1/stock/moves', { body: { store_id: storeA.id, product_id: p.product_id, quantity: 100, reason: 'receipt' } });
    assert.equal(rc.status, 201, rc.text);
    const ids = [];
    for (let i = 0; i < 40; i++) {
      const r = await srv.api('POST', '/api/v1/sales', {
        token: cashier.token,
        headers: { 'idempotency-key': randomUUID() },
        body: { store_id: storeA.id, lines: [{ product_id: p.product_id, quantity: 1 }], payments: [{ method: 'cash', amount: 1000000 }] },
      });
      assert.equal(r.status, 201, r.text);
      ids.push(r.body.id);
    }
    for (const id of ids.slice(0, 12)) {
      const v = await srv.api('POST', `/api/v1/sales/${id}/void`, { token: managerA.token, body: { reason: 'rung up twice' } });
      assert.equal(v.status, 200, v.text);
    }
    await runJob();
    const found = await explained('&kind=cashier_voids');
    assert.equal(found.length, 1, JSON.stringify(found));
    const a = found[0];
    assert.equal(a.store_id, storeA.id);
    assert.equal(a.status, 'open');
    assert.equal(a.product_id, null);
    const d = a.details;
    assert.equal(d.user_id, cashier.id);
    assert.equal(d.metric, 'voids');
    assert.equal(d.events, 12);
    assert.equal(d.sales, 40);
    assert.equal(d.days, 28);
    assert.equal(d.store_code, storeA.code);
    // the peers' rates recomputed from the sales of the last 28 days
    const since = Date.now() - 28 * DAY;
    const rows = rowsOf(`SELECT cashier_id, COUNT(*), SUM(CASE WHEN status = 'voided' THEN 1 ELSE 0 END)
      FROM sales WHERE store_id = ${storeA.id} AND at >= ${since} GROUP BY cashier_id`)
      .map(([id, n, v]) => ({ id: Number(id), n: Number(n), v: Number(v) }))
      .filter((r) => r.n >= 30);
    const rates = rows.map((r) => r.v / r.n);
    const med = median(rates);
    const mad = median(rates.map((x) => Math.abs(x - med)));
    const scale = mad > 0 ? 1.4826 * mad : 1.253314 * rates.reduce((s, x) => s + Math.abs(x - med), 0) / rates.length;
    const z = Math.min(99, (12 / 40 - med) / scale);
    assert.equal(d.peers, rows.length);
    assert.equal(d.median, Math.round(med * 10000) / 10000);
    assert.ok(Math.abs(d.z - z) <= 0.051, `z ${d.z} vs ${z}`);
    assert.equal(d.rate, 0.3);
    assert.equal(a.message, `Cashier Test sales (${storeA.code}) had 30.0% of 40 sales voided over the last 28 days (12 sales); ` +
      `the store's cashiers' median is ${(med * 100).toFixed(1)}% (robust z ${d.z.toFixed(1)})`);
  });

  it('finds a stock adjustment far above the store\'s last 90 days, with quantity and value', async () => {
    const st = (await api('GET', `/api/v1/stock?store_id=${storeB.id}&limit=20`)).body.items;
    const p = st[0];
    const prod = (await api('GET', `/api/v1/products/${p.product_id}`)).body;
    assert.equal((await api('POST', '/api/v1/stock/moves', { body: { store_id: storeB.id, product_id: p.product_id, quantity: 300, reason: 'receipt' } })).status, 201);
    const m = await api('POST', '/api/v1/stock/moves', { body: { store_id: storeB.id, product_id: p.product_id, quantity: -250, reason: 'damage', note: 'flooded store room' } });
    assert.equal(m.status, 201, m.text);
    // the adjustments of the last 90 days before today (none in the demo)
    const hist = Number(sql(`SELECT COUNT(*) FROM stock_moves WHERE store_id = ${storeB.id}
      AND kind IN ('adjustment', 'damage', 'count') AND at < ${Date.now() - DAY}`));
    await runJob();
    const found = await explained('&kind=stock_adjustment');
    assert.equal(found.length, 1, JSON.stringify(found));
    const a = found[0];
    assert.equal(a.store_id, storeB.id);
    assert.equal(a.quantity, 250);
    const cost = m.body.unit_cost ?? prod.cost ?? 0;
    assert.equal(a.details.quantity, 250);
    assert.equal(a.details.value, 250 * cost);
    assert.equal(a.details.by, 'value');
    assert.equal(hist, 0);
    assert.equal(a.details.mean_value, 0);
    const yuan = (f) => `¥${Math.round(f / 100).toLocaleString('en-US')}`;
    assert.equal(a.message, `Store ${storeB.code} adjusted 250 units (${yuan(250 * cost)} at cost) of stock today, ` +
      'against a daily average of 0.0 units (¥0) over the last 90 days');
  });

  it('raises once however often the job runs; re-raised figures update the alert', async () => {
    const before = await explained();
    assert.equal(before.length, 2);
    await runJob();
    await runJob();
    const after = await explained();
    assert.deepEqual(after.map((a) => a.id).sort(), before.map((a) => a.id).sort());
    assert.ok(after.every((a) => a.updated_at !== null));
    const keys = rowsOf('SELECT dedupe_key FROM alerts WHERE dedupe_key IS NOT NULL').map((r) => r[0]);
    assert.equal(new Set(keys).size, 2);
  });

  it('filters by kind and by the time raised', async () => {
    const today = new Date(Date.now() - DAY).toISOString().slice(0, 10);
    assert.equal((await explained(`&from=${today}`)).length, 2);
    assert.equal((await explained(`&to=${today}`)).length, 0);
    assert.equal((await explained('&kind=store_sales')).length, 0);
    assert.equal((await explained('&status=open&kind=cashier_voids')).length, 1);
    assertProblem(await api('GET', '/api/v1/alerts?kind=sales'), 422, 'validation', ['kind']);
    assertProblem(await api('GET', '/api/v1/alerts?from=yesterday'), 422, 'validation', ['from']);
  });

  it('a store manager sees only their stores\' alerts', async () => {
    const mine = await explained('', managerA.token);
    assert.deepEqual(mine.map((a) => a.kind), ['cashier_voids']);
    const other = await explained('', managerB.token);
    assert.deepEqual(other.map((a) => a.kind), ['stock_adjustment']);
    assertProblem(await srv.api('GET', `/api/v1/alerts?store_id=${storeB.id}`, { token: managerA.token }), 404, 'not-found');
    const a = other[0];
    assertProblem(await srv.api('POST', `/api/v1/alerts/${a.id}/acknowledge`, { token: managerA.token, body: { note: 'not mine' } }), 404, 'not-found');
    assertProblem(await srv.api('GET', '/api/v1/alerts', { token: cashier.token }), 403, 'forbidden');
  });

  it('acknowledges with a note (audited); a too long note is 422, bad JSON 400', async () => {
    const [a] = await explained('&kind=stock_adjustment', managerB.token);
    assertProblem(await srv.api('POST', `/api/v1/alerts/${a.id}/acknowledge`, { token: managerB.token, body: { note: 'x'.repeat(501) } }), 422, 'validation', ['note']);
    assertProblem(await srv.api('POST', `/api/v1/alerts/${a.id}/acknowledge`, { token: managerB.token, body: { note: 5 } }), 400, 'bad-request', ['note']);
    assertProblem(await srv.api('POST', `/api/v1/alerts/${a.id}/acknowledge`, { token: managerB.token, body: { notes: 'typo' } }), 422, 'validation', ['notes']);
    assertProblem(await srv.api('POST', `/api/v1/alerts/${a.id}/acknowledge`, { token: managerB.token, raw: '{"note":' }), 400, 'malformed-json');
    const note = '库房进水，已报损 — water in the store room';
    const r = await srv.api('POST', `/api/v1/alerts/${a.id}/acknowledge`, { token: managerB.token, body: { note } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'acknowledged');
    assert.equal(r.body.note, note);
    assert.equal(r.body.acknowledged_by, managerB.id);
    assertProblem(await srv.api('POST', `/api/v1/alerts/${a.id}/acknowledge`, { token: managerB.token, body: { note } }), 409, 'state');
    const audit = await api('GET', `/api/v1/audit?entity=alert&entity_id=${a.id}`);
    assert.equal(audit.status, 200, audit.text);
    assert.equal(audit.body.items[0].action, 'acknowledge');
    // the job keeps it acknowledged and raises no second one for the day
    await runJob();
    const again = await explained('&kind=stock_adjustment');
    assert.equal(again.length, 1);
    assert.equal(again[0].status, 'acknowledged');
    assert.equal(again[0].note, note);
    // without a body, as before
    const [v] = await explained('&kind=cashier_voids');
    const r2 = await srv.api('POST', `/api/v1/alerts/${v.id}/acknowledge`, { token: managerA.token });
    assert.equal(r2.status, 200, r2.text);
    assert.equal(r2.body.note, null);
  });
});
