// GET /roles: every role with the permission codes it holds (perms.def),
// the same codes /me lists for a user of that role; admin only. And
// GET /users?store_id=: the users assigned to one store.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, makeUser } from '../lib/server.mjs';

describe('roles list', () => {
  let srv, store;
  const user = (role) => makeUser(srv, role, ['store_manager', 'sales'].includes(role) ? [store.id] : []);
  before(async () => {
    srv = await startServer();
    const r = await srv.api('POST', '/api/v1/stores', { token: srv.adminToken, body: { code: `R${Date.now() % 100000}`, name: 'Roles', channel: 'direct' } });
    assert.equal(r.status, 201, r.text);
    store = r.body;
  });
  after(async () => { await srv?.stop(); });

  it('lists every role with the codes /me gives a user of that role', async () => {
    const r = await srv.api('GET', '/api/v1/roles', { token: srv.adminToken });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.items.map((x) => x.role), ['admin', 'hq', 'store_manager', 'sales', 'service']);
    for (const role of ['hq', 'store_manager', 'sales', 'service']) {
      const u = await user(role);
      const me = await srv.api('GET', '/api/v1/me', { token: u.token });
      assert.equal(me.status, 200, me.text);
      assert.deepEqual(r.body.items.find((x) => x.role === role).permissions, me.body.permissions, role);
    }
    const admin = r.body.items.find((x) => x.role === 'admin').permissions;
    for (const p of ['USERS_WRITE', 'SETTINGS_WRITE', 'IMPORTS_WRITE']) assert.ok(admin.includes(p), p);
    assert.ok(!admin.includes('PUBLIC'));
    const sales = r.body.items.find((x) => x.role === 'sales').permissions;
    assert.ok(sales.includes('SALES_WRITE') && !sales.includes('USERS_READ'));
  });

  it('only those who may read users see it; without a session 401', async () => {
    for (const role of ['hq', 'store_manager', 'sales']) {
      const u = await user(role);
      const r = await srv.api('GET', '/api/v1/roles', { token: u.token });
      assert.equal(r.status, 403, role);
    }
    assert.equal((await srv.api('GET', '/api/v1/roles')).status, 401);
  });
});

describe('users list by store', () => {
  let srv, a, b;
  before(async () => {
    srv = await startServer();
    const mk = async (c) => {
      const r = await srv.api('POST', '/api/v1/stores', { token: srv.adminToken, body: { code: `U${c}${Date.now() % 100000}`, name: `Store ${c}`, channel: 'direct' } });
      assert.equal(r.status, 201, r.text);
      return r.body;
    };
    a = await mk('A');
    b = await mk('B');
  });
  after(async () => { await srv?.stop(); });

  it('?store_id= lists only the users assigned to that store, with role and q', async () => {
    const ua = await makeUser(srv, 'sales', [a.id]);
    const ub = await makeUser(srv, 'store_manager', [b.id]);
    const uab = await makeUser(srv, 'store_manager', [a.id, b.id]);
    const ids = async (q) => {
      const r = await srv.api('GET', `/api/v1/users?${q}`, { token: srv.adminToken });
      assert.equal(r.status, 200, r.text);
      return r.body.items.map((u) => u.id);
    };
    assert.deepEqual(await ids(`store_id=${a.id}`), [ua.id, uab.id]);
    assert.deepEqual(await ids(`store_id=${b.id}&role=store_manager`), [ub.id, uab.id]);
    assert.deepEqual(await ids(`store_id=${a.id}&q=${ua.username}`), [ua.id]);
    assert.ok((await ids('limit=500')).includes(ub.id), 'no store_id: every store');
    for (const bad of ['0', '-1', 'x']) {
      const r = await srv.api('GET', `/api/v1/users?store_id=${bad}`, { token: srv.adminToken });
      assert.equal(r.status, 422, bad);
      assert.equal(r.body.errors[0].field, 'store_id');
    }
  });
});
