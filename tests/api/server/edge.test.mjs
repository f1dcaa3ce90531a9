// The server's edges: text that is not UTF-8 in a query string or header
// answers 400; /metrics only for loopback or with the metrics token; the
// session cookie's Secure flag behind TLS, and the client's address behind
// a trusted proxy.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, makeUser, uniq, USER_PASSWORD } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

describe('invalid UTF-8 at the edge', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv?.stop(); });

  it('a query value that is not UTF-8 answers 400, not 500', async () => {
    for (const p of ['/api/v1/products?q=%FF', '/api/v1/users?q=ab%C3', '/api/v1/stores?q=%ED%A0%80', '/api/v1/products?%FE=1']) {
      assertProblem(await srv.api('GET', p, { token: srv.adminToken }), 400, 'bad-request');
    }
    // valid UTF-8 still works
    const ok = await srv.api('GET', '/api/v1/products?q=%E7%89%9B%E5%A5%B6', { token: srv.adminToken });
    assert.equal(ok.status, 200, ok.text);
  });

  it('an Idempotency-Key that is not UTF-8 answers 400', async () => {
    const r = await srv.api('POST', '/api/v1/sales', {
      token: srv.adminToken,
      headers: { 'idempotency-key': 'key-\xff\xfe' },
      body: { store_id: 1, lines: [], payments: [] },
    });
    assertProblem(r, 400, 'bad-request');
  });
});

describe('/metrics', () => {
  it('without a token: served to loopback', async () => {
    const srv = await startServer({ login: false, env: { TERSA_METRICS_TOKEN: undefined } });
    try {
      const r = await srv.api('GET', '/metrics');
      assert.equal(r.status, 200, r.text);
      assert.match(r.text, /# TYPE tersa_job_runs_total counter/);
      // housekeeping, the scheduler's first job, runs when the server starts
      let text = r.text;
      for (let i = 0; i < 50 && !/tersa_job_runs_total\{job="housekeeping",outcome="ok"\} [1-9]/.test(text); i++) {
        await new Promise((res) => setTimeout(res, 100));
        text = (await srv.api('GET', '/metrics')).text;
      }
      assert.match(text, /tersa_job_runs_total\{job="housekeeping",outcome="ok"\} 1\n/);
      assert.match(text, /tersa_job_runs_total\{job="housekeeping",outcome="failed"\} 0\n/);
    } finally { await srv.stop(); }
  });

  it('with a token: required everywhere, wrong ones refused', async () => {
    const token = 'metrics-secret-0123456789';
    const srv = await startServer({ login: false, args: ['--metrics-token', token] });
    try {
      assertProblem(await srv.api('GET', '/metrics'), 401, 'unauthorized');
      assertProblem(await srv.api('GET', '/metrics', { headers: { authorization: 'Bearer wrong-token-0123456789' } }), 403, 'forbidden');
      assertProblem(await srv.api('GET', '/metrics', { headers: { authorization: 'Basic eDp5' } }), 401, 'unauthorized');
      const r = await srv.api('GET', '/metrics', { headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.status, 200, r.text);
    } finally { await srv.stop(); }
  });

  it('the token also comes from TERSA_METRICS_TOKEN; a short one is refused at start', async () => {
    const token = 'env-metrics-secret-0123456789';
    const srv = await startServer({ login: false, env: { TERSA_METRICS_TOKEN: token } });
    try {
      assertProblem(await srv.api('GET', '/metrics'), 401, 'unauthorized');
      assert.equal((await srv.api('GET', '/metrics', { headers: { authorization: `Bearer ${token}` } })).status, 200);
    } finally { await srv.stop(); }
    await assert.rejects(startServer({ login: false, args: ['--metrics-token', 'short'] }));
  });
});

describe('session cookie Secure', () => {
  const cookieOf = async (srv, headers = {}) => {
    const u = await makeUser(srv, 'hq');
    const r = await srv.api('POST', '/api/v1/auth/login', { headers, body: { username: u.username, password: USER_PASSWORD } });
    assert.equal(r.status, 200, r.text);
    return hdr(r, 'set-cookie');
  };

  it('plain HTTP: no Secure, and X-Forwarded-Proto from an untrusted client is ignored', async () => {
    const srv = await startServer();
    try {
      assert.doesNotMatch(await cookieOf(srv), /Secure/);
      assert.doesNotMatch(await cookieOf(srv, { 'x-forwarded-proto': 'https' }), /Secure/);
    } finally { await srv.stop(); }
  });

  it('--trusted-proxy: Secure when that proxy says https', async () => {
    const srv = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
    try {
      assert.match(await cookieOf(srv, { 'x-forwarded-proto': 'https' }), /; Secure/);
      assert.doesNotMatch(await cookieOf(srv, { 'x-forwarded-proto': 'http' }), /Secure/);
      assert.doesNotMatch(await cookieOf(srv), /Secure/);
    } finally { await srv.stop(); }
  });

  it('--trusted-proxy: its X-Forwarded-For names the client (audit, throttle); from others it is ignored', async () => {
    const loginIp = async (srv, headers) => {
      const u = await makeUser(srv, 'hq');
      const r = await srv.api('POST', '/api/v1/auth/login', { headers, body: { username: u.username, password: USER_PASSWORD } });
      assert.equal(r.status, 200, r.text);
      const a = await srv.api('GET', `/api/v1/audit?entity=user&entity_id=${u.id}&limit=100`, { token: srv.adminToken });
      assert.equal(a.status, 200, a.text);
      const rows = a.body.items.filter((x) => x.action === 'login');
      return rows[0].ip;
    };
    const plain = await startServer();
    try {
      assert.equal(await loginIp(plain, { 'x-forwarded-for': '203.0.113.5' }), '127.0.0.1');
    } finally { await plain.stop(); }
    const srv = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
    try {
      assert.equal(await loginIp(srv, { 'x-forwarded-for': '198.51.100.7, 203.0.113.5' }), '203.0.113.5');
      assert.equal(await loginIp(srv, { 'x-forwarded-for': 'not-an-address' }), '127.0.0.1');
      assert.equal(await loginIp(srv, {}), '127.0.0.1');
      // the per-address throttle counts the client, not the proxy
      const bad = (ip) => srv.api('POST', '/api/v1/auth/login', { headers: { 'x-forwarded-for': ip }, body: { username: `nobody_${uniq()}`, password: 'wrong-password-123' } });
      for (let i = 0; i < 50; i += 5) {
        const batch = await Promise.all(Array.from({ length: 5 }, () => bad('203.0.113.9')));
        for (const r of batch) assert.equal(r.status, 401, r.text);
      }
      assertProblem(await bad('203.0.113.9'), 429, 'too-many-requests');
      assertProblem(await bad('203.0.113.10'), 401, 'unauthorized');
    } finally { await srv.stop(); }
  });

  it('--secure-cookies: always Secure, logout too', async () => {
    const srv = await startServer({ args: ['--secure-cookies'] });
    try {
      assert.match(await cookieOf(srv), /tersa_session=[0-9a-f]{64};.*; Secure/);
      const out = await srv.api('POST', '/api/v1/auth/logout', { token: srv.adminToken });
      assert.equal(out.status, 204);
      assert.match(hdr(out, 'set-cookie'), /Max-Age=0; Secure/);
    } finally { await srv.stop(); }
  });
});
