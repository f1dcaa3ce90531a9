// Stores: create, validation, duplicates, store settings, scoping of
// store-bound roles, UTF-8 names.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const STORE_KEYS = ['id', 'code', 'name', 'channel', 'region', 'city', 'address', 'active',
  'allow_negative_stock', 'cash_rounding', 'created_at', 'updated_at'].sort();
const code = () => `S-${uniq()}`;

describe('stores', () => {
  let srv, admin;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const create = (body) => api('POST', '/api/v1/stores', { body: { code: code(), name: 'Store', channel: 'direct', ...body } });

  async function listAll(token, query = '') {
    const seen = [];
    let cursor = null;
    for (let i = 0; i < 100; i++) {
      const r = await srv.api('GET', `/api/v1/stores?limit=2${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      seen.push(...r.body.items);
      cursor = r.body.next_cursor;
      if (cursor === null) return seen;
      assert.equal(typeof cursor, 'string');
    }
    assert.fail('pagination did not end');
  }

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
  });
  after(async () => { await srv?.stop(); });

  it('creates a store: 201, Location, every field, defaults', async () => {
    const c = code();
    const r = await api('POST', '/api/v1/stores', {
      body: { code: c, name: 'Nanjing Road', channel: 'franchise', region: 'East', city: 'Shanghai', address: '1 Nanjing Rd' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const s = r.body;
    assert.deepEqual(Object.keys(s).sort(), STORE_KEYS);
    assert.ok(Number.isInteger(s.id) && s.id > 0);
    assert.equal(hdr(r, 'location'), `/api/v1/stores/${s.id}`);
    assert.equal(s.code, c);
    assert.equal(s.name, 'Nanjing Road');
    assert.equal(s.channel, 'franchise');
    assert.equal(s.region, 'East');
    assert.equal(s.city, 'Shanghai');
    assert.equal(s.address, '1 Nanjing Rd');
    assert.equal(s.active, true);
    assert.equal(s.allow_negative_stock, false);
    assert.equal(s.cash_rounding, 1);
    assert.match(s.created_at, RFC3339_UTC);
    assert.match(s.updated_at, RFC3339_UTC);
    const g = await api('GET', `/api/v1/stores/${s.id}`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.body, s);
  });

  it('optional fields may be left out or null', async () => {
    const r = await create({ region: null });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.region, null);
    assert.equal(r.body.city, null);
    assert.equal(r.body.address, null);
  });

  it('refuses an unknown channel (422 channel)', async () => {
    assertProblem(await create({ channel: 'pirate' }), 422, 'validation', ['channel']);
  });

  it('missing code and name: 422 listing both', async () => {
    const r = await api('POST', '/api/v1/stores', { body: { channel: 'direct' } });
    assertProblem(r, 422, 'validation', ['code', 'name']);
  });

  it('wrong JSON types: 400 with the field', async () => {
    assertProblem(await create({ name: 12 }), 400, 'bad-request', ['name']);
    assertProblem(await create({ allow_negative_stock: 'yes' }), 400, 'bad-request', ['allow_negative_stock']);
  });

  it('duplicate code: 409 duplicate', async () => {
    const c = code();
    assert.equal((await create({ code: c })).status, 201);
    const r = await create({ code: c, name: 'Other' });
    assertProblem(r, 409, 'duplicate');
    const all = await listAll(admin);
    assert.equal(all.filter((s) => s.code === c).length, 1);
  });

  it('unknown field: 422 naming it', async () => {
    assertProblem(await create({ owner: 'me' }), 422, 'validation', ['owner']);
    assertProblem(await create({ id: 777 }), 422, 'validation', ['id']);
  });

  it('PATCH changes store settings; cash_rounding only 1, 10 or 100', async () => {
    const s = (await create({ name: 'Settings' })).body;
    const r = await api('PATCH', `/api/v1/stores/${s.id}`, { body: { allow_negative_stock: true, cash_rounding: 10 } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.allow_negative_stock, true);
    assert.equal(r.body.cash_rounding, 10);
    assert.equal(r.body.name, 'Settings', 'unsent fields unchanged');
    assert.equal(r.body.code, s.code);
    const c100 = await api('PATCH', `/api/v1/stores/${s.id}`, { body: { cash_rounding: 100 } });
    assert.equal(c100.status, 200);
    assert.equal(c100.body.cash_rounding, 100);
    for (const bad of [5, 0, -10, 1000]) {
      assertProblem(await api('PATCH', `/api/v1/stores/${s.id}`, { body: { cash_rounding: bad } }), 422, 'validation', ['cash_rounding']);
    }
    assertProblem(await api('PATCH', `/api/v1/stores/${s.id}`, { body: { cash_rounding: 10.5 } }), 422, 'validation', ['cash_rounding']);
    assertProblem(await api('PATCH', `/api/v1/stores/${s.id}`, { body: { channel: 'pirate' } }), 422, 'validation', ['channel']);
    assertProblem(await api('PATCH', `/api/v1/stores/${s.id}`, { body: { foo: 1 } }), 422, 'validation', ['foo']);
    const g = await api('GET', `/api/v1/stores/${s.id}`);
    assert.equal(g.body.cash_rounding, 100);
    assert.equal(g.body.allow_negative_stock, true);
    assert.equal(g.body.channel, 'direct');
    assertProblem(await create({ cash_rounding: 5 }), 422, 'validation', ['cash_rounding']);
  });

  it('PATCH to another store\'s code: 409; unknown store: 404', async () => {
    const a = (await create({})).body;
    const b = (await create({})).body;
    assertProblem(await api('PATCH', `/api/v1/stores/${b.id}`, { body: { code: a.code } }), 409, 'duplicate');
    assertProblem(await api('PATCH', '/api/v1/stores/99999999', { body: { name: 'x' } }), 404, 'not-found');
    assertProblem(await api('GET', '/api/v1/stores/99999999'), 404, 'not-found');
  });

  it('a store manager sees only their store', async () => {
    const a = (await create({ name: 'Mine' })).body;
    const b = (await create({ name: 'Not mine' })).body;
    const mgr = await makeUser(srv, 'store_manager', [a.id]);
    const list = await listAll(mgr.token);
    assert.deepEqual(list.map((s) => s.id), [a.id]);
    const ga = await srv.api('GET', `/api/v1/stores/${a.id}`, { token: mgr.token });
    assert.equal(ga.status, 200);
    assert.equal(ga.body.name, 'Mine');
    assertProblem(await srv.api('GET', `/api/v1/stores/${b.id}`, { token: mgr.token }), 404, 'not-found');
    assertProblem(await srv.api('PATCH', `/api/v1/stores/${a.id}`, { token: mgr.token, body: { name: 'Hijack' } }), 403, 'forbidden');
    assertProblem(await srv.api('POST', '/api/v1/stores', { token: mgr.token, body: { code: code(), name: 'x', channel: 'direct' } }), 403, 'forbidden');
    assert.equal((await api('GET', `/api/v1/stores/${a.id}`)).body.name, 'Mine');
    // A sales user bound to b sees b only; hq sees both.
    const sales = await makeUser(srv, 'sales', [b.id]);
    assert.deepEqual((await listAll(sales.token)).map((s) => s.id), [b.id]);
    const hq = await makeUser(srv, 'hq', []);
    const ids = (await listAll(hq.token)).map((s) => s.id);
    assert.ok(ids.includes(a.id) && ids.includes(b.id));
  });

  it('pagination walks every store once', async () => {
    for (let i = 0; i < 3; i++) await create({});
    const all = await listAll(admin);
    const ids = all.map((s) => s.id);
    assert.equal(new Set(ids).size, ids.length, 'no duplicates across pages');
    assert.ok(ids.length >= 5);
    const one = await api('GET', '/api/v1/stores?limit=500');
    assert.deepEqual(one.body.items.map((s) => s.id), ids);
    assertProblem(await api('GET', '/api/v1/stores?limit=0'), 422, 'validation', ['limit']);
    assertProblem(await api('GET', '/api/v1/stores?limit=501'), 422, 'validation', ['limit']);
  });

  it('a Chinese name round-trips exactly', async () => {
    const name = '上海南京东路店';
    const r = await create({ name, city: '上海', address: '南京东路 100 号' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.name, name);
    const g = await api('GET', `/api/v1/stores/${r.body.id}`);
    assert.equal(g.body.name, name);
    assert.equal(g.body.city, '上海');
    assert.equal(g.body.address, '南京东路 100 号');
    const l = await api('GET', `/api/v1/stores?q=${encodeURIComponent('南京东路')}`);
    assert.equal(l.status, 200);
    assert.ok(l.body.items.some((s) => s.id === r.body.id));
  });
});
