// Login, sessions, logout, login throttling, PATCH /me and the cookie mode
// with its CSRF header.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const PASSWORD = 'correct horse battery';

describe('auth', () => {
  let srv;
  const users = {};

  // Creates an hq user with a known password (admin only).
  async function addUser(role = 'hq', extra = {}) {
    const username = `a_${uniq()}`;
    const r = await srv.api('POST', '/api/v1/users', {
      token: srv.adminToken,
      body: { username, password: PASSWORD, display_name: 'Auth Test', role, ...extra },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return { id: r.body.id, username, password: PASSWORD };
  }
  const login = (username, password) =>
    srv.api('POST', '/api/v1/auth/login', { body: { username, password } });

  before(async () => {
    srv = await startServer();
    users.a = await addUser();
  });
  after(async () => { await srv?.stop(); });

  it('login answers a token, a csrf_token and the user', async () => {
    const r = await login(users.a.username, users.a.password);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.match(r.body.token, /^[0-9a-f]{64}$/);
    assert.equal(typeof r.body.csrf_token, 'string');
    assert.ok(r.body.csrf_token.length >= 16);
    assert.notEqual(r.body.csrf_token, r.body.token);
    const u = r.body.user;
    assert.equal(u.id, users.a.id);
    assert.equal(u.username, users.a.username);
    assert.equal(u.display_name, 'Auth Test');
    assert.equal(u.role, 'hq');
    assert.deepEqual(u.store_ids, []);
    assert.ok(!('password' in u) && !('password_hash' in u));
    // Two logins give two distinct sessions.
    const r2 = await login(users.a.username, users.a.password);
    assert.equal(r2.status, 200);
    assert.notEqual(r2.body.token, r.body.token);
    const me = await srv.api('GET', '/api/v1/me', { token: r.body.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, users.a.id);
    assert.equal(me.body.role, 'hq');
  });

  it('wrong password and unknown user answer the same 401', async () => {
    const wrong = await login(users.a.username, 'not the password at all');
    assertProblem(wrong, 401, 'unauthorized');
    assert.equal(wrong.body.token, undefined);
    const unknown = await login(`nobody_${uniq()}`, 'not the password at all');
    assertProblem(unknown, 401, 'unauthorized');
    assert.deepEqual(unknown.body, wrong.body, 'the replies must not tell which one was wrong');
  });

  it('missing, garbage or unknown tokens answer 401 on /me', async () => {
    assertProblem(await srv.api('GET', '/api/v1/me', {}), 401, 'unauthorized');
    assertProblem(await srv.api('GET', '/api/v1/me', { token: 'garbage' }), 401, 'unauthorized');
    assertProblem(await srv.api('GET', '/api/v1/me', { token: 'f'.repeat(64) }), 401, 'unauthorized');
    assertProblem(await srv.api('GET', '/api/v1/me', { headers: { Authorization: 'Basic YWRtaW46YWRtaW4=' } }), 401, 'unauthorized');
  });

  it('logout ends the session', async () => {
    const r = await login(users.a.username, users.a.password);
    const other = await login(users.a.username, users.a.password);
    const out = await srv.api('POST', '/api/v1/auth/logout', { token: r.body.token });
    assert.equal(out.status, 204, JSON.stringify(out.body));
    assertProblem(await srv.api('GET', '/api/v1/me', { token: r.body.token }), 401, 'unauthorized');
    assertProblem(await srv.api('POST', '/api/v1/auth/logout', { token: r.body.token }), 401, 'unauthorized');
    // Only that session ended.
    assert.equal((await srv.api('GET', '/api/v1/me', { token: other.body.token })).status, 200);
  });

  it('malformed JSON and wrong types on login answer 400', async () => {
    const r = await srv.api('POST', '/api/v1/auth/login', { raw: '{"username": "admin", "password": ', headers: { 'Content-Type': 'application/json' } });
    assertProblem(r, 400, 'malformed-json');
    const t = await srv.api('POST', '/api/v1/auth/login', { body: { username: 42, password: PASSWORD } });
    assertProblem(t, 400, 'bad-request', ['username']);
  });

  it('10 failed logins lock that username (429), others are unaffected', async () => {
    const victim = await addUser();
    const bystander = await addUser();
    for (let i = 0; i < 10; i++) {
      const r = await login(victim.username, `wrong password ${i}!`);
      assertProblem(r, 401, 'unauthorized');
    }
    const locked = await login(victim.username, victim.password);
    assertProblem(locked, 429, 'too-many-requests');
    assert.equal(locked.body.token, undefined);
    const again = await login(victim.username, victim.password);
    assert.equal(again.status, 429);
    const ok = await login(bystander.username, bystander.password);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  describe('PATCH /me', () => {
    let u, token;
    before(async () => {
      u = await addUser();
      token = (await login(u.username, u.password)).body.token;
    });

    it('changes the display name (UTF-8)', async () => {
      const r = await srv.api('PATCH', '/api/v1/me', { token, body: { display_name: '王小明' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.display_name, '王小明');
      const me = await srv.api('GET', '/api/v1/me', { token });
      assert.equal(me.body.display_name, '王小明');
    });

    it('refuses a password under 12 characters (422 password)', async () => {
      const r = await srv.api('PATCH', '/api/v1/me', { token, body: { password: 'short', current_password: u.password } });
      assertProblem(r, 422, 'validation', ['password']);
      assert.equal((await login(u.username, u.password)).status, 200, 'old password still works');
    });

    it('refuses a wrong current password (422 current_password)', async () => {
      const r = await srv.api('PATCH', '/api/v1/me', { token, body: { password: 'a brand new password', current_password: 'not my password!' } });
      assertProblem(r, 422, 'validation', ['current_password']);
      assert.equal((await login(u.username, 'a brand new password')).status, 401);
    });

    it('refuses a new password without the current one (422 current_password)', async () => {
      const r = await srv.api('PATCH', '/api/v1/me', { token, body: { password: 'a brand new password' } });
      assertProblem(r, 422, 'validation', ['current_password']);
    });

    it('refuses role and other fields (no mass assignment)', async () => {
      const r = await srv.api('PATCH', '/api/v1/me', { token, body: { role: 'admin' } });
      assertProblem(r, 422, 'validation', ['role']);
      const s = await srv.api('PATCH', '/api/v1/me', { token, body: { store_ids: [1] } });
      assertProblem(s, 422, 'validation', ['store_ids']);
      const me = await srv.api('GET', '/api/v1/me', { token });
      assert.equal(me.body.role, 'hq');
      assert.deepEqual(me.body.store_ids, []);
    });

    it('changes the password with the current one', async () => {
      const next = 'another good passphrase';
      const r = await srv.api('PATCH', '/api/v1/me', { token, body: { password: next, current_password: u.password } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(!('password' in r.body));
      assertProblem(await login(u.username, u.password), 401, 'unauthorized');
      assert.equal((await login(u.username, next)).status, 200);
    });
  });

  describe('cookie mode', () => {
    let cookie, csrf;
    before(async () => {
      const u = await addUser();
      const res = await fetch(`${srv.url}/api/v1/auth/login`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: u.username, password: u.password }),
      });
      assert.equal(res.status, 200);
      const body = await res.json();
      csrf = body.csrf_token;
      const set = res.headers.get('set-cookie') || '';
      const m = /(?:^|,\s*)tersa_session=([^;]*)/.exec(set);
      assert.ok(m, `no tersa_session cookie in ${set}`);
      assert.equal(m[1], body.token, 'the cookie carries the session token');
      assert.match(set, /;\s*HttpOnly/i);
      assert.match(set, /;\s*SameSite=Strict/i);
      assert.match(set, /;\s*Path=\//i);
      cookie = `tersa_session=${m[1]}`;
    });

    it('a GET with only the cookie works', async () => {
      const r = await srv.api('GET', '/api/v1/me', { headers: { Cookie: cookie } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.role, 'hq');
    });

    it('an unsafe method with the cookie but no or a wrong X-CSRF-Token: 403', async () => {
      const none = await srv.api('PATCH', '/api/v1/me', { headers: { Cookie: cookie }, body: { display_name: 'csrf' } });
      assertProblem(none, 403, 'forbidden');
      const wrong = await srv.api('PATCH', '/api/v1/me', { headers: { Cookie: cookie, 'X-CSRF-Token': 'x'.repeat(64) }, body: { display_name: 'csrf' } });
      assertProblem(wrong, 403, 'forbidden');
      const post = await srv.api('POST', '/api/v1/categories', { headers: { Cookie: cookie }, body: { name: 'csrf' } });
      assertProblem(post, 403, 'forbidden');
      const me = await srv.api('GET', '/api/v1/me', { headers: { Cookie: cookie } });
      assert.equal(me.body.display_name, 'Auth Test', 'nothing changed');
    });

    it('with the login csrf_token the write works', async () => {
      const r = await srv.api('PATCH', '/api/v1/me', { headers: { Cookie: cookie, 'X-CSRF-Token': csrf }, body: { display_name: 'via cookie' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.display_name, 'via cookie');
      const post = await srv.api('POST', '/api/v1/categories', { headers: { Cookie: cookie, 'X-CSRF-Token': csrf }, body: { name: `cookie ${uniq()}` } });
      assert.equal(post.status, 201, JSON.stringify(post.body));
    });

    it('logout with the cookie needs the CSRF header too, then the cookie is dead', async () => {
      assertProblem(await srv.api('POST', '/api/v1/auth/logout', { headers: { Cookie: cookie } }), 403, 'forbidden');
      const out = await srv.api('POST', '/api/v1/auth/logout', { headers: { Cookie: cookie, 'X-CSRF-Token': csrf } });
      assert.equal(out.status, 204);
      assertProblem(await srv.api('GET', '/api/v1/me', { headers: { Cookie: cookie } }), 401, 'unauthorized');
    });
  });
});
