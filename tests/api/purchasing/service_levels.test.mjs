// Service levels (per store and/or category) for reorder points from the
// forecast: bad input, store scoping, audit rows; and the `rule` each
// replenishment line names (manual lines; forecast lines once the nightly
// forecast job exists).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, uniq, makeUser, ROOT } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');

describe('service levels', () => {
  let srv, admin, storeA, storeB, cat, manager, sales;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const put = (body, token = admin) => srv.api('PUT', '/api/v1/service-levels', { token, body });
  const del = (q, token = admin) => srv.api('DELETE', `/api/v1/service-levels?${q}`, { token });
  async function ok(r, status = 200) {
    assert.equal(r.status, status, `${r.status} ${r.text}`);
    return r.body;
  }
  const mkStore = async () => ok(await api('POST', '/api/v1/stores', {
    body: { code: `S-${uniq()}`, name: 'Store', channel: 'direct' },
  }), 201);

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    storeA = await mkStore();
    storeB = await mkStore();
    cat = await ok(await api('POST', '/api/v1/categories', { body: { name: `Cat ${uniq()}` } }), 201);
    manager = await makeUser(srv, 'store_manager', [storeA.id]);
    sales = await makeUser(srv, 'sales', [storeA.id]);
  });
  after(async () => { await srv?.stop(); });

  it('starts with no rows and the 95% default', async () => {
    assert.deepEqual(await ok(await api('GET', '/api/v1/service-levels')), { items: [], default: 95 });
  });

  it('creates, replaces and lists rows, each change audited', async () => {
    const row = await ok(await put({ store_id: 0, category_id: 0, level: 97.5 }), 201);
    assert.equal(row.store_id, 0);
    assert.equal(row.category_id, 0);
    assert.equal(row.level, 97.5);
    const again = await ok(await put({ store_id: 0, category_id: 0, level: 98 }), 200);
    assert.equal(again.level, 98);
    await ok(await put({ store_id: storeA.id, category_id: cat.id, level: 99.9 }), 201);
    await ok(await put({ store_id: storeB.id, category_id: 0, level: 90 }), 201);
    const list = await ok(await api('GET', '/api/v1/service-levels'));
    assert.deepEqual(list.items.map((x) => [x.store_id, x.category_id, x.level]), [
      [0, 0, 98], [storeA.id, cat.id, 99.9], [storeB.id, 0, 90],
    ]);
    const audit = await ok(await api('GET', '/api/v1/audit?entity=service_level'));
    const actions = audit.items.filter((x) => x.store_id === null || x.store_id === 0).map((x) => x.action);
    assert.ok(actions.includes('create') && actions.includes('update'), JSON.stringify(audit.items));
    const upd = audit.items.find((x) => x.action === 'update');
    assert.equal(upd.before.level, 97.5);
    assert.equal(upd.after.level, 98);
  });

  it('refuses bad values with every bad field named, and wrong types with 400', async () => {
    assertProblem(await put({ store_id: -1, category_id: -2, level: 49.9 }), 422, 'validation',
      ['store_id', 'category_id', 'level']);
    assertProblem(await put({ store_id: 0, category_id: 0, level: 100 }), 422, 'validation', ['level']);
    assertProblem(await put({ store_id: 0, category_id: 0, level: 99.95 }), 422, 'validation', ['level']);
    assertProblem(await put({ category_id: 0, level: 95 }), 422, 'validation', ['store_id']);
    assertProblem(await put({ store_id: 999999, category_id: 999999, level: 95 }), 422, 'validation',
      ['store_id', 'category_id']);
    assertProblem(await put({ store_id: 0, category_id: 0, level: '95' }), 400, 'bad-request', ['level']);
    assertProblem(await put({ store_id: 0, category_id: 0, level: 95, extra: 1 }), 422, 'validation', ['extra']);
    assertProblem(await del('store_id=0'), 422, 'validation', ['category_id']);
    assertProblem(await del('store_id=x&category_id=0'), 422, 'validation', ['store_id']);
    assertProblem(await del(`store_id=${storeA.id}&category_id=424242`), 404, 'not-found');
  });

  it('a store manager sees and changes only their stores', async () => {
    const mine = await ok(await srv.api('GET', '/api/v1/service-levels', { token: manager.token }));
    assert.ok(mine.items.every((x) => x.store_id === 0 || x.store_id === storeA.id), JSON.stringify(mine));
    assert.ok(mine.items.some((x) => x.store_id === storeA.id));
    assertProblem(await put({ store_id: storeB.id, category_id: 0, level: 95 }, manager.token), 404, 'not-found');
    assertProblem(await put({ store_id: 0, category_id: 0, level: 95 }, manager.token), 403, 'forbidden');
    assertProblem(await del(`store_id=${storeB.id}&category_id=0`, manager.token), 404, 'not-found');
    assertProblem(await del('store_id=0&category_id=0', manager.token), 403, 'forbidden');
    await ok(await put({ store_id: storeA.id, category_id: 0, level: 96 }, manager.token), 201);
    assert.equal((await del(`store_id=${storeA.id}&category_id=0`, manager.token)).status, 204);
    const audit = await ok(await api('GET', `/api/v1/audit?entity=service_level`));
    assert.ok(audit.items.some((x) => x.action === 'delete' && x.store_id === storeA.id));
    // a sales user may not read them (purchasing permission)
    assertProblem(await srv.api('GET', '/api/v1/service-levels', { token: sales.token }), 403, 'forbidden');
    assertProblem(await put({ store_id: storeA.id, category_id: 0, level: 95 }, sales.token), 403, 'forbidden');
  });

  it('deletes a row; the list no longer has it', async () => {
    assert.equal((await del(`store_id=${storeB.id}&category_id=0`)).status, 204);
    const list = await ok(await api('GET', '/api/v1/service-levels'));
    assert.ok(!list.items.some((x) => x.store_id === storeB.id));
    assertProblem(await del(`store_id=${storeB.id}&category_id=0`), 404, 'not-found');
  });

  it('manual replenishment lines say rule manual with the rule figures', async () => {
    const s = await mkStore();
    const sup = await ok(await api('POST', '/api/v1/suppliers', { body: { code: `SUP-${uniq()}`, name: 'Supplier' } }), 201);
    const p = await ok(await api('POST', '/api/v1/products', {
      body: { sku: `P${uniq()}`, name: 'Product', unit: 'pcs', price: 2000, vat_rate: 1300 },
    }), 201);
    await api('PUT', `/api/v1/products/${p.id}/suppliers/${sup.id}`, { body: { cost: 10, preferred: true } });
    await ok(await api('PUT', `/api/v1/stores/${s.id}/reorder-rules/${p.id}`, {
      body: { min: 2, max: 10, safety_stock: 1 },
    }), 201);
    const rep = await ok(await api('GET', `/api/v1/replenishment?store_id=${s.id}`));
    const line = rep.groups[0].lines[0];
    assert.equal(line.rule, 'manual');
    assert.equal(line.min, 2);
    assert.equal(line.max, 10);
    assert.equal(line.safety_stock, 1);
    assert.equal(line.forecast, null);
    assert.equal(line.quantity, 10);
  });
});

