// Customer segments (GET /segments/rfm, /segments/clusters) and lifetime
// value (GET /customers/{id}/value) on the demo company after the nightly
// RFM job: every segment recomputed here from the database (scores, sales)
// with the R × F grid written out again, the lifetime value recomputed
// from the day × store × customer rollup by the cohort rule, the clusters'
// sizes and shares, the store scope, bad parameters and permissions. The
// RFM scores against SQL's NTILE are checked in tests/api/crm/customers.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, makeUser, ROOT } from '../lib/server.mjs';
import { assertProblem, hdr } from '../lib/assert.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
const DAY = 86400000;
const CODES = ['champions', 'loyal', 'potential', 'new', 'at_risk', 'cant_lose', 'hibernating', 'lost'];
// The R × F grid (row R = 1..5, column F = 1..5), as docs/analytics.md
// writes it.
const GRID = [
  ['lost', 'lost', 'at_risk', 'at_risk', 'cant_lose'],
  ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
  ['hibernating', 'hibernating', 'potential', 'loyal', 'loyal'],
  ['potential', 'potential', 'potential', 'loyal', 'loyal'],
  ['new', 'potential', 'potential', 'champions', 'champions'],
];
const HORIZON = 24;
const RATE = 0.01;
const monthNo = (day) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
const near = (a, b, tol, msg) => assert.ok(Math.abs(a - b) <= tol, `${msg}: ${a} vs ${b}`);

// The cohort curve and each customer's value, by the rule of
// docs/analytics.md, from rollup rows [{customer, day, orders, revenue}].
function lifetimeValues(rows, asOf) {
  const now = monthNo(asOf);
  const by = new Map();
  for (const r of rows) {
    if (!by.has(r.customer)) by.set(r.customer, []);
    by.get(r.customer).push(r);
  }
  const cust = new Map();
  const cohorts = new Map(); // first month -> {size, ret: Map(k -> Set), rev: Map(k -> sum)}
  for (const [id, rs] of by) {
    const buying = rs.filter((r) => r.orders > 0).map((r) => monthNo(r.day));
    if (!buying.length) continue;
    const first = Math.min(...buying);
    const own = new Array(HORIZON).fill(0);
    if (!cohorts.has(first)) cohorts.set(first, { size: 0, ret: new Map(), rev: new Map() });
    const co = cohorts.get(first);
    co.size += 1;
    for (const r of rs) {
      const k = monthNo(r.day) - first;
      if (k < 0) continue;
      if (k < HORIZON) own[k] += r.revenue;
      co.rev.set(k, (co.rev.get(k) ?? 0) + r.revenue);
      if (r.orders > 0) {
        if (!co.ret.has(k)) co.ret.set(k, new Set());
        co.ret.get(k).add(id);
      }
    }
    cust.set(id, { first, age: now - first, own });
  }
  let observed = 0;
  for (const first of cohorts.keys()) observed = Math.max(observed, now - first + 1);
  const arpc = [];
  const ratios = [];
  for (let k = 0; k < observed; k++) {
    let base = 0, rev = 0, ret = 0, prev = 0;
    for (const [first, co] of cohorts) {
      if (now - first + 1 <= k) continue;
      base += co.size;
      rev += co.rev.get(k) ?? 0;
      ret += co.ret.get(k)?.size ?? 0;
      prev += k > 0 ? co.ret.get(k - 1)?.size ?? 0 : 0;
    }
    arpc.push(base > 0 ? rev / base : 0);
    if (k > 0 && prev > 0) ratios.push(ret / prev);
  }
  let decay = ratios.length ? ratios.reduce((a, b) => a + b, 0) / ratios.length : 0;
  decay = Math.min(1, Math.max(0, decay));
  for (let k = observed; k < HORIZON; k++) arpc.push(observed ? arpc[observed - 1] * decay ** (k - observed + 1) : 0);
  const v = (k) => 1 / (1 + RATE) ** k;
  let value = 0;
  for (let k = 0; k < HORIZON; k++) value += arpc[k] * v(k);
  const clv = (id) => {
    const c = cust.get(id);
    if (!c) return 0;
    let s = 0;
    for (let k = 0; k < HORIZON; k++) s += (k <= c.age ? c.own[k] : arpc[k]) * v(k);
    return s;
  };
  return { value, decay, clv, cust };
}

