// Tasks and follow-ups: creating with defaults and every field, bad input
// (400 malformed or wrong types, 422 naming each bad field, nothing
// written), changing and closing, "my tasks", the filters and paging,
// overdue tasks per store, store scoping and the audit rows.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const TASK_KEYS = ['id', 'kind', 'title', 'note', 'customer_id', 'opportunity_id', 'store_id', 'assignee_id',
  'due_at', 'status', 'overdue', 'created_by', 'created_at', 'updated_at', 'done_at', 'done_by',
  'checklist', 'recurrence_id', 'meeting_id', 'evaluation_id', 'course_id'].sort();
const HOUR = 3600 * 1000;
const iso = (ms) => new Date(ms).toISOString();

describe('tasks', () => {
  let srv, admin, adminId, storeA, storeB, managerA, salesA, salesB, service;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const mkTask = (body, token = admin) => srv.api('POST', '/api/v1/tasks', { token, body });
  const patch = (id, body, token = admin) => srv.api('PATCH', `/api/v1/tasks/${id}`, { token, body });
  async function ok(r, status = 200) {
    assert.equal(r.status, status, `${r.status} ${r.text}`);
    return r.body;
  }
  const store = async () => ok(await api('POST', '/api/v1/stores', {
    body: { code: `T${uniq()}`.slice(0, 12), name: `Store ${uniq()}`, channel: 'direct' },
  }), 201);
  async function taskCount() {
    const r = await ok(await api('GET', '/api/v1/tasks?limit=500'));
    return r.items.length;
  }
  async function allPages(path, token = admin, limit = 2) {
    const ids = [];
    let cursor = null;
    for (let i = 0; i < 100; i++) {
      const sep = path.includes('?') ? '&' : '?';
      const r = await ok(await srv.api('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token }));
      ids.push(...r.items.map((t) => t.id));
      if (!r.next_cursor) return ids;
      cursor = r.next_cursor;
    }
    throw new Error('paging did not end');
  }

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

  it('creates a task with the defaults: 201, Location, follow_up, open, assigned to the creator', async () => {
    const r = await mkTask({ title: 'Call back about the order' });
    const t = await ok(r, 201);
    assert.deepEqual(Object.keys(t).sort(), TASK_KEYS);
    assert.equal(hdr(r, 'location'), `/api/v1/tasks/${t.id}`);
    assert.equal(t.kind, 'follow_up');
    assert.equal(t.status, 'open');
    assert.equal(t.assignee_id, adminId);
    assert.equal(t.created_by, adminId);
    assert.equal(t.store_id, null);
    assert.equal(t.due_at, null);
    assert.equal(t.overdue, false);
    assert.equal(t.done_at, null);
    assert.match(t.created_at, RFC3339_UTC);
    assert.deepEqual(await ok(await api('GET', `/api/v1/tasks/${t.id}`)), t);
  });

  it('creates with every field; a store-bound creator gets its store; a past due time is overdue', async () => {
    const due = Date.now() - 2 * HOUR;
    const t = await ok(await mkTask({ kind: 'call', title: '回访 王女士', note: 'line one\nline two', due_at: iso(due), assignee_id: managerA.id }, salesA.token), 201);
    assert.equal(t.kind, 'call');
    assert.equal(t.title, '回访 王女士');
    assert.equal(t.note, 'line one\nline two');
    assert.equal(t.store_id, storeA);
    assert.equal(t.assignee_id, managerA.id);
    assert.equal(t.created_by, salesA.id);
    assert.equal(Date.parse(t.due_at), due);
    assert.equal(t.overdue, true);
  });

  it('refuses malformed JSON and wrong types with 400, nothing written', async () => {
    const before = await taskCount();
    let r = await api('POST', '/api/v1/tasks', { raw: '{"title": ' });
    assertProblem(r, 400, 'malformed-json');
    r = await mkTask({ title: 5, assignee_id: 'x', due_at: 7 });
    assertProblem(r, 400, 'bad-request', ['title', 'assignee_id', 'due_at']);
    r = await mkTask([1, 2]);
    assert.equal(r.status, 400);
    assert.equal(await taskCount(), before);
  });

  it('refuses invalid values with 422 naming every field, nothing written', async () => {
    const before = await taskCount();
    const audits = (await ok(await api('GET', '/api/v1/audit?entity=task&limit=500'))).items.length;
    let r = await mkTask({ kind: 'dance', title: '  ', due_at: 'tomorrow', store_id: 999999, assignee_id: 999999, customer_id: 999999, opportunity_id: 999999, colour: 'red' });
    assertProblem(r, 422, 'validation', ['kind', 'title', 'due_at', 'store_id', 'assignee_id', 'customer_id', 'opportunity_id', 'colour']);
    r = await mkTask({});
    assertProblem(r, 422, 'validation', ['title']);
    r = await mkTask({ title: 'x'.repeat(201) });
    assertProblem(r, 422, 'validation', ['title']);
    r = await mkTask({ title: 'ok', note: 'n'.repeat(2001) });
    assertProblem(r, 422, 'validation', ['note']);
    r = await mkTask({ title: 'ok', assignee_id: 0 });
    assertProblem(r, 422, 'validation', ['assignee_id']);
    // a store-bound assignee outside the task's store
    r = await mkTask({ title: 'ok', store_id: storeA, assignee_id: salesB.id });
    assertProblem(r, 422, 'validation', ['assignee_id']);
    // an inactive assignee
    const gone = await makeUser(srv, 'hq');
    await ok(await api('PATCH', `/api/v1/users/${gone.id}`, { body: { active: false } }));
    r = await mkTask({ title: 'ok', assignee_id: gone.id });
    assertProblem(r, 422, 'validation', ['assignee_id']);
    assert.equal(await taskCount(), before);
    assert.equal((await ok(await api('GET', '/api/v1/audit?entity=task&limit=500'))).items.length, audits);
  });

  it('a store-bound user naming another store gets 403; another store\'s task answers 404', async () => {
    const before = await taskCount();
    let r = await mkTask({ title: 'elsewhere', store_id: storeB }, salesA.token);
    assertProblem(r, 403, 'forbidden');
    assert.equal(await taskCount(), before);

    const tb = await ok(await mkTask({ title: 'store B task', store_id: storeB }), 201);
    r = await srv.api('GET', `/api/v1/tasks/${tb.id}`, { token: salesA.token });
    assertProblem(r, 404, 'not-found');
    r = await patch(tb.id, { status: 'done' }, salesA.token);
    assertProblem(r, 404, 'not-found');
    assert.equal((await ok(await api('GET', `/api/v1/tasks/${tb.id}`))).status, 'open');
    // assigned to them, a task of another store is theirs to see and do
    const mine = await ok(await mkTask({ title: 'for B, in A', store_id: storeA, assignee_id: managerA.id }), 201);
    const forB = await ok(await mkTask({ title: 'for sales B', assignee_id: salesB.id }), 201);
    assert.equal((await ok(await srv.api('GET', `/api/v1/tasks/${forB.id}`, { token: salesB.token }))).id, forB.id);
    r = await srv.api('GET', `/api/v1/tasks/${mine.id}`, { token: salesB.token });
    assertProblem(r, 404, 'not-found');
    // lists are filtered
    const seen = await allPages('/api/v1/tasks', salesB.token, 50);
    assert.ok(seen.includes(tb.id) && seen.includes(forB.id));
    assert.ok(!seen.includes(mine.id));
    r = await srv.api('GET', `/api/v1/tasks?store_id=${storeA}`, { token: salesB.token });
    assertProblem(r, 404, 'not-found');
    // the service role reads and writes tasks too
    await ok(await mkTask({ title: 'service desk follow-up' }, service.token), 201);
  });

  it('changes and closes a task: done sets done_at and done_by, reopening clears them; audited without text', async () => {
    const t = await ok(await mkTask({ title: 'Send the catalogue', store_id: storeA }), 201);
    let u = await ok(await patch(t.id, { title: 'Send the new catalogue', note: 'by post', due_at: iso(Date.now() + 24 * HOUR), assignee_id: salesA.id }));
    assert.equal(u.title, 'Send the new catalogue');
    assert.equal(u.note, 'by post');
    assert.equal(u.assignee_id, salesA.id);
    assert.equal(u.overdue, false);
    u = await ok(await patch(t.id, { status: 'done' }, salesA.token));
    assert.equal(u.status, 'done');
    assert.equal(u.done_by, salesA.id);
    assert.match(u.done_at, RFC3339_UTC);
    u = await ok(await patch(t.id, { status: 'open', note: null, due_at: null }));
    assert.equal(u.status, 'open');
    assert.equal(u.done_at, null);
    assert.equal(u.done_by, null);
    assert.equal(u.note, null);
    assert.equal(u.due_at, null);
    u = await ok(await patch(t.id, { status: 'cancelled' }));
    assert.equal(u.status, 'cancelled');
    assert.equal(u.done_by, adminId);

    const audit = await ok(await api('GET', `/api/v1/audit?entity=task&entity_id=${t.id}`));
    assert.equal(audit.items.length, 5);
    assert.ok(!JSON.stringify(audit).includes('catalogue'), 'no title in the audit rows');
    assert.equal(audit.items[0].after.status, 'cancelled');
  });

  it('PATCH refuses bad input: 400, 422 per field, unknown fields; nothing changes', async () => {
    const t = await ok(await mkTask({ title: 'Keep me', store_id: storeA }), 201);
    let r = await api('PATCH', `/api/v1/tasks/${t.id}`, { raw: '{' });
    assertProblem(r, 400, 'malformed-json');
    r = await patch(t.id, { status: 3 });
    assertProblem(r, 400, 'bad-request', ['status']);
    r = await patch(t.id, { status: 'finished', title: null, due_at: 'soon', assignee_id: salesB.id, store_id: storeB, kind: 'call' });
    assertProblem(r, 422, 'validation', ['status', 'title', 'due_at', 'assignee_id', 'store_id', 'kind']);
    r = await patch(999999, { status: 'done' });
    assertProblem(r, 404, 'not-found');
    const now = await ok(await api('GET', `/api/v1/tasks/${t.id}`));
    assert.deepEqual(now, { ...t, overdue: now.overdue });
  });

  it('lists by due time with filters: mine, assignee, store, status, overdue; pages follow the cursor', async () => {
    const s = (await store()).id;
    const u = await makeUser(srv, 'store_manager', [s]);
    const now = Date.now();
    const t1 = await ok(await mkTask({ title: 'due later', store_id: s, due_at: iso(now + 5 * HOUR) }, u.token), 201);
    const t2 = await ok(await mkTask({ title: 'overdue', store_id: s, due_at: iso(now - 5 * HOUR) }, u.token), 201);
    const t3 = await ok(await mkTask({ title: 'no due time', store_id: s }, u.token), 201);
    const t4 = await ok(await mkTask({ title: 'overdue but done', store_id: s, due_at: iso(now - 9 * HOUR) }, u.token), 201);
    await ok(await patch(t4.id, { status: 'done' }, u.token));
    const t5 = await ok(await mkTask({ title: 'for admin', store_id: s, due_at: iso(now - HOUR), assignee_id: adminId }, u.token), 201);

    assert.deepEqual(await allPages(`/api/v1/tasks?store_id=${s}`, u.token, 2), [t4.id, t2.id, t5.id, t1.id, t3.id]);
    assert.deepEqual(await allPages('/api/v1/tasks?mine=true', u.token, 1), [t4.id, t2.id, t1.id, t3.id]);
    assert.deepEqual(await allPages(`/api/v1/tasks?assignee_id=${adminId}&store_id=${s}`), [t5.id]);
    assert.deepEqual(await allPages(`/api/v1/tasks?store_id=${s}&status=open`), [t2.id, t5.id, t1.id, t3.id]);
    assert.deepEqual(await allPages(`/api/v1/tasks?store_id=${s}&overdue=true`), [t2.id, t5.id]);
    assert.deepEqual(await allPages(`/api/v1/tasks?store_id=${s}&status=done`), [t4.id]);
    const one = await ok(await api('GET', `/api/v1/tasks?store_id=${s}&overdue=true&limit=1`));
    assert.equal(one.items[0].overdue, true);
    assert.equal(typeof one.next_cursor, 'string');

    let r = await api('GET', '/api/v1/tasks?status=late&overdue=maybe&mine=1&store_id=x&limit=0');
    assertProblem(r, 422, 'validation', ['status', 'overdue', 'mine', 'store_id', 'limit']);
    r = await api('GET', '/api/v1/tasks?cursor=nonsense');
    assertProblem(r, 422, 'validation', ['cursor']);
    r = await api('GET', `/api/v1/tasks?mine=true&assignee_id=${u.id}`);
    assertProblem(r, 422, 'validation', ['mine']);

    const csv = await api('GET', `/api/v1/tasks?store_id=${s}&format=csv`);
    assert.equal(csv.status, 200);
    assert.match(hdr(csv, 'content-type'), /^text\/csv/);
    assert.equal(csv.text.trim().split('\n').length, 6);
  });

  it('counts open and overdue tasks per store, for the stores the user sees', async () => {
    const s1 = (await store()).id;
    const s2 = (await store()).id;
    const now = Date.now();
    const add = (store_id, due, extra = {}) => mkTask({ title: 't', store_id, due_at: due === null ? null : iso(due), ...extra });
    await ok(await add(s1, now - HOUR), 201);
    await ok(await add(s1, now - 2 * HOUR), 201);
    await ok(await add(s1, now + HOUR), 201);
    await ok(await add(s1, null), 201);
    const closed = await ok(await add(s1, now - HOUR), 201);
    await ok(await patch(closed.id, { status: 'done' }));
    await ok(await add(s2, now + HOUR), 201);
    const r = await ok(await api('GET', '/api/v1/tasks/overdue-by-store'));
    assert.equal(r.next_cursor, null);
    const row = (id) => r.items.find((x) => x.store_id === id);
    assert.deepEqual(Object.keys(row(s1)).sort(), ['open', 'overdue', 'store_id', 'store_name']);
    assert.equal(row(s1).open, 4);
    assert.equal(row(s1).overdue, 2);
    assert.equal(row(s2).open, 1);
    assert.equal(row(s2).overdue, 0);
    const ids = r.items.map((x) => x.store_id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));

    const scoped = await ok(await srv.api('GET', '/api/v1/tasks/overdue-by-store', { token: salesB.token }));
    assert.ok(scoped.items.every((x) => x.store_id === storeB));
  });
});
