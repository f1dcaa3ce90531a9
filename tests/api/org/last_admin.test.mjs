// The last-admin guard under concurrency: two admins demoting each other at
// the same moment leave at least one admin (PostgreSQL takes the writes at
// once; SQLite serializes them).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq } from '../lib/server.mjs';

const PASSWORD = 'Admin-two-passw0rd-2026';

describe('last admin', () => {
  let srv;
  before(async () => { srv = await startServer({ args: ['--per-ip', '1024'] }); });
  after(async () => { await srv?.stop(); });

  async function addAdmin(token) {
    const username = `adm_${uniq()}`;
    const r = await srv.api('POST', '/api/v1/users', { token, body: { username, password: PASSWORD, role: 'admin' } });
    assert.equal(r.status, 201, r.text);
    return { id: r.body.id, token: await srv.login(username, PASSWORD) };
  }
  async function activeAdmins(token) {
    const r = await srv.api('GET', '/api/v1/users?role=admin&limit=100', { token });
    assert.equal(r.status, 200, r.text);
    return r.body.items.filter((u) => u.active);
  }

  it('two admins demoting each other at once leave one admin, round after round', async () => {
    let a = await addAdmin(srv.adminToken);
    const me = await srv.api('GET', '/api/v1/me', { token: srv.adminToken });
    const r = await srv.api('PATCH', `/api/v1/users/${me.body.id}`, { token: a.token, body: { role: 'hq' } });
    assert.equal(r.status, 200, r.text);
    for (let round = 0; round < 6; round++) {
      const b = await addAdmin(a.token);
      assert.equal((await activeAdmins(a.token)).length, 2);
      const [ra, rb] = await Promise.all([
        srv.api('PATCH', `/api/v1/users/${b.id}`, { token: a.token, body: { role: 'hq' } }),
        srv.api('PATCH', `/api/v1/users/${a.id}`, { token: b.token, body: { role: 'hq' } }),
      ]);
      for (const x of [ra, rb]) assert.ok([200, 403, 409].includes(x.status), x.text);
      // whoever is still admin can list them
      let left = await srv.api('GET', '/api/v1/users?role=admin&limit=100', { token: a.token });
      if (left.status !== 200) left = await srv.api('GET', '/api/v1/users?role=admin&limit=100', { token: b.token });
      assert.equal(left.status, 200, `round ${round}: no admin left: ${ra.status} ${rb.status}`);
      const admins = left.body.items.filter((u) => u.active);
      assert.equal(admins.length, 1, `round ${round}: ${ra.status} ${rb.status}: ${JSON.stringify(admins)}`);
      a = admins[0].id === a.id ? a : b;
    }
  });
});
