// Recurring tasks and checklists: a recurrence makes one routine task per
// due day with its checklist through `tersa job run recurring_tasks`, and a
// second run makes no duplicate; the rules' checks; store scoping; ticking
// checklist items of a task (POST /tasks with a checklist too).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startServer, uniq, makeUser, ROOT } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
const DAY = 86400 * 1000;

// The business day and ISO weekday (1 Monday .. 7) in the company zone.
function dayIn(zone, ms = Date.now()) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' })
    .formatToParts(new Date(ms));
  const get = (t) => parts.find((p) => p.type === t).value;
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { day: `${get('year')}-${get('month')}-${get('day')}`, weekday, monthday: Number(get('day')) };
}
const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

describe('recurring tasks and checklists', () => {
  let srv, admin, zone, storeA, storeB, managerA, managerB, salesA, salesB;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  async function ok(r, status = 200) {
    assert.equal(r.status, status, `${r.status} ${r.text}`);
    return r.body;
  }
  const store = async () => ok(await api('POST', '/api/v1/stores', {
    body: { code: `R${uniq()}`.slice(0, 12), name: `Store ${uniq()}`, channel: 'direct' },
  }), 201);
  const mkRecur = (body, token = managerA.token) => srv.api('POST', '/api/v1/task-recurrences', { token, body });
  const runJob = (name) => {
    const r = spawnSync(BIN, ['job', 'run', name, '--db', srv.db], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  };
  const tasksOf = async (recurrenceId, token = admin) => (await ok(await srv.api('GET', '/api/v1/tasks?limit=500', { token })))
    .items.filter((t) => t.recurrence_id === recurrenceId);

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    zone = (await ok(await api('GET', '/api/v1/settings'))).time_zone;
    storeA = (await store()).id;
    storeB = (await store()).id;
    managerA = await makeUser(srv, 'store_manager', [storeA]);
    managerB = await makeUser(srv, 'store_manager', [storeB]);
    salesA = await makeUser(srv, 'sales', [storeA]);
    salesB = await makeUser(srv, 'sales', [storeB]);
  });
  after(async () => { await srv?.stop(); });

  it('a weekly recurrence due today makes one routine task with its checklist; running again makes none', async () => {
    const today = dayIn(zone);
    const r = await ok(await mkRecur({
      title: 'Weekly stock count', note: 'Count every shelf', store_id: storeA, assignee_id: salesA.id,
      rule: 'weekly', weekday: today.weekday, checklist: ['Shelves A-C', 'Back room', 'Report differences'],
    }), 201);
    assert.equal(r.next_day, today.day);
    assert.equal(r.rule, 'weekly');
    assert.equal(r.weekday, today.weekday);
    assert.equal(r.monthday, null);
    assert.equal(r.active, true);
    assert.deepEqual(r.checklist, ['Shelves A-C', 'Back room', 'Report differences']);
    assert.deepEqual(await tasksOf(r.id), [], 'nothing before the job runs');

    runJob('recurring_tasks');
    const made = await tasksOf(r.id);
    assert.equal(made.length, 1);
    const t = made[0];
    assert.equal(t.kind, 'routine');
    assert.equal(t.title, 'Weekly stock count');
    assert.equal(t.note, 'Count every shelf');
    assert.equal(t.store_id, storeA);
    assert.equal(t.assignee_id, salesA.id);
    assert.equal(t.status, 'open');
    assert.equal(dayIn(zone, Date.parse(t.due_at)).day, today.day, 'due by the end of today');
    assert.deepEqual(t.checklist.map((c) => [c.text, c.done, c.done_at]),
      [['Shelves A-C', false, null], ['Back room', false, null], ['Report differences', false, null]]);
    assert.ok(t.checklist.every((c) => Number.isInteger(c.id)));

    runJob('recurring_tasks');
    assert.equal((await tasksOf(r.id)).length, 1, 'no duplicate');
    const after1 = await ok(await srv.api('GET', `/api/v1/task-recurrences/${r.id}`, { token: managerA.token }));
    assert.equal(after1.next_day, addDays(today.day, 7), 'next week');

    // The assignee sees it among their tasks and ticks the checklist.
    const mine = (await ok(await srv.api('GET', '/api/v1/tasks?mine=true', { token: salesA.token }))).items;
    assert.ok(mine.some((x) => x.id === t.id));
    const item = t.checklist[1];
    const ticked = await ok(await srv.api('PATCH', `/api/v1/tasks/${t.id}/checklist/${item.id}`, { token: salesA.token, body: { done: true } }));
    assert.equal(ticked.checklist[1].done, true);
    assert.ok(ticked.checklist[1].done_at);
    assert.equal(ticked.checklist[0].done, false);
    const unticked = await ok(await srv.api('PATCH', `/api/v1/tasks/${t.id}/checklist/${item.id}`, { token: salesA.token, body: { done: false } }));
    assert.equal(unticked.checklist[1].done, false);
    assert.equal(unticked.checklist[1].done_at, null);
    assertProblem(await srv.api('PATCH', `/api/v1/tasks/${t.id}/checklist/${item.id}`, { token: salesB.token, body: { done: true } }), 404, 'not-found');
    assertProblem(await srv.api('PATCH', `/api/v1/tasks/${t.id}/checklist/999999`, { token: salesA.token, body: { done: true } }), 404, 'not-found');
    assertProblem(await srv.api('PATCH', `/api/v1/tasks/${t.id}/checklist/${item.id}`, { token: salesA.token, body: { done: true, note: 'x' } }), 422, 'validation');
    assert.equal((await srv.api('PATCH', `/api/v1/tasks/${t.id}/checklist/${item.id}`, { token: salesA.token, body: { done: 'yes' } })).status, 400);
    const audit = await ok(await api('GET', `/api/v1/audit?entity=task_checklist_item&entity_id=${item.id}`));
    assert.equal(audit.items.length, 2);
  });

  it('a monthly recurrence waits for its day; changing the rule moves next_day; deleting keeps the tasks', async () => {
    const today = dayIn(zone);
    const monthday = today.monthday === 28 ? 1 : Math.min(today.monthday + 1, 28);
    const r = await ok(await mkRecur({ title: 'Change the window display', store_id: storeA, rule: 'monthly', monthday }), 201);
    assert.equal(r.monthday, monthday);
    assert.equal(r.weekday, null);
    assert.equal(r.assignee_id, null);
    assert.ok(r.next_day > today.day, `${r.next_day} after ${today.day}`);
    assert.equal(Number(r.next_day.slice(8)), monthday);
    runJob('recurring_tasks');
    assert.deepEqual(await tasksOf(r.id), [], 'not due yet');

    const p = await ok(await srv.api('PATCH', `/api/v1/task-recurrences/${r.id}`, { token: managerA.token, body: { rule: 'weekly', weekday: today.weekday, checklist: ['Old display down', 'New display up'] } }));
    assert.equal(p.next_day, today.day);
    assert.equal(p.monthday, null);
    runJob('recurring_tasks');
    const made = await tasksOf(r.id);
    assert.equal(made.length, 1);
    assert.equal(made[0].assignee_id, null);
    assert.deepEqual(made[0].checklist.map((c) => c.text), ['Old display down', 'New display up']);

    const off = await ok(await srv.api('PATCH', `/api/v1/task-recurrences/${r.id}`, { token: managerA.token, body: { active: false } }));
    assert.equal(off.active, false);
    assert.equal((await srv.api('DELETE', `/api/v1/task-recurrences/${r.id}`, { token: managerA.token })).status, 204);
    assertProblem(await srv.api('GET', `/api/v1/task-recurrences/${r.id}`, { token: managerA.token }), 404, 'not-found');
    assert.equal((await tasksOf(r.id)).length, 1, 'the task made stays');
    const audit = await ok(await api('GET', `/api/v1/audit?entity=task_recurrence&entity_id=${r.id}`));
    assert.deepEqual(audit.items.map((x) => x.action).sort(), ['create', 'delete', 'update', 'update']);
  });

  it('rules are checked, each bad field named; nothing written', async () => {
    const before = (await ok(await api('GET', '/api/v1/task-recurrences?limit=500'))).items.length;
    let r = await mkRecur({ title: '', store_id: storeA, rule: 'weekly', monthday: 3 });
    assertProblem(r, 422, 'validation');
    assert.deepEqual(r.body.errors.map((x) => x.field).sort(), ['monthday', 'title', 'weekday']);
    r = await mkRecur({ title: 'X', store_id: storeA, rule: 'monthly', monthday: 29, checklist: ['ok', ' '] });
    assertProblem(r, 422, 'validation');
    assert.deepEqual(r.body.errors.map((x) => x.field).sort(), ['checklist[1]', 'monthday']);
    r = await mkRecur({ title: 'X', store_id: storeA, rule: 'daily' });
    assertProblem(r, 422, 'validation');
    r = await mkRecur({ title: 'X', store_id: storeA, rule: 'weekly', weekday: 8, assignee_id: salesB.id });
    assert.deepEqual(r.body.errors.map((x) => x.field).sort(), ['assignee_id', 'weekday']);
    r = await mkRecur({ title: 'X', store_id: storeA, rule: 'weekly', weekday: 1, colour: 'red' });
    assertProblem(r, 422, 'validation');
    r = await mkRecur({ title: 'X', store_id: storeA, rule: 'weekly', weekday: 1, checklist: [1] });
    assert.equal(r.status, 400);
    assert.equal((await ok(await api('GET', '/api/v1/task-recurrences?limit=500'))).items.length, before);
  });

  it('scoping: another store is 403 to write and 404 to read; salespeople may not manage recurrences', async () => {
    assertProblem(await mkRecur({ title: 'X', store_id: storeB, rule: 'weekly', weekday: 1 }), 403, 'forbidden');
    assertProblem(await mkRecur({ title: 'X', store_id: storeA, rule: 'weekly', weekday: 1 }, salesA.token), 403, 'forbidden');
    const b = await ok(await mkRecur({ title: 'B count', store_id: storeB, rule: 'weekly', weekday: 2 }, managerB.token), 201);
    assertProblem(await srv.api('GET', `/api/v1/task-recurrences/${b.id}`, { token: managerA.token }), 404, 'not-found');
    assertProblem(await srv.api('PATCH', `/api/v1/task-recurrences/${b.id}`, { token: managerA.token, body: { title: 'Mine' } }), 404, 'not-found');
    assertProblem(await srv.api('DELETE', `/api/v1/task-recurrences/${b.id}`, { token: managerA.token }), 404, 'not-found');
    const listA = await ok(await srv.api('GET', '/api/v1/task-recurrences?limit=500', { token: managerA.token }));
    assert.ok(listA.items.length > 0 && listA.items.every((x) => x.store_id === storeA));
    assertProblem(await srv.api('GET', `/api/v1/task-recurrences?store_id=${storeB}`, { token: managerA.token }), 404, 'not-found');
    const all = await ok(await api('GET', `/api/v1/task-recurrences?store_id=${storeB}`));
    assert.deepEqual(all.items.map((x) => x.id), [b.id]);
  });

  it('POST /tasks takes a checklist; too many items or a blank one is 422', async () => {
    const t = await ok(await srv.api('POST', '/api/v1/tasks', { token: managerA.token, body: { kind: 'routine', title: 'Open the store', checklist: ['Lights', 'Till float', '开门'] } }), 201);
    assert.equal(t.kind, 'routine');
    assert.deepEqual(t.checklist.map((c) => c.text), ['Lights', 'Till float', '开门']);
    assert.equal(t.recurrence_id, null);
    assert.deepEqual(await ok(await srv.api('GET', `/api/v1/tasks/${t.id}`, { token: managerA.token })), t);
    const plain = await ok(await srv.api('POST', '/api/v1/tasks', { token: managerA.token, body: { title: 'No list' } }), 201);
    assert.deepEqual(plain.checklist, []);
    let r = await srv.api('POST', '/api/v1/tasks', { token: managerA.token, body: { title: 'X', checklist: ['ok', ''] } });
    assertProblem(r, 422, 'validation');
    assert.deepEqual(r.body.errors.map((x) => x.field), ['checklist[1]']);
    r = await srv.api('POST', '/api/v1/tasks', { token: managerA.token, body: { title: 'X', checklist: Array.from({ length: 51 }, (_, i) => `item ${i}`) } });
    assertProblem(r, 422, 'validation');
    r = await srv.api('POST', '/api/v1/tasks', { token: managerA.token, body: { title: 'X', checklist: 'Lights' } });
    assert.equal(r.status, 400);
  });
});
