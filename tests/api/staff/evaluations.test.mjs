// Evaluations: templates (weights summing to 100, unique keys, a valid role,
// who may write them), the self and manager parts hidden from each other
// until published, the weighted score, publishing (action tasks, the next
// evaluation scheduled cadence_months later), states (409), scoping (a
// salesperson reading another's evaluation: 404) and the audit rows.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startServer, uniq, makeUser, ROOT } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
const CRITERIA = [
  { key: 'selling', name: 'Selling', weight: 40 },
  { key: 'product', name: 'Product knowledge', weight: 30 },
  { key: 'service', name: 'Service', weight: 30 },
];

describe('evaluations', () => {
  let srv, admin, storeA, storeB, managerA, managerB, salesA, salesA2, salesB, hq, tpl;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  async function ok(r, status = 200) {
    assert.equal(r.status, status, `${r.status} ${r.text}`);
    return r.body;
  }
  const store = async () => ok(await api('POST', '/api/v1/stores', {
    body: { code: `E${uniq()}`.slice(0, 12), name: `Store ${uniq()}`, channel: 'direct' },
  }), 201);
  const mkEval = (body, token = managerA.token) => srv.api('POST', '/api/v1/evaluations', { token, body });
  const get = (id, token) => srv.api('GET', `/api/v1/evaluations/${id}`, { token });
  const put = (id, part, body, token) => srv.api('PUT', `/api/v1/evaluations/${id}/${part}`, { token, body });
  const post = (id, what, token = managerA.token) => srv.api('POST', `/api/v1/evaluations/${id}/${what}`, { token });
  const runJob = (name) => {
    const r = spawnSync(BIN, ['job', 'run', name, '--db', srv.db], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  };
  const past = { period_from: '2026-01-01', period_to: '2026-06-30', due_day: '2026-07-15' };

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    storeA = (await store()).id;
    storeB = (await store()).id;
    managerA = await makeUser(srv, 'store_manager', [storeA]);
    managerB = await makeUser(srv, 'store_manager', [storeB]);
    salesA = await makeUser(srv, 'sales', [storeA]);
    salesA2 = await makeUser(srv, 'sales', [storeA]);
    salesB = await makeUser(srv, 'sales', [storeB]);
    hq = await makeUser(srv, 'hq');
    tpl = await ok(await api('POST', '/api/v1/evaluation-templates', {
      body: { name: 'Sales review', role: 'sales', criteria: CRITERIA, cadence_months: 6 },
    }), 201);
  });
  after(async () => { await srv?.stop(); });

  it('templates: created with their criteria, read back, changed; audited', async () => {
    assert.equal(tpl.role, 'sales');
    assert.equal(tpl.cadence_months, 6);
    assert.equal(tpl.active, true);
    assert.deepEqual(tpl.criteria, CRITERIA);
    assert.deepEqual(await ok(await srv.api('GET', `/api/v1/evaluation-templates/${tpl.id}`, { token: managerA.token })), tpl);
    const t = await ok(await api('POST', '/api/v1/evaluation-templates', {
      body: { name: 'Manager review', role: 'store_manager', criteria: [{ key: 'team', name: 'Team', weight: 100 }] },
    }), 201);
    assert.equal(t.cadence_months, 6, 'default cadence');
    const p = await ok(await api('PATCH', `/api/v1/evaluation-templates/${t.id}`, { body: { cadence_months: 12, active: false } }));
    assert.equal(p.cadence_months, 12);
    assert.equal(p.active, false);
    assert.deepEqual(p.criteria, t.criteria);
    const list = await ok(await srv.api('GET', '/api/v1/evaluation-templates?role=store_manager', { token: managerA.token }));
    assert.deepEqual(list.items.map((x) => x.id), [t.id]);
    const active = await ok(await api('GET', '/api/v1/evaluation-templates?active=true'));
    assert.ok(!active.items.some((x) => x.id === t.id));
    const audit = await ok(await api('GET', `/api/v1/audit?entity=evaluation_template&entity_id=${t.id}`));
    assert.deepEqual(audit.items.map((x) => x.action).sort(), ['create', 'update']);
  });

  it('templates: weights not summing to 100, a repeated key, a bad role: 422 naming each; only admin and hq write', async () => {
    const count = (await ok(await api('GET', '/api/v1/evaluation-templates'))).items.length;
    let r = await api('POST', '/api/v1/evaluation-templates', {
      body: { name: 'Bad', role: 'sales', criteria: [{ key: 'a', name: 'A', weight: 50 }, { key: 'b', name: 'B', weight: 40 }] },
    });
    assertProblem(r, 422, 'validation');
    assert.ok(r.body.errors.some((x) => x.field === 'criteria' && /sum to 100/.test(x.message)), r.text);
    r = await api('POST', '/api/v1/evaluation-templates', {
      body: { name: ' ', role: 'cashier', cadence_months: 0, criteria: [{ key: 'a', name: 'A', weight: 50 }, { key: 'a', name: 'B', weight: 50 }, { key: 'Bad Key', name: 'C', weight: 0 }] },
    });
    assertProblem(r, 422, 'validation');
    const fields = r.body.errors.map((x) => x.field);
    for (const f of ['name', 'role', 'cadence_months', 'criteria[1].key', 'criteria[2].key', 'criteria[2].weight']) {
      assert.ok(fields.includes(f), `${f} in ${r.text}`);
    }
    r = await api('POST', '/api/v1/evaluation-templates', { body: { name: 'X', role: 'sales', criteria: CRITERIA, colour: 'red' } });
    assertProblem(r, 422, 'validation');
    r = await api('POST', '/api/v1/evaluation-templates', { body: { name: 'X', role: 'sales', criteria: 'all' } });
    assert.equal(r.status, 400);
    r = await api('PATCH', `/api/v1/evaluation-templates/${tpl.id}`, { body: { criteria: [{ key: 'a', name: 'A', weight: 99 }] } });
    assertProblem(r, 422, 'validation');
    assertProblem(await srv.api('POST', '/api/v1/evaluation-templates', { token: managerA.token, body: { name: 'M', role: 'sales', criteria: CRITERIA } }), 403, 'forbidden');
    assertProblem(await srv.api('GET', '/api/v1/evaluation-templates', { token: salesA.token }), 403, 'forbidden');
    assert.equal((await ok(await api('GET', '/api/v1/evaluation-templates'))).items.length, count, 'nothing written');
    assert.deepEqual((await ok(await api('GET', `/api/v1/evaluation-templates/${tpl.id}`))).criteria, CRITERIA);
  });

  it('the self part is hidden from the manager and the manager part from the person until published', async () => {
    const ev = await ok(await mkEval({ template_id: tpl.id, user_id: salesA.id, ...past }), 201);
    assert.equal(ev.status, 'open', 'the period has ended');
    assert.equal(ev.store_id, storeA);
    assert.equal(ev.manager_id, managerA.id);
    assert.equal(ev.template.id, tpl.id);
    assert.equal(ev.self, null, 'the manager does not read the self part');
    assert.deepEqual(ev.manager, { scores: {}, comment: null, submitted_at: null, actions: [] });

    let s = await ok(await put(ev.id, 'self', { scores: { selling: 5, product: 5, service: 5 }, comment: 'I did great', submit: true }, salesA.token));
    assert.deepEqual(s.self.scores, { selling: 5, product: 5, service: 5 });
    assert.equal(s.self.comment, 'I did great');
    assert.ok(s.self.submitted_at);
    assert.equal(s.manager, null, 'the person does not read the manager part');

    const m = await ok(await put(ev.id, 'manager', {
      scores: { selling: 5, product: 4, service: 3 }, comment: 'Solid; learn the new range',
      actions: [{ title: 'Take the product course', due_day: '2026-08-01' }, { title: 'Shadow a senior seller', due_day: '2026-08-15' }],
    }, managerA.token));
    assert.equal(m.self, null, 'still hidden from the manager after the self part was submitted');
    assert.deepEqual(m.manager.scores, { selling: 5, product: 4, service: 3 });
    assert.equal(m.manager.actions.length, 2);
    assert.equal(m.score, 4.1, '5×40 + 4×30 + 3×30 = 410 → 4.10');

    s = await ok(await get(ev.id, salesA.token));
    assert.equal(s.manager, null);
    assert.equal(s.score, null, 'the score goes with the manager part');
    assert.ok(!JSON.stringify(s).includes('learn the new range'));
    const listed = (await ok(await srv.api('GET', '/api/v1/evaluations', { token: salesA.token }))).items.find((x) => x.id === ev.id);
    assert.equal(listed.manager, null, 'hidden in the list too');
    const asManager = (await ok(await srv.api('GET', `/api/v1/evaluations?user_id=${salesA.id}`, { token: managerA.token }))).items.find((x) => x.id === ev.id);
    assert.equal(asManager.self, null);
    assert.ok(!JSON.stringify(await ok(await get(ev.id, managerA.token))).includes('I did great'));

    const p = await ok(await post(ev.id, 'publish'));
    assert.equal(p.status, 'published');
    assert.ok(p.published_at);
    for (const token of [salesA.token, managerA.token, admin]) {
      const x = await ok(await get(ev.id, token));
      assert.deepEqual(x.self.scores, { selling: 5, product: 5, service: 5 });
      assert.deepEqual(x.manager.scores, { selling: 5, product: 4, service: 3 });
      assert.equal(x.score, 4.1);
    }
  });

  it('publishing makes a task per action and schedules the next evaluation cadence_months later', async () => {
    const ev = await ok(await mkEval({ template_id: tpl.id, user_id: salesA2.id, ...past }), 201);
    await ok(await put(ev.id, 'manager', { scores: { selling: 3, product: 3, service: 4 }, actions: [{ title: 'Learn the till', due_day: '2026-07-31' }] }, managerA.token));
    const p = await ok(await post(ev.id, 'publish'));
    assert.ok(p.next_id);
    const tasks = (await ok(await srv.api('GET', '/api/v1/tasks?mine=true', { token: salesA2.token }))).items.filter((t) => t.evaluation_id === ev.id);
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0].kind, 'action');
    assert.equal(tasks[0].title, 'Learn the till');
    assert.equal(tasks[0].assignee_id, salesA2.id);
    assert.equal(tasks[0].store_id, storeA);
    assert.equal(tasks[0].status, 'open');
    // Due by the end of 2026-07-31 in Asia/Shanghai (UTC+8).
    assert.equal(tasks[0].due_at, '2026-07-31T15:59:00Z');
    const next = await ok(await get(p.next_id, managerA.token));
    assert.equal(next.status, 'scheduled');
    assert.equal(next.user_id, salesA2.id);
    assert.equal(next.template.id, tpl.id);
    assert.equal(next.period_from, '2026-07-01');
    assert.equal(next.period_to, '2026-12-31', 'the last day of a month stays the last day');
    assert.equal(next.due_day, '2027-01-15');
    assert.equal(next.self, null);
    assert.deepEqual(next.manager.scores, {});
    // A scheduled evaluation takes no parts until its period has ended; the
    // nightly job leaves it scheduled until then.
    assertProblem(await put(next.id, 'self', { scores: { selling: 4 } }, salesA2.token), 409, 'state');
    assertProblem(await put(next.id, 'manager', { scores: { selling: 4 } }, managerA.token), 409, 'state');
    runJob('evaluations');
    assert.equal((await ok(await get(next.id, managerA.token))).status, 'scheduled');
    const c = await ok(await post(next.id, 'cancel'));
    assert.equal(c.status, 'cancelled');
    assertProblem(await post(next.id, 'cancel'), 409, 'state');
    const audit = await ok(await api('GET', `/api/v1/audit?entity=evaluation&entity_id=${ev.id}`));
    assert.deepEqual(audit.items.map((x) => x.action).sort(), ['create', 'update', 'update']);
    assert.ok(!JSON.stringify(audit).includes('Learn the till'), 'no text in the audit rows');
  });

  it('states: publishing needs every manager score; a submitted self part and a published evaluation are final (409)', async () => {
    const ev = await ok(await mkEval({ template_id: tpl.id, user_id: salesA.id, ...past }), 201);
    assertProblem(await post(ev.id, 'publish'), 409, 'state');
    await ok(await put(ev.id, 'manager', { scores: { selling: 4, product: 4 } }, managerA.token));
    assert.equal((await ok(await get(ev.id, managerA.token))).score, null, 'incomplete: no score');
    assertProblem(await post(ev.id, 'publish'), 409, 'state');
    let r = await put(ev.id, 'self', { scores: { selling: 4 }, submit: true }, salesA.token);
    assertProblem(r, 422, 'validation');
    assert.deepEqual(r.body.errors.map((x) => x.field).sort(), ['scores.product', 'scores.service']);
    await ok(await put(ev.id, 'self', { scores: { selling: 4 }, comment: 'draft' }, salesA.token));
    const s = await ok(await put(ev.id, 'self', { scores: { product: 3, service: 4, selling: 4 }, submit: true }, salesA.token));
    assert.equal(s.self.comment, 'draft', 'the comment stays when not sent');
    assertProblem(await put(ev.id, 'self', { comment: 'changed my mind' }, salesA.token), 409, 'state');
    await ok(await put(ev.id, 'manager', { scores: { selling: 4, product: 4, service: 4 } }, managerA.token));
    assert.equal((await ok(await post(ev.id, 'publish'))).score, 4);
    assertProblem(await post(ev.id, 'publish'), 409, 'state');
    assertProblem(await put(ev.id, 'manager', { comment: 'late' }, managerA.token), 409, 'state');
    assertProblem(await post(ev.id, 'cancel'), 409, 'state');
  });

  it('scores and bodies: unknown criteria, out of range, unknown fields, wrong types', async () => {
    const ev = await ok(await mkEval({ template_id: tpl.id, user_id: salesA.id, ...past }), 201);
    let r = await put(ev.id, 'manager', { scores: { selling: 6, charm: 5, product: 0 } }, managerA.token);
    assertProblem(r, 422, 'validation');
    assert.deepEqual(r.body.errors.map((x) => x.field).sort(), ['scores.charm', 'scores.product', 'scores.selling'], r.text);
    r = await put(ev.id, 'manager', { scores: { selling: 4.5 } }, managerA.token);
    assert.equal(r.status, 400);
    r = await put(ev.id, 'manager', { score: 4 }, managerA.token);
    assertProblem(r, 422, 'validation');
    r = await put(ev.id, 'manager', { actions: [{ title: '', due_day: 'soon' }] }, managerA.token);
    assert.ok([400, 422].includes(r.status), r.text);
    r = await put(ev.id, 'self', { scores: { selling: 4 }, actions: [] }, salesA.token);
    assertProblem(r, 422, 'validation');
    assert.deepEqual((await ok(await get(ev.id, managerA.token))).manager.scores, {}, 'nothing written');
    r = await mkEval({ template_id: 999999, user_id: salesB.id, period_from: '2026-06-01', period_to: '2026-05-01', due_day: '2026-04-01' });
    assertProblem(r, 422, 'validation');
    const fields = r.body.errors.map((x) => x.field).sort();
    assert.deepEqual(fields, ['due_day', 'period_to', 'template_id', 'user_id']);
    assertProblem(await mkEval({ template_id: tpl.id, user_id: managerA.id, ...past }), 422, 'validation');
    const mt = await ok(await api('POST', '/api/v1/evaluation-templates', {
      body: { name: 'Managers', role: 'store_manager', criteria: [{ key: 'team', name: 'Team', weight: 100 }] },
    }), 201);
    r = await mkEval({ template_id: mt.id, user_id: salesA.id, ...past });
    assertProblem(r, 422, 'validation');
    assert.deepEqual(r.body.errors.map((x) => x.field), ['template_id'], 'a template of another role');
    const own = await ok(await api('POST', '/api/v1/evaluations', { body: { template_id: mt.id, user_id: managerA.id, ...past } }), 201);
    assert.equal(own.store_id, storeA);
    assert.equal(own.manager_id, (await ok(await api('GET', '/api/v1/me'))).id);
    assert.equal((await get(own.id, managerA.token)).body.manager, null, 'a manager evaluated reads only their self part');
  });

  it('scoping: a salesperson reads only their own (another\'s: 404), writes only their self part; managers see their stores', async () => {
    const ev = await ok(await mkEval({ template_id: tpl.id, user_id: salesA.id, ...past }), 201);
    assertProblem(await get(ev.id, salesA2.token), 404, 'not-found');
    assertProblem(await get(ev.id, salesB.token), 404, 'not-found');
    assertProblem(await get(ev.id, managerB.token), 404, 'not-found');
    assert.equal((await get(ev.id, hq.token)).status, 200);
    assertProblem(await put(ev.id, 'self', { comment: 'not mine' }, salesA2.token), 404, 'not-found');
    assertProblem(await put(ev.id, 'self', { comment: 'for them' }, managerA.token), 403, 'forbidden');
    assertProblem(await put(ev.id, 'manager', { comment: 'me' }, salesA.token), 403, 'forbidden');
    assertProblem(await put(ev.id, 'manager', { comment: 'other store' }, managerB.token), 404, 'not-found');
    assertProblem(await post(ev.id, 'publish', salesA.token), 403, 'forbidden');
    assertProblem(await mkEval({ template_id: tpl.id, user_id: salesA.id, ...past }, salesA.token), 403, 'forbidden');
    assertProblem(await mkEval({ template_id: tpl.id, user_id: salesB.id, ...past }), 422, 'validation');
    const mine = await ok(await srv.api('GET', '/api/v1/evaluations?limit=500', { token: salesA2.token }));
    assert.ok(mine.items.every((x) => x.user_id === salesA2.id), 'a salesperson lists their own');
    const other = await ok(await srv.api('GET', `/api/v1/evaluations?user_id=${salesA.id}`, { token: salesA2.token }));
    assert.deepEqual(other.items, []);
    const b = await ok(await srv.api('GET', '/api/v1/evaluations?limit=500', { token: managerB.token }));
    assert.deepEqual(b.items, []);
    assertProblem(await srv.api('GET', `/api/v1/evaluations?store_id=${storeB}`, { token: managerA.token }), 404, 'not-found');
    await ok(await mkEval({ template_id: tpl.id, user_id: salesA2.id, ...past }), 201);
    await ok(await mkEval({ template_id: tpl.id, user_id: salesA2.id, ...past }), 201);
    const a = await ok(await srv.api('GET', `/api/v1/evaluations?store_id=${storeA}&status=open&limit=2`, { token: managerA.token }));
    assert.equal(a.items.length, 2);
    assert.ok(a.next_cursor);
    const a2 = await ok(await srv.api('GET', `/api/v1/evaluations?store_id=${storeA}&status=open&limit=2&cursor=${a.next_cursor}`, { token: managerA.token }));
    assert.ok(a2.items.every((x) => x.id > a.items[1].id && x.status === 'open'));
  });
});
