// Journeys: create, read, change, delete with steps inline (every bad field
// named, roles, audit), and the hourly job through `tersa job run journeys`:
// welcome (a new customer: coupon and message at once, the next step days
// later), winback (no purchase for trigger_days, within the window; a
// purchase converts the pass), birthday (trigger_days ahead, once a year);
// consent checked, erased customers leave, nothing queued twice however
// often the job runs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { startServer, uniq, makeUser, ROOT } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
const DAY = 86400e3;

describe('journeys', () => {
  let srv, admin, manager, seller, store, tpl, product;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  async function mk(p, body) {
    const r = await api('POST', p, { body });
    assert.equal(r.status, 201, `${p}: ${r.text}`);
    return r.body;
  }
  const runJob = () => {
    const r = spawnSync(BIN, ['job', 'run', 'journeys', '--db', srv.db], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  };
  const phone = () => `136${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const customer = (extra = {}) => mk('/api/v1/customers', { name: `Lin ${uniq()}`, phone: phone(), consent_sms: true, home_store_id: store.id, ...extra });
  const outboxOf = async (c) => (await api('GET', `/api/v1/outbox?customer_id=${c.id}&source=journey`)).body.items;
  const enrollments = async (j, q = '') => (await api('GET', `/api/v1/journeys/${j.id}/enrollments${q}`)).body.items;
  async function sell(c, daysAgo = 0) {
    const body = { store_id: store.id, customer_id: c.id, lines: [{ product_id: product.id, quantity: 1 }], payments: [{ method: 'cash', amount: 100000 }] };
    if (daysAgo) body.offline_at = new Date(Date.now() - daysAgo * DAY).toISOString();
    const r = await api('POST', '/api/v1/sales', { body, headers: { 'idempotency-key': randomUUID() } });
    assert.equal(r.status, 201, r.text);
  }
  const step = (extra = {}) => ({ delay_days: 0, channel: 'sms', messages: { 'zh-CN': { body: '{name}您好 {coupon} {store} {points}' } }, ...extra });

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    store = await mk('/api/v1/stores', { code: `J${uniq()}`.slice(0, 12), name: 'Journey store', channel: 'direct' });
    tpl = await mk('/api/v1/coupon-templates', { name: 'Welcome ¥10', kind: 'amount_off', value: 1000, valid_days: 30 });
    product = await mk('/api/v1/products', { sku: `JP${uniq()}`, name: 'Tea', unit: 'pcs', price: 1500, vat_rate: 1300 });
    const r = await api('POST', '/api/v1/stock/moves', { body: { store_id: store.id, product_id: product.id, quantity: 1000, reason: 'receipt' } });
    assert.equal(r.status, 201, r.text);
    manager = await makeUser(srv, 'store_manager', [store.id]);
    seller = await makeUser(srv, 'sales', [store.id]);
  });
  after(async () => { await srv?.stop(); });

  it('create, read, list, change, delete: steps inline, audited', async () => {
    const j = await mk('/api/v1/journeys', {
      kind: 'welcome', name: `Welcome ${uniq()}`,
      steps: [
        { step_no: 1, delay_days: 0, channel: 'sms', coupon_template_id: tpl.id, messages: { 'zh-CN': { body: '欢迎 {name}' }, en: { subject: null, body: 'Welcome {name}' } } },
        { delay_days: 3, channel: 'email', messages: { en: { subject: 'Hi {name}', body: 'Three days on' } } },
      ],
    });
    assert.equal(j.kind, 'welcome');
    assert.equal(j.trigger_days, 0);
    assert.equal(j.active, true);
    assert.equal(j.care_rule_id, null);
    assert.deepEqual(j.steps.map((s) => [s.step_no, s.delay_days, s.channel, s.coupon_template_id]), [[1, 0, 'sms', tpl.id], [2, 3, 'email', null]]);
    assert.deepEqual(j.steps[0].messages, { 'zh-CN': { subject: null, body: '欢迎 {name}' }, en: { subject: null, body: 'Welcome {name}' } });
    assert.deepEqual(j.steps[1].messages, { en: { subject: 'Hi {name}', body: 'Three days on' } });
    assert.deepEqual(j.stats, { enrolled: 0, active: 0, completed: 0, converted: 0, messages: 0 });
    assert.deepEqual((await api('GET', `/api/v1/journeys/${j.id}`)).body, j);
    const l = await api('GET', '/api/v1/journeys?kind=welcome');
    assert.ok(l.body.items.some((x) => x.id === j.id));
    assert.ok(!(await api('GET', '/api/v1/journeys?kind=birthday')).body.items.some((x) => x.id === j.id));
    assertProblem(await api('GET', '/api/v1/journeys?kind=party'), 422, 'validation', ['kind']);
    const p = await api('PATCH', `/api/v1/journeys/${j.id}`, { body: { name: 'Renamed', active: false, steps: [step({ channel: 'wechat', delay_days: 1 })] } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.name, 'Renamed');
    assert.equal(p.body.active, false);
    assert.deepEqual(p.body.steps.map((s) => [s.step_no, s.channel, s.delay_days]), [[1, 'wechat', 1]]);
    const q = await api('PATCH', `/api/v1/journeys/${j.id}`, { body: { kind: 'welcome', active: true } });
    assert.equal(q.status, 200, q.text);
    assert.equal(q.body.steps.length, 1, 'steps left as they were');
    assertProblem(await api('PATCH', `/api/v1/journeys/${j.id}`, { body: { kind: 'winback' } }), 422, 'validation', ['kind']);
    assertProblem(await api('PATCH', `/api/v1/journeys/${j.id}`, { body: { trigger_days: 5 } }), 422, 'validation', ['trigger_days']);
    assertProblem(await api('PATCH', '/api/v1/journeys/999999', { body: { name: 'x' } }), 404, 'not-found');
    assert.equal((await api('GET', '/api/v1/journeys/999999')).status, 404);
    const del = await api('DELETE', `/api/v1/journeys/${j.id}`);
    assert.equal(del.status, 204, del.text);
    assert.equal((await api('GET', `/api/v1/journeys/${j.id}`)).status, 404);
    assertProblem(await api('DELETE', `/api/v1/journeys/${j.id}`), 404, 'not-found');
    const audit = await api('GET', `/api/v1/audit?entity=journey&entity_id=${j.id}`);
    assert.deepEqual(audit.body.items.map((x) => x.action).sort(), ['create', 'delete', 'update', 'update']);
  });

  it('every bad field named, wrong types 400', async () => {
    const bad = async (body, fields) => assertProblem(await api('POST', '/api/v1/journeys', { body }), 422, 'validation', fields);
    await bad({}, ['kind', 'name', 'steps']);
    await bad({ kind: 'party', name: ' ', steps: [step()], bogus: 1 }, ['kind', 'name', 'bogus']);
    await bad({ kind: 'welcome', name: 'x', trigger_days: 3, steps: [step()] }, ['trigger_days']);
    await bad({ kind: 'winback', name: 'x', steps: [step()] }, ['trigger_days']);
    await bad({ kind: 'winback', name: 'x', trigger_days: 3651, steps: [step()] }, ['trigger_days']);
    await bad({ kind: 'birthday', name: 'x', trigger_days: 91, steps: [step()] }, ['trigger_days']);
    await bad({ kind: 'welcome', name: 'x', steps: [] }, ['steps']);
    await bad({ kind: 'welcome', name: 'x', steps: Array.from({ length: 11 }, () => step()) }, ['steps']);
    await bad({
      kind: 'welcome', name: 'x',
      steps: [
        step({ step_no: 2, delay_days: 366, channel: 'fax', coupon_template_id: 999999 }),
        { channel: 'sms', messages: { fr: { body: 'x' }, en: { subject: 'x' } } },
        { channel: 'email' },
        { channel: 'in_store', wait: 1 },
      ],
    }, ['steps[0].step_no', 'steps[0].delay_days', 'steps[0].channel', 'steps[0].coupon_template_id',
      'steps[1].messages', 'steps[1].messages.en.body', 'steps[2].messages', 'steps[3].wait', 'steps[3].coupon_template_id']);
    await bad({ kind: 'welcome', name: 'x', steps: [step({ messages: { 'zh-CN': { body: ' ', subject: 'y'.repeat(201) } } })] },
      ['steps[0].messages.zh-CN.body', 'steps[0].messages.zh-CN.subject']);
    assertProblem(await api('POST', '/api/v1/journeys', { body: { kind: 'welcome', name: 'x', steps: 'sms' } }), 400, 'bad-request', ['steps']);
    assertProblem(await api('POST', '/api/v1/journeys', { body: { kind: 'winback', name: 'x', trigger_days: '60', steps: [step()] } }), 400, 'bad-request', ['trigger_days']);
    assertProblem(await api('POST', '/api/v1/journeys', { body: { kind: 'welcome', name: 'x', steps: [step({ messages: { en: 'hi' } })] } }), 400, 'bad-request', ['steps[0].messages.en']);
    assertProblem(await api('POST', '/api/v1/journeys', { body: { kind: 'welcome', name: 'x', steps: [step({ delay_days: 1.5 })] } }), 422, 'validation', ['steps[0].delay_days']);
    // a coupon-only step needs no message
    const ok = await api('POST', '/api/v1/journeys', { body: { kind: 'birthday', name: 'x', active: false, trigger_days: 90, steps: [{ channel: 'in_store', coupon_template_id: tpl.id }] } });
    assert.equal(ok.status, 201, ok.text);
    assert.deepEqual(ok.body.steps[0].messages, {});
    assert.equal((await api('DELETE', `/api/v1/journeys/${ok.body.id}`)).status, 204);
  });

  it('roles: head office writes, a store manager reads, sales neither', async () => {
    const body = { kind: 'welcome', name: 'x', steps: [step()] };
    assertProblem(await srv.api('POST', '/api/v1/journeys', { token: manager.token, body }), 403, 'forbidden');
    assert.equal((await srv.api('GET', '/api/v1/journeys', { token: manager.token })).status, 200);
    assert.equal((await srv.api('GET', '/api/v1/journeys', { token: seller.token })).status, 403);
    assert.equal((await srv.api('POST', '/api/v1/journeys', { token: seller.token, body })).status, 403);
  });

  it('welcome: a new customer gets the coupon and the message at once, the next step later, once', async () => {
    const j = await mk('/api/v1/journeys', {
      kind: 'welcome', name: `Welcome ${uniq()}`,
      steps: [
        { delay_days: 0, channel: 'sms', coupon_template_id: tpl.id, messages: { 'zh-CN': { body: '{name}，欢迎！券 {coupon} 在 {store}，积分 {points}' }, en: { body: 'Welcome {name}' } } },
        { delay_days: 3, channel: 'sms', messages: { 'zh-CN': { body: '别忘了 {coupon}' } } },
      ],
    });
    const ann = await customer();
    const bob = await customer({ consent_sms: false });
    const eve = await customer({ lang: 'en' });
    runJob();
    runJob();
    const annCoupons = (await api('GET', `/api/v1/customers/${ann.id}/coupons`)).body.items;
    assert.equal(annCoupons.length, 1);
    const msgs = await outboxOf(ann);
    assert.equal(msgs.length, 1, JSON.stringify(msgs));
    const m = msgs[0];
    assert.equal(m.channel, 'sms');
    assert.equal(m.status, 'queued');
    assert.equal(m.source_id, j.id);
    assert.equal(m.recipient, ann.phone);
    assert.equal(m.body, `${ann.name}，欢迎！券 ${annCoupons[0].code} 在 Journey store，积分 0`, 'the company language (zh-CN) first');
    const eveMsgs = await outboxOf(eve);
    assert.equal(eveMsgs.length, 1);
    assert.equal(eveMsgs[0].body, `Welcome ${eve.name}`, "the customer's own language");
    assert.equal((await api('GET', `/api/v1/customers/${bob.id}/coupons`)).body.items.length, 1, 'the coupon whatever the consent');
    assert.equal((await outboxOf(bob)).length, 0, 'no consent, no message');
    const es = await enrollments(j);
    const annE = es.find((x) => x.customer_id === ann.id);
    assert.equal(annE.status, 'active');
    assert.equal(annE.occurrence, '');
    assert.equal(annE.next_step, 2);
    assert.equal(annE.coupon_code, annCoupons[0].code);
    assert.equal(annE.customer_name, ann.name);
    assert.equal(Date.parse(annE.next_at) - Date.parse(annE.enrolled_at), 3 * DAY, 'three days after the first step');
    const got = (await api('GET', `/api/v1/journeys/${j.id}`)).body;
    assert.equal(got.stats.enrolled, es.length);
    assert.equal(got.stats.active, es.length);
    assert.equal(got.stats.messages, 2);
    assert.deepEqual((await enrollments(j, '?status=completed')), []);
    const csv = await api('GET', `/api/v1/journeys/${j.id}/enrollments?format=csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.text, new RegExp(ann.name));
    const list = await api('GET', '/api/v1/journeys?format=xlsx');
    assert.equal(list.status, 200);
    assertProblem(await api('GET', `/api/v1/journeys/${j.id}/enrollments?status=lost`), 422, 'validation', ['status']);
    assert.equal((await api('GET', '/api/v1/journeys/999999/enrollments')).status, 404);
    // a store manager sees the passes of their store's customers only
    const other = await mk('/api/v1/stores', { code: `O${uniq()}`.slice(0, 12), name: 'Other', channel: 'direct' });
    const mgr2 = await makeUser(srv, 'store_manager', [other.id]);
    const seen = (await srv.api('GET', `/api/v1/journeys/${j.id}/enrollments`, { token: mgr2.token })).body.items;
    assert.equal(seen.length, 0);
    assert.ok((await srv.api('GET', `/api/v1/journeys/${j.id}/enrollments`, { token: manager.token })).body.items.some((x) => x.customer_id === ann.id));
    assertProblem(await api('DELETE', `/api/v1/journeys/${j.id}`), 409, 'state');
    // erased: the pass ends
    assert.equal((await api('POST', `/api/v1/customers/${bob.id}/erase`)).status, 204);
    runJob();
    const bobE = (await enrollments(j)).find((x) => x.customer_id === bob.id);
    assert.equal(bobE.status, 'exited');
    assert.equal(bobE.next_at, null);
    // paused: nobody new
    await api('PATCH', `/api/v1/journeys/${j.id}`, { body: { active: false } });
    const cid = await customer();
    runJob();
    assert.ok(!(await enrollments(j)).some((x) => x.customer_id === cid.id));
    await api('PATCH', `/api/v1/journeys/${j.id}`, { body: { active: true } });
    runJob();
    assert.ok((await enrollments(j)).some((x) => x.customer_id === cid.id), 'enrolled once it runs again');
    await api('PATCH', `/api/v1/journeys/${j.id}`, { body: { active: false } });
  });

  it('winback: lapsed within the window, once per last purchase; buying again converts', async () => {
    const j = await mk('/api/v1/journeys', {
      kind: 'winback', name: `Winback ${uniq()}`, trigger_days: 60,
      steps: [
        { delay_days: 0, channel: 'sms', coupon_template_id: tpl.id, messages: { 'zh-CN': { body: '{name}，好久不见 {coupon}' } } },
        { delay_days: 7, channel: 'sms', messages: { 'zh-CN': { body: '最后提醒' } } },
      ],
    });
    const lapsed = await customer();
    const recent = await customer();
    const gone = await customer();
    const never = await customer();
    await sell(lapsed, 70);
    await sell(recent, 10);
    await sell(gone, 200);
    runJob();
    runJob();
    const es = await enrollments(j);
    assert.deepEqual(es.map((x) => x.customer_id), [lapsed.id], 'only the one lapsed within the window');
    const e = es[0];
    const lastDay = new Date(Date.now() - 70 * DAY + 8 * 3600e3).toISOString().slice(0, 10);
    assert.equal(e.occurrence, lastDay, 'the day of the last purchase (company zone)');
    assert.equal(e.status, 'active');
    assert.equal(e.next_step, 2);
    const msgs = await outboxOf(lapsed);
    assert.equal(msgs.length, 1);
    assert.match(msgs[0].body, /好久不见 \S+/);
    assert.equal((await outboxOf(never)).length, 0);
    await sell(lapsed);
    runJob();
    const after = (await enrollments(j))[0];
    assert.equal(after.status, 'converted');
    assert.equal(after.next_at, null);
    assert.equal((await api('GET', `/api/v1/journeys/${j.id}`)).body.stats.converted, 1);
    assert.equal((await outboxOf(lapsed)).length, 1, 'no more steps after the purchase');
    await api('PATCH', `/api/v1/journeys/${j.id}`, { body: { active: false } });
  });

  it('birthday: trigger_days ahead, once a year, coupon-only and message steps', async () => {
    const day = (d) => new Date(Date.now() + 8 * 3600e3 + d * DAY).toISOString().slice(0, 10);
    const j = await mk('/api/v1/journeys', {
      kind: 'birthday', name: `Birthday ${uniq()}`, trigger_days: 5,
      steps: [
        { delay_days: 0, channel: 'in_store', coupon_template_id: tpl.id },
        { delay_days: 0, channel: 'sms', messages: { en: { body: 'Happy birthday {name}! {coupon}' } } },
      ],
    });
    const inFive = await customer({ birthday: `1990-${day(5).slice(5)}` });
    const inTwo = await customer({ birthday: `1985-${day(2).slice(5)}` });
    const inSix = await customer({ birthday: `1990-${day(6).slice(5)}` });
    runJob();
    runJob();
    const es = await enrollments(j);
    const byId = Object.fromEntries(es.map((x) => [x.customer_id, x]));
    assert.ok(byId[inFive.id] && byId[inTwo.id], JSON.stringify(es));
    assert.ok(!byId[inSix.id], 'six days ahead: not yet');
    assert.equal(byId[inFive.id].occurrence, day(5).slice(0, 4));
    assert.equal(byId[inFive.id].status, 'completed');
    assert.equal(byId[inFive.id].next_at, null);
    const coupons = (await api('GET', `/api/v1/customers/${inFive.id}/coupons`)).body.items;
    assert.equal(coupons.length, 1);
    const msgs = await outboxOf(inFive);
    assert.equal(msgs.length, 1);
    assert.equal(msgs[0].body, `Happy birthday ${inFive.name}! ${coupons[0].code}`, 'the only language given, with the coupon of the step before');
    assert.equal((await api('GET', `/api/v1/journeys/${j.id}`)).body.stats.completed, es.length);
    await api('PATCH', `/api/v1/journeys/${j.id}`, { body: { active: false } });
  });

  it('care rules: birthday greetings point to journeys', async () => {
    const r = await api('POST', '/api/v1/care-rules', { body: { kind: 'birthday', name: 'x', message: 'y' } });
    assertProblem(r, 422, 'validation', ['kind']);
    assert.match(r.body.errors.find((x) => x.field === 'kind').message, /journeys/);
  });
});