// Forecast lines need the nightly forecast job (issue 13 §1): run it on a
// demo company and check the figures of every forecast-driven line.
describe('forecast-driven replenishment lines', () => {
  let srv;
  const probe = spawnSync(BIN, ['job', 'run', 'forecast', '--db', '/nonexistent/tersa-probe.db'],
    { encoding: 'utf8', cwd: ROOT });
  const missing = /unknown job|no job forecast/.test(`${probe.stderr}${probe.stdout}`);

  before(async () => {
    if (missing) return;
    srv = await startServer({ args: ['--demo=small'] });
  });
  after(async () => { await srv?.stop(); });

  it('a forecast line carries its reorder figures', { skip: missing && 'skipped: `tersa job run forecast` is not there yet (unknown job); runs once the forecast job is merged' }, async () => {
    const run = spawnSync(BIN, ['job', 'run', 'forecast', '--db', srv.db], { encoding: 'utf8', cwd: ROOT });
    assert.equal(run.status, 0, run.stderr);
    let seen = 0;
    for (const storeId of [1, 2, 3]) {
      const r = await srv.api('GET', `/api/v1/replenishment?store_id=${storeId}`, { token: srv.adminToken });
      assert.equal(r.status, 200, r.text);
      for (const l of [...r.body.groups.flatMap((g) => g.lines), ...r.body.unassigned]) {
        if (l.rule !== 'forecast') continue;
        seen++;
        const f = l.forecast;
        const near = (a, b) => assert.ok(Math.abs(a - b) <= 0.002, `${a} vs ${b} in ${JSON.stringify(l)}`);
        near(f.reorder_point, f.lead_time_demand + f.safety_stock);
        near(f.safety_stock, f.z * f.sigma_lead_time);
        assert.ok(f.order_up_to >= f.reorder_point);
        assert.ok(f.position <= f.reorder_point);
        near(f.position, l.on_hand + l.on_order);
        assert.ok(l.quantity >= f.order_up_to - f.position - 0.0005);
        assert.equal(l.min, f.reorder_point);
        assert.equal(l.max, f.order_up_to);
        assert.equal(f.review_days, 7);
        assert.ok(f.lead_time_days >= 0);
        assert.match(l.reason, /^forecast/);
      }
    }
    assert.ok(seen > 0, 'no forecast-driven line in the demo after the forecast job');
  });
});
