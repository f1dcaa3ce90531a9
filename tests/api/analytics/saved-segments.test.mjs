// Saved customer segments (GET/POST /segments, GET/PATCH/DELETE
// /segments/{id}, POST /segments/preview, GET /segments/{id}/members) on
// the demo company after the nightly RFM job: each filter's count and
// sample recomputed here from the customers as the API lists them (the RFM
// scores, the category purchases and the store links read from the
// database), the members and their export, the audit rows, bad input,
// the store scope and the permissions.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, makeUser, ROOT } from '../lib/server.mjs';
import { assertProblem, hdr } from '../lib/assert.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
const DAY = 86400000;
// The R × F grid (row R = 1..5, column F = 1..5), as docs/analytics.md writes it.
const GRID = [
  ['lost', 'lost', 'at_risk', 'at_risk', 'cant_lose'],
  ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
  ['hibernating', 'hibernating', 'potential', 'loyal', 'loyal'],
  ['potential', 'potential', 'potential', 'loyal', 'loyal'],
  ['new', 'potential', 'potential', 'champions', 'champions'],
];

describe('saved segments', () => {
  let srv, admin, stores, manager, manager2, sales, service, customers, rfm, links, categories;
  const api = (m, p, body, token = admin) => srv.api(m, `/api/v1/${p}`, { token, body });
  async function ok(r, status = 200) {
    assert.equal(r.status, status, `${r.status} ${r.text}`);
    return r.body;
  }
  function sql(text) {
    if (srv.engine === 'sqlite') {
      return execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, text], { encoding: 'utf8' }).trim();
    }
    return execFileSync('psql', [srv.db, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' }).trim();
  }
  const rowsOf = (text) => sql(text).split('\n').filter(Boolean).map((l) => l.split('|'));

  async function allCustomers() {
    const out = [];
    let cursor = null;
    do {
      const page = await ok(await api('GET', `customers?limit=500${cursor ? `&cursor=${cursor}` : ''}`));
      out.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return out;
  }

  // The customers who bought (non-voided) in the category or under it between the days.
  function boughtIn(categoryId, from, to) {
    const sub = new Set([categoryId]);
    for (let grew = true; grew;) {
      grew = false;
      for (const c of categories) if (c.parent_id && sub.has(c.parent_id) && !sub.has(c.id)) { sub.add(c.id); grew = true; }
    }
    const ids = rowsOf(`SELECT DISTINCT s.customer_id FROM sales s JOIN sale_lines l ON l.sale_id = s.id
      WHERE s.customer_id IS NOT NULL AND s.status <> 'voided' AND l.category_id IN (${[...sub].join(',')})
      ${from ? `AND s.day >= '${from}'` : ''} ${to ? `AND s.day <= '${to}'` : ''}`).map((r) => Number(r[0]));
    return new Set(ids);
  }

  // Whether customer c matches filter f at time now (the rule of docs/analytics.md).
  function matches(c, f, now, extra = {}) {
    if (f.tiers && !f.tiers.includes(c.tier)) return false;
    if (f.tags) {
      const has = f.tags.filter((t) => c.tags.includes(t)).length;
      if (f.tags_match === 'all' ? has < f.tags.length : has < 1) return false;
    }
    if (f.rfm_segments) {
      const s = rfm.get(c.id);
      if (!s || !f.rfm_segments.includes(GRID[s[0] - 1][s[1] - 1])) return false;
    }
    if (f.spend_min !== undefined && c.lifetime_spend < f.spend_min) return false;
    if (f.spend_max !== undefined && c.lifetime_spend > f.spend_max) return false;
    if (f.recency_min_days !== undefined || f.recency_max_days !== undefined) {
      if (!c.last_purchase_at) return false;
      const d = Math.floor((now - Date.parse(c.last_purchase_at)) / DAY);
      if (f.recency_min_days !== undefined && d < f.recency_min_days) return false;
      if (f.recency_max_days !== undefined && d > f.recency_max_days) return false;
    }
    if (f.home_store_ids && !f.home_store_ids.includes(c.home_store_id)) return false;
    if (f.birthday_month && (!c.birthday || Number(c.birthday.slice(5, 7)) !== f.birthday_month)) return false;
    for (const ch of f.consent ?? []) if (!c[`consent_${ch}`]) return false;
    if (f.bought_category_id && !extra.bought.has(c.id)) return false;
    if (extra.stores && !extra.stores.some((s) => links.get(c.id)?.has(s))) return false;
    return true;
  }
  const expected = (f, now, extra) => customers.filter((c) => matches(c, f, now, extra)).map((c) => c.id).sort((a, b) => a - b);

  // The answer's count against the count at the moments before and after the call.
  async function checkPreview(filter, { token = admin, stores: scope, store_id } = {}) {
    const extra = { stores: scope };
    if (filter.bought_category_id) extra.bought = boughtIn(filter.bought_category_id, filter.bought_from, filter.bought_to);
    const t0 = Date.now();
    const body = await ok(await api('POST', 'segments/preview', { filter, ...(store_id ? { store_id } : {}) }, token));
    const t1 = Date.now();
    const a = expected(filter, t0, extra), b = expected(filter, t1, extra);
    const want = body.count === a.length ? a : b;
    assert.equal(body.count, want.length, `${JSON.stringify(filter)}: ${body.count} vs ${a.length}/${b.length}`);
    assert.deepEqual(body.sample.map((m) => m.id), want.slice(0, 10), JSON.stringify(filter));
    return { body, ids: want };
  }

  before(async () => {
    srv = await startServer({ args: ['--demo=small'] });
    admin = srv.adminToken;
    const job = spawnSync(BIN, ['job', 'run', 'customer_rfm', '--db', srv.db], { encoding: 'utf8' });
    assert.equal(job.status, 0, job.stderr);
    stores = (await ok(await api('GET', 'stores'))).items;
    manager = await makeUser(srv, 'store_manager', [stores[0].id]);
    manager2 = await makeUser(srv, 'store_manager', [stores[1].id]);
    sales = await makeUser(srv, 'sales', [stores[0].id]);
    service = await makeUser(srv, 'service');
    // tags on some customers: vip, wine or both
    const first = (await ok(await api('GET', 'customers?limit=40'))).items;
    for (const [i, c] of first.entries()) {
      const tags = [['vip'], ['vip', 'wine'], ['wine'], []][i % 4];
      await ok(await api('PATCH', `customers/${c.id}`, { tags }));
    }
    customers = await allCustomers();
    rfm = new Map(rowsOf('SELECT id, rfm_r, rfm_f FROM customers WHERE rfm_r IS NOT NULL').map(([id, r, f]) => [Number(id), [Number(r), Number(f)]]));
    links = new Map();
    for (const [c, s] of rowsOf('SELECT customer_id, store_id FROM customer_stores')) {
      if (!links.has(Number(c))) links.set(Number(c), new Set());
      links.get(Number(c)).add(Number(s));
    }
    categories = (await ok(await api('GET', 'categories?limit=500'))).items;
  });
  after(async () => { await srv?.stop(); });

  it('counts and samples every filter as the customers\' own data says', async () => {
    const spends = customers.map((c) => c.lifetime_spend).filter((x) => x > 0).sort((a, b) => a - b);
    const lo = spends[Math.floor(spends.length / 4)], hi = spends[Math.floor(spends.length * 3 / 4)];
    const days = rowsOf("SELECT MIN(day), MAX(day) FROM sales WHERE status <> 'voided'")[0];
    const food = categories.find((c) => !c.parent_id && categories.some((k) => k.parent_id === c.id));
    assert.ok(food, 'a category with children');
    const filters = [
      {},
      { tiers: ['normal'] },
      { tiers: ['gold', 'silver'] },
      { tags: ['vip'] },
      { tags: ['vip', 'wine'] },
      { tags: ['vip', 'wine'], tags_match: 'all' },
      { rfm_segments: ['champions', 'loyal'] },
      { rfm_segments: ['lost', 'hibernating', 'new'] },
      { spend_min: lo },
      { spend_max: hi },
      { spend_min: lo, spend_max: hi },
      { recency_min_days: 3 },
      { recency_max_days: 7 },
      { recency_min_days: 2, recency_max_days: 12 },
      { home_store_ids: [stores[0].id] },
      { home_store_ids: [stores[1].id, stores[2].id] },
      { birthday_month: 3 },
      { consent: ['sms'] },
      { consent: ['sms', 'wechat'] },
      { consent: ['email'] },
      { bought_category_id: food.id },
      { bought_category_id: food.id, bought_from: days[1], bought_to: days[1] },
      { consent: ['wechat'], spend_min: lo, home_store_ids: [stores[0].id, stores[1].id], rfm_segments: ['champions', 'loyal', 'potential'] },
    ];
    const counts = [];
    for (const f of filters) counts.push((await checkPreview(f)).body.count);
    assert.equal(counts[0], customers.length);
    // the filters narrow: most are neither everyone nor no one
    assert.ok(counts.filter((n) => n > 0 && n < customers.length).length >= 15, JSON.stringify(counts));
    // the filter as it would be saved, normalized
    const p = await ok(await api('POST', 'segments/preview', { filter: { tags: ['vip', 'vip'], consent: ['wechat', 'sms'] } }));
    assert.deepEqual(p.filter, { tags: ['vip'], tags_match: 'any', consent: ['sms', 'wechat'] });
  });

  it('saves, reads with the live count, lists, changes and deletes a segment, with audit rows', async () => {
    const filter = { consent: ['sms'], recency_max_days: 20 };
    const s = await ok(await api('POST', 'segments', { name: '短信可达的近期客户', description: 'Recent buyers reachable by SMS', filter }), 201);
    assert.equal(s.store_id, null);
    assert.deepEqual(s.filter, filter);
    const t0 = Date.now();
    const got = await ok(await api('GET', `segments/${s.id}`));
    const want = expected(filter, t0, {});
    assert.ok(Math.abs(got.count - want.length) <= 1, `${got.count} vs ${want.length}`);
    // members: every page, the count on each
    const seen = [];
    let cursor = null;
    do {
      const page = await ok(await api('GET', `segments/${s.id}/members?limit=100${cursor ? `&cursor=${cursor}` : ''}`));
      assert.equal(page.count, got.count);
      seen.push(...page.items.map((m) => m.id));
      cursor = page.next_cursor;
    } while (cursor);
    assert.equal(seen.length, got.count);
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
    // as files
    const csv = await api('GET', `segments/${s.id}/members?format=csv`);
    assert.equal(csv.status, 200);
    assert.match(hdr(csv, 'content-type'), /^text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').trimEnd().split(/\r?\n/);
    assert.equal(lines.length, 1 + got.count);
    assert.ok(lines[0].startsWith('id,name,member_code'), lines[0]);
    const xlsx = await api('GET', `segments/${s.id}/members?format=xlsx`);
    assert.equal(xlsx.status, 200);
    assert.match(hdr(xlsx, 'content-type'), /spreadsheetml/);
    // list and search
    const list = await ok(await api('GET', 'segments?q=%E7%9F%AD%E4%BF%A1'));
    assert.deepEqual(list.items.map((x) => x.id), [s.id]);
    // change: the whole filter is replaced
    const ch = await ok(await api('PATCH', `segments/${s.id}`, { name: 'SMS', filter: { consent: ['email'] } }));
    assert.equal(ch.name, 'SMS');
    assert.equal(ch.description, 'Recent buyers reachable by SMS');
    assert.deepEqual(ch.filter, { consent: ['email'] });
    assert.equal((await ok(await api('GET', `segments/${s.id}`))).count, expected({ consent: ['email'] }, Date.now(), {}).length);
    assert.equal((await api('DELETE', `segments/${s.id}`)).status, 204);
    assertProblem(await api('GET', `segments/${s.id}`), 404, 'not-found');
    assertProblem(await api('GET', `segments/${s.id}/members`), 404, 'not-found');
    assertProblem(await api('DELETE', `segments/${s.id}`), 404, 'not-found');
    const audit = (await ok(await api('GET', `audit?entity=segment&entity_id=${s.id}`))).items.map((a) => a.action).sort();
    assert.deepEqual(audit, ['create', 'delete', 'update']);
  });

  it('refuses bad filters naming each field, and wrong types', async () => {
    const bad = {
      tiers: ['no_such_tier'], rfm_segments: ['sleepy'], spend_min: 500, spend_max: 100,
      recency_min_days: 30, recency_max_days: 10, birthday_month: 13, consent: ['fax'],
      home_store_ids: [999999], bought_category_id: 999999, bought_from: '2026-05-02', bought_to: '2026-05-01', colour: 'red',
    };
    const fields = ['filter.tiers', 'filter.rfm_segments', 'filter.spend_max', 'filter.recency_max_days',
      'filter.birthday_month', 'filter.consent', 'filter.home_store_ids', 'filter.bought_category_id', 'filter.bought_to', 'filter.colour'];
    assertProblem(await api('POST', 'segments/preview', { filter: bad }), 422, 'validation', fields);
    assertProblem(await api('POST', 'segments', { name: 'Bad', filter: bad }), 422, 'validation', fields);
    assertProblem(await api('POST', 'segments', { filter: {} }), 422, 'validation', ['name']);
    assertProblem(await api('POST', 'segments', { name: ' ', filter: {} }), 422, 'validation', ['name']);
    assertProblem(await api('POST', 'segments', { name: 'x', size: 3 }), 422, 'validation', ['size']);
    assertProblem(await api('POST', 'segments/preview', { filter: { recency_min_days: -1, birthday_month: 0, bought_from: '2026-02-30' } }), 422, 'validation',
      ['filter.recency_min_days', 'filter.birthday_month', 'filter.bought_from']);
    assertProblem(await api('POST', 'segments/preview', { filter: { bought_from: '2026-01-01' } }), 422, 'validation', ['filter.bought_category_id']);
    assertProblem(await api('POST', 'segments/preview', { filter: { tags: 'vip' } }), 400, 'bad-request');
    assertProblem(await api('POST', 'segments/preview', { filter: { spend_min: '100' } }), 400, 'bad-request');
    assertProblem(await api('POST', 'segments/preview', { filter: [] }), 400, 'bad-request');
    assertProblem(await api('POST', 'segments', { name: 3 }), 400, 'bad-request');
    const r = await srv.api('POST', '/api/v1/segments/preview', { token: admin, raw: '{"filter":', headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 400);
    const s = await ok(await api('POST', 'segments', { name: 'Patch me' }), 201);
    assertProblem(await api('PATCH', `segments/${s.id}`, { filter: { birthday_month: 13 } }), 422, 'validation', ['filter.birthday_month']);
    assertProblem(await api('PATCH', `segments/${s.id}`, { store_id: stores[1].id }), 422, 'validation', ['store_id']);
    assertProblem(await api('GET', 'segments/999999'), 404, 'not-found');
    assertProblem(await api('GET', `segments?limit=0`), 422, 'validation', ['limit']);
  });

  it('scopes segments and their members to a store-bound user\'s stores', async () => {
    const mine = [stores[0].id];
    // a store manager counts only the customers linked to their store
    const f = { consent: ['sms'] };
    const p = await checkPreview(f, { token: manager.token, stores: mine });
    assert.ok(p.ids.length < expected(f, Date.now(), {}).length);
    await checkPreview({ rfm_segments: ['champions', 'potential'], home_store_ids: [stores[1].id] }, { token: manager.token, stores: mine });
    // with one store, their segment is that store's
    const s = await ok(await api('POST', 'segments', { name: 'Store 1 SMS', filter: f }, manager.token), 201);
    assert.equal(s.store_id, stores[0].id);
    // the store's segment counts that store's customers for everyone
    const adminView = await ok(await api('GET', `segments/${s.id}`));
    assert.equal(adminView.count, p.body.count);
    assert.equal((await ok(await api('GET', `segments/${s.id}`, undefined, sales.token))).count, p.body.count);
    // another store's user: 404 everywhere, not in their list
    for (const [m, x] of [['GET', ''], ['GET', '/members'], ['PATCH', ''], ['DELETE', '']]) {
      assertProblem(await api(m, `segments/${s.id}${x}`, m === 'PATCH' ? { name: 'x' } : undefined, manager2.token), 404, 'not-found');
    }
    assert.ok(!(await ok(await api('GET', 'segments', undefined, manager2.token))).items.some((x) => x.id === s.id));
    // a company-wide segment is not a store manager's
    const hq = await ok(await api('POST', 'segments', { name: 'Company', filter: f }), 201);
    assertProblem(await api('GET', `segments/${hq.id}`, undefined, manager.token), 404, 'not-found');
    assert.deepEqual((await ok(await api('GET', 'segments', undefined, manager.token))).items.map((x) => x.id), [s.id]);
    // naming another store: 403; a store of the admin's choosing: its customers
    assertProblem(await api('POST', 'segments', { name: 'x', store_id: stores[1].id }, manager.token), 403, 'forbidden');
    assertProblem(await api('POST', 'segments/preview', { store_id: stores[1].id }, manager.token), 404, 'not-found');
    const s2 = await ok(await api('POST', 'segments', { name: 'Store 2', store_id: stores[1].id, filter: f }), 201);
    const members = await ok(await api('GET', `segments/${s2.id}/members?limit=500`));
    assert.equal(members.count, expected(f, Date.now(), { stores: [stores[1].id] }).length);
    assert.ok(members.items.every((m) => links.get(m.id).has(stores[1].id)));
    // the members a store manager gets are linked to their store
    const mm = await ok(await api('GET', `segments/${s.id}/members?limit=500`, undefined, manager.token));
    assert.ok(mm.items.length > 0 && mm.items.every((m) => links.get(m.id).has(stores[0].id)));
  });

  it('lets store managers, hq and admin save segments; everyone with customers may read them', async () => {
    for (const u of [sales, service]) {
      assertProblem(await api('POST', 'segments', { name: 'x' }, u.token), 403, 'forbidden');
      const s = (await ok(await api('GET', 'segments'))).items[0];
      assertProblem(await api('PATCH', `segments/${s.id}`, { name: 'x' }, u.token), 403, 'forbidden');
      assertProblem(await api('DELETE', `segments/${s.id}`, undefined, u.token), 403, 'forbidden');
      await ok(await api('POST', 'segments/preview', { filter: {} }, u.token));
      await ok(await api('GET', 'segments', undefined, u.token));
    }
    assert.equal((await srv.api('GET', '/api/v1/segments')).status, 401);
  });
});
