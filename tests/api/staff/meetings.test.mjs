// Meetings: attendees (people of the meeting's store the organiser sees),
// notes and action items that become tasks (kind action, meeting_id); who
// reads (the store's managers, the attendees) and who writes; the checks;
// the audit rows.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

describe('meetings', () => {
  let srv, admin, storeA, storeB, managerA, managerB, salesA, salesA2, salesB;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  async function ok(r, status = 200) {
    assert.equal(r.status, status, `${r.status} ${r.text}`);
    return r.body;
  }
  const store = async () => ok(await api('POST', '/api/v1/stores', {
    body: { code: `M${uniq()}`.slice(0, 12), name: `Store ${uniq()}`, channel: 'direct' },
  }), 201);
  const mk = (body, token = managerA.token) => srv.api('POST', '/api/v1/meetings', { token, body });
  const at = '2026-12-07T01:30:00Z';

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
  });
  after(async () => { await srv?.stop(); });

  it('records a meeting with attendees and action items that become tasks', async () => {
    const r = await mk({
      store_id: storeA, title: 'Monday huddle', at, notes: 'Targets for December\nWindow display',
      attendee_ids: [salesA.id, salesA2.id],
      actions: [{ title: 'Restock the gift shelf', assignee_id: salesA.id, due_day: '2026-12-09' },
        { title: 'Call back VIP customers', assignee_id: salesA2.id, due_day: '2026-12-10' }],
    });
    const m = await ok(r, 201);
    assert.equal(hdr(r, 'location'), `/api/v1/meetings/${m.id}`);
    assert.equal(m.store_id, storeA);
    assert.equal(m.title, 'Monday huddle');
    assert.equal(m.at, at);
    assert.equal(m.notes, 'Targets for December\nWindow display');
    assert.deepEqual(m.attendee_ids, [salesA.id, salesA2.id].sort((a, b) => a - b));
    assert.deepEqual(m.attendees.map((x) => x.id), m.attendee_ids);
    assert.equal(m.created_by, managerA.id);
    assert.equal(m.actions.length, 2);
    assert.deepEqual(m.actions.map((x) => [x.title, x.assignee_id, x.status]),
      [['Restock the gift shelf', salesA.id, 'open'], ['Call back VIP customers', salesA2.id, 'open']]);
    const task = await ok(await srv.api('GET', `/api/v1/tasks/${m.actions[0].task_id}`, { token: salesA.token }));
    assert.equal(task.kind, 'action');
    assert.equal(task.meeting_id, m.id);
    assert.equal(task.store_id, storeA);
    assert.equal(task.due_at, '2026-12-09T15:59:00Z');
    assert.deepEqual(await ok(await srv.api('GET', `/api/v1/meetings/${m.id}`, { token: managerA.token })), m);
    const audit = await ok(await api('GET', `/api/v1/audit?entity=meeting&entity_id=${m.id}`));
    assert.equal(audit.items.length, 1);
    assert.ok(!JSON.stringify(audit).includes('Window display'), 'no notes in the audit rows');
  });

  it('changes: fields sent, attendees replaced, new actions added; an attendee reads but does not write', async () => {
    const m = await ok(await mk({ store_id: storeA, title: 'Weekly', at, attendee_ids: [salesA.id] }), 201);
    assert.deepEqual(m.actions, []);
    assert.equal(m.notes, '');
    const p = await ok(await srv.api('PATCH', `/api/v1/meetings/${m.id}`, {
      token: managerA.token,
      body: { notes: 'Short one', attendee_ids: [salesA2.id], actions: [{ title: 'Fix the door', assignee_id: salesA2.id, due_day: '2026-12-20' }] },
    }));
    assert.equal(p.title, 'Weekly');
    assert.equal(p.notes, 'Short one');
    assert.deepEqual(p.attendee_ids, [salesA2.id]);
    assert.equal(p.actions.length, 1);
    const p2 = await ok(await srv.api('PATCH', `/api/v1/meetings/${m.id}`, { token: managerA.token, body: { title: 'Weekly sync' } }));
    assert.deepEqual(p2.attendee_ids, [salesA2.id], 'attendees stay when not sent');
    assert.equal(p2.actions.length, 1, 'actions stay');
    assert.equal((await srv.api('GET', `/api/v1/meetings/${m.id}`, { token: salesA2.token })).status, 200);
    assertProblem(await srv.api('GET', `/api/v1/meetings/${m.id}`, { token: salesA.token }), 404, 'not-found');
    assertProblem(await srv.api('PATCH', `/api/v1/meetings/${m.id}`, { token: salesA2.token, body: { title: 'Mine' } }), 403, 'forbidden');
    const audit = await ok(await api('GET', `/api/v1/audit?entity=meeting&entity_id=${m.id}`));
    assert.deepEqual(audit.items.map((x) => x.action).sort(), ['create', 'update', 'update']);
  });

  it('scoping: another store is 403 to write, 404 to read; the list holds what one may read', async () => {
    const a = await ok(await mk({ store_id: storeA, title: 'A only', at, attendee_ids: [salesA.id] }), 201);
    const b = await ok(await mk({ store_id: storeB, title: 'B only', at, attendee_ids: [salesB.id] }, managerB.token), 201);
    assertProblem(await mk({ store_id: storeB, title: 'X', at }), 403, 'forbidden');
    assertProblem(await mk({ store_id: storeA, title: 'X', at }, salesA.token), 403, 'forbidden');
    assertProblem(await srv.api('GET', `/api/v1/meetings/${b.id}`, { token: managerA.token }), 404, 'not-found');
    assertProblem(await srv.api('GET', `/api/v1/meetings/${a.id}`, { token: salesB.token }), 404, 'not-found');
    assertProblem(await srv.api('PATCH', `/api/v1/meetings/${b.id}`, { token: managerA.token, body: { title: 'Y' } }), 404, 'not-found');
    const la = await ok(await srv.api('GET', '/api/v1/meetings?limit=500', { token: managerA.token }));
    assert.ok(la.items.some((x) => x.id === a.id));
    assert.ok(la.items.every((x) => x.store_id === storeA));
    const ls = await ok(await srv.api('GET', '/api/v1/meetings?limit=500', { token: salesB.token }));
    assert.deepEqual(ls.items.map((x) => x.id), [b.id], 'a salesperson lists the meetings they attend');
    assertProblem(await srv.api('GET', `/api/v1/meetings?store_id=${storeB}`, { token: managerA.token }), 404, 'not-found');
    const all = await ok(await api('GET', `/api/v1/meetings?store_id=${storeB}&from=2026-12-07&to=2026-12-07`));
    assert.deepEqual(all.items.map((x) => x.id), [b.id]);
    const none = await ok(await api('GET', `/api/v1/meetings?store_id=${storeB}&from=2026-12-08`));
    assert.deepEqual(none.items, []);
  });

  it('checks: attendees and assignees of the store, each bad field named, nothing written', async () => {
    const before = (await ok(await api('GET', '/api/v1/meetings?limit=500'))).items.length;
    let r = await mk({ store_id: storeA, title: '', attendee_ids: [salesB.id], actions: [{ title: 'X', assignee_id: salesB.id, due_day: '2026-12-31' }] });
    assertProblem(r, 422, 'validation');
    assert.deepEqual(r.body.errors.map((x) => x.field).sort(), ['at', 'title']);
    r = await mk({ store_id: storeA, title: 'T', at, attendee_ids: [salesB.id], actions: [{ title: 'X', assignee_id: salesB.id, due_day: '2026-12-31' }] });
    assertProblem(r, 422, 'validation');
    assert.deepEqual(r.body.errors.map((x) => x.field).sort(), ['actions[0].assignee_id', 'attendee_ids']);
    r = await mk({ store_id: storeA, title: 'T', at, actions: [{ title: 'X', assignee_id: salesA.id, due_day: '2026-02-30' }] });
    assertProblem(r, 422, 'validation');
    r = await mk({ store_id: storeA, title: 'T', at, room: 'back' });
    assertProblem(r, 422, 'validation');
    r = await mk({ store_id: storeA, title: 'T', at, attendee_ids: 'all' });
    assert.equal(r.status, 400);
    r = await mk({ store_id: 999999, title: 'T', at });
    assert.ok([403, 422].includes(r.status), r.text);
    assert.equal((await ok(await api('GET', '/api/v1/meetings?limit=500'))).items.length, before);
    const tasks = (await ok(await api('GET', '/api/v1/tasks?limit=500'))).items;
    assert.ok(!tasks.some((t) => t.meeting_id && t.assignee_id === salesB.id && t.title === 'X'), 'no task from a refused meeting');
  });
});
