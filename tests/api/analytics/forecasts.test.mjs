// Stored demand forecasts (GET /forecasts, POST /forecasts/refresh) and the
// holiday calendar (GET /holidays, PUT and DELETE /holidays/{day}) on the
// small demo company: the nightly job stores a forecast for a demo series,
// a refresh replaces it, a holiday effect injected into the history is
// carried to a future holiday, bad input, permissions and store scope.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { startServer, makeUser, ROOT } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
const DAY = 86400000;
const dayOf = (s, k) => new Date(Date.parse(`${s}T00:00:00Z`) + k * DAY).toISOString().slice(0, 10);

describe('forecasts', () => {
  let srv, admin, manager, other, sales, service, store, product, category;
  const get = (q, token = admin) => srv.api('GET', `/api/v1/forecasts?${q}`, { token });
  const refresh = (body, token = admin) => srv.api('POST', '/api/v1/forecasts/refresh', { token, body });
  function sql(text) {
    if (srv.engine === 'sqlite') {
      return execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, text], { encoding: 'utf8' }).trim();
    }
    return execFileSync('psql', [srv.db, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' }).trim();
  }

  before(async () => {
    srv = await startServer({ args: ['--demo=small'] });
    admin = srv.adminToken;
    const stores = (await srv.api('GET', '/api/v1/stores', { token: admin })).body.items;
    store = stores[0].id;
    other = stores[1].id;
    // the best-selling product of the store and a category with sales
    product = Number(sql(`SELECT product_id FROM rollup_day_store_product WHERE store_id = ${store} GROUP BY product_id ORDER BY SUM(units) DESC, product_id LIMIT 1`));
    category = Number(sql('SELECT category_id FROM rollup_day_store_category_tree WHERE category_id > 0 GROUP BY category_id ORDER BY SUM(revenue) DESC, category_id LIMIT 1'));
    manager = await makeUser(srv, 'store_manager', [store]);
    sales = await makeUser(srv, 'sales', [store]);
    service = await makeUser(srv, 'service');
  });
  after(async () => { await srv?.stop(); });

  it('the nightly job stores a forecast for a demo series; GET answers it', async () => {
    // run beside the server (asynchronously: the client's idle connections stay served)
    const job = await promisify(execFile)(BIN, ['job', 'run', 'forecast', '--db', srv.db], { encoding: 'utf8' });
    assert.match(job.stderr, /forecast: \d+ daily product x store series/);
    const row = sql(`SELECT id, model, fitted_at FROM forecast_series WHERE store_id = ${store} AND product_id = ${product} AND category_id = 0 AND grain = 'day'`);
    assert.ok(row, 'the job stored the series');
    const [sid, model] = row.split('|');
    assert.equal(Number(sql(`SELECT COUNT(*) FROM forecast_points WHERE series_id = ${sid}`)), 28);
    // weekly and monthly series per product, category and store
    for (const g of ['week', 'month']) {
      assert.ok(Number(sql(`SELECT COUNT(*) FROM forecast_series WHERE grain = '${g}' AND store_id = 0 AND product_id = ${product}`)) === 1, g);
      assert.ok(Number(sql(`SELECT COUNT(*) FROM forecast_series WHERE grain = '${g}' AND store_id = 0 AND category_id = ${category}`)) === 1, g);
      assert.ok(Number(sql(`SELECT COUNT(*) FROM forecast_series WHERE grain = '${g}' AND store_id = ${store} AND product_id = 0 AND category_id = 0`)) === 1, g);
    }
    const r = await get(`store_id=${store}&product_id=${product}&grain=day`);
    assert.equal(r.status, 200, r.text);
    const f = r.body;
    assert.equal(f.store_id, store);
    assert.equal(f.product_id, product);
    assert.equal(f.category_id, null);
    assert.equal(f.measure, 'units');
    assert.equal(f.model, model);
    assert.equal(f.forecast.length, 28);
    assert.ok(f.history.length >= 20 && f.history.length <= 365);
    // the forecast starts the day after the history ends, one day a step
    const last = f.history[f.history.length - 1].period;
    f.forecast.forEach((p, i) => {
      assert.equal(p.period, dayOf(last, i + 1));
      assert.ok(p.lower_95 <= p.lower_80 && p.lower_80 <= p.mean && p.mean <= p.upper_80 && p.upper_80 <= p.upper_95, JSON.stringify(p));
      assert.ok(p.lower_95 >= 0);
    });
    // the history is the rollup's units per day
    const units = Number(sql(`SELECT COALESCE(SUM(units), 0) FROM rollup_day_store_product WHERE store_id = ${store} AND product_id = ${product} AND day >= '${f.history[0].period}' AND day <= '${last}'`));
    assert.equal(Math.round(f.history.reduce((s, h) => s + h.value, 0) * 1000), units);
  });

  it('refresh replaces the stored forecast', async () => {
    const before = sql(`SELECT fitted_at FROM forecast_series WHERE store_id = ${store} AND product_id = ${product} AND grain = 'day'`);
    sql(`UPDATE forecast_points SET mean = 999999999 WHERE series_id = (SELECT id FROM forecast_series WHERE store_id = ${store} AND product_id = ${product} AND grain = 'day')`);
    assert.equal((await get(`store_id=${store}&product_id=${product}&grain=day`)).body.forecast[0].mean, 999999.999);
    await new Promise((res) => setTimeout(res, 5));
    const r = await refresh({ store_id: store, product_id: product, grain: 'day' });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.forecast.every((p) => p.mean < 999999), 'recomputed');
    const after = sql(`SELECT fitted_at FROM forecast_series WHERE store_id = ${store} AND product_id = ${product} AND grain = 'day'`);
    assert.ok(Number(after) > Number(before));
    assert.equal(Number(sql(`SELECT COUNT(*) FROM forecast_series WHERE store_id = ${store} AND product_id = ${product} AND grain = 'day'`)), 1);
    assert.deepEqual((await get(`store_id=${store}&product_id=${product}&grain=day`)).body.forecast, r.body.forecast);
  });

  it('a series without a stored forecast is computed at once; weeks and months', async () => {
    const w = await get(`category_id=${category}&grain=week`);
    assert.equal(w.status, 200, w.text);
    assert.equal(w.body.measure, 'revenue');
    assert.equal(w.body.store_id, null);
    assert.equal(w.body.forecast.length, 13);
    for (const p of [...w.body.history, ...w.body.forecast]) {
      assert.match(p.period, /^\d{4}-\d\d-\d\d$/);
      assert.equal(new Date(`${p.period}T00:00:00Z`).getUTCDay(), 1, 'a Monday');
      assert.ok(Number.isInteger(p.value ?? p.mean), 'revenue in fen');
    }
    const m = await refresh({ store_id: other, grain: 'month' });
    assert.equal(m.status, 200, m.text);
    assert.equal(m.body.forecast.length, 6);
    assert.match(m.body.forecast[0].period, /^\d{4}-\d\d$/);
    assert.equal(Number(sql(`SELECT COUNT(*) FROM forecast_series WHERE store_id = ${other} AND product_id = 0 AND category_id = 0 AND grain = 'month'`)), 1);
  });

  it('a holiday effect in the history is carried to a future holiday', async () => {
    const q = `store_id=${store}&grain=day`;
    const first = await refresh({ store_id: store, grain: 'day' });
    assert.equal(first.status, 200, first.text);
    const hist = first.body.history;
    const from = hist[0].period;
    const to = first.body.forecast[27].period;
    // a calendar with no holiday in the window but ours
    const cal = await srv.api('GET', `/api/v1/holidays?from=${from}&to=${to}`, { token: admin });
    assert.equal(cal.status, 200, cal.text);
    for (const h of cal.body.items) assert.equal((await srv.api('DELETE', `/api/v1/holidays/${h.day}`, { token: admin })).status, 204);
    const plain = await refresh({ store_id: store, grain: 'day' });
    // two past days with three times their sales, made holidays
    const n = hist.length;
    const past = [hist[n - 10].period, hist[n - 17].period];
    for (const d of past) {
      sql(`UPDATE rollup_day_store SET revenue = revenue * 3 WHERE store_id = ${store} AND day = '${d}'`);
      const put = await srv.api('PUT', `/api/v1/holidays/${d}`, { token: admin, body: { name: 'Test holiday' } });
      assert.equal(put.status, 201, put.text);
      assert.deepEqual([put.body.day, put.body.name], [d, 'Test holiday']);
    }
    const future = plain.body.forecast[9].period;
    assert.equal((await srv.api('PUT', `/api/v1/holidays/${future}`, { token: admin, body: { name: 'Future' } })).status, 201);
    const r = await refresh({ store_id: store, grain: 'day' });
    assert.equal(r.status, 200, r.text);
    // the rule of docs/analytics.md: each holiday against the mean of the
    // same weekday one and two weeks around it (not holidays), the ratio of
    // the sums
    const v = plain.body.history.map((h) => h.value);
    let act = 0;
    let exp = 0;
    for (const d of past) {
      const i = plain.body.history.findIndex((h) => h.period === d);
      const near = [-14, -7, 7, 14].map((k) => i + k).filter((j) => j >= 0 && j < v.length && !past.includes(plain.body.history[j].period));
      act += 3 * v[i];
      exp += near.reduce((s, j) => s + v[j], 0) / near.length;
    }
    const ratio = Number(/holidays ×([\d.]+)/.exec(r.body.reason)?.[1]);
    assert.ok(Math.abs(ratio - act / exp) < 0.006, `${r.body.reason} vs ${act / exp}`);
    assert.ok(ratio > 1.5, r.body.reason);
    const at = (f, d) => f.forecast.find((p) => p.period === d).mean;
    const scaled = at(r.body, future) / at(plain.body, future);
    assert.ok(Math.abs(scaled / ratio - 1) < 0.3, `${at(r.body, future)} vs ${at(plain.body, future)} × ${ratio}`);
    // a day that is not a holiday is not scaled
    const next = plain.body.forecast[16].period;
    const same = at(r.body, next) / at(plain.body, next);
    assert.ok(same > 0.75 && same < 1.33, String(same));
    for (const d of past) sql(`UPDATE rollup_day_store SET revenue = revenue / 3 WHERE store_id = ${store} AND day = '${d}'`);
    // the GET answers the same stored forecast
    assert.equal(at((await get(q)).body, future), at(r.body, future));
    // the calendar lists them, renames one, removes them (audited)
    const list = (await srv.api('GET', `/api/v1/holidays?from=${from}&to=${to}`, { token: service.token })).body.items;
    assert.deepEqual(list.map((h) => h.day), [...past].sort().concat([future]));
    const ren = await srv.api('PUT', `/api/v1/holidays/${future}`, { token: admin, body: { name: 'Renamed' } });
    assert.equal(ren.status, 200);
    assert.equal(ren.body.name, 'Renamed');
    for (const d of [...past, future]) assert.equal((await srv.api('DELETE', `/api/v1/holidays/${d}`, { token: admin })).status, 204);
    assertProblem(await srv.api('DELETE', `/api/v1/holidays/${future}`, { token: admin }), 404, 'not-found');
    const audit = sql("SELECT action FROM audit_log WHERE entity = 'holiday' ORDER BY id");
    assert.match(audit.replace(/\n/g, ','), /create,create,create,update,delete,delete,delete/);
  });

  it('the demo seeds the Chinese public holidays', async () => {
    // next year's: past any forecast window the other tests clear
    const y = new Date().getUTCFullYear() + 1;
    const r = await srv.api('GET', `/api/v1/holidays?from=${y}-10-01&to=${y}-10-07`, { token: admin });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.items.map((h) => [h.day, h.name]), [1, 2, 3, 4, 5, 6, 7].map((d) => [`${y}-10-0${d}`, '国庆节']));
    const may = await srv.api('GET', `/api/v1/holidays?from=${y}-04-30&to=${y}-05-06`, { token: admin });
    assert.deepEqual(may.body.items.map((h) => h.day), [1, 2, 3, 4, 5].map((d) => `${y}-05-0${d}`));
  });

  it('bad input', async () => {
    assertProblem(await get(`product_id=${product}&category_id=${category}&grain=day`), 422, 'validation', ['product_id', 'category_id']);
    assertProblem(await get(`store_id=${store}`), 422, 'validation', ['grain']);
    assertProblem(await get(`store_id=${store}&grain=year`), 422, 'validation', ['grain']);
    assertProblem(await get('store_id=x&product_id=-1&grain=day'), 422, 'validation', ['store_id', 'product_id']);
    assertProblem(await get('product_id=99999999&grain=day'), 404, 'not-found');
    assertProblem(await get('store_id=99999999&grain=day'), 404, 'not-found');
    assertProblem(await refresh({ grain: 'day', product_id: product, category_id: category }), 422, 'validation', ['product_id', 'category_id']);
    assertProblem(await refresh({ store_id: store }), 422, 'validation', ['grain']);
    assertProblem(await refresh({ store_id: 'one', grain: 'day' }), 400, 'bad-request');
    assertProblem(await refresh({ grain: 'day', colour: 'red' }), 422, 'validation', ['colour']);
    const raw = await srv.api('POST', '/api/v1/forecasts/refresh', { token: admin, raw: '{"grain":' });
    assert.equal(raw.status, 400);
    const put = (d, body) => srv.api('PUT', `/api/v1/holidays/${d}`, { token: admin, body });
    assertProblem(await put('2031-02-30', { name: 'x' }), 422, 'validation', ['day']);
    assertProblem(await put('2031-01-01', { name: '' }), 422, 'validation', ['name']);
    assertProblem(await put('2031-01-01', {}), 422, 'validation', ['name']);
    assertProblem(await put('2031-01-01', { name: 'x'.repeat(101) }), 422, 'validation', ['name']);
    assertProblem(await put('2031-01-01', { name: 3 }), 400, 'bad-request');
    assert.equal((await put('holiday', { name: 'x' })).status, 404);
    assertProblem(await srv.api('GET', '/api/v1/holidays?from=2026-13-01&to=x', { token: admin }), 422, 'validation', ['from', 'to']);
    assertProblem(await srv.api('GET', '/api/v1/holidays?from=2026-02-01&to=2026-01-01', { token: admin }), 422, 'validation', ['to']);
  });

  it('permissions and store scope', async () => {
    // a store manager: their store, never another or all stores together
    assert.equal((await get(`store_id=${store}&product_id=${product}&grain=week`, manager.token)).status, 200);
    assertProblem(await get(`store_id=${other}&product_id=${product}&grain=day`, manager.token), 404, 'not-found');
    assertProblem(await get(`product_id=${product}&grain=day`, manager.token), 404, 'not-found');
    assertProblem(await refresh({ store_id: other, grain: 'day' }, manager.token), 404, 'not-found');
    assert.equal((await refresh({ store_id: store, category_id: category, grain: 'month' }, manager.token)).status, 200);
    // sales and service staff do not read reports
    assertProblem(await get(`store_id=${store}&grain=day`, sales.token), 403, 'forbidden');
    assertProblem(await refresh({ store_id: store, grain: 'day' }, service.token), 403, 'forbidden');
    // everyone reads the calendar; only an administrator changes it
    assert.equal((await srv.api('GET', '/api/v1/holidays', { token: sales.token })).status, 200);
    assertProblem(await srv.api('PUT', '/api/v1/holidays/2031-01-01', { token: manager.token, body: { name: 'x' } }), 403, 'forbidden');
    assertProblem(await srv.api('DELETE', '/api/v1/holidays/2031-01-01', { token: manager.token }), 403, 'forbidden');
    assert.equal((await srv.api('GET', '/api/v1/forecasts?grain=day')).status, 401);
  });
});
