// Training: courses with materials and a quiz (checked, answers hidden from
// non-administrators), publishing, assignments to people and roles scoped by
// the manager's stores, quiz attempts below and at the pass mark, overdue
// assignments on the manager's list, attempts of another person (404 for a
// salesperson), course files (upload, download, 413 past 5 MiB), required
// roles with the nightly job, and the category's required course.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startServer, uniq, makeUser, ROOT } from '../lib/server.mjs';
import { assertProblem, hdr } from '../lib/assert.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
const QUIZ = [
  { question: 'Which warranty applies?', options: ['1 year', '2 years', '3 years'], answer: 1 },
  { question: 'Battery life?', options: ['10 h', '20 h'], answer: 0 },
  { question: 'Made of?', options: ['steel', 'plastic', 'glass'], answer: 2 },
  { question: 'Weight?', options: ['1 kg', '2 kg'], answer: 1 },
  { question: 'Colours?', options: ['3', '5', '7', '9'], answer: 3 },
];
const RIGHT = QUIZ.map((q) => q.answer);

describe('training', () => {
  let srv, admin, storeA, storeB, managerA, salesA1, salesA2, salesB, tz;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  async function ok(r, status = 200) {
    assert.equal(r.status, status, `${r.status} ${r.text}`);
    return r.body;
  }
  const store = async () => ok(await api('POST', '/api/v1/stores', {
    body: { code: `T${uniq()}`.slice(0, 12), name: `Store ${uniq()}`, channel: 'direct' },
  }), 201);
  const dayIn = (offsetDays) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date(Date.now() + offsetDays * 86400000));
  async function course(extra = {}, publish = true) {
    const c = await ok(await api('POST', '/api/v1/courses', {
      body: { title: `Course ${uniq()}`, kind: 'product', description: 'About the X100', quiz: QUIZ, pass_bp: 8000, ...extra },
    }), 201);
    return publish ? ok(await api('POST', `/api/v1/courses/${c.id}/publish`)) : c;
  }
  const assign = (courseId, body, token = admin) => srv.api('POST', `/api/v1/courses/${courseId}/assignments`, { token, body });
  const attempt = (courseId, answers, token) => srv.api('POST', `/api/v1/courses/${courseId}/attempts`, { token, body: { answers } });

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    admin = srv.adminToken;
    tz = (await ok(await api('GET', '/api/v1/settings'))).time_zone;
    storeA = (await store()).id;
    storeB = (await store()).id;
    managerA = await makeUser(srv, 'store_manager', [storeA]);
    salesA1 = await makeUser(srv, 'sales', [storeA]);
    salesA2 = await makeUser(srv, 'sales', [storeA]);
    salesB = await makeUser(srv, 'sales', [storeB]);
  });
  after(async () => { await srv?.stop(); });

  it('creates a draft course with materials and a quiz; the administrator sees the answers', async () => {
    const c = await course({ materials: [
      { kind: 'text', title: 'Overview', body: 'The X100 is our best seller.' },
      { kind: 'link', title: 'Maker page', url: 'https://example.com/x100' },
    ] }, false);
    assert.equal(c.status, 'draft');
    assert.equal(c.questions, 5);
    assert.deepEqual(c.quiz.map((q) => q.answer), RIGHT);
    assert.equal(c.materials.length, 2);
    assert.equal(c.materials[1].url, 'https://example.com/x100');
    assert.deepEqual(c.required_roles, []);
    assert.deepEqual((await ok(await api('GET', `/api/v1/courses/${c.id}`))).quiz, c.quiz);
  });

  it('refuses bad courses with every bad field named, and writes nothing', async () => {
    const before = (await ok(await api('GET', '/api/v1/courses?limit=500'))).items.length;
    const r = await api('POST', '/api/v1/courses', { body: {
      title: '', kind: 'cooking', pass_bp: 0,
      materials: [{ kind: 'link', title: 'x', url: 'ftp://nope' }, { kind: 'file', title: 'f', file_id: 99999 }],
      quiz: [{ question: 'Q?', options: [], answer: 0 }, { question: 'R?', options: ['a', 'b'], answer: 2 }],
    } });
    assertProblem(r, 422, 'validation', ['title', 'kind', 'pass_bp', 'materials[0].url', 'materials[1].file_id',
      'quiz[0].options', 'quiz[1].answer']);
    assertProblem(await api('POST', '/api/v1/courses', { body: { title: 'T', kind: 'product', colour: 'red' } }), 422, 'validation', ['colour']);
    assertProblem(await api('POST', '/api/v1/courses', { body: { title: 'T', kind: 'product', quiz: [{ question: 'Q', options: [1], answer: 0 }] } }), 400, 'bad-request');
    assert.equal((await ok(await api('GET', '/api/v1/courses?limit=500'))).items.length, before);
  });

  it('publishes only a course with a quiz; archives; an archived course is not changed', async () => {
    const empty = await course({ quiz: [] }, false);
    assertProblem(await api('POST', `/api/v1/courses/${empty.id}/publish`), 409, 'state');
    const c = await course();
    assert.equal(c.status, 'published');
    assertProblem(await api('POST', `/api/v1/courses/${c.id}/publish`), 409, 'state');
    const cleared = await ok(await api('PATCH', `/api/v1/courses/${c.id}`, { body: { description: '' } }));
    assert.equal(cleared.description, '');
    assert.equal(cleared.title, c.title);
    const arch = await ok(await api('POST', `/api/v1/courses/${c.id}/archive`));
    assert.equal(arch.status, 'archived');
    assertProblem(await api('PATCH', `/api/v1/courses/${c.id}`, { body: { title: 'New' } }), 409, 'state');
    assertProblem(await api('POST', `/api/v1/courses/${c.id}/files?name=a.txt`, { raw: 'x', headers: { 'content-type': 'text/plain' } }), 409, 'state');
    assertProblem(await api('POST', '/api/v1/courses/999999/publish'), 404, 'not-found');
    assertProblem(await api('GET', '/api/v1/course-files/999999'), 404, 'not-found');
    assertProblem(await assign(c.id, { user_ids: [salesA1.id] }), 409, 'state');
  });

  it('hides the answers and the drafts from a salesperson; writes need STAFF_ADMIN', async () => {
    const c = await course();
    const draft = await course({}, false);
    const seen = await ok(await srv.api('GET', `/api/v1/courses/${c.id}`, { token: salesA1.token }));
    assert.equal(seen.quiz.length, 5);
    for (const q of seen.quiz) assert.equal('answer' in q, false);
    assertProblem(await srv.api('GET', `/api/v1/courses/${draft.id}`, { token: salesA1.token }), 404, 'not-found');
    const list = await ok(await srv.api('GET', '/api/v1/courses?limit=500', { token: salesA1.token }));
    assert.ok(list.items.some((x) => x.id === c.id));
    assert.ok(!list.items.some((x) => x.id === draft.id));
    for (const x of list.items) for (const q of x.quiz) assert.equal('answer' in q, false);
    assertProblem(await srv.api('POST', '/api/v1/courses', { token: managerA.token, body: { title: 'T', kind: 'selling' } }), 403, 'forbidden');
    assertProblem(await srv.api('PATCH', `/api/v1/courses/${c.id}`, { token: salesA1.token, body: { title: 'T' } }), 403, 'forbidden');
  });

  it('assigns to people the manager sees and to a role in the manager\'s store', async () => {
    const c = await course();
    assertProblem(await assign(c.id, { user_ids: [salesB.id] }, managerA.token), 422, 'validation', ['user_ids']);
    assertProblem(await assign(c.id, { role: 'sales', store_id: storeB }, managerA.token), 403, 'forbidden');
    assertProblem(await assign(c.id, { user_ids: [salesA1.id], role: 'sales' }, managerA.token), 422, 'validation', ['user_ids']);
    assertProblem(await assign(c.id, { user_ids: [salesA1.id] }, salesA2.token), 403, 'forbidden');
    const one = await ok(await assign(c.id, { user_ids: [salesA1.id], due_day: '2030-01-31' }, managerA.token), 201);
    assert.equal(one.items.length, 1);
    assert.equal(one.items[0].user_id, salesA1.id);
    assert.equal(one.items[0].due_day, '2030-01-31');
    assert.equal(one.items[0].status, 'assigned');
    assert.deepEqual(one.items[0].store_ids, [storeA]);
    assert.equal(one.items[0].overdue, false);
    assert.equal(one.items[0].best_score_bp, null);
    const role = await ok(await assign(c.id, { role: 'sales', due_day: '2030-02-28' }, managerA.token), 201);
    assert.deepEqual(role.items.map((x) => x.user_id).sort((a, b) => a - b), [salesA1.id, salesA2.id].sort((a, b) => a - b));
    assert.ok(role.items.every((x) => x.due_day === '2030-02-28'));
    const all = await ok(await api('GET', `/api/v1/course-assignments?course_id=${c.id}`));
    assert.deepEqual(all.items.map((x) => x.user_id).sort((a, b) => a - b), [salesA1.id, salesA2.id].sort((a, b) => a - b));
  });

  it('scores attempts below and at the pass mark; the assignment keeps the best score and passes', async () => {
    const c = await course();
    await ok(await assign(c.id, { user_ids: [salesA1.id], due_day: dayIn(30) }), 201);
    const wrong = [...RIGHT];
    wrong[0] = 0; wrong[1] = 1;
    const low = await ok(await attempt(c.id, wrong, salesA1.token), 201);
    assert.equal(low.score_bp, 6000);
    assert.equal(low.passed, false);
    assert.deepEqual(low.correct, [false, false, true, true, true]);
    let a = (await ok(await srv.api('GET', `/api/v1/course-assignments?course_id=${c.id}`, { token: salesA1.token }))).items[0];
    assert.equal(a.status, 'assigned');
    assert.equal(a.best_score_bp, 6000);
    assert.equal(a.attempts, 1);
    assert.equal(a.passed_at, null);
    const atMark = [...RIGHT];
    atMark[4] = 0;
    const pass = await ok(await attempt(c.id, atMark, salesA1.token), 201);
    assert.equal(pass.score_bp, 8000);
    assert.equal(pass.passed, true);
    const worse = await ok(await attempt(c.id, wrong, salesA1.token), 201);
    assert.equal(worse.passed, false);
    a = (await ok(await srv.api('GET', `/api/v1/course-assignments?course_id=${c.id}`, { token: salesA1.token }))).items[0];
    assert.equal(a.status, 'passed');
    assert.equal(a.best_score_bp, 8000);
    assert.equal(a.attempts, 3);
    assert.ok(a.passed_at);
    const mine = await ok(await srv.api('GET', `/api/v1/courses/${c.id}/attempts`, { token: salesA1.token }));
    assert.deepEqual(mine.items.map((x) => x.score_bp), [6000, 8000, 6000]);
    assert.deepEqual(mine.items[1].answers, atMark);
    assertProblem(await attempt(c.id, [0, 1], salesA1.token), 422, 'validation', ['answers']);
    assertProblem(await srv.api('POST', `/api/v1/courses/${c.id}/attempts`, { token: salesA1.token, body: { answers: ['a'] } }), 400, 'bad-request');
    const draft = await course({}, false);
    assertProblem(await attempt(draft.id, RIGHT, salesA1.token), 404, 'not-found');
    assertProblem(await attempt(draft.id, RIGHT, admin), 409, 'state');
  });

  it('lists overdue assignments to the manager of the store, not those of another store', async () => {
    const c = await course();
    await ok(await assign(c.id, { user_ids: [salesA1.id, salesA2.id, salesB.id], due_day: dayIn(-1) }), 201);
    await ok(await attempt(c.id, RIGHT, salesA1.token), 201); // passed: not overdue
    const mgr = await ok(await srv.api('GET', `/api/v1/course-assignments?course_id=${c.id}&overdue=true`, { token: managerA.token }));
    assert.deepEqual(mgr.items.map((x) => x.user_id), [salesA2.id]);
    assert.equal(mgr.items[0].overdue, true);
    const adm = await ok(await api('GET', `/api/v1/course-assignments?course_id=${c.id}&overdue=true`));
    assert.deepEqual(adm.items.map((x) => x.user_id).sort((a, b) => a - b), [salesA2.id, salesB.id].sort((a, b) => a - b));
    const byStore = await ok(await api('GET', `/api/v1/course-assignments?course_id=${c.id}&store_id=${storeA}`));
    assert.deepEqual(byStore.items.map((x) => x.user_id).sort((a, b) => a - b), [salesA1.id, salesA2.id].sort((a, b) => a - b));
    assertProblem(await srv.api('GET', `/api/v1/course-assignments?store_id=${storeB}`, { token: managerA.token }), 404, 'not-found');
    const today = await ok(await api('GET', `/api/v1/course-assignments?course_id=${c.id}&status=passed`));
    assert.deepEqual(today.items.map((x) => x.user_id), [salesA1.id]);
    // Due today is not overdue yet.
    const c2 = await course();
    await ok(await assign(c2.id, { user_ids: [salesA2.id], due_day: dayIn(0) }), 201);
    const none = await ok(await srv.api('GET', `/api/v1/course-assignments?course_id=${c2.id}&overdue=true`, { token: managerA.token }));
    assert.deepEqual(none.items, []);
  });

  it('a salesperson reads only their own attempts and assignments (404 for another\'s)', async () => {
    const c = await course();
    await ok(await attempt(c.id, RIGHT, salesA2.token), 201);
    assertProblem(await srv.api('GET', `/api/v1/courses/${c.id}/attempts?user_id=${salesA2.id}`, { token: salesA1.token }), 404, 'not-found');
    assertProblem(await srv.api('GET', `/api/v1/course-assignments?user_id=${salesA2.id}`, { token: salesA1.token }), 404, 'not-found');
    assertProblem(await srv.api('GET', `/api/v1/courses/${c.id}/attempts?user_id=${salesA2.id}`, { token: salesB.token }), 404, 'not-found');
    const mgr = await ok(await srv.api('GET', `/api/v1/courses/${c.id}/attempts?user_id=${salesA2.id}`, { token: managerA.token }));
    assert.equal(mgr.items.length, 1);
    assert.equal(mgr.items[0].passed, true);
    const own = await ok(await srv.api('GET', '/api/v1/course-assignments?limit=500', { token: salesA1.token }));
    assert.ok(own.items.length > 0);
    assert.ok(own.items.every((x) => x.user_id === salesA1.id));
  });

  it('stores a course file and answers its bytes as an attachment with the name escaped', async () => {
    const c = await course();
    const bytes = Buffer.from('Line one\nZeile zwei ü\n');
    const name = 'X100 "guide" ü.txt';
    const up = await api('POST', `/api/v1/courses/${c.id}/files?name=${encodeURIComponent(name)}`, { raw: bytes, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    const f = await ok(up, 201);
    assert.equal(f.name, name);
    assert.equal(f.mime, 'text/plain');
    assert.equal(f.size, bytes.length);
    const c2 = await ok(await api('PATCH', `/api/v1/courses/${c.id}`, { body: { materials: [{ kind: 'file', title: 'Guide', file_id: f.id }] } }));
    assert.equal(c2.materials[0].file_id, f.id);
    assert.deepEqual(c2.files.map((x) => x.id), [f.id]);
    const res = await fetch(`${srv.url}/api/v1/course-files/${f.id}`, { headers: { authorization: `Bearer ${salesA1.token}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain');
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="X100 _guide_ __.txt"; filename*=UTF-8\'\'X100%20%22guide%22%20%C3%BC.txt');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
    assertProblem(await srv.api('POST', `/api/v1/courses/${c.id}/files?name=a.txt`, { token: managerA.token, raw: bytes, headers: { 'content-type': 'text/plain' } }), 403, 'forbidden');
    assertProblem(await api('POST', `/api/v1/courses/${c.id}/files?name=a%2Fb.txt`, { raw: bytes, headers: { 'content-type': 'text/plain' } }), 422, 'validation', ['name']);
    assertProblem(await api('POST', `/api/v1/courses/${c.id}/files`, { raw: bytes, headers: { 'content-type': 'text/plain' } }), 422, 'validation', ['name']);
    // A draft course's files are not for a salesperson.
    const draft = await course({}, false);
    const df = await ok(await api('POST', `/api/v1/courses/${draft.id}/files?name=d.bin`, { raw: bytes, headers: { 'content-type': 'application/octet-stream' } }), 201);
    assertProblem(await srv.api('GET', `/api/v1/course-files/${df.id}`, { token: salesA1.token }), 404, 'not-found');
  });

  it('takes a file of exactly 5 MiB and refuses one byte more with 413', async () => {
    const c = await course({}, false);
    const big = Buffer.alloc(5 * 1024 * 1024, 0x61);
    const f = await ok(await api('POST', `/api/v1/courses/${c.id}/files?name=big.bin`, { raw: big, headers: { 'content-type': 'application/octet-stream' } }), 201);
    assert.equal(f.size, big.length);
    const res = await fetch(`${srv.url}/api/v1/course-files/${f.id}`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(Buffer.from(await res.arrayBuffer()).equals(big), true);
    const over = await api('POST', `/api/v1/courses/${c.id}/files?name=big2.bin`, { raw: Buffer.alloc(5 * 1024 * 1024 + 1, 0x61), headers: { 'content-type': 'application/octet-stream' } });
    assertProblem(over, 413, 'payload-too-large');
    assert.equal((await ok(await api('GET', `/api/v1/courses/${c.id}`))).files.length, 1);
    // Other routes keep the 1 MiB limit.
    assertProblem(await api('PATCH', `/api/v1/courses/${c.id}`, { raw: `{"description":"${'x'.repeat(1024 * 1024)}"}` }), 413, 'payload-too-large');
  });

  it('assigns a course required for a role to its users, and the nightly job to new users', async () => {
    const c = await course();
    const put = await ok(await api('PUT', `/api/v1/courses/${c.id}/roles`, { body: [{ role: 'sales', due_days: 14 }, { role: 'store_manager', due_days: 30 }] }));
    assert.deepEqual(put.required_roles, [{ role: 'sales', due_days: 14 }, { role: 'store_manager', due_days: 30 }]);
    const got = await ok(await api('GET', `/api/v1/course-assignments?course_id=${c.id}&limit=500`));
    const byUser = new Map(got.items.map((x) => [x.user_id, x]));
    for (const u of [salesA1, salesA2, salesB]) assert.equal(byUser.get(u.id)?.due_day, dayIn(14));
    assert.equal(byUser.get(managerA.id)?.due_day, dayIn(30));
    assertProblem(await api('PUT', `/api/v1/courses/${c.id}/roles`, { body: [{ role: 'chef', due_days: 0 }, { role: 'sales' }, { role: 'sales' }] }), 422, 'validation', ['roles[0].role', 'roles[0].due_days', 'roles[2].role']);
    assertProblem(await api('PUT', `/api/v1/courses/${c.id}/roles`, { body: { role: 'sales' } }), 400, 'bad-request');
    const late = await makeUser(srv, 'sales', [storeB]);
    let mine = await ok(await srv.api('GET', `/api/v1/course-assignments?course_id=${c.id}`, { token: late.token }));
    assert.deepEqual(mine.items, []);
    const job = spawnSync(BIN, ['job', 'run', 'training', '--db', srv.db], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(job.status, 0, job.stderr);
    mine = await ok(await srv.api('GET', `/api/v1/course-assignments?course_id=${c.id}`, { token: late.token }));
    assert.equal(mine.items.length, 1);
    assert.equal(mine.items[0].due_day, dayIn(14));
    // The assigned course is readable even once archived.
    await ok(await api('POST', `/api/v1/courses/${c.id}/archive`));
    await ok(await srv.api('GET', `/api/v1/courses/${c.id}`, { token: late.token }));
  });

  it('lets a category require a course (null clears) and shows it', async () => {
    const c = await course();
    const cat = await ok(await api('POST', '/api/v1/categories', { body: { name: `Cat ${uniq()}` } }), 201);
    assert.equal(cat.required_course_id, null);
    const set = await ok(await api('PATCH', `/api/v1/categories/${cat.id}`, { body: { required_course_id: c.id } }));
    assert.equal(set.required_course_id, c.id);
    assert.equal(set.name, cat.name);
    assert.equal((await ok(await api('GET', `/api/v1/categories/${cat.id}`))).required_course_id, c.id);
    const listed = (await ok(await api('GET', '/api/v1/categories'))).items.find((x) => x.id === cat.id);
    assert.equal(listed.required_course_id, c.id);
    assertProblem(await api('PATCH', `/api/v1/categories/${cat.id}`, { body: { required_course_id: 999999 } }), 422, 'validation', ['required_course_id']);
    const cleared = await ok(await api('PATCH', `/api/v1/categories/${cat.id}`, { body: { required_course_id: null } }));
    assert.equal(cleared.required_course_id, null);
  });

  it('audits course changes, assignments and attempts', async () => {
    const c = await course();
    await ok(await assign(c.id, { user_ids: [salesA2.id] }, managerA.token), 201);
    await ok(await attempt(c.id, RIGHT, salesA2.token), 201);
    const audit = await ok(await api('GET', `/api/v1/audit?entity=course&entity_id=${c.id}&limit=50`));
    const actions = audit.items.map((x) => x.action).sort();
    assert.deepEqual(actions, ['assign', 'attempt', 'create', 'publish']);
  });
});
