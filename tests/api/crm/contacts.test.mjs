// Contacts with customers: recording one (defaults, every field), bad input
// (400, 422 per field, nothing written), store scoping (404 for a customer
// of another store, 403 for naming another store), a contact closing an
// open task about the customer, the list newest first with its pages, a
// customer's tasks, and audit rows without the summary. Needs POST
// /customers; skipped on a build without it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const CONTACT_KEYS = ['id', 'customer_id', 'store_id', 'user_id', 'at', 'channel', 'direction', 'summary',
  'outcome', 'next_step', 'closed_task_id'].sort();
const HOUR = 3600 * 1000;
const iso = (ms) => new Date(ms).toISOString();

describe('contacts', () => {
  let srv, admin, adminId, storeA, storeB, salesA, salesB, custA, custB, enabled = false;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const contact = (cid, body, token = admin) => srv.api('POST', `/api/v1/customers/${cid}/contacts`, { token, body });
  const contacts = async (cid, q = '') => (await ok(await api('GET', `/api/v1/customers/${cid}/contacts?limit=500${q}`))).items;
  async function ok(r, status = 200) {
    assert.equal(r.status, status, `${r.status} ${r.text}`);
    return r.body;
  }
  const store = async () => ok(await api('POST', '/api/v1/stores', {
    body: { code: `C${uniq()}`.slice(0, 12), name: `Store ${uniq()}`, channel: 'direct' },
  }), 201);
  const phone = () => `13${randomInt(0, 10)}${String(randomInt(0, 1e8)).padStart(8, '0')}`;
  const customer = (home_store_id) => api('POST', '/api/v1/customers', { body: { name: `王芳 ${uniq()}`, phone: phone(), home_store_id } });
  const skipUnless = (t) => { if (!enabled) t.skip('POST /api/v1/customers is not on this build'); return !enabled; };

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    admin = srv.adminToken;
    adminId = (await ok(await api('GET', '/api/v1/me'))).id;
    storeA = (await store()).id;
    storeB = (await store()).id;
    salesA = await makeUser(srv, 'sales', [storeA]);
    salesB = await makeUser(srv, 'sales', [storeB]);
    const r = await customer(storeA);
    if (r.status === 404 || r.status === 405) return;
    custA = await ok(r, 201);
    custB = await ok(await customer(storeB), 201);
    enabled = true;
  });
  after(async () => { await srv?.stop(); });

  it('records a contact: 201, Location, every field; a store-bound user gets its store', async (t) => {
    if (skipUnless(t)) return;
    const r = await contact(custA.id, { channel: 'phone', direction: 'out', summary: '回访：对新品满意\n下周到店' });
    const c = await ok(r, 201);
    assert.deepEqual(Object.keys(c).sort(), CONTACT_KEYS);
    assert.equal(hdr(r, 'location'), `/api/v1/customers/${custA.id}/contacts/${c.id}`);
    assert.deepEqual(await ok(await api('GET', hdr(r, 'location'))), c);
    assertProblem(await api('GET', `/api/v1/customers/${custB.id}/contacts/${c.id}`), 404, 'not-found');
    assertProblem(await srv.api('GET', `/api/v1/customers/${custA.id}/contacts/${c.id}`, { token: salesB.token }), 404, 'not-found');
    assert.equal(c.customer_id, custA.id);
    assert.equal(c.store_id, null);
    assert.equal(c.user_id, adminId);
    assert.equal(c.summary, '回访：对新品满意\n下周到店');
    assert.equal(c.outcome, null);
    assert.match(c.at, RFC3339_UTC);
    assert.ok(Math.abs(Date.parse(c.at) - Date.now()) < 60000);

    const at = Date.now() - 26 * HOUR;
    const d = await ok(await contact(custA.id, { channel: 'wechat', direction: 'in', summary: 'asked for size M', outcome: 'reserved', next_step: 'call when in stock', at: iso(at) }, salesA.token), 201);
    assert.equal(d.store_id, storeA);
    assert.equal(d.user_id, salesA.id);
    assert.equal(Date.parse(d.at), at);
    assert.equal(d.outcome, 'reserved');
    assert.equal(d.next_step, 'call when in stock');
    for (const channel of ['sms', 'email', 'visit', 'chat', 'store']) {
      await ok(await contact(custA.id, { channel, direction: 'in', summary: channel, store_id: storeA }), 201);
    }
  });

  it('refuses bad input: 400 malformed or wrong types, 422 naming every field; nothing written', async (t) => {
    if (skipUnless(t)) return;
    const before = (await contacts(custA.id)).length;
    let r = await api('POST', `/api/v1/customers/${custA.id}/contacts`, { raw: '{"channel":' });
    assertProblem(r, 400, 'malformed-json');
    r = await contact(custA.id, { channel: 1, summary: ['x'], at: 5, store_id: 'A' });
    assertProblem(r, 400, 'bad-request', ['channel', 'summary', 'at', 'store_id']);
    r = await contact(custA.id, { channel: 'fax', direction: 'sideways', summary: ' ', outcome: 'o'.repeat(501), next_step: 'n'.repeat(501), at: iso(Date.now() + 2 * HOUR), store_id: 999999, closes_task_id: 999999, mood: 'happy' });
    assertProblem(r, 422, 'validation', ['channel', 'direction', 'summary', 'outcome', 'next_step', 'at', 'store_id', 'closes_task_id', 'mood']);
    r = await contact(custA.id, {});
    assertProblem(r, 422, 'validation', ['channel', 'direction', 'summary']);
    r = await contact(custA.id, { channel: 'phone', direction: 'in', summary: 's'.repeat(2001) });
    assertProblem(r, 422, 'validation', ['summary']);
    r = await contact(custA.id, { channel: 'phone', direction: 'in', summary: 'x', at: 'yesterday' });
    assertProblem(r, 422, 'validation', ['at']);
    r = await contact(custA.id, { channel: 'phone', direction: 'in', summary: 'bell\u0007' });
    assertProblem(r, 422, 'validation', ['summary']);
    assert.equal((await contacts(custA.id)).length, before);
  });

  it('scopes by store: a customer of another store is 404, naming another store 403', async (t) => {
    if (skipUnless(t)) return;
    const before = (await contacts(custA.id)).length;
    let r = await contact(custA.id, { channel: 'phone', direction: 'out', summary: 'x' }, salesB.token);
    assertProblem(r, 404, 'not-found');
    r = await srv.api('GET', `/api/v1/customers/${custA.id}/contacts`, { token: salesB.token });
    assertProblem(r, 404, 'not-found');
    r = await contact(custA.id, { channel: 'phone', direction: 'out', summary: 'x', store_id: storeB }, salesA.token);
    assertProblem(r, 403, 'forbidden');
    r = await contact(99999999, { channel: 'phone', direction: 'out', summary: 'x' });
    assertProblem(r, 404, 'not-found');
    r = await srv.api('GET', `/api/v1/customers/${custA.id}/tasks`, { token: salesB.token });
    assertProblem(r, 404, 'not-found');
    r = await srv.api('POST', '/api/v1/tasks', { token: salesB.token, body: { title: 'x', customer_id: custA.id } });
    assertProblem(r, 422, 'validation', ['customer_id']);
    assert.equal((await contacts(custA.id)).length, before);
  });

  it('a contact closes an open task about the customer, in one transaction', async (t) => {
    if (skipUnless(t)) return;
    const task = await ok(await api('POST', '/api/v1/tasks', { body: { title: 'Call about the fitting', customer_id: custA.id, store_id: storeA, due_at: iso(Date.now() - HOUR) } }), 201);
    const other = await ok(await api('POST', '/api/v1/tasks', { body: { title: 'Other customer', customer_id: custB.id, store_id: storeB } }), 201);
    const bTask = await ok(await api('POST', '/api/v1/tasks', { body: { title: 'B store, this customer', customer_id: custA.id, store_id: storeB } }), 201);
    const before = (await contacts(custA.id)).length;

    let r = await contact(custA.id, { channel: 'phone', direction: 'out', summary: 'x', closes_task_id: other.id });
    assertProblem(r, 422, 'validation', ['closes_task_id']);
    // a task the user does not see
    r = await contact(custA.id, { channel: 'phone', direction: 'out', summary: 'x', closes_task_id: bTask.id }, salesA.token);
    assertProblem(r, 422, 'validation', ['closes_task_id']);
    assert.equal((await contacts(custA.id)).length, before);

    const c = await ok(await contact(custA.id, { channel: 'phone', direction: 'out', summary: 'fitting booked', closes_task_id: task.id }, salesA.token), 201);
    assert.equal(c.closed_task_id, task.id);
    const done = await ok(await api('GET', `/api/v1/tasks/${task.id}`));
    assert.equal(done.status, 'done');
    assert.equal(done.done_by, salesA.id);
    assert.equal(done.overdue, false);

    r = await contact(custA.id, { channel: 'phone', direction: 'out', summary: 'again', closes_task_id: task.id });
    assertProblem(r, 422, 'validation', ['closes_task_id']);
    assert.equal((await contacts(custA.id)).length, before + 1);

    const tasks = await ok(await api('GET', `/api/v1/customers/${custA.id}/tasks`));
    assert.deepEqual(tasks.items.map((x) => x.id).sort(), [task.id, bTask.id].sort());
    const open = await ok(await api('GET', `/api/v1/customers/${custA.id}/tasks?status=open`));
    assert.deepEqual(open.items.map((x) => x.id), [bTask.id]);
    const seenByA = await ok(await srv.api('GET', `/api/v1/customers/${custA.id}/tasks`, { token: salesA.token }));
    assert.deepEqual(seenByA.items.map((x) => x.id), [task.id]);

    const audit = await ok(await api('GET', `/api/v1/audit?entity=task&entity_id=${task.id}`));
    assert.equal(audit.items[0].after.status, 'done');
    assert.equal(audit.items[0].after.contact_id, c.id);
  });

  it('lists newest first by time, page by page; audit rows hold no summary', async (t) => {
    if (skipUnless(t)) return;
    const cu = await ok(await customer(storeA), 201);
    const now = Date.now();
    const ids = [];
    for (const h of [5, 1, 3, 3]) {
      ids.push((await ok(await contact(cu.id, { channel: 'visit', direction: 'in', summary: `秘密 ${h}`, at: iso(now - h * HOUR) }), 201)).id);
    }
    const want = [ids[1], ids[3], ids[2], ids[0]];
    assert.deepEqual((await contacts(cu.id)).map((c) => c.id), want);
    const got = [];
    let cursor = null;
    for (let i = 0; i < 10; i++) {
      const r = await ok(await api('GET', `/api/v1/customers/${cu.id}/contacts?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
      got.push(...r.items.map((c) => c.id));
      if (!(cursor = r.next_cursor)) break;
    }
    assert.deepEqual(got, want);
    let r = await api('GET', `/api/v1/customers/${cu.id}/contacts?cursor=zzz`);
    assertProblem(r, 422, 'validation', ['cursor']);
    const csv = await api('GET', `/api/v1/customers/${cu.id}/contacts?format=csv`);
    assert.equal(csv.status, 200);
    const audit = await ok(await api('GET', '/api/v1/audit?entity=customer_contact&limit=500'));
    assert.ok(audit.items.length >= 4);
    assert.ok(!JSON.stringify(audit).includes('秘密'), 'no summary in the audit rows');
    const row = audit.items.find((a) => a.entity_id === ids[0]);
    assert.equal(row.after.customer_id, cu.id);
  });
});
