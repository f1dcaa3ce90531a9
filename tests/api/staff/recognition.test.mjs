// Recognition: a manager gives a badge and a note to a person of their team
// (not to someone of another store), everyone sees only the recognitions of
// the people they see (404 for another's), only the giver or an admin
// removes one, and each change is audited.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { assertProblem, hdr } from '../lib/assert.mjs';

const KEYS = ['id', 'user_id', 'user_name', 'store_id', 'badge', 'note', 'given_by', 'given_by_name', 'at'].sort();

describe('recognition', () => {
  let srv, admin, adminId, storeA, storeB, managerA, managerA2, managerB, salesA1, salesA2, salesB, hq;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  async function ok(r, status = 200) {
    assert.equal(r.status, status, `${r.status} ${r.text}`);
    return r.body;
  }
  const store = async () => ok(await api('POST', '/api/v1/stores', {
    body: { code: `R${uniq()}`.slice(0, 12), name: `Store ${uniq()}`, channel: 'direct' },
  }), 201);
  const give = (body, token) => srv.api('POST', '/api/v1/recognitions', { token, body });
  const ids = (page) => page.items.map((x) => x.id);

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    admin = srv.adminToken;
    adminId = (await ok(await api('GET', '/api/v1/me'))).id;
    storeA = (await store()).id;
    storeB = (await store()).id;
    managerA = await makeUser(srv, 'store_manager', [storeA]);
    managerA2 = await makeUser(srv, 'store_manager', [storeA]);
    managerB = await makeUser(srv, 'store_manager', [storeB]);
    salesA1 = await makeUser(srv, 'sales', [storeA]);
    salesA2 = await makeUser(srv, 'sales', [storeA]);
    salesB = await makeUser(srv, 'sales', [storeB]);
    hq = await makeUser(srv, 'hq');
  });
  after(async () => { await srv?.stop(); });

  it('gives a badge with a note to a person of the manager\'s store', async () => {
    const r = await give({ user_id: salesA1.id, badge: 'top_seller', note: '本月销售冠军' }, managerA.token);
    const x = await ok(r, 201);
    assert.deepEqual(Object.keys(x).sort(), KEYS);
    assert.equal(hdr(r, 'location'), `/api/v1/recognitions/${x.id}`);
    assert.equal(x.user_id, salesA1.id);
    assert.equal(x.store_id, storeA);
    assert.equal(x.badge, 'top_seller');
    assert.equal(x.note, '本月销售冠军');
    assert.equal(x.given_by, managerA.id);
    assert.equal(x.given_by_name, 'Test store_manager');
    assert.equal(x.user_name, 'Test sales');
  });

  it('refuses another store\'s person, bad badges and notes, and a salesperson giving', async () => {
    const before = (await ok(await api('GET', '/api/v1/recognitions?limit=500'))).items.length;
    assertProblem(await give({ user_id: salesB.id, badge: 'team_player', note: 'Thanks' }, managerA.token), 422, 'validation', ['user_id']);
    assertProblem(await give({ user_id: 999999, badge: 'team_player', note: 'Thanks' }, admin), 422, 'validation', ['user_id']);
    assertProblem(await give({ user_id: salesA1.id, badge: 'gold_star', note: '' }, managerA.token), 422, 'validation', ['badge', 'note']);
    assertProblem(await give({ user_id: salesA1.id, badge: 'milestone', note: 'x'.repeat(501) }, managerA.token), 422, 'validation', ['note']);
    assertProblem(await give({ user_id: salesA1.id, badge: 'milestone', note: 'ok', extra: 1 }, managerA.token), 422, 'validation', ['extra']);
    assertProblem(await give({ user_id: 'me', badge: 'milestone', note: 'ok' }, managerA.token), 400, 'bad-request');
    assertProblem(await give({ user_id: salesA2.id, badge: 'team_player', note: 'Thanks' }, salesA1.token), 403, 'forbidden');
    assert.equal((await ok(await api('GET', '/api/v1/recognitions?limit=500'))).items.length, before);
    await ok(await give({ user_id: salesA1.id, badge: 'milestone', note: 'x'.repeat(500) }, managerA.token), 201);
  });

  it('lists only the recognitions of the people each one sees, newest first', async () => {
    const a2 = await ok(await give({ user_id: salesA2.id, badge: 'service_hero', note: 'Great service' }, managerA.token), 201);
    const b = await ok(await give({ user_id: salesB.id, badge: 'customer_star', note: 'Five stars' }, managerB.token), 201);
    const a1 = await ok(await give({ user_id: salesA1.id, badge: 'fast_learner', note: 'Passed all courses' }, hq.token), 201);
    assert.equal(a1.store_id, storeA);
    const all = await ok(await api('GET', '/api/v1/recognitions?limit=500'));
    const order = ids(all);
    assert.deepEqual(order, [...order].sort((x, y) => y - x));
    for (const id of [a2.id, b.id, a1.id]) assert.ok(order.includes(id));
    const mgr = await ok(await srv.api('GET', '/api/v1/recognitions?limit=500', { token: managerA.token }));
    assert.ok(mgr.items.every((x) => x.user_id === salesA1.id || x.user_id === salesA2.id));
    assert.ok(!ids(mgr).includes(b.id));
    const own = await ok(await srv.api('GET', '/api/v1/recognitions?limit=500', { token: salesA1.token }));
    assert.ok(own.items.length >= 3);
    assert.ok(own.items.every((x) => x.user_id === salesA1.id));
    assertProblem(await srv.api('GET', `/api/v1/recognitions?user_id=${salesA2.id}`, { token: salesA1.token }), 404, 'not-found');
    assertProblem(await srv.api('GET', `/api/v1/recognitions?user_id=${salesB.id}`, { token: managerA.token }), 404, 'not-found');
    assertProblem(await srv.api('GET', `/api/v1/recognitions?store_id=${storeB}`, { token: managerA.token }), 404, 'not-found');
    const byUser = await ok(await srv.api('GET', `/api/v1/recognitions?user_id=${salesA2.id}`, { token: managerA.token }));
    assert.deepEqual(ids(byUser), [a2.id]);
    const byStore = await ok(await api('GET', `/api/v1/recognitions?store_id=${storeB}`));
    assert.deepEqual(ids(byStore), [b.id]);
    // Paging, newest first.
    const p1 = await ok(await api('GET', `/api/v1/recognitions?user_id=${salesA1.id}&limit=2`));
    assert.equal(p1.items.length, 2);
    assert.ok(p1.next_cursor);
    const p2 = await ok(await api('GET', `/api/v1/recognitions?user_id=${salesA1.id}&limit=2&cursor=${p1.next_cursor}`));
    assert.ok(p2.items.length >= 1);
    assert.ok(p2.items[0].id < p1.items[1].id);
  });

  it('is removed by its giver or an admin only; unseen ones answer 404', async () => {
    const x = await ok(await give({ user_id: salesA2.id, badge: 'team_player', note: 'Helped at inventory' }, managerA.token), 201);
    assertProblem(await srv.api('DELETE', `/api/v1/recognitions/${x.id}`, { token: managerA2.token }), 403, 'forbidden');
    assertProblem(await srv.api('DELETE', `/api/v1/recognitions/${x.id}`, { token: managerB.token }), 404, 'not-found');
    assertProblem(await srv.api('DELETE', `/api/v1/recognitions/${x.id}`, { token: salesA2.token }), 403, 'forbidden');
    assertProblem(await srv.api('DELETE', `/api/v1/recognitions/${x.id}`, { token: hq.token }), 403, 'forbidden');
    assert.equal((await srv.api('DELETE', `/api/v1/recognitions/${x.id}`, { token: managerA.token })).status, 204);
    assertProblem(await srv.api('DELETE', `/api/v1/recognitions/${x.id}`, { token: managerA.token }), 404, 'not-found');
    const audit = await ok(await api('GET', `/api/v1/audit?entity=recognition&entity_id=${x.id}&limit=10`));
    assert.deepEqual(audit.items.map((a) => a.action).sort(), ['create', 'delete']);
    assert.ok(audit.items.every((a) => a.user_id === managerA.id));
    const y = await ok(await give({ user_id: salesB.id, badge: 'milestone', note: '1000 sales' }, managerB.token), 201);
    assert.equal((await api('DELETE', `/api/v1/recognitions/${y.id}`)).status, 204);
    const gone = await ok(await api('GET', `/api/v1/recognitions?user_id=${salesB.id}&limit=500`));
    assert.ok(!gone.items.some((r) => r.note === '1000 sales'));
    const byAdmin = await ok(await api('GET', `/api/v1/audit?entity=recognition&user_id=${adminId}&limit=10`));
    assert.deepEqual(byAdmin.items.map((a) => a.action), ['delete']);
  });
});
