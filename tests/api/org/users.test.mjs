// Users (admin): create every role, password and role rules, store
// assignment, duplicates, listing without secrets, deactivation.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const USER_KEYS = ['id', 'username', 'display_name', 'role', 'store_ids', 'active', 'created_at', 'updated_at'].sort();
const PASSWORD = 'twelve chars!';

describe('users', () => {
  let srv, admin, storeA, storeB;
  const created = {};
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const create = (body) => api('POST', '/api/v1/users', {
    body: { username: `u_${uniq()}`, password: PASSWORD, display_name: 'User', role: 'hq', ...body },
  });
  const login = (username, password) => srv.api('POST', '/api/v1/auth/login', { body: { username, password } });

  async function listAll(token) {
    const seen = [];
    let cursor = null;
    for (let i = 0; i < 200; i++) {
      const r = await srv.api('GET', `/api/v1/users?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      seen.push(...r.body.items);
      cursor = r.body.next_cursor;
      if (cursor === null) return seen;
    }
    assert.fail('pagination did not end');
  }

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    const mk = async () => {
      const r = await api('POST', '/api/v1/stores', { body: { code: `S-${uniq()}`, name: 'Store', channel: 'direct' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    };
    storeA = await mk();
    storeB = await mk();
  });
  after(async () => { await srv?.stop(); });

  it('admin creates a user of every role', async () => {
    const plan = {
      admin: [], hq: [], service: [],
      store_manager: [storeA.id], sales: [storeB.id, storeA.id],
    };
    for (const [role, stores] of Object.entries(plan)) {
      const username = `${role}_${uniq()}`;
      const r = await create({ username, role, store_ids: stores, display_name: `The ${role}` });
      assert.equal(r.status, 201, `${role}: ${JSON.stringify(r.body)}`);
      const u = r.body;
      assert.deepEqual(Object.keys(u).sort(), USER_KEYS, role);
      assert.equal(hdr(r, 'location'), `/api/v1/users/${u.id}`);
      assert.equal(u.username, username);
      assert.equal(u.display_name, `The ${role}`);
      assert.equal(u.role, role);
      assert.deepEqual(u.store_ids, [...stores].sort((a, b) => a - b));
      assert.equal(u.active, true);
      assert.match(u.created_at, RFC3339_UTC);
      assert.match(u.updated_at, RFC3339_UTC);
      created[role] = { ...u, password: PASSWORD };
    }
    const g = await api('GET', `/api/v1/users/${created.sales.id}`);
    assert.equal(g.status, 200);
    const { password: _pw, ...expected } = created.sales;
    assert.deepEqual(g.body, expected);
  });

  it('password length 12..128 (characters) is enforced', async () => {
    assertProblem(await create({ password: 'elevenchars' }), 422, 'validation', ['password']);
    assertProblem(await create({ password: 'x'.repeat(129) }), 422, 'validation', ['password']);
    assertProblem(await create({ password: '' }), 422, 'validation', ['password']);
    assert.equal((await create({ password: 'x'.repeat(12) })).status, 201);
    const long = await create({ password: 'y'.repeat(128) });
    assert.equal(long.status, 201);
    assert.equal((await login(long.body.username, 'y'.repeat(128))).status, 200);
    // Twelve Chinese characters are twelve characters (36 bytes).
    const cjk = await create({ password: '密码密码密码密码密码密码' });
    assert.equal(cjk.status, 201, JSON.stringify(cjk.body));
    assert.equal((await login(cjk.body.username, '密码密码密码密码密码密码')).status, 200);
  });

  it('refuses an unknown role, wrong types and unknown fields', async () => {
    assertProblem(await create({ role: 'king' }), 422, 'validation', ['role']);
    assertProblem(await create({ role: 'Admin' }), 422, 'validation', ['role']);
    assertProblem(await create({ role: 3 }), 400, 'bad-request', ['role']);
    assertProblem(await create({ store_ids: 'all' }), 400, 'bad-request', ['store_ids']);
    assertProblem(await create({ is_superuser: true }), 422, 'validation', ['is_superuser']);
    assertProblem(await create({ password_hash: 'x' }), 422, 'validation', ['password_hash']);
  });

  it('missing username, password and role: 422 listing each', async () => {
    const r = await api('POST', '/api/v1/users', { body: { display_name: 'nobody' } });
    assertProblem(r, 422, 'validation', ['username', 'password', 'role']);
  });

  it('store_ids must exist, and store-bound roles need one', async () => {
    assertProblem(await create({ role: 'sales', store_ids: [storeA.id, 99999999] }), 422, 'validation', ['store_ids']);
    assertProblem(await create({ role: 'store_manager', store_ids: [] }), 422, 'validation', ['store_ids']);
    const omit = await api('POST', '/api/v1/users', {
      body: { username: `u_${uniq()}`, password: PASSWORD, display_name: 'x', role: 'sales' },
    });
    assertProblem(omit, 422, 'validation', ['store_ids']);
  });

  it('a duplicate username answers 409 duplicate', async () => {
    const username = `dup_${uniq()}`;
    assert.equal((await create({ username })).status, 201);
    assertProblem(await create({ username }), 409, 'duplicate');
  });

  it('GET /users lists them without any password or hash', async () => {
    const all = await listAll(admin);
    const ids = all.map((u) => u.id);
    assert.equal(new Set(ids).size, ids.length, 'no duplicates across pages');
    for (const role of Object.keys(created)) assert.ok(ids.includes(created[role].id), `${role} listed`);
    assert.ok(all.some((u) => u.username === 'admin'));
    for (const u of all) {
      assert.deepEqual(Object.keys(u).sort(), USER_KEYS);
    }
    const raw = await api('GET', '/api/v1/users?limit=500');
    assert.doesNotMatch(raw.text, /argon2|password|hash/i);
  });

  it('non-admins get 403 on users', async () => {
    for (const role of ['hq', 'store_manager', 'sales', 'service']) {
      const token = await srv.login(created[role].username, PASSWORD);
      assertProblem(await srv.api('GET', '/api/v1/users', { token }), 403, 'forbidden');
      assertProblem(await srv.api('GET', `/api/v1/users/${created.admin.id}`, { token }), 403, 'forbidden');
      assertProblem(await srv.api('POST', '/api/v1/users', { token, body: { username: `x_${uniq()}`, password: PASSWORD, role: 'admin' } }), 403, 'forbidden');
      assertProblem(await srv.api('PATCH', `/api/v1/users/${created[role].id}`, { token, body: { role: 'admin' } }), 403, 'forbidden');
    }
    assert.equal((await api('GET', `/api/v1/users/${created.hq.id}`)).body.role, 'hq');
  });

  it('a new user logs in and /me shows role and stores', async () => {
    const r = await login(created.sales.username, PASSWORD);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.user.role, 'sales');
    assert.deepEqual(r.body.user.store_ids, [storeA.id, storeB.id].sort((a, b) => a - b));
    const me = await srv.api('GET', '/api/v1/me', { token: r.body.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, created.sales.id);
    assert.equal(me.body.role, 'sales');
    assert.deepEqual(me.body.store_ids, [storeA.id, storeB.id].sort((a, b) => a - b));
  });

  it('PATCH changes role and stores; refuses bad values', async () => {
    const u = await makeUser(srv, 'sales', [storeA.id]);
    const r = await api('PATCH', `/api/v1/users/${u.id}`, { body: { store_ids: [storeB.id], display_name: '店员' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.store_ids, [storeB.id]);
    assert.equal(r.body.display_name, '店员');
    assert.equal(r.body.role, 'sales');
    assertProblem(await api('PATCH', `/api/v1/users/${u.id}`, { body: { role: 'king' } }), 422, 'validation', ['role']);
    assertProblem(await api('PATCH', `/api/v1/users/${u.id}`, { body: { store_ids: [] } }), 422, 'validation', ['store_ids']);
    assertProblem(await api('PATCH', `/api/v1/users/${u.id}`, { body: { username: 'renamed' } }), 422, 'validation', ['username']);
    assertProblem(await api('PATCH', '/api/v1/users/99999999', { body: { display_name: 'x' } }), 404, 'not-found');
    // The new store assignment applies to the user's session.
    const list = await srv.api('GET', '/api/v1/stores', { token: u.token });
    assert.deepEqual(list.body.items.map((s) => s.id), [storeB.id]);
  });

  it('deactivating a user ends their sessions and refuses their login', async () => {
    const u = await makeUser(srv, 'hq', []);
    assert.equal((await srv.api('GET', '/api/v1/me', { token: u.token })).status, 200);
    const r = await api('PATCH', `/api/v1/users/${u.id}`, { body: { active: false } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.active, false);
    assertProblem(await srv.api('GET', '/api/v1/me', { token: u.token }), 401, 'unauthorized');
    assertProblem(await srv.api('GET', '/api/v1/products', { token: u.token }), 401, 'unauthorized');
    const bad = await login(u.username, u.password);
    assertProblem(bad, 401, 'unauthorized');
    const unknown = await login(`nobody_${uniq()}`, u.password);
    assert.deepEqual(bad.body, unknown.body, 'a disabled user looks like an unknown one');
    // Reactivated: can log in again.
    assert.equal((await api('PATCH', `/api/v1/users/${u.id}`, { body: { active: true } })).status, 200);
    assert.equal((await login(u.username, u.password)).status, 200);
  });
});
