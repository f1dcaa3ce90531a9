// Leaderboards and people: ranks with ties sharing a place, the actor's own
// place, store and region boards for store-bound people (403 outside them),
// the company board for the roles not bound to stores, attainment against the month's
// target; GET /staff lists only the people the actor sees.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq, makeUser } from '../lib/server.mjs';

describe('leaderboards and people', () => {
  let srv, storeA, storeB, storeC, prod;
  let a1, a2, a3, mgrA, b1, mgrC, hq;
  let today;
  const api = (m, p, o = {}) => srv.api(m, p, { token: srv.adminToken, ...o });
  const mkStore = async (region) => {
    const c = `L${uniq()}`.slice(0, 12);
    const r = await api('POST', '/api/v1/stores', { body: { code: c, name: `Store ${c}`, channel: 'direct', region } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  const sell = async (token, store, quantity) => {
    const r = await srv.api('POST', '/api/v1/sales', {
      token, body: { store_id: store, lines: [{ product_id: prod.id, quantity }], payments: [{ method: 'cash', amount: 10000000 }] },
      headers: { 'idempotency-key': randomUUID() },
    });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const board = (token, q) => srv.api('GET', `/api/v1/leaderboards?${q}`, { token });

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    storeA = await mkStore('North');
    storeB = await mkStore('North');
    storeC = await mkStore('South');
    const p = await api('POST', '/api/v1/products', { body: { sku: `P-${uniq()}`, name: 'Item', price: 1000, cost: 400, vat_rate: 1300 } });
    assert.equal(p.status, 201, p.text);
    prod = p.body;
    for (const s of [storeA, storeB, storeC]) {
      const r = await api('POST', '/api/v1/stock/moves', { body: { store_id: s, product_id: prod.id, quantity: 1000, reason: 'receipt' } });
      assert.equal(r.status, 201, r.text);
    }
    a1 = await makeUser(srv, 'sales', [storeA]);
    a2 = await makeUser(srv, 'sales', [storeA]);
    a3 = await makeUser(srv, 'sales', [storeA]);
    mgrA = await makeUser(srv, 'store_manager', [storeA]);
    b1 = await makeUser(srv, 'sales', [storeB]);
    mgrC = await makeUser(srv, 'store_manager', [storeC]);
    hq = await makeUser(srv, 'hq');
    // a1 5 units; a2 and a3 3 each (a tie); b1 9 in store B; store C 1 by its manager
    today = (await sell(a1.token, storeA, 5)).day;
    await sell(a2.token, storeA, 3);
    await sell(a3.token, storeA, 2);
    await sell(a3.token, storeA, 1);
    await sell(b1.token, storeB, 9);
    await sell(mgrC.token, storeC, 1);
  });
  after(async () => { await srv?.stop(); });

  it('ranks a store\'s people by revenue, ties share a rank, with my place', async () => {
    const r = await board(a2.token, `subject=people&scope=store&kpi=revenue&period=day&day=${today}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.from, today);
    assert.equal(r.body.to, today);
    assert.deepEqual(r.body.items.map((i) => [i.rank, i.id, i.value]), [[1, a1.id, 5000], [2, a2.id, 3000], [2, a3.id, 3000]]);
    assert.equal(r.body.items[0].store_id, storeA);
    assert.equal(r.body.items[0].name, 'Test sales');
    assert.equal(r.body.items[0].region, 'North');
    assert.deepEqual(r.body.me, { rank: 2, value: 3000, of: 3 });
    // transactions: a3 made two sales
    const t = await board(a1.token, `kpi=transactions&period=month&day=${today}`);
    assert.equal(t.status, 200, t.text);
    assert.deepEqual(t.body.items.map((i) => [i.rank, i.id, i.value]), [[1, a3.id, 2], [2, a1.id, 1], [2, a2.id, 1]]);
    assert.deepEqual(t.body.me, { rank: 2, value: 1, of: 3 });
  });

  it('region boards for one\'s stores\' regions; other stores and regions 403', async () => {
    const r = await board(a1.token, `subject=stores&scope=region&kpi=revenue&day=${today}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.region, 'North');
    assert.deepEqual(r.body.items.map((i) => [i.rank, i.id, i.value]), [[1, storeA, 11000], [2, storeB, 9000]]);
    assert.deepEqual(r.body.me, { rank: 1, value: 11000, of: 2 });
    const people = await board(a1.token, `subject=people&scope=region&day=${today}`);
    assert.equal(people.status, 200, people.text);
    assert.deepEqual(people.body.items.map((i) => i.id), [b1.id, a1.id, a2.id, a3.id]);
    const south = await board(a1.token, `scope=region&region=South&day=${today}`);
    assert.equal(south.status, 403, south.text);
    const otherStore = await board(a1.token, `scope=store&store_id=${storeB}&day=${today}`);
    assert.equal(otherStore.status, 403, otherStore.text);
    const mgr = await board(mgrC.token, `subject=stores&scope=region&region=North&day=${today}`);
    assert.equal(mgr.status, 403, mgr.text);
  });

  it('the company board is for the roles not bound to stores (hq, admin, service)', async () => {
    const no = await board(a1.token, `scope=company&day=${today}`);
    assert.equal(no.status, 403, no.text);
    const noMgr = await board(mgrA.token, `scope=company&day=${today}`);
    assert.equal(noMgr.status, 403, noMgr.text);
    const service = await makeUser(srv, 'service');
    const svc = await board(service.token, `scope=company&day=${today}`);
    assert.equal(svc.status, 200, svc.text);
    const r = await board(hq.token, `subject=stores&scope=company&kpi=revenue&day=${today}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.items.map((i) => i.id), [storeA, storeB, storeC]);
    assert.equal(r.body.me, null);
    const upt = await board(hq.token, `subject=people&scope=company&kpi=upt&day=${today}`);
    assert.equal(upt.status, 200, upt.text);
    assert.deepEqual(upt.body.items.slice(0, 2).map((i) => [i.id, i.value]), [[b1.id, 9], [a1.id, 5]]);
    assert.equal(upt.body.items.find((i) => i.id === a3.id).value, 1.5);
    const bad = await board(hq.token, 'kpi=happiness');
    assert.equal(bad.status, 422, bad.text);
  });

  it('attainment ranks against the month\'s revenue target', async () => {
    const Y = today.slice(0, 4);
    for (const [u, total] of [[a1, 120000], [a2, 12000]]) {
      const r = await srv.api('POST', '/api/v1/targets/split', { token: mgrA.token, body: { store_id: storeA, user_id: u.id, metric: 'revenue', period: Y, total } });
      assert.equal(r.status, 201, r.text);
    }
    const month = today.slice(0, 7);
    const targets = await srv.api('GET', `/api/v1/targets?store_id=${storeA}&month=${month}`, { token: mgrA.token });
    const tOf = (u) => targets.body.items.find((x) => x.user_id === u.id).amount;
    const r = await board(mgrA.token, `kpi=attainment&day=${today}`);
    assert.equal(r.status, 200, r.text);
    const exp = [[a1.id, Math.round((5000 * 10000) / tOf(a1))], [a2.id, Math.round((3000 * 10000) / tOf(a2))]].sort((x, y) => y[1] - x[1]);
    assert.deepEqual(r.body.items.map((i) => [i.id, i.value]), exp, 'a3 has no target: not on the board');
  });

  it('GET /staff lists the people the actor sees; one person with stores; 404 unseen', async () => {
    const m = await srv.api('GET', '/api/v1/staff', { token: mgrA.token });
    assert.equal(m.status, 200, m.text);
    assert.deepEqual(m.body.items.map((p) => p.id).sort((x, y) => x - y), [a1.id, a2.id, a3.id, mgrA.id].sort((x, y) => x - y));
    const s = await srv.api('GET', '/api/v1/staff', { token: a1.token });
    assert.deepEqual(s.body.items.map((p) => p.id), [a1.id]);
    const h = await srv.api('GET', `/api/v1/staff?store_id=${storeB}&role=sales`, { token: hq.token });
    assert.deepEqual(h.body.items.map((p) => p.id), [b1.id]);
    assert.deepEqual(h.body.items[0].store_ids, [storeB]);
    const one = await srv.api('GET', `/api/v1/staff/${a2.id}`, { token: mgrA.token });
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.stores[0].id, storeA);
    assert.equal(one.body.role, 'sales');
    for (const [tok, id] of [[mgrA.token, b1.id], [a1.token, a2.id], [mgrC.token, a1.id], [hq.token, 999999]]) {
      const r = await srv.api('GET', `/api/v1/staff/${id}`, { token: tok });
      assert.equal(r.status, 404, r.text);
    }
  });
});
