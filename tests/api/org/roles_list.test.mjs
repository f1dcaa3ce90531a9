// GET /roles: every role with the permission codes it holds (perms.def),
// the same codes /me lists for a user of that role; admin only.
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
