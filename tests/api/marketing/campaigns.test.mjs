// Campaigns (/campaigns...): drafts and their checks, the states with the
// approval over the budget threshold, the message preview per language,
// the members frozen at the start (company holdout left out, the control
// range chosen per campaign and never sent anything), one coupon and one
// queued message per target member however often the start or the job
// runs, the A/B split and decision, cancel, cost lines, the store scope
// and customers.lang. Buckets and marketing settings are set through SQL
// so that the groups can be recomputed here.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { startServer, uniq, makeUser, ROOT } from '../lib/server.mjs';
import { asAdmin } from '../lib/admin.mjs';
import { assertProblem, hdr } from '../lib/assert.mjs';

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
const HOUR = 3600000;
const N = 40; // customers in the campaign segment

// The bucket range [lo, lo + width) modulo 10000, as the server computes it.
const inRange = (b, lo, width) => width > 0 && (((b - lo) % 10000) + 10000) % 10000 < width;

describe('campaigns', () => {
  let srv, storeA, storeB, manager, managerB, hq, tpl, product, tag, segment, segA, segB;
  let customers = []; // {id, bucket, lang, home}
  const { api, sell, mk } = asAdmin(() => srv);
  const as = (token) => (m, p, body) => srv.api(m, p, { token, body });
  async function ok(r, status = 200) {
    assert.equal(r.status, status, `${r.status} ${r.text}`);
    return r.body;
  }
  function sql(text) {
    if (srv.engine === 'sqlite') return execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, text], { encoding: 'utf8' }).trim();
    return execFileSync('psql', [srv.db, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' }).trim();
  }
  const rows = (text) => sql(text).split('\n').filter(Boolean).map((l) => l.split('|'));
  const runJob = () => {
    const r = spawnSync(BIN, ['job', 'run', 'campaigns', '--db', srv.db], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  };
  const settings = (threshold, holdoutPct, holdoutLo) =>
    sql(`UPDATE marketing_settings SET approval_threshold = ${threshold}, holdout_pct = ${holdoutPct}, holdout_lo = ${holdoutLo} WHERE id = 1`);
  const messages = [
    { variant: 'A', lang: 'zh-CN', subject: '你好 {name}', body: '{name}，您好！优惠券 {coupon}，积分 {points}，门店 {store}' },
    { variant: 'A', lang: 'en', subject: 'Hi {name}', body: 'Hello {name}: coupon {coupon}, {points} points, see you at {store}' },
  ];
  const draft = (extra = {}) => ({ name: `Spring ${uniq()}`, goal: 'Bring back lapsed members', channel: 'sms', segment_id: segment.id, coupon_template_id: tpl.id, budget: 50000, control_pct: 10, messages, ...extra });
  async function running(extra = {}) {
    const c = await mk('/api/v1/campaigns', draft(extra));
    await ok(await api('POST', `/api/v1/campaigns/${c.id}/submit`));
    return ok(await api('POST', `/api/v1/campaigns/${c.id}/start`));
  }
  async function members(id, token) {
    const out = [];
    let cursor = null;
    do {
      const page = await ok(await srv.api('GET', `/api/v1/campaigns/${id}/members?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { token: token ?? srv.adminToken }));
      out.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return out;
  }
  const outboxOf = (id) => rows(`SELECT customer_id, status, lang, dedup_key, body FROM outbox WHERE source = 'campaign' AND source_id = ${id} ORDER BY customer_id`);

  before(async () => {
    srv = await startServer();
    storeA = await mk('/api/v1/stores', { code: `CA${uniq()}`.slice(0, 12), name: 'Campaign store A', channel: 'direct' });
    storeB = await mk('/api/v1/stores', { code: `CB${uniq()}`.slice(0, 12), name: 'Campaign store B', channel: 'direct' });
    manager = await makeUser(srv, 'store_manager', [storeA.id]);
    managerB = await makeUser(srv, 'store_manager', [storeB.id]);
    hq = await makeUser(srv, 'hq');
    tpl = await mk('/api/v1/coupon-templates', { name: '¥10 off', kind: 'amount_off', value: 1000, valid_days: 30 });
    product = await mk('/api/v1/products', { sku: `P${uniq()}`, name: 'Tea', price: 1000, vat_rate: 1300 });
    for (const s of [storeA, storeB]) await ok(await api('POST', '/api/v1/stock/moves', { body: { store_id: s.id, product_id: product.id, quantity: 1000, reason: 'receipt' } }), 201);
    tag = `camp${uniq()}`;
    for (let i = 0; i < N; i++) {
      const lang = i % 3 === 0 ? 'en' : i % 3 === 1 ? 'zh-CN' : null;
      const home = i % 2 === 0 ? storeA : storeB;
      const c = await mk('/api/v1/customers', {
        name: `Member ${i}`, phone: `139${String(10000000 + Math.floor(Math.random() * 89999999)).slice(0, 8)}`,
        email: `m${i}.${tag}@example.com`, tags: [tag], consent_sms: i !== 5, consent_email: true, home_store_id: home.id, lang,
      });
      customers.push({ id: c.id, lang, home: home.id, bucket: i * 250 });
    }
    // Buckets 0, 250, ..., 9750: the groups follow from them.
    for (const c of customers) sql(`UPDATE customers SET bucket = ${c.bucket} WHERE id = ${c.id}`);
    segment = await mk('/api/v1/segments', { name: `Segment ${tag}`, filter: { tags: [tag] } });
    segA = await mk('/api/v1/segments', { name: `Segment A ${tag}`, store_id: storeA.id, filter: { tags: [tag] } });
    segB = await mk('/api/v1/segments', { name: `Segment B ${tag}`, store_id: storeB.id, filter: { tags: [tag] } });
  });
  after(async () => { await srv?.stop(); });

  it('customers.lang: create, change, clear, bad values', async () => {
    const c = await mk('/api/v1/customers', { name: 'Lang test', lang: 'en' });
    assert.equal(c.lang, 'en');
    const p = await ok(await api('PATCH', `/api/v1/customers/${c.id}`, { body: { lang: 'zh-CN' } }));
    assert.equal(p.lang, 'zh-CN');
    assert.equal((await ok(await api('GET', `/api/v1/customers/${c.id}`))).lang, 'zh-CN');
    assert.equal((await ok(await api('PATCH', `/api/v1/customers/${c.id}`, { body: { lang: null } }))).lang, null);
    assertProblem(await api('PATCH', `/api/v1/customers/${c.id}`, { body: { lang: 'fr' } }), 422, 'validation', ['lang']);
    assertProblem(await api('POST', '/api/v1/customers', { body: { name: 'x', lang: 7 } }), 400, 'bad-request');
  });

  it('drafts: create, read, list with filters, change, delete; audited', async () => {
    const r = await api('POST', '/api/v1/campaigns', { body: draft({ starts_at: '2030-01-01T00:00:00Z', ends_at: '2030-01-15T00:00:00Z', attribution_days: 7 }) });
    const c = await ok(r, 201);
    assert.equal(hdr(r, 'location'), `/api/v1/campaigns/${c.id}`);
    assert.equal(c.status, 'draft');
    assert.equal(c.segment_id, segment.id);
    assert.equal(c.segment_name, segment.name);
    assert.equal(c.store_id, null);
    assert.equal(c.coupon_template_id, tpl.id);
    assert.equal(c.starts_at, '2030-01-01T00:00:00Z');
    assert.equal(c.attribution_days, 7);
    assert.equal(c.ab_pct, 0);
    assert.equal(c.cost_total, 0);
    assert.equal(c.needs_approval, false);
    assert.deepEqual(c.messages.map((m) => `${m.variant}/${m.lang}`), ['A/en', 'A/zh-CN']);
    assert.deepEqual(c.counts, { members: 0, target: 0, control: 0, queued: 0, sent: 0, delivered: 0, failed: 0, opted_out: 0, suppressed: 0 });
    assert.deepEqual(await ok(await api('GET', `/api/v1/campaigns/${c.id}`)), c);

    const p = await ok(await api('PATCH', `/api/v1/campaigns/${c.id}`, { body: { name: 'Renamed', starts_at: null, messages: [messages[1]] } }));
    assert.equal(p.name, 'Renamed');
    assert.equal(p.starts_at, null);
    assert.equal(p.ends_at, '2030-01-15T00:00:00Z');
    assert.equal(p.messages.length, 1);

    const l = await ok(await api('GET', '/api/v1/campaigns?status=draft&channel=sms&q=renam'));
    assert.deepEqual(l.items.map((x) => x.id), [c.id]);
    assert.equal((await ok(await api('GET', '/api/v1/campaigns?channel=email&q=renam'))).items.length, 0);
    const csv = await api('GET', '/api/v1/campaigns?format=csv&q=renam');
    assert.equal(csv.status, 200);
    assert.match(csv.text, /Renamed/);

    const audit = await ok(await api('GET', `/api/v1/audit?entity=campaign&entity_id=${c.id}`));
    assert.deepEqual(audit.items.map((x) => x.action).sort(), ['create', 'update']);
    assert.equal((await api('DELETE', `/api/v1/campaigns/${c.id}`)).status, 204);
    assertProblem(await api('GET', `/api/v1/campaigns/${c.id}`), 404, 'not-found');
  });

  it('drafts: every bad field named, wrong types 400', async () => {
    assertProblem(await api('POST', '/api/v1/campaigns', {
      body: {
        name: ' ', channel: 'fax', segment_id: 999999, coupon_template_id: 999999, budget: -1, attribution_days: 0, control_pct: 51, ab_pct: 101,
        starts_at: '2030-01-02T00:00:00Z', ends_at: '2030-01-01T00:00:00Z',
        messages: [{ variant: 'Z', lang: 'fr', body: '' }, { variant: 'A', lang: 'en', body: 'x' }, { variant: 'A', lang: 'en', body: 'y' }],
      },
    }), 422, 'validation', ['name', 'channel', 'segment_id', 'coupon_template_id', 'budget', 'attribution_days', 'control_pct', 'ab_pct', 'ends_at',
      'messages[0].variant', 'messages[0].lang', 'messages[0].body', 'messages[2]']);
    assertProblem(await api('POST', '/api/v1/campaigns', { body: { channel: 'sms' } }), 422, 'validation', ['name', 'segment_id']);
    assertProblem(await api('POST', '/api/v1/campaigns', { body: { ...draft(), color: 'red' } }), 422, 'validation', ['color']);
    assertProblem(await api('POST', '/api/v1/campaigns', { body: { ...draft(), budget: '10' } }), 400, 'bad-request');
    assertProblem(await api('POST', '/api/v1/campaigns', { body: { ...draft(), messages: [{ variant: 'A', lang: 'en', body: 5 }] } }), 400, 'bad-request');
    assertProblem(await api('POST', '/api/v1/campaigns', { body: { ...draft(), starts_at: 'tomorrow' } }), 422, 'validation', ['starts_at']);
    assertProblem(await api('POST', '/api/v1/campaigns', { raw: '{"name":', headers: { 'content-type': 'application/json' } }), 400, 'malformed-json');
  });

  it('states: submit needs a complete campaign; approval over the threshold; reject; wrong transitions 409', async () => {
    settings(100000, 0, 0);
    try {
      const bare = await mk('/api/v1/campaigns', draft({ channel: 'email', messages: [{ variant: 'A', lang: 'en', body: 'no subject' }], ab_pct: 20 }));
      assertProblem(await api('POST', `/api/v1/campaigns/${bare.id}/submit`), 422, 'validation', ['messages[0].subject', 'ab_pct', 'ab_decide_at']);
      const store = await mk('/api/v1/campaigns', draft({ channel: 'in_store', coupon_template_id: null, messages: [] }));
      assertProblem(await api('POST', `/api/v1/campaigns/${store.id}/submit`), 422, 'validation', ['coupon_template_id']);

      const big = await mk('/api/v1/campaigns', draft({ budget: 200000 }));
      assert.equal(big.needs_approval, true);
      const sub = await ok(await api('POST', `/api/v1/campaigns/${big.id}/submit`));
      assert.equal(sub.status, 'pending_approval');
      assertProblem(await api('POST', `/api/v1/campaigns/${big.id}/start`), 409, 'state');
      assertProblem(await api('PATCH', `/api/v1/campaigns/${big.id}`, { body: { name: 'x' } }), 409, 'state');
      assertProblem(await api('DELETE', `/api/v1/campaigns/${big.id}`), 409, 'state');
      assertProblem(await api('POST', `/api/v1/campaigns/${big.id}/reject`, { body: {} }), 422, 'validation', ['reason']);
      const rej = await ok(await api('POST', `/api/v1/campaigns/${big.id}/reject`, { body: { reason: 'Too expensive for spring' } }));
      assert.equal(rej.status, 'draft');
      assert.equal(rej.rejected_reason, 'Too expensive for spring');
      await ok(await api('POST', `/api/v1/campaigns/${big.id}/submit`));
      assert.equal((await srv.api('POST', `/api/v1/campaigns/${big.id}/approve`, { token: manager.token })).status, 403);
      const app = await ok(await srv.api('POST', `/api/v1/campaigns/${big.id}/approve`, { token: hq.token }));
      assert.equal(app.status, 'scheduled');
      assert.equal(app.approved_by, hq.id);
      assert.ok(app.approved_at);
      assertProblem(await api('POST', `/api/v1/campaigns/${big.id}/approve`), 409, 'state');
      assertProblem(await api('POST', `/api/v1/campaigns/${big.id}/complete`), 409, 'state');
      const can = await ok(await api('POST', `/api/v1/campaigns/${big.id}/cancel`));
      assert.equal(can.status, 'cancelled');
      assertProblem(await api('POST', `/api/v1/campaigns/${big.id}/cancel`), 409, 'state');
      assertProblem(await api('POST', `/api/v1/campaigns/${big.id}/start`), 409, 'state');
      const audit = await ok(await api('GET', `/api/v1/audit?entity=campaign&entity_id=${big.id}`));
      assert.deepEqual(audit.items.map((x) => x.action).sort(), ['approve', 'cancel', 'create', 'reject', 'submit', 'submit']);

      // Under the threshold (and with threshold 0): straight to scheduled.
      const small = await mk('/api/v1/campaigns', draft({ budget: 100000 }));
      assert.equal((await ok(await api('POST', `/api/v1/campaigns/${small.id}/submit`))).status, 'scheduled');
      settings(0, 0, 0);
      const any = await mk('/api/v1/campaigns', draft({ budget: 900000000 }));
      assert.equal(any.needs_approval, false);
      assert.equal((await ok(await api('POST', `/api/v1/campaigns/${any.id}/submit`))).status, 'scheduled');
    } finally {
      settings(0, 0, 0);
    }
  });

  it('preview: the message for a real member in each language', async () => {
    const c = await mk('/api/v1/campaigns', draft({ store_id: storeA.id, segment_id: segA.id }));
    const en = customers.find((x) => x.lang === 'en');
    const zh = customers.find((x) => x.lang === 'zh-CN');
    const none = customers.find((x) => x.lang === null);
    await ok(await api('POST', `/api/v1/customers/${en.id}/points/adjustments`, { body: { points: 321, reason: 'welcome' } }), 201);
    const p1 = await ok(await api('GET', `/api/v1/campaigns/${c.id}/preview?customer_id=${en.id}`));
    assert.equal(p1.lang, 'en');
    assert.equal(p1.variant, 'A');
    assert.equal(p1.customer_name, `Member ${customers.indexOf(en)}`);
    assert.equal(p1.subject, `Hi Member ${customers.indexOf(en)}`);
    assert.match(p1.body, new RegExp(`^Hello Member ${customers.indexOf(en)}: coupon [A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}, 321 points, see you at Campaign store A$`));
    const p2 = await ok(await api('GET', `/api/v1/campaigns/${c.id}/preview?customer_id=${zh.id}`));
    assert.equal(p2.lang, 'zh-CN');
    assert.match(p2.body, /^Member \d+，您好！/);
    // No language of their own: the company's (zh-CN by default).
    assert.equal((await ok(await api('GET', `/api/v1/campaigns/${c.id}/preview?customer_id=${none.id}`))).lang, 'zh-CN');
    const p3 = await ok(await api('GET', `/api/v1/campaigns/${c.id}/preview?customer_id=${zh.id}&lang=en`));
    assert.equal(p3.lang, 'en');
    assert.match(p3.body, /^Hello /);
    // Default member: the segment's first within the store.
    const first = await ok(await api('GET', `/api/v1/campaigns/${c.id}/preview`));
    assert.ok(customers.some((x) => x.id === first.customer_id && x.home === storeA.id));
    assertProblem(await api('GET', `/api/v1/campaigns/${c.id}/preview?variant=B`), 422, 'validation', ['variant']);
    const one = await mk('/api/v1/campaigns', draft({ messages: [messages[0]] }));
    assertProblem(await api('GET', `/api/v1/campaigns/${one.id}/preview?lang=en`), 422, 'validation', ['lang']);
    assertProblem(await api('GET', `/api/v1/campaigns/${c.id}/preview?lang=fr`), 422, 'validation', ['lang']);
    assertProblem(await api('GET', `/api/v1/campaigns/${c.id}/preview?customer_id=99999999`), 404, 'not-found');
  });

  it('start: the members frozen, holdout left out, control never queued, one coupon and message per target member', async () => {
    settings(0, 20, 9000); // holdout: buckets 9000..9999 and 0..999
    try {
      await startOnce();
    } finally {
      settings(0, 0, 0);
    }
  });

  async function startOnce() {
    const c = await running({ control_pct: 25 });
    assert.equal(c.status, 'running');
    assert.ok(c.started_at);
    const [[lo]] = rows(`SELECT control_lo FROM campaigns WHERE id = ${c.id}`);
    const held = customers.filter((x) => inRange(x.bucket, 9000, 2000));
    assert.equal(held.length, 8);
    const expected = customers.filter((x) => !inRange(x.bucket, 9000, 2000));
    const ms = await members(c.id);
    assert.deepEqual(ms.map((m) => m.customer_id), expected.map((x) => x.id));
    for (const m of ms) {
      const x = customers.find((y) => y.id === m.customer_id);
      assert.equal(m.grp, inRange(x.bucket, Number(lo), 2500) ? 'control' : 'target', `bucket ${x.bucket} lo ${lo}`);
    }
    const control = ms.filter((m) => m.grp === 'control');
    const target = ms.filter((m) => m.grp === 'target');
    assert.equal(c.counts.members, expected.length);
    assert.equal(c.counts.control, control.length);
    assert.equal(c.counts.target, target.length);
    // Control: no variant, no coupon, no message.
    for (const m of control) {
      assert.equal(m.variant, null);
      assert.equal(m.coupon_code, null);
      assert.equal(m.message_status, null);
    }
    const out = outboxOf(c.id);
    assert.deepEqual(out.map((o) => Number(o[0])), target.map((m) => m.customer_id));
    for (const [cid, status, lang, key, body] of out) {
      const m = target.find((t) => t.customer_id === Number(cid));
      const x = customers.find((y) => y.id === Number(cid));
      assert.equal(key, `campaign:${c.id}:${cid}`);
      assert.equal(lang, x.lang ?? 'zh-CN');
      assert.ok(body.includes(m.coupon_code), body);
      assert.equal(status, customers.indexOf(x) === 5 ? 'opted_out' : 'queued');
      assert.equal(m.variant, 'A');
    }
    const coupons = rows(`SELECT customer_id FROM coupons WHERE template_id = ${tpl.id} AND reason = 'campaign: ${c.name}' ORDER BY customer_id`);
    assert.deepEqual(coupons.map((r) => Number(r[0])), target.map((m) => m.customer_id));
    assert.equal(c.counts.queued + c.counts.opted_out, target.length);

    // Started again: 409. A snapshot cut short (the last three members not
    // yet frozen) and a member whose message row exists but is not marked
    // queued: the job completes them, nobody gets a second message or coupon.
    assertProblem(await api('POST', `/api/v1/campaigns/${c.id}/start`), 409, 'state');
    const cut = ms.slice(-3).map((m) => m.customer_id).join(',');
    // One transaction, so that the server's own campaigns job sees all or nothing.
    sql(`BEGIN; UPDATE campaigns SET planned_at = NULL WHERE id = ${c.id};
      DELETE FROM outbox WHERE source = 'campaign' AND source_id = ${c.id} AND customer_id IN (${cut});
      DELETE FROM coupons WHERE reason = 'campaign: ${c.name}' AND customer_id IN (${cut});
      DELETE FROM campaign_members WHERE campaign_id = ${c.id} AND customer_id IN (${cut});
      UPDATE campaign_members SET queued_at = NULL, outbox_id = NULL WHERE campaign_id = ${c.id} AND customer_id = ${target[0].customer_id};
      COMMIT;`);
    runJob();
    runJob();
    assert.equal(outboxOf(c.id).length, target.length);
    const again = await members(c.id);
    assert.deepEqual(again.map((m) => [m.customer_id, m.grp]), ms.map((m) => [m.customer_id, m.grp]));
    assert.ok(again.every((m) => m.grp === 'control' || m.message_status));
    assert.equal(again.find((m) => m.customer_id === target[0].customer_id).coupon_code, target[0].coupon_code);
    assert.equal(rows(`SELECT customer_id FROM coupons WHERE reason = 'campaign: ${c.name}'`).length, target.length);
    assert.ok(rows(`SELECT planned_at FROM campaigns WHERE id = ${c.id}`)[0][0]);

    // Cancel: the queued messages are cancelled.
    const can = await ok(await api('POST', `/api/v1/campaigns/${c.id}/cancel`));
    assert.equal(can.status, 'cancelled');
    const optedOut = target.some((m) => m.customer_id === customers[5].id);
    assert.deepEqual([...new Set(outboxOf(c.id).map((o) => o[1]))].sort(), optedOut ? ['cancelled', 'opted_out'] : ['cancelled']);
    assert.equal((await ok(await api('GET', `/api/v1/campaigns/${c.id}/members?grp=control`))).items.length, control.length);
  }

  it('the control range is drawn per campaign', async () => {
    const seen = new Set();
    for (let i = 0; i < 5; i++) {
      const c = await running({ control_pct: 50, coupon_template_id: null });
      const ms = await members(c.id);
      seen.add(ms.filter((m) => m.grp === 'control').map((m) => m.customer_id).join(','));
      await ok(await api('POST', `/api/v1/campaigns/${c.id}/cancel`));
    }
    // With buckets 250 apart, two random ranges pick the same members with a
    // chance of 1 in 40: five times the same, 1 in 2.6 million.
    assert.ok(seen.size >= 2, [...seen].join(' | '));
  });

  it('in-store: coupons only, no message; complete', async () => {
    const c = await running({ channel: 'in_store', messages: [], control_pct: 0 });
    const ms = await members(c.id);
    assert.equal(ms.length, N);
    assert.ok(ms.every((m) => m.grp === 'target' && m.coupon_code && m.message_status === null));
    assert.equal(outboxOf(c.id).length, 0);
    const x = await api('GET', `/api/v1/campaigns/${c.id}/members?format=xlsx`);
    assert.equal(x.status, 200);
    assert.match(hdr(x, 'content-type'), /spreadsheetml/);
    const csv = await api('GET', `/api/v1/campaigns/${c.id}/members?format=csv`);
    assert.equal(csv.text.trim().split('\n').length, N + 1); // the header and every member
    const done = await ok(await api('POST', `/api/v1/campaigns/${c.id}/complete`));
    assert.equal(done.status, 'completed');
    assert.ok(done.completed_at);
  });

  it('A/B: an even random split of the test share, the rest waits; a clear winner is sent to the rest', async () => {
    const ab = [...messages, { variant: 'B', lang: 'zh-CN', body: 'B {name}' }, { variant: 'B', lang: 'en', body: 'B {name}' }];
    const c = await running({ control_pct: 0, ab_pct: 75, ab_decide_at: '2030-01-01T00:00:00Z', messages: ab, coupon_template_id: null });
    const ms = await members(c.id);
    const test = ms.filter((m) => m.ab_test);
    const rest = ms.filter((m) => !m.ab_test);
    const a = test.filter((m) => m.variant === 'A');
    const b = test.filter((m) => m.variant === 'B');
    assert.equal(a.length + b.length, test.length);
    assert.ok(Math.abs(a.length - b.length) <= 1, `${a.length} / ${b.length}`);
    assert.ok(test.length >= 20 && rest.length >= 3, `${test.length} / ${rest.length}`); // 75 % of 40: far from these bounds
    assert.ok(rest.every((m) => m.variant === null && m.message_status === null));
    assert.equal(outboxOf(c.id).length, test.length);
    await ok(await api('POST', `/api/v1/campaigns/${c.id}/cancel`));
    assertProblem(await api('POST', `/api/v1/campaigns/${c.id}/decide`), 409, 'state');
  });

  it('A/B decision: B converts clearly better → B to the rest; none converts → A, no winner', async () => {
    const ab = [...messages, { variant: 'B', lang: 'zh-CN', body: 'B {name}' }, { variant: 'B', lang: 'en', body: 'B {name}' }];
    const c = await running({ control_pct: 0, ab_pct: 80, ab_decide_at: new Date(Date.now() + 24 * HOUR).toISOString(), messages: ab, coupon_template_id: null });
    const ms = await members(c.id);
    const b = ms.filter((m) => m.ab_test && m.variant === 'B');
    for (const m of b) {
      const x = customers.find((y) => y.id === m.customer_id);
      const r = await sell({ store_id: x.home, customer_id: m.customer_id, lines: [{ product_id: product.id, quantity: 1 }], payments: [{ method: 'cash', amount: 1000 }] });
      assert.equal(r.status, 201, r.text);
    }
    runJob(); // not due yet: nothing decided
    assert.equal((await ok(await api('GET', `/api/v1/campaigns/${c.id}`))).ab_decided_at, null);
    const d = await ok(await api('POST', `/api/v1/campaigns/${c.id}/decide`));
    assert.equal(d.ab_winner, 'B');
    assert.ok(d.ab_decided_at);
    assert.equal(d.ab_result.winner, 'B');
    assert.equal(d.ab_result.no_winner, false);
    assert.ok(d.ab_result.p < 0.05, JSON.stringify(d.ab_result));
    assert.deepEqual(d.ab_result.variants.map((v) => v.variant), ['B', 'A']);
    assert.equal(d.ab_result.variants[0].converted, b.length);
    assert.equal(d.ab_result.variants[0].rate, 1);
    assert.equal(d.ab_result.variants[1].converted, 0);
    const after2 = await members(c.id);
    const rest = after2.filter((m) => !m.ab_test);
    assert.ok(rest.length > 0 && rest.every((m) => m.variant === 'B' && m.message_status), JSON.stringify(rest));
    const out = outboxOf(c.id);
    assert.equal(out.length, after2.length);
    for (const m of rest) assert.match(out.find((o) => Number(o[0]) === m.customer_id)[4], /^B Member/);
    assertProblem(await api('POST', `/api/v1/campaigns/${c.id}/decide`), 409, 'state');

    // The job decides at ab_decide_at; with no purchase there is no winner.
    const quiet = await running({ control_pct: 0, ab_pct: 80, ab_decide_at: new Date(Date.now() + HOUR).toISOString(), messages: ab, coupon_template_id: null });
    sql(`UPDATE campaigns SET ab_decide_at = ${Date.now() - 1000} WHERE id = ${quiet.id}`);
    runJob();
    const q = await ok(await api('GET', `/api/v1/campaigns/${quiet.id}`));
    assert.equal(q.ab_winner, 'A');
    assert.equal(q.ab_result.no_winner, true);
    assert.equal(q.ab_result.p, 1);
    assert.ok((await members(quiet.id)).every((m) => m.variant === 'A' || m.ab_test));
  });

  it('the job starts scheduled campaigns at starts_at and completes them at ends_at', async () => {
    const c = await mk('/api/v1/campaigns', draft({ starts_at: new Date(Date.now() + HOUR).toISOString(), ends_at: new Date(Date.now() + 2 * HOUR).toISOString(), coupon_template_id: null }));
    await ok(await api('POST', `/api/v1/campaigns/${c.id}/submit`));
    runJob();
    assert.equal((await ok(await api('GET', `/api/v1/campaigns/${c.id}`))).status, 'scheduled');
    sql(`UPDATE campaigns SET starts_at = ${Date.now() - 1000} WHERE id = ${c.id}`);
    runJob();
    const r = await ok(await api('GET', `/api/v1/campaigns/${c.id}`));
    assert.equal(r.status, 'running');
    assert.equal(r.counts.members, N);
    sql(`UPDATE campaigns SET ends_at = ${Date.now() - 1000} WHERE id = ${c.id}`);
    runJob();
    assert.equal((await ok(await api('GET', `/api/v1/campaigns/${c.id}`))).status, 'completed');
  });

  it('cost lines: add, list, total, remove; checks', async () => {
    const c = await mk('/api/v1/campaigns', draft());
    const r = await api('POST', `/api/v1/campaigns/${c.id}/costs`, { body: { label: 'SMS gateway', amount: 12345, day: '2026-12-01' } });
    const k = await ok(r, 201);
    assert.equal(hdr(r, 'location'), `/api/v1/campaigns/${c.id}/costs/${k.id}`);
    await mk(`/api/v1/campaigns/${c.id}/costs`, { label: 'Printing', amount: 655, day: '2026-12-02' });
    assert.equal((await ok(await api('GET', `/api/v1/campaigns/${c.id}`))).cost_total, 13000);
    const l = await ok(await api('GET', `/api/v1/campaigns/${c.id}/costs`));
    assert.deepEqual(l.items.map((x) => x.label), ['SMS gateway', 'Printing']);
    assertProblem(await api('POST', `/api/v1/campaigns/${c.id}/costs`, { body: { label: '', amount: 0, day: '2026-13-01' } }), 422, 'validation', ['label', 'amount', 'day']);
    assertProblem(await api('POST', `/api/v1/campaigns/${c.id}/costs`, { body: { label: 'x', amount: 1.5, day: '2026-12-01' } }), 422, 'validation', ['amount']);
    assert.equal((await api('DELETE', `/api/v1/campaigns/${c.id}/costs/${k.id}`)).status, 204);
    assertProblem(await api('DELETE', `/api/v1/campaigns/${c.id}/costs/${k.id}`), 404, 'not-found');
    assert.equal((await ok(await api('GET', `/api/v1/campaigns/${c.id}`))).cost_total, 655);
    const audit = await ok(await api('GET', `/api/v1/audit?entity=campaign_cost&entity_id=${k.id}`));
    assert.deepEqual(audit.items.map((x) => x.action).sort(), ['create', 'delete']);
  });

  it('store scope: a store manager runs their store\'s campaigns only, on their store\'s customers', async () => {
    const mgr = as(manager.token);
    // One store: taken as the campaign's; another store: 403; another store's segment: 422.
    const c = await ok(await mgr('POST', '/api/v1/campaigns', draft({ coupon_template_id: null })), 201);
    assert.equal(c.store_id, storeA.id);
    assertProblem(await mgr('POST', '/api/v1/campaigns', draft({ store_id: storeB.id })), 403, 'forbidden');
    assertProblem(await mgr('POST', '/api/v1/campaigns', draft({ segment_id: segB.id })), 422, 'validation', ['segment_id']);
    await ok(await mgr('POST', `/api/v1/campaigns/${c.id}/submit`));
    const s = await ok(await mgr('POST', `/api/v1/campaigns/${c.id}/start`));
    const ms = await members(s.id, manager.token);
    assert.deepEqual(ms.map((m) => m.customer_id), customers.filter((x) => x.home === storeA.id).map((x) => x.id));
    // Company-wide and other stores' campaigns: invisible.
    const other = await mk('/api/v1/campaigns', draft({ store_id: storeB.id, segment_id: segB.id }));
    const company = await mk('/api/v1/campaigns', draft());
    for (const id of [other.id, company.id]) {
      assertProblem(await mgr('GET', `/api/v1/campaigns/${id}`), 404, 'not-found');
      assertProblem(await mgr('PATCH', `/api/v1/campaigns/${id}`, { name: 'x' }), 404, 'not-found');
      assertProblem(await mgr('POST', `/api/v1/campaigns/${id}/submit`), 404, 'not-found');
      assertProblem(await mgr('GET', `/api/v1/campaigns/${id}/members`), 404, 'not-found');
      assertProblem(await mgr('GET', `/api/v1/campaigns/${id}/preview`), 404, 'not-found');
      assertProblem(await mgr('POST', `/api/v1/campaigns/${id}/costs`, { label: 'x', amount: 1, day: '2026-12-01' }), 404, 'not-found');
    }
    const l = await ok(await mgr('GET', '/api/v1/campaigns?limit=500'));
    assert.ok(l.items.length > 0 && l.items.every((x) => x.store_id === storeA.id));
    assertProblem(await srv.api('GET', `/api/v1/campaigns/${c.id}`, { token: managerB.token }), 404, 'not-found');
    // Roles without marketing: 403.
    const sales = await makeUser(srv, 'sales', [storeA.id]);
    assert.equal((await srv.api('GET', '/api/v1/campaigns', { token: sales.token })).status, 403);
    assert.equal((await srv.api('POST', '/api/v1/campaigns', { token: sales.token, body: draft() })).status, 403);
  });

  it('merging two members keeps one membership with the kept profile', async () => {
    const t = `merge${uniq()}`;
    const keep = await mk('/api/v1/customers', { name: 'Keep', tags: [t] });
    const from = await mk('/api/v1/customers', { name: 'From', tags: [t] });
    const only = await mk('/api/v1/customers', { name: 'Only in one', tags: [t] });
    const seg = await mk('/api/v1/segments', { name: `Segment ${t}`, filter: { tags: [t] } });
    const both = await running({ channel: 'in_store', messages: [], control_pct: 0, segment_id: seg.id });
    await ok(await api('PATCH', `/api/v1/customers/${keep.id}`, { body: { tags: [] } }));
    const one = await running({ channel: 'in_store', messages: [], control_pct: 0, segment_id: seg.id });
    await ok(await api('POST', `/api/v1/customers/${keep.id}/merge`, { body: { from_id: from.id } }));
    assert.deepEqual((await members(both.id)).map((m) => m.customer_id), [keep.id, only.id]);
    assert.deepEqual((await members(one.id)).map((m) => m.customer_id), [keep.id, only.id]);
  });
});
