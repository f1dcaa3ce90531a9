// Company settings (defaults, validation, admin only) and the audit log
// (rows for every change, none for refused writes, admin and hq only).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const AUDIT_KEYS = ['id', 'at', 'user_id', 'username', 'action', 'entity', 'entity_id', 'store_id', 'before', 'after', 'ip'].sort();
const VALID = {
  company_name: 'Tersa 零售', currency: 'CNY', time_zone: 'Asia/Shanghai', locale: 'en',
  receipt_header: '欢迎光临', receipt_footer: '谢谢惠顾',
};

describe('settings and audit', () => {
  let srv, admin, hq, sales, manager, service, store;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });

  async function auditAll(query) {
    const rows = [];
    let cursor = null;
    for (let i = 0; i < 100; i++) {
      const r = await api('GET', `/api/v1/audit?${query}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      rows.push(...r.body.items);
      cursor = r.body.next_cursor;
      if (cursor === null) return rows;
    }
    assert.fail('pagination did not end');
  }
  const newestAuditId = async () => {
    const r = await api('GET', '/api/v1/audit?limit=1');
    assert.equal(r.status, 200);
    return r.body.items[0]?.id ?? 0;
  };

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    store = (await api('POST', '/api/v1/stores', { body: { code: `S-${uniq()}`, name: 'Audit store', channel: 'direct' } })).body;
    hq = await makeUser(srv, 'hq', []);
    sales = await makeUser(srv, 'sales', [store.id]);
    manager = await makeUser(srv, 'store_manager', [store.id]);
    service = await makeUser(srv, 'service', []);
  });
  after(async () => { await srv?.stop(); });

  it('GET /settings answers the defaults to every role', async () => {
    const r = await api('GET', '/api/v1/settings');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.currency, 'CNY');
    assert.equal(r.body.time_zone, 'Asia/Shanghai');
    assert.equal(r.body.locale, 'zh-CN');
    assert.equal(typeof r.body.company_name, 'string');
    assert.equal(typeof r.body.receipt_header, 'string');
    assert.equal(typeof r.body.receipt_footer, 'string');
    assert.equal(r.body.updated_at, null, 'never changed on a fresh database');
    for (const u of [hq, sales, manager, service]) {
      const g = await srv.api('GET', '/api/v1/settings', { token: u.token });
      assert.equal(g.status, 200);
      assert.deepEqual(g.body, r.body);
    }
  });

  it('PUT with bad currency, zone and locale: 422 listing all three, nothing changed', async () => {
    const before = (await api('GET', '/api/v1/settings')).body;
    const top = await newestAuditId();
    const r = await api('PUT', '/api/v1/settings', { body: { ...VALID, currency: 'cny', time_zone: 'Mars/Base', locale: 'fr' } });
    assertProblem(r, 422, 'validation', ['currency', 'time_zone', 'locale']);
    assertProblem(await api('PUT', '/api/v1/settings', { body: { ...VALID, currency: 'YUAN' } }), 422, 'validation', ['currency']);
    assertProblem(await api('PUT', '/api/v1/settings', { body: { ...VALID, time_zone: '../../etc/passwd' } }), 422, 'validation', ['time_zone']);
    assertProblem(await api('PUT', '/api/v1/settings', { body: { ...VALID, theme: 'dark' } }), 422, 'validation', ['theme']);
    assertProblem(await api('PUT', '/api/v1/settings', { body: { ...VALID, currency: 156 } }), 400, 'bad-request', ['currency']);
    assert.deepEqual((await api('GET', '/api/v1/settings')).body, before);
    assert.equal(await newestAuditId(), top, 'no audit row for refused writes');
  });

  it('non-admins cannot PUT settings (403)', async () => {
    for (const u of [hq, sales, manager, service]) {
      assertProblem(await srv.api('PUT', '/api/v1/settings', { token: u.token, body: VALID }), 403, 'forbidden');
    }
    assert.equal((await api('GET', '/api/v1/settings')).body.locale, 'zh-CN');
  });

  it('a valid PUT is stored and audited', async () => {
    const r = await api('PUT', '/api/v1/settings', { body: VALID });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    for (const [k, v] of Object.entries(VALID)) assert.equal(r.body[k], v, k);
    const g = await api('GET', '/api/v1/settings');
    for (const [k, v] of Object.entries(VALID)) assert.equal(g.body[k], v, k);
    assert.match(g.body.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, 'the time of the change');
    assert.equal(r.body.updated_at, g.body.updated_at);
    const rows = await auditAll('entity=settings');
    assert.ok(rows.length >= 1, 'a settings audit row');
    const row = rows[0];
    assert.equal(row.entity, 'settings');
    assert.equal(row.action, 'update');
    assert.equal(typeof row.user_id, 'number');
    assert.equal(row.username, 'admin');
    // Back to the default locale for the other tests.
    assert.equal((await api('PUT', '/api/v1/settings', { body: { ...VALID, locale: 'zh-CN' } })).status, 200);
  });

  it('product create and update leave audit rows with user, action and before/after', async () => {
    const sku = `AUD${uniq().toUpperCase()}`;
    const c = await srv.api('POST', '/api/v1/products', {
      token: hq.token, body: { sku, name: 'Audited', unit: 'pcs', price: 1000, vat_rate: 1300 },
    });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const id = c.body.id;
    const u = await srv.api('PATCH', `/api/v1/products/${id}`, { token: hq.token, body: { price: 1200 } });
    assert.equal(u.status, 200, JSON.stringify(u.body));

    const r = await srv.api('GET', `/api/v1/audit?entity=product&entity_id=${id}`, { token: hq.token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const rows = r.body.items;
    assert.equal(rows.length, 2, JSON.stringify(rows));
    for (const row of rows) {
      assert.deepEqual(Object.keys(row).sort(), AUDIT_KEYS);
      assert.equal(row.entity, 'product');
      assert.equal(row.entity_id, id);
      assert.equal(row.user_id, hq.id);
      assert.equal(row.username, hq.username);
      assert.match(row.at, RFC3339_UTC);
      assert.equal(typeof row.ip, 'string');
      assert.ok(row.ip.length > 0);
    }
    // Newest first.
    const [upd, cre] = rows;
    assert.ok(upd.id > cre.id);
    assert.equal(cre.action, 'create');
    assert.equal(cre.before, null);
    assert.ok(cre.after && typeof cre.after === 'object', 'create has an after summary');
    assert.equal(upd.action, 'update');
    assert.ok(upd.before && typeof upd.before === 'object', 'update has a before summary');
    assert.ok(upd.after && typeof upd.after === 'object', 'update has an after summary');
    assert.match(JSON.stringify(upd.before), /1000/, 'before shows the old price');
    assert.match(JSON.stringify(upd.after), /1200/, 'after shows the new price');
    assert.doesNotMatch(JSON.stringify(upd.before), /1200/);
  });

  it('audit filters by user_id and entity', async () => {
    const mine = await auditAll(`user_id=${hq.id}`);
    assert.ok(mine.length >= 2);
    assert.ok(mine.every((row) => row.user_id === hq.id));
    const stores = await auditAll('entity=store');
    assert.ok(stores.some((row) => row.entity_id === store.id && row.action === 'create'));
    assert.ok(stores.every((row) => row.entity === 'store'));
    const users = await auditAll('entity=user');
    assert.ok(users.some((row) => row.entity_id === hq.id && row.action === 'create'));
    const none = await auditAll('entity=product&entity_id=99999999');
    assert.deepEqual(none, []);
    const ids = (await auditAll('entity=user')).map((row) => row.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
  });

  it('audit is for admin and hq only', async () => {
    assert.equal((await srv.api('GET', '/api/v1/audit', { token: hq.token })).status, 200);
    assert.equal((await api('GET', '/api/v1/audit')).status, 200);
    for (const u of [sales, manager, service]) {
      assertProblem(await srv.api('GET', '/api/v1/audit', { token: u.token }), 403, 'forbidden');
    }
  });

  it('a refused write leaves neither an object nor an audit row', async () => {
    const top = await newestAuditId();
    const sku = `BAD${uniq().toUpperCase()}`;
    assertProblem(await api('POST', '/api/v1/products', { body: { sku, name: 'Bad', unit: 'pcs', price: -1, vat_rate: 1300 } }), 422, 'validation', ['price']);
    const code = `S-${uniq()}`;
    assertProblem(await api('POST', '/api/v1/stores', { body: { code, name: 'Bad', channel: 'pirate' } }), 422, 'validation', ['channel']);
    assertProblem(await api('POST', '/api/v1/users', { body: { username: `bad_${uniq()}`, password: 'short', role: 'hq' } }), 422, 'validation', ['password']);
    assertProblem(await api('POST', '/api/v1/categories', { body: { name: 'Bad', parent_id: 99999999 } }), 422, 'validation', ['parent_id']);
    const dupStore = await api('POST', '/api/v1/stores', { body: { code: store.code, name: 'Dup', channel: 'direct' } });
    assertProblem(dupStore, 409, 'duplicate');
    assert.equal(await newestAuditId(), top, 'no audit row');
    const products = await api('GET', `/api/v1/products?q=${sku}`);
    assert.deepEqual(products.body.items, []);
    const stores = await api('GET', `/api/v1/stores?q=${encodeURIComponent(code)}`);
    assert.deepEqual(stores.body.items, []);
  });

  it('audit filters are validated', async () => {
    assertProblem(await api('GET', '/api/v1/audit?entity_id=abc'), 422, 'validation', ['entity_id']);
    assertProblem(await api('GET', '/api/v1/audit?from=yesterday'), 422, 'validation', ['from']);
    assertProblem(await api('GET', '/api/v1/audit?limit=501'), 422, 'validation', ['limit']);
  });
});
