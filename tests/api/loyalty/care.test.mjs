// Holiday care: rules (checks per field, roles, audit; birthday greetings
// are journeys now), the outbox (back office only, filters), and the daily
// job run through `tersa job run care`: one coupon and one message per
// consented channel per customer, however often it runs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startServer, uniq, makeUser, ROOT } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');

describe('care', () => {
  let srv, admin, manager, store, tpl;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  async function mk(p, body) {
    const r = await api('POST', p, { body });
    assert.equal(r.status, 201, `${p}: ${r.text}`);
    return r.body;
  }
  const runJob = (name) => {
    const r = spawnSync(BIN, ['job', 'run', name, '--db', srv.db], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  };

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    store = await mk('/api/v1/stores', { code: `K${uniq()}`.slice(0, 12), name: 'Care store', channel: 'direct' });
    tpl = await mk('/api/v1/coupon-templates', { name: 'Birthday ¥20', kind: 'amount_off', value: 2000, valid_days: 30 });
    manager = await makeUser(srv, 'store_manager', [store.id]);
  });
  after(async () => { await srv?.stop(); });

  it('rules: create, read, list, change, audited', async () => {
    const r = await mk('/api/v1/care-rules', { kind: 'holiday', name: 'Mid-autumn', month_day: '09-15', days_before: 2, template_id: tpl.id, channels: ['sms', 'wechat'], message: '{name}, happy mid-autumn! {coupon}' });
    assert.equal(r.kind, 'holiday');
    assert.equal(r.month_day, '09-15');
    assert.equal(r.days_before, 2);
    assert.equal(r.template_id, tpl.id);
    assert.deepEqual(r.channels, ['sms', 'wechat']);
    assert.equal(r.active, true);
    assert.deepEqual((await api('GET', `/api/v1/care-rules/${r.id}`)).body, r);
    const p = await api('PATCH', `/api/v1/care-rules/${r.id}`, { body: { template_id: null, channels: ['email'], active: false } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.template_id, null);
    assert.deepEqual(p.body.channels, ['email']);
    assert.equal(p.body.active, false);
    assert.equal(p.body.month_day, '09-15');
    const l = await api('GET', '/api/v1/care-rules');
    assert.ok(l.body.items.some((x) => x.id === r.id));
    assert.equal(l.body.next_cursor, null);
    const audit = await api('GET', `/api/v1/audit?entity=care_rule&entity_id=${r.id}`);
    assert.deepEqual(audit.body.items.map((x) => x.action).sort(), ['create', 'update']);
    assert.equal((await api('GET', '/api/v1/care-rules/999999')).status, 404);
    assertProblem(await api('PATCH', '/api/v1/care-rules/999999', { body: { name: 'x' } }), 404, 'not-found');
  });

  it('rules: every bad field named, wrong types 400, roles', async () => {
    const bad = async (body, fields) => assertProblem(await api('POST', '/api/v1/care-rules', { body }), 422, 'validation', fields);
    await bad({}, ['kind', 'name', 'message']);
    await bad({ kind: 'wedding', name: 'x', message: 'y', bogus: 1 }, ['kind', 'bogus']);
    await bad({ kind: 'holiday', name: 'x', message: 'y' }, ['month_day']);
    await bad({ kind: 'holiday', name: 'x', message: 'y', month_day: '13-01' }, ['month_day']);
    // birthday greetings moved to journeys: the answer says where
    const bd = await api('POST', '/api/v1/care-rules', { body: { kind: 'birthday', name: 'x', message: 'y' } });
    assertProblem(bd, 422, 'validation', ['kind']);
    assert.match(bd.body.errors.find((x) => x.field === 'kind').message, /\/api\/v1\/journeys/);
    const h = { kind: 'holiday', month_day: '10-01' };
    await bad({ ...h, name: 'x', message: 'y', days_before: 91, template_id: 999999, channels: ['sms', 'sms'] }, ['days_before', 'template_id', 'channels']);
    await bad({ ...h, name: 'x', message: 'y', channels: ['fax'] }, ['channels']);
    await bad({ ...h, name: ' ', message: '' }, ['name', 'message']);
    assertProblem(await api('POST', '/api/v1/care-rules', { body: { ...h, name: 'x', message: 'y', channels: 'sms' } }), 400, 'bad-request', ['channels']);
    assertProblem(await api('POST', '/api/v1/care-rules', { body: { ...h, name: 'x', message: 'y', days_before: '3' } }), 400, 'bad-request', ['days_before']);
    assert.equal((await srv.api('POST', '/api/v1/care-rules', { token: manager.token, body: { ...h, name: 'x', message: 'y' } })).status, 403);
    assert.equal((await srv.api('GET', '/api/v1/care-rules', { token: manager.token })).status, 200);
  });

  it('outbox: back office only, filters checked', async () => {
    const r = await api('GET', '/api/v1/outbox?status=queued&channel=sms');
    assert.equal(r.status, 200, r.text);
    assert.ok(Array.isArray(r.body.items));
    assertProblem(await api('GET', '/api/v1/outbox?status=lost'), 422, 'validation', ['status']);
    assertProblem(await api('GET', '/api/v1/outbox?channel=fax'), 422, 'validation', ['channel']);
    assertProblem(await api('GET', '/api/v1/outbox?customer_id=x'), 422, 'validation', ['customer_id']);
    assert.equal((await srv.api('GET', '/api/v1/outbox', { token: manager.token })).status, 403);
  });

  it('the daily job: one coupon and one message per consented channel, however often it runs', async (t) => {
    const probe = await api('GET', '/api/v1/customers');
    if (probe.status === 404 || probe.status === 405) {
      t.skip('customers are not on this branch yet');
      return;
    }
    // The holiday 5 days from today in the company zone (Asia/Shanghai).
    const target = new Date(Date.now() + 8 * 3600e3 + 5 * 86400e3).toISOString().slice(5, 10);
    const phone = () => `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const ann = await mk('/api/v1/customers', { name: `Ann ${uniq()}`, phone: phone(), email: `ann${uniq()}@example.com`, consent_sms: true, consent_email: true, home_store_id: store.id });
    const bob = await mk('/api/v1/customers', { name: `Bob ${uniq()}`, phone: phone(), consent_sms: false, home_store_id: store.id });
    const rule = await mk('/api/v1/care-rules', { kind: 'holiday', month_day: target, name: `Holiday ${uniq()}`, days_before: 5, template_id: tpl.id, channels: ['sms', 'email'], message: 'Happy holiday {name}! {coupon} at {store}, {points} points' });
    runJob('care');
    runJob('care');
    const annCoupons = (await api('GET', `/api/v1/customers/${ann.id}/coupons`)).body.items;
    assert.equal(annCoupons.length, 1);
    assert.equal(annCoupons[0].template_id, tpl.id);
    assert.equal((await api('GET', `/api/v1/customers/${bob.id}/coupons`)).body.items.length, 1);
    const msgs = (await api('GET', `/api/v1/outbox?customer_id=${ann.id}`)).body.items;
    assert.deepEqual(msgs.map((m) => m.channel).sort(), ['email', 'sms']);
    for (const m of msgs) {
      assert.equal(m.status, 'queued');
      assert.equal(m.source, 'care');
      assert.equal(m.source_id, rule.id);
      assert.ok(m.body.includes(annCoupons[0].code), m.body);
      assert.ok(m.body.includes('Care store'), m.body);
      assert.ok(m.body.endsWith(', 0 points'), m.body);
    }
    assert.equal((await api('GET', `/api/v1/outbox?customer_id=${bob.id}`)).body.items.length, 0, 'no consent, no message');
  });

  it('the expiry job runs', async () => {
    runJob('coupon_expiry');
  });
});
