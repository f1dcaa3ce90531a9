// Login and approval throttling: attempts are counted before the password
// is checked (concurrent guesses cannot pass the limit), per username and
// per client address; a manager's approval on a sale goes through the same
// throttle and is audited.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq, makeUser, USER_PASSWORD } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

const login = (srv, username, password) =>
  srv.api('POST', '/api/v1/auth/login', { body: { username, password } });

describe('login throttle per username', () => {
  let srv;
  before(async () => { srv = await startServer({ args: ['--per-ip', '1024'] }); });
  after(async () => { await srv?.stop(); });

  it('30 concurrent wrong logins for one user: at most 10 are checked, the rest 429', async () => {
    const u = await makeUser(srv, 'hq');
    const all = await Promise.all(Array.from({ length: 30 }, () => login(srv, u.username, 'wrong-password-123')));
    const s401 = all.filter((r) => r.status === 401).length;
    const s429 = all.filter((r) => r.status === 429).length;
    assert.equal(s401 + s429, 30, all.map((r) => r.status).join(','));
    assert.ok(s401 <= 10, `${s401} answers 401`);
    assert.ok(s401 >= 1);
    // throttled now even with the right password
    assertProblem(await login(srv, u.username, USER_PASSWORD), 429, 'too-many-requests');
  });
});

describe('login throttle per address', () => {
  let srv;
  before(async () => { srv = await startServer({ args: ['--per-ip', '1024'] }); });
  after(async () => { await srv?.stop(); });

  it('50 failed logins from one address for different users: the next is 429, even for a right password', async () => {
    const u = await makeUser(srv, 'hq');
    for (let i = 0; i < 50; i += 5) {
      const batch = await Promise.all(Array.from({ length: 5 }, () => login(srv, `nobody_${uniq()}`, 'wrong-password-123')));
      for (const r of batch) assertProblem(r, 401, 'unauthorized');
    }
    assertProblem(await login(srv, `nobody_${uniq()}`, 'wrong-password-123'), 429, 'too-many-requests');
    assertProblem(await login(srv, u.username, USER_PASSWORD), 429, 'too-many-requests');
  });
});

describe('manager approval', () => {
  let srv, storeId, product;
  const api = (m, p, o = {}) => srv.api(m, p, { token: srv.adminToken, ...o });
  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    const code = `S${uniq()}`.slice(0, 12);
    let r = await api('POST', '/api/v1/stores', { body: { code, name: `Store ${code}`, channel: 'direct' } });
    assert.equal(r.status, 201, r.text);
    storeId = r.body.id;
    r = await api('POST', '/api/v1/products', { body: { sku: `P-${uniq()}`, name: 'Water', price: 1000, vat_rate: 1300 } });
    assert.equal(r.status, 201, r.text);
    product = r.body;
    r = await api('POST', '/api/v1/stock/moves', { body: { store_id: storeId, product_id: product.id, quantity: 100, reason: 'receipt' } });
    assert.equal(r.status, 201, r.text);
  });
  after(async () => { await srv?.stop(); });

  it('is throttled like a login after 10 wrong passwords, and every attempt is audited', async () => {
    const cashier = await makeUser(srv, 'sales', [storeId]);
    const mgr = await makeUser(srv, 'store_manager', [storeId]);
    const sell = (password) => srv.api('POST', '/api/v1/sales', {
      token: cashier.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { store_id: storeId, lines: [{ product_id: product.id, quantity: 1 }], manual_discount_bp: 2000,
        payments: [{ method: 'cash', amount: 1000 }], approver: { username: mgr.username, password } },
    });
    for (let i = 0; i < 10; i++)
      assertProblem(await sell(`wrong-password-${i}00`), 422, 'validation', ['approver']);
    // the right password no longer tells anything
    assertProblem(await sell(USER_PASSWORD), 429, 'too-many-requests');
    // nor does a login
    assertProblem(await login(srv, mgr.username, USER_PASSWORD), 429, 'too-many-requests');
    const audit = await api('GET', `/api/v1/audit?entity=user&entity_id=${mgr.id}&limit=100`);
    assert.equal(audit.status, 200, audit.text);
    const approvals = audit.body.items.filter((a) => a.action === 'approve');
    assert.equal(approvals.filter((a) => a.after.outcome === 'wrong password').length, 10, audit.text);
    assert.ok(approvals.every((a) => a.user_id === cashier.id && a.after.approver === mgr.username), audit.text);
  });

  it('a right approval is audited too', async () => {
    const cashier = await makeUser(srv, 'sales', [storeId]);
    const mgr = await makeUser(srv, 'store_manager', [storeId]);
    const r = await srv.api('POST', '/api/v1/sales', {
      token: cashier.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { store_id: storeId, lines: [{ product_id: product.id, quantity: 1 }], manual_discount_bp: 2000,
        payments: [{ method: 'cash', amount: 1000 }], approver: { username: mgr.username, password: USER_PASSWORD } },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.approved_by, mgr.id);
    const audit = await api('GET', `/api/v1/audit?entity=user&entity_id=${mgr.id}&limit=100`);
    const ok = audit.body.items.filter((a) => a.action === 'approve' && a.after.outcome === 'ok');
    assert.equal(ok.length, 1, audit.text);
  });
});