describe('customer segments and lifetime value', () => {
  let srv, admin, manager, managerStore, otherStore, sales, stores;
  const get = (p, token = admin) => srv.api('GET', `/api/v1/${p}`, { token });
  async function ok(r) {
    assert.equal(r.status, 200, `${r.status} ${r.text}`);
    return r.body;
  }
  function sql(text) {
    if (srv.engine === 'sqlite') {
      return execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, text], { encoding: 'utf8' }).trim();
    }
    return execFileSync('psql', [srv.db, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' }).trim();
  }
  const rowsOf = (text) => sql(text).split('\n').filter(Boolean).map((l) => l.split('|'));

  before(async () => {
    srv = await startServer({ args: ['--demo=small'] });
    admin = srv.adminToken;
    const job = spawnSync(BIN, ['job', 'run', 'customer_rfm', '--db', srv.db], { encoding: 'utf8' });
    assert.equal(job.status, 0, job.stderr);
    stores = (await ok(await get('stores'))).items;
    managerStore = stores[0].id;
    otherStore = stores[1].id;
    manager = await makeUser(srv, 'store_manager', [managerStore]);
    sales = await makeUser(srv, 'sales', [managerStore]);
  });
  after(async () => { await srv?.stop(); });

  // Each customer with a non-voided sale in the 365 days (in the stores
  // given, or all): {id, r, f, orders, spend, last}.
  function windowCustomers(storeIds = null) {
    const since = Date.now() - 365 * DAY;
    const where = storeIds ? ` AND s.store_id IN (${storeIds.join(',')})` : '';
    return rowsOf(`SELECT s.customer_id, COALESCE(c.rfm_r, 0), COALESCE(c.rfm_f, 0), COUNT(*), SUM(s.total), MAX(s.at)
      FROM sales s JOIN customers c ON c.id = s.customer_id
      WHERE s.status <> 'voided' AND s.at > ${since}${where} GROUP BY s.customer_id, c.rfm_r, c.rfm_f`)
      .map(([id, r, f, orders, spend, last]) => ({ id: Number(id), r: Number(r), f: Number(f), orders: Number(orders), spend: Number(spend), last: Number(last) }));
  }
  function rollupRows(asOf, storeIds = null) {
    const where = storeIds ? ` AND store_id IN (${storeIds.join(',')})` : '';
    return rowsOf(`SELECT customer_id, day, orders, revenue FROM rollup_day_store_customer WHERE day <= '${asOf}'${where}`)
      .map(([c, day, o, rev]) => ({ customer: Number(c), day, orders: Number(o), revenue: Number(rev) }));
  }

  // The answer against the segments recomputed from the database.
  function checkSegments(body, customers, lv) {
    assert.deepEqual(body.items.map((i) => i.code), CODES);
    const scored = customers.filter((c) => c.r >= 1 && c.f >= 1);
    const total = scored.reduce((a, c) => a + c.spend, 0);
    assert.equal(body.customers, scored.length);
    assert.equal(body.revenue, total);
    assert.equal(body.items.reduce((a, i) => a + i.customers, 0), scored.length, 'sizes sum to the scored customers');
    near(body.items.reduce((a, i) => a + (i.revenue_share ?? 0), 0), 1, 0.0005, 'revenue shares sum to 1');
    const now = Date.now();
    for (const item of body.items) {
      const mine = scored.filter((c) => GRID[c.r - 1][c.f - 1] === item.code);
      assert.equal(item.customers, mine.length, item.code);
      const rev = mine.reduce((a, c) => a + c.spend, 0);
      assert.equal(item.revenue, rev, item.code);
      assert.equal(typeof item.rule, 'string');
      if (!mine.length) {
        assert.equal(item.avg_spend, null);
        assert.equal(item.avg_frequency, null);
        assert.equal(item.avg_recency_days, null);
        assert.equal(item.clv_avg, null);
        assert.equal(item.clv_total, 0);
        continue;
      }
      near(item.revenue_share, rev / total, 0.00005, `${item.code} share`);
      near(item.avg_spend, rev / mine.length, 0.5, `${item.code} avg_spend`);
      near(item.avg_frequency, mine.reduce((a, c) => a + c.orders, 0) / mine.length, 0.005, `${item.code} avg_frequency`);
      // the request came a moment before now
      const rec = mine.reduce((a, c) => a + (now - c.last) / DAY, 0) / mine.length;
      assert.ok(item.avg_recency_days <= rec + 0.05 && item.avg_recency_days >= rec - 0.1, `${item.code} recency ${item.avg_recency_days} vs ${rec}`);
      const clv = mine.reduce((a, c) => a + lv.clv(c.id), 0);
      near(item.clv_total, clv, 1, `${item.code} clv_total`);
      near(item.clv_avg, clv / mine.length, 1, `${item.code} clv_avg`);
    }
  }

  it('names the RFM segments of every scored customer by the R × F grid, with revenue and lifetime value', async () => {
    const body = await ok(await get('segments/rfm'));
    assert.equal(body.window_days, 365);
    assert.equal(body.horizon_months, HORIZON);
    assert.equal(body.monthly_discount_rate, RATE);
    const scoredInDb = Number(sql('SELECT COUNT(*) FROM customers WHERE rfm_r IS NOT NULL'));
    assert.ok(scoredInDb > 50, `demo scored ${scoredInDb}`);
    assert.equal(body.customers, scoredInDb);
    const lv = lifetimeValues(rollupRows(body.as_of), body.as_of);
    checkSegments(body, windowCustomers(), lv);
    assert.ok(body.items.filter((i) => i.customers > 0).length >= 4, JSON.stringify(body.items.map((i) => i.customers)));
    // as a file: one row per segment
    const csv = await srv.api('GET', '/api/v1/segments/rfm?format=csv', { token: admin });
    assert.equal(csv.status, 200);
    assert.match(hdr(csv, 'content-type'), /^text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    assert.equal(lines.length, 1 + CODES.length);
    assert.ok(lines[0].includes('code') && lines[0].includes('clv_total'), lines[0]);
  });

  it('answers a customer\'s lifetime value from the cohort curves', async () => {
    const seg = await ok(await get('segments/rfm'));
    const lv = lifetimeValues(rollupRows(seg.as_of), seg.as_of);
    const ids = [...lv.cust.keys()].sort((a, b) => a - b);
    assert.ok(ids.length > 10);
    for (const id of [ids[0], ids[Math.floor(ids.length / 2)], ids[ids.length - 1]]) {
      const v = await ok(await get(`customers/${id}/value`));
      assert.equal(v.customer_id, id);
      near(v.clv, lv.clv(id), 1, `clv of ${id}`);
      assert.equal(v.clv, v.realized + v.expected);
      assert.ok(v.realized > 0);
      assert.equal(v.horizon_months, HORIZON);
      assert.equal(v.monthly_discount_rate, RATE);
      near(v.new_customer_value, lv.value, 1, 'new customer value');
      near(v.retention_decay, lv.decay, 0.00005, 'decay');
      assert.equal(v.months_since_first, lv.cust.get(id).age);
      assert.match(v.first_month, /^\d{4}-\d{2}$/);
    }
    // a customer who never bought: nothing realized, nothing expected
    const c = await srv.api('POST', '/api/v1/customers', { token: admin, body: { name: '新客户', phone: '13900001234', home_store_id: managerStore } });
    assert.equal(c.status, 201, c.text);
    const none = await ok(await get(`customers/${c.body.id}/value`));
    assert.deepEqual([none.clv, none.realized, none.expected, none.first_month, none.months_since_first], [0, 0, 0, null, null]);
    assertProblem(await get('customers/99999999/value'), 404, 'not-found');
    // a store-bound user sees only their stores' customers
    const theirs = Number(sql(`SELECT MIN(customer_id) FROM customer_stores WHERE store_id = ${managerStore}`));
    const notTheirs = Number(sql(`SELECT MIN(customer_id) FROM customer_stores cs WHERE store_id = ${otherStore}
      AND NOT EXISTS (SELECT 1 FROM customer_stores x WHERE x.customer_id = cs.customer_id AND x.store_id = ${managerStore})`));
    assert.equal((await get(`customers/${theirs}/value`, sales.token)).status, 200);
    assertProblem(await get(`customers/${notTheirs}/value`, sales.token), 404, 'not-found');
  });

  it('clusters the customers by k-means with k chosen by the silhouette', async () => {
    const body = await ok(await get('segments/clusters'));
    const customers = windowCustomers();
    assert.equal(body.customers, customers.length);
    assert.deepEqual(body.silhouettes.map((s) => s.k), [2, 3, 4, 5, 6, 7, 8]);
    for (const s of body.silhouettes) assert.ok(Number.isFinite(s.silhouette) && s.silhouette >= -1 && s.silhouette <= 1);
    const best = Math.max(...body.silhouettes.map((s) => s.silhouette));
    assert.equal(body.silhouettes.find((s) => s.k === body.k).silhouette, best);
    assert.equal(body.clusters.length, body.k);
    assert.deepEqual(body.clusters.map((c) => c.cluster), [...Array(body.k).keys()]);
    assert.equal(body.clusters.reduce((a, c) => a + c.size, 0), customers.length, 'sizes sum to the customers');
    const total = customers.reduce((a, c) => a + c.spend, 0);
    assert.equal(body.revenue, total);
    assert.equal(body.clusters.reduce((a, c) => a + c.revenue, 0), total);
    near(body.clusters.reduce((a, c) => a + c.revenue_share, 0), 1, 0.0005, 'revenue shares sum to 1');
    for (let i = 1; i < body.clusters.length; i++) assert.ok(body.clusters[i - 1].revenue >= body.clusters[i].revenue);
    assert.deepEqual(body.features.slice(0, 3), ['spend', 'frequency', 'recency_days']);
    for (const c of body.clusters) {
      assert.ok(c.label.length > 0);
      assert.equal(c.centroid.category_mix.length, body.features.length - 3);
      near(c.centroid.category_mix.reduce((a, m) => a + m.share, 0), 1, 0.001, 'mix shares');
      near(c.centroid.spend, c.revenue / c.size, 0.5, 'centroid spend');
    }
    // the sample: up to 500 customers with their own figures
    assert.ok(body.sample.length > 0 && body.sample.length <= 500);
    const byId = new Map(customers.map((c) => [c.id, c]));
    const counts = new Array(body.k).fill(0);
    for (const p of body.sample) {
      const c = byId.get(p.customer_id);
      assert.ok(c, `sample customer ${p.customer_id}`);
      assert.equal(p.spend, c.spend);
      assert.equal(p.frequency, c.orders);
      assert.ok(p.cluster >= 0 && p.cluster < body.k);
      counts[p.cluster] += 1;
    }
    // the same data gives the same clustering; only recency, counted from
    // the moment of the request, may have moved on by one rounding step
    const again = await ok(await get('segments/clusters'));
    const noRecency = (b) => JSON.parse(JSON.stringify(b, (k, v) => (k === 'recency_days' ? undefined : v)));
    assert.deepEqual(noRecency(again), noRecency(body));
    const recency = (b) => [...b.clusters.map((c) => c.centroid.recency_days), ...b.sample.map((p) => p.recency_days)];
    recency(again).forEach((r, i) => near(r, recency(body)[i], 0.1 + 1e-9, 'recency between two answers'));
    // k given
    const k3 = await ok(await get('segments/clusters?k=3'));
    assert.equal(k3.k, 3);
    assert.equal(k3.clusters.length, 3);
    assert.deepEqual(k3.silhouettes.map((s) => s.k), [3]);
    assert.equal(k3.clusters.reduce((a, c) => a + c.size, 0), customers.length);
    const file = await srv.api('GET', '/api/v1/segments/clusters?k=3&format=csv', { token: admin });
    assert.equal(file.status, 200);
    assert.equal(file.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n').length, 4);
  });

  it('keeps a store manager to their stores', async () => {
    const body = await ok(await get('segments/rfm', manager.token));
    const seg = await ok(await get('segments/rfm'));
    const lv = lifetimeValues(rollupRows(seg.as_of, [managerStore]), seg.as_of);
    const mine = windowCustomers([managerStore]);
    checkSegments(body, mine, lv);
    assert.ok(body.customers < seg.customers, `${body.customers} of ${seg.customers}`);
    assert.deepEqual(await ok(await get(`segments/rfm?store_id=${managerStore}`, manager.token)), body);
    // admin asking for that store sees the same
    assert.deepEqual(await ok(await get(`segments/rfm?store_id=${managerStore}`)), body);
    assertProblem(await get(`segments/rfm?store_id=${otherStore}`, manager.token), 404, 'not-found');
    assertProblem(await get(`segments/clusters?store_id=${otherStore}`, manager.token), 404, 'not-found');
    const cl = await ok(await get('segments/clusters', manager.token));
    assert.equal(cl.customers, mine.length);
    assert.equal(cl.clusters.reduce((a, c) => a + c.size, 0), mine.length);
  });

  it('refuses bad parameters naming each field, and roles without the reports', async () => {
    assertProblem(await get('segments/clusters?k=1'), 422, 'validation', ['k']);
    assertProblem(await get('segments/clusters?k=99'), 422, 'validation', ['k']);
    assertProblem(await get('segments/clusters?k=x'), 422, 'validation', ['k']);
    assertProblem(await get('segments/clusters?store_id=abc'), 422, 'validation', ['store_id']);
    assertProblem(await get('segments/clusters?store_id=abc&k=1&format=pdf'), 422, 'validation', ['store_id', 'k', 'format']);
    assertProblem(await get('segments/rfm?store_id=abc'), 422, 'validation', ['store_id']);
    assertProblem(await get('segments/rfm?store_id=0&format=pdf'), 422, 'validation', ['store_id', 'format']);
    assertProblem(await get('segments/rfm', sales.token), 403, 'forbidden');
    assertProblem(await get('segments/clusters', sales.token), 403, 'forbidden');
    assert.equal((await srv.api('GET', '/api/v1/segments/rfm')).status, 401);
  });
});
