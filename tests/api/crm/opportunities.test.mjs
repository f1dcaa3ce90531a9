// Opportunities: creating with the stage defaults, bad input (400, 422 per
// field, nothing written), stage moves with their history, lost with a
// reason, won and reopening, store scoping and roles, the list filters, and
// the pipeline report checked against hand-computed figures (also as CSV).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const OPP_KEYS = ['id', 'name', 'customer_id', 'store_id', 'owner_id', 'stage', 'amount', 'probability_bp',
  'weighted_amount', 'expected_close', 'lost_reason', 'note', 'created_at', 'updated_at', 'closed_at'];

describe('opportunities', () => {
  let srv, admin, adminId, storeA, storeB, managerA, salesA, salesB, service;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const mkOpp = (body, token = admin) => srv.api('POST', '/api/v1/opportunities', { token, body });
  const patch = (id, body, token = admin) => srv.api('PATCH', `/api/v1/opportunities/${id}`, { token, body });
  async function ok(r, status = 200) {
    assert.equal(r.status, status, `${r.status} ${r.text}`);
    return r.body;
  }
  const store = async () => ok(await api('POST', '/api/v1/stores', {
    body: { code: `O${uniq()}`.slice(0, 12), name: `Store ${uniq()}`, channel: 'direct' },
  }), 201);
  const count = async () => (await ok(await api('GET', '/api/v1/opportunities?limit=500'))).items.length;

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    admin = srv.adminToken;
    adminId = (await ok(await api('GET', '/api/v1/me'))).id;
    storeA = (await store()).id;
    storeB = (await store()).id;
    managerA = await makeUser(srv, 'store_manager', [storeA]);
    salesA = await makeUser(srv, 'sales', [storeA]);
    salesB = await makeUser(srv, 'sales', [storeB]);
    service = await makeUser(srv, 'service');
  });
  after(async () => { await srv?.stop(); });

  it('creates a lead with the defaults and its first stage in the history', async () => {
    const r = await mkOpp({ name: '某公司 中秋礼盒 团购', store_id: storeA });
    const o = await ok(r, 201);
    assert.deepEqual(Object.keys(o).sort(), [...OPP_KEYS, 'stages'].sort());
    assert.equal(hdr(r, 'location'), `/api/v1/opportunities/${o.id}`);
    assert.equal(o.stage, 'lead');
    assert.equal(o.probability_bp, 1000);
    assert.equal(o.amount, 0);
    assert.equal(o.owner_id, adminId);
    assert.equal(o.closed_at, null);
    assert.equal(o.stages.length, 1);
    assert.equal(o.stages[0].from, null);
    assert.equal(o.stages[0].to, 'lead');
    assert.equal(o.stages[0].user_id, adminId);
    assert.match(o.stages[0].at, RFC3339_UTC);
    assert.deepEqual(await ok(await api('GET', `/api/v1/opportunities/${o.id}`)), o);
  });

  it('takes the probability of the stage unless given; won sets closed_at; a store-bound creator gets its store', async () => {
    const p = await ok(await mkOpp({ name: 'Proposal', stage: 'proposal', amount: 3333, expected_close: '2027-01-31', note: 'two\nlines' }, salesA.token), 201);
    assert.equal(p.store_id, storeA);
    assert.equal(p.owner_id, salesA.id);
    assert.equal(p.probability_bp, 5000);
    assert.equal(p.weighted_amount, 1667);
    assert.equal(p.expected_close, '2027-01-31');
    assert.equal(p.note, 'two\nlines');
    const n = await ok(await mkOpp({ name: 'Negotiation', stage: 'negotiation', amount: 8000, probability_bp: 6000, store_id: storeA, owner_id: managerA.id }), 201);
    assert.equal(n.probability_bp, 6000);
    assert.equal(n.weighted_amount, 4800);
    const w = await ok(await mkOpp({ name: 'Won at once', stage: 'won', amount: 100, store_id: storeA }), 201);
    assert.equal(w.probability_bp, 10000);
    assert.match(w.closed_at, RFC3339_UTC);
    const l = await ok(await mkOpp({ name: 'Lost at once', stage: 'lost', lost_reason: 'price', store_id: storeA }), 201);
    assert.equal(l.probability_bp, 0);
    assert.equal(l.lost_reason, 'price');
    assert.match(l.closed_at, RFC3339_UTC);
  });

  it('refuses bad input: 400 malformed or wrong types, 422 naming every field; nothing written', async () => {
    const before = await count();
    let r = await api('POST', '/api/v1/opportunities', { raw: '{"name":' });
    assertProblem(r, 400, 'malformed-json');
    r = await mkOpp({ name: 1, amount: '10', store_id: 'A' });
    assertProblem(r, 400, 'bad-request', ['name', 'amount', 'store_id']);
    r = await mkOpp({ stage: 'closed', amount: -1, probability_bp: 10001, expected_close: '2027-02-30', owner_id: 999999, customer_id: 999999, size: 'L' });
    assertProblem(r, 422, 'validation', ['name', 'stage', 'amount', 'probability_bp', 'expected_close', 'store_id', 'size']);
    r = await mkOpp({ name: 'x', store_id: 999999 });
    assertProblem(r, 422, 'validation', ['store_id']);
    r = await mkOpp({ name: 'x', store_id: storeA, owner_id: 999999, customer_id: 999999 });
    assertProblem(r, 422, 'validation', ['owner_id', 'customer_id']);
    r = await mkOpp({ name: 'x', store_id: storeA, owner_id: salesB.id });
    assertProblem(r, 422, 'validation', ['owner_id']);
    r = await mkOpp({ name: 'x', store_id: storeA, stage: 'lost' });
    assertProblem(r, 422, 'validation', ['lost_reason']);
    r = await mkOpp({ name: 'x', store_id: storeA, lost_reason: 'early' });
    assertProblem(r, 422, 'validation', ['lost_reason']);
    r = await mkOpp({ name: 'x', store_id: storeA, stage: 'won', probability_bp: 5000 });
    assertProblem(r, 422, 'validation', ['probability_bp']);
    r = await mkOpp({ name: 'n'.repeat(201), store_id: storeA, note: 'x'.repeat(2001) });
    assertProblem(r, 422, 'validation', ['name', 'note']);
    assert.equal(await count(), before);
  });

  it('moves through the stages with history; lost needs a reason; closed ones reopen only to negotiation', async () => {
    const o = await ok(await mkOpp({ name: 'Corporate gifts', amount: 50000, store_id: storeA }, managerA.token), 201);
    let u = await ok(await patch(o.id, { stage: 'qualified' }, managerA.token));
    assert.equal(u.probability_bp, 2500);
    u = await ok(await patch(o.id, { stage: 'proposal', probability_bp: 4000 }, salesA.token));
    assert.equal(u.probability_bp, 4000);
    u = await ok(await patch(o.id, { amount: 60000, note: 'bigger order' }));
    assert.equal(u.probability_bp, 4000, 'no move, no new probability');
    assert.equal(u.amount, 60000);
    assert.equal(u.stages.length, 3);

    let r = await patch(o.id, { stage: 'lost' });
    assertProblem(r, 422, 'validation', ['lost_reason']);
    u = await ok(await patch(o.id, { stage: 'lost', lost_reason: 'went to a competitor' }));
    assert.equal(u.probability_bp, 0);
    assert.match(u.closed_at, RFC3339_UTC);
    r = await patch(o.id, { stage: 'proposal' });
    assertProblem(r, 409, 'state');
    r = await patch(o.id, { stage: 'won' });
    assertProblem(r, 409, 'state');
    u = await ok(await patch(o.id, { stage: 'negotiation' }));
    assert.equal(u.closed_at, null);
    assert.equal(u.lost_reason, null);
    assert.equal(u.probability_bp, 7500);
    u = await ok(await patch(o.id, { stage: 'won' }));
    assert.match(u.closed_at, RFC3339_UTC);
    assert.equal(u.probability_bp, 10000);

    const full = await ok(await api('GET', `/api/v1/opportunities/${o.id}`));
    assert.deepEqual(full.stages.map((s) => [s.from, s.to]), [
      [null, 'lead'], ['lead', 'qualified'], ['qualified', 'proposal'], ['proposal', 'lost'],
      ['lost', 'negotiation'], ['negotiation', 'won']]);
    assert.deepEqual(full.stages.map((s) => s.user_id), [managerA.id, managerA.id, salesA.id, adminId, adminId, adminId]);
    const audit = await ok(await api('GET', `/api/v1/audit?entity=opportunity&entity_id=${o.id}`));
    assert.equal(audit.items.length, 7);
    assert.ok(!JSON.stringify(audit).includes('competitor') && !JSON.stringify(audit).includes('Corporate'), 'no free text in the audit');
  });

  it('stage moves at once are recorded one after the other: each from the stage the last one left', async () => {
    const o = await ok(await mkOpp({ name: 'Busy deal', store_id: storeA }), 201);
    const targets = ['qualified', 'proposal', 'negotiation', 'qualified', 'proposal', 'negotiation', 'lead', 'proposal'];
    const rs = await Promise.all(targets.map((stage) => patch(o.id, { stage })));
    for (const r of rs) assert.equal(r.status, 200, r.text);
    const full = await ok(await api('GET', `/api/v1/opportunities/${o.id}`));
    for (let i = 1; i < full.stages.length; i++) {
      assert.equal(full.stages[i].from, full.stages[i - 1].to, JSON.stringify(full.stages));
      assert.notEqual(full.stages[i].from, full.stages[i].to);
    }
    assert.equal(full.stage, full.stages[full.stages.length - 1].to);
  });

  it('PATCH refuses bad input and unknown fields; nothing changes', async () => {
    const o = await ok(await mkOpp({ name: 'Keep', amount: 10, store_id: storeA }), 201);
    let r = await api('PATCH', `/api/v1/opportunities/${o.id}`, { raw: '[' });
    assertProblem(r, 400, 'malformed-json');
    r = await patch(o.id, { stage: 5 });
    assertProblem(r, 400, 'bad-request', ['stage']);
    r = await patch(o.id, { stage: 'done', name: '', amount: -5, probability_bp: -1, expected_close: 'soon', owner_id: salesB.id, store_id: storeB });
    assertProblem(r, 422, 'validation', ['stage', 'name', 'amount', 'probability_bp', 'expected_close', 'owner_id', 'store_id']);
    assert.deepEqual(await ok(await api('GET', `/api/v1/opportunities/${o.id}`)), o);
  });

  it('scopes by store: 404 for another store\'s, 403 for naming another store; roles', async () => {
    const b = await ok(await mkOpp({ name: 'B deal', store_id: storeB }), 201);
    let r = await srv.api('GET', `/api/v1/opportunities/${b.id}`, { token: salesA.token });
    assertProblem(r, 404, 'not-found');
    r = await patch(b.id, { stage: 'qualified' }, salesA.token);
    assertProblem(r, 404, 'not-found');
    const before = await count();
    r = await mkOpp({ name: 'x', store_id: storeB }, salesA.token);
    assertProblem(r, 403, 'forbidden');
    assert.equal(await count(), before);
    const list = await ok(await srv.api('GET', '/api/v1/opportunities?limit=500', { token: salesA.token }));
    assert.ok(list.items.length > 0 && list.items.every((o) => o.store_id === storeA));
    r = await srv.api('GET', `/api/v1/opportunities?store_id=${storeB}`, { token: salesA.token });
    assertProblem(r, 404, 'not-found');
    r = await srv.api('GET', '/api/v1/opportunities', { token: service.token });
    assertProblem(r, 403, 'forbidden');
    r = await mkOpp({ name: 'x', store_id: storeA }, service.token);
    assertProblem(r, 403, 'forbidden');
    r = await srv.api('GET', '/api/v1/reports/pipeline', { token: service.token });
    assertProblem(r, 403, 'forbidden');
  });

  it('lists newest first with filters and pages', async () => {
    const s = (await store()).id;
    const a = await ok(await mkOpp({ name: 'a', store_id: s }), 201);
    const b = await ok(await mkOpp({ name: 'b', store_id: s, stage: 'proposal', owner_id: adminId }), 201);
    const c = await ok(await mkOpp({ name: 'c', store_id: s, stage: 'proposal' }), 201);
    let r = await ok(await api('GET', `/api/v1/opportunities?store_id=${s}`));
    assert.deepEqual(r.items.map((o) => o.id), [c.id, b.id, a.id]);
    assert.equal(r.items[0].stages, undefined);
    r = await ok(await api('GET', `/api/v1/opportunities?store_id=${s}&stage=proposal&limit=1`));
    assert.deepEqual(r.items.map((o) => o.id), [c.id]);
    r = await ok(await api('GET', `/api/v1/opportunities?store_id=${s}&stage=proposal&limit=1&cursor=${r.next_cursor}`));
    assert.deepEqual(r.items.map((o) => o.id), [b.id]);
    assert.equal(r.next_cursor, null);
    r = await ok(await api('GET', `/api/v1/opportunities?owner_id=${adminId}&store_id=${s}`));
    assert.equal(r.items.length, 3);
    const bad = await api('GET', '/api/v1/opportunities?stage=open&owner_id=x&customer_id=-1');
    assertProblem(bad, 422, 'validation', ['stage', 'owner_id', 'customer_id']);
  });

  it('reports the pipeline by stage and owner against hand-computed figures', async () => {
    const s = (await store()).id;
    const u1 = await makeUser(srv, 'store_manager', [s]);
    const u2 = await makeUser(srv, 'sales', [s]);
    const mk = async (body, token) => ok(await mkOpp({ store_id: s, ...body }, token), 201);
    await mk({ name: 'lead', amount: 10000 }, u1.token);                  // weighted 1000
    await mk({ name: 'qualified', amount: 20001, stage: 'qualified' }, u1.token); // 5000.25 -> 5000
    await mk({ name: 'proposal', amount: 3333, stage: 'proposal' }, u2.token);    // 1666.5 -> 1667
    await mk({ name: 'negotiation', amount: 8000, stage: 'negotiation', probability_bp: 6000 }, u2.token); // 4800
    const w = await mk({ name: 'won', amount: 5000 }, u1.token);
    await ok(await patch(w.id, { stage: 'won' }, u1.token));              // 5000
    const l = await mk({ name: 'lost', amount: 7000, stage: 'negotiation' }, u2.token);
    await ok(await patch(l.id, { stage: 'lost', lost_reason: 'budget' }, u2.token)); // 0

    const rep = await ok(await api('GET', `/api/v1/reports/pipeline?store_id=${s}`));
    assert.deepEqual(rep.stages, [
      { stage: 'lead', count: 1, amount: 10000, weighted_amount: 1000 },
      { stage: 'qualified', count: 1, amount: 20001, weighted_amount: 5000 },
      { stage: 'proposal', count: 1, amount: 3333, weighted_amount: 1667 },
      { stage: 'negotiation', count: 1, amount: 8000, weighted_amount: 4800 },
      { stage: 'won', count: 1, amount: 5000, weighted_amount: 5000 },
      { stage: 'lost', count: 1, amount: 7000, weighted_amount: 0 },
    ]);
    assert.deepEqual(rep.totals, {
      count: 6, amount: 53334, weighted_amount: 17467, open_count: 4, open_amount: 41334,
      open_weighted_amount: 12467, won: 1, won_amount: 5000, lost: 1, win_rate_bp: 5000,
      avg_cycle_days: 0, median_cycle_days: 0,
    });
    const byOwner = Object.fromEntries(rep.owners.map((o) => [o.owner_id, o]));
    assert.deepEqual(byOwner[u1.id], { owner_id: u1.id, owner_name: 'Test store_manager', count: 3, amount: 35001, weighted_amount: 11000, won: 1, won_amount: 5000, lost: 0, win_rate_bp: 10000 });
    assert.deepEqual(byOwner[u2.id], { owner_id: u2.id, owner_name: 'Test sales', count: 3, amount: 18333, weighted_amount: 6467, won: 0, won_amount: 0, lost: 1, win_rate_bp: 0 });
    assert.equal(rep.owners.length, 2);

    const mine = await ok(await srv.api('GET', `/api/v1/reports/pipeline?owner_id=${u2.id}`, { token: u2.token }));
    assert.equal(mine.totals.count, 3);
    assert.equal(mine.totals.weighted_amount, 6467);
    assert.equal(mine.totals.win_rate_bp, 0);
    assert.equal(mine.totals.median_cycle_days, null);

    const later = await ok(await api('GET', `/api/v1/reports/pipeline?store_id=${s}&from=2099-01-01`));
    assert.equal(later.totals.count, 0);
    assert.equal(later.totals.won, 0);
    assert.equal(later.totals.win_rate_bp, null);
    assert.equal(later.totals.avg_cycle_days, null);

    const csv = await api('GET', `/api/v1/reports/pipeline?store_id=${s}&format=csv`);
    assert.equal(csv.status, 200);
    assert.match(hdr(csv, 'content-type'), /^text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    assert.equal(lines.length, 1 + 6 + 2 + 1);
    assert.match(lines[0], /^group,key,label,count,amount,weighted_amount,won,won_amount,win_rate_bp$/);
    const xlsx = await api('GET', `/api/v1/reports/pipeline?store_id=${s}&format=xlsx`);
    assert.equal(xlsx.status, 200);

    let r = await srv.api('GET', `/api/v1/reports/pipeline?store_id=${storeB}`, { token: u1.token });
    assertProblem(r, 404, 'not-found');
    const scoped = await ok(await srv.api('GET', '/api/v1/reports/pipeline', { token: u1.token }));
    assert.equal(scoped.totals.count, 6);
    r = await api('GET', '/api/v1/reports/pipeline?from=yesterday&store_id=x&format=pdf');
    assertProblem(r, 422, 'validation', ['from', 'store_id', 'format']);
    r = await api('GET', '/api/v1/reports/pipeline?from=2026-12-02&to=2026-12-01');
    assertProblem(r, 422, 'validation', ['to']);
  });
});
