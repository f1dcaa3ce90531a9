// The outbox's SMS and WeChat gateways: signed webhooks (signature, body,
// Idempotency-Key, the gateway's ref), retries with exponential backoff
// until the dead-letter list against a receiver that fails on purpose,
// retry; signed delivery receipts (bad or old signatures refused); quiet
// hours for SMS; the rate limit per channel; a disabled gateway; "send to
// those missed" for a campaign.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';
import { BACKOFF_MS, sql, queue, runOutbox, message, sendUntil, startReceiver, signed } from './outbox-lib.mjs';

const SECRET = 'hook-secret-Ü-1';

describe('outbox: webhooks', () => {
  let srv, admin, hook, manager, store;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const phone = () => `138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  async function customer(body) {
    const r = await api('POST', '/api/v1/customers', { body: { name: `Kunde ${uniq()}`, phone: phone(), consent_sms: true, consent_wechat: true, ...body } });
    assert.equal(r.status, 201, r.text);
    return r.body;
  }
  const failing = new Set(); // recipients the gateway refuses
  const flaky = new Map(); // recipient → failures left
  const forTo = (to) => hook.requests.filter((x) => x.body?.to === to);

  before(async () => {
    srv = await startServer({ env: { TERSA_OUTBOX_BACKOFF_MS: String(BACKOFF_MS) } });
    admin = srv.adminToken;
    hook = await startReceiver((rec) => {
      const to = rec.body?.to;
      if (failing.has(to)) return { status: 503, body: { error: 'down' } };
      if (flaky.get(to) > 0) {
        flaky.set(to, flaky.get(to) - 1);
        return { status: 500 };
      }
      return { status: 200, body: { ref: `ref-${rec.body?.id}` } };
    });
    store = (await api('POST', '/api/v1/stores', { body: { code: `H${uniq()}`.slice(0, 12), name: 'Hook store', channel: 'direct' } })).body;
    manager = await makeUser(srv, 'store_manager', [store.id]);
    // No quiet hours unless a test sets them.
    assert.equal((await api('PUT', '/api/v1/marketing/settings', { body: { quiet_start: '00:00', quiet_end: '00:00' } })).status, 200);
  });
  after(async () => {
    await srv?.stop();
    await hook?.close();
  });

  it('a disabled gateway holds its messages with the reason; enabled, the webhook is signed and carries the message', async () => {
    const g = await api('PUT', '/api/v1/marketing/gateways/sms', { body: { enabled: false, config: { url: hook.url }, secret: SECRET, rate_per_minute: 1000 } });
    assert.equal(g.status, 200, g.text);
    assert.equal(g.body.configured, true);
    assert.equal(g.body.enabled, false);
    const c = await customer({});
    const id = queue(srv, { customerId: c.id, channel: 'sms', recipient: c.phone, body: '你好 SMS ✓', source: 'journey', sourceId: 7 });
    await runOutbox(srv);
    const held = await message(srv, admin, id);
    assert.equal(held.status, 'queued');
    assert.equal(held.reason, 'the sms gateway is disabled');
    assert.equal((await api('PUT', '/api/v1/marketing/gateways/sms', { body: { enabled: true } })).body.enabled, true);
    const m = await sendUntil(srv, admin, id, (x) => x.status === 'sent');
    assert.equal(m.provider_ref, `ref-${id}`);
    assert.equal(m.attempts, 1);
    assert.equal(m.reason, null);
    const reqs = hook.requests.filter((x) => x.body?.id === id);
    assert.equal(reqs.length, 1);
    const r = reqs[0];
    assert.deepEqual(r.body, { id, channel: 'sms', to: c.phone, body: '你好 SMS ✓', customer_id: c.id });
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['idempotency-key'], String(id));
    const ts = r.headers['x-tersa-timestamp'];
    assert.match(ts, /^\d+$/);
    assert.ok(Math.abs(Number(ts) - r.at / 1000) < 60);
    const want = crypto.createHmac('sha256', SECRET).update(`${ts}.${r.raw}`).digest('hex');
    assert.equal(r.headers['x-tersa-signature'], `sha256=${want}`);
    // The config shows, the secret never does.
    const list = await api('GET', '/api/v1/marketing/gateways');
    assert.ok(!list.text.includes(SECRET));
    assert.deepEqual(list.body.items[0].config, { url: hook.url });
  });

  it('retries with exponential backoff until the dead-letter list; the same Idempotency-Key each time; retry', async () => {
    const c = await customer({});
    failing.add(c.phone);
    const id = queue(srv, { customerId: c.id, channel: 'sms', recipient: c.phone, body: 'down' });
    const m = await sendUntil(srv, admin, id, (x) => x.status === 'failed');
    assert.equal(m.dead, true);
    assert.equal(m.attempts, 6);
    assert.match(m.reason, /503.*attempt 6, given up/);
    const reqs = forTo(c.phone);
    assert.equal(reqs.length, 6, 'six attempts, no more');
    assert.ok(reqs.every((x) => x.headers['idempotency-key'] === String(id) && x.body.id === id));
    // Each wait at least the backoff: 1, 2, 4, 8, 16 times the base (less a
    // margin for the time between claiming and sending).
    for (let i = 1; i < reqs.length; i++) {
      const gap = reqs[i].at - reqs[i - 1].at;
      assert.ok(gap >= BACKOFF_MS * 2 ** (i - 1) - 50, `wait ${i}: ${gap} ms`);
    }
    await runOutbox(srv);
    assert.equal(forTo(c.phone).length, 6, 'a dead letter is not sent again by itself');
    const dead = await api('GET', '/api/v1/outbox?dead=true&channel=sms&status=failed');
    assert.ok(dead.body.items.some((x) => x.id === id));
    assert.ok(!(await api('GET', '/api/v1/outbox?dead=false&channel=sms')).body.items.some((x) => x.id === id));
    failing.delete(c.phone);
    assert.equal((await api('POST', `/api/v1/outbox/${id}/retry`)).status, 200);
    const ok = await sendUntil(srv, admin, id, (x) => x.status === 'sent');
    assert.equal(ok.attempts, 1);
    assert.equal(ok.dead, false);
    assert.equal(forTo(c.phone).length, 7);
  });

  it('a gateway that fails twice: sent on the third attempt', async () => {
    const c = await customer({});
    flaky.set(c.phone, 2);
    const id = queue(srv, { customerId: c.id, channel: 'sms', recipient: c.phone, body: 'flaky' });
    const m = await sendUntil(srv, admin, id, (x) => x.status === 'sent');
    assert.equal(m.attempts, 3);
    assert.equal(forTo(c.phone).length, 3);
  });

  it('delivery receipts: signed by the gateway, by id or ref; bad or old signatures 401; checks', async () => {
    const c = await customer({});
    const id = queue(srv, { customerId: c.id, channel: 'sms', recipient: c.phone, body: 'receipt' });
    await sendUntil(srv, admin, id, (x) => x.status === 'sent');
    const post = (body, headers, ch = 'sms') => srv.api('POST', `/api/v1/outbox/receipts/${ch}`, { raw: body, headers: { 'content-type': 'application/json', ...headers } });
    const b1 = JSON.stringify({ id, status: 'delivered' });
    assertProblem(await post(b1, signed('wrong', b1)), 401, 'unauthorized');
    assertProblem(await post(b1, signed(SECRET, b1, Math.floor(Date.now() / 1000) - 600)), 401, 'unauthorized');
    assertProblem(await post(b1, {}), 401, 'unauthorized');
    assertProblem(await post(b1, signed(SECRET, b1), 'wechat'), 401, 'unauthorized');
    const tampered = JSON.stringify({ id, status: 'bounced' });
    assertProblem(await post(tampered, signed(SECRET, b1)), 401, 'unauthorized');
    const r = await post(b1, signed(SECRET, b1));
    assert.equal(r.status, 204, r.text);
    const d = await message(srv, admin, id);
    assert.equal(d.status, 'delivered');
    assert.ok(d.delivered_at);
    const b2 = JSON.stringify({ ref: `ref-${id}`, status: 'bounced', reason: 'number unknown' });
    assert.equal((await post(b2, signed(SECRET, b2))).status, 204);
    const bounced = await message(srv, admin, id);
    assert.equal(bounced.status, 'bounced');
    assert.equal(bounced.reason, 'number unknown');
    const bad = JSON.stringify({ status: 'read', extra: 1 });
    assertProblem(await post(bad, signed(SECRET, bad)), 422, 'validation', ['extra', 'status', 'id']);
    const none = JSON.stringify({ id: 999999, status: 'delivered' });
    assertProblem(await post(none, signed(SECRET, none)), 404, 'not-found');
    const q = queue(srv, { customerId: c.id, channel: 'sms', recipient: c.phone, body: 'later' });
    sql(srv, `UPDATE outbox SET next_at = ${Date.now() + 3600e3} WHERE id = ${q}`);
    const early = JSON.stringify({ id: q, status: 'delivered' });
    assertProblem(await post(early, signed(SECRET, early)), 409, 'state');
    sql(srv, `UPDATE outbox SET status = 'cancelled' WHERE id = ${q}`);
  });

  it('quiet hours hold SMS until they end (company time); WeChat is not held', async () => {
    // Asia/Shanghai (the company zone) is UTC+8 without summer time.
    const hhmm = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(11, 16);
    const now = Date.now();
    const start = hhmm(now - 3600e3);
    const end = hhmm(now + 3600e3);
    assert.equal((await api('PUT', '/api/v1/marketing/settings', { body: { quiet_start: start, quiet_end: end } })).status, 200);
    await api('PUT', '/api/v1/marketing/gateways/wechat', { body: { config: { url: hook.url }, secret: SECRET, rate_per_minute: 1000 } });
    const c = await customer({});
    const s = queue(srv, { customerId: c.id, channel: 'sms', recipient: c.phone, body: 'quiet' });
    const w = queue(srv, { customerId: c.id, channel: 'wechat', recipient: 'wx-openid-1', body: 'not quiet' });
    await runOutbox(srv);
    const ms = await message(srv, admin, s);
    assert.equal(ms.status, 'queued');
    assert.match(ms.reason, new RegExp(`quiet hours ${start}-${end}`));
    // The end of the quiet hours: today's (or tomorrow's) `end` in the zone.
    const [h, mi] = end.split(':').map(Number);
    const sec = Math.floor(now / 1000);
    const local = (sec + 8 * 3600) % 86400;
    const until = (sec + (((h * 3600 + mi * 60 - local) % 86400) + 86400) % 86400) * 1000;
    assert.equal(ms.next_at, new Date(until).toISOString().replace('.000Z', 'Z'));
    assert.equal(forTo(c.phone).length, 0);
    const mw = await message(srv, admin, w);
    assert.equal(mw.status, 'sent');
    assert.deepEqual(hook.requests.filter((x) => x.body?.id === w).map((x) => x.body.to), ['wx-openid-1']);
    assert.equal((await api('PUT', '/api/v1/marketing/settings', { body: { quiet_start: '00:00', quiet_end: '00:00' } })).status, 200);
    sql(srv, `UPDATE outbox SET status = 'cancelled' WHERE id = ${s}`);
  });

  it('the rate limit per channel: no more than rate_per_minute sends in a minute, the rest wait', async () => {
    const used = Number(sql(srv, `SELECT COUNT(*) FROM outbox WHERE channel = 'wechat' AND claimed_at > ${Date.now() - 60000}`)[0][0]);
    const rate = used + 2;
    assert.equal((await api('PUT', '/api/v1/marketing/gateways/wechat', { body: { rate_per_minute: rate } })).body.rate_per_minute, rate);
    const c = await customer({});
    const before = hook.requests.length;
    const ids = [1, 2, 3, 4, 5].map((i) => queue(srv, { customerId: c.id, channel: 'wechat', recipient: `wx-${i}`, body: `r${i}` }));
    await runOutbox(srv);
    await runOutbox(srv);
    const rows = await Promise.all(ids.map((id) => message(srv, admin, id)));
    const sent = rows.filter((x) => x.status === 'sent').length;
    assert.ok(sent <= 2, `${sent} sent`);
    assert.ok(rows.filter((x) => x.status === 'queued').length >= 3);
    assert.ok(hook.requests.length - before <= 2);
    await api('PUT', '/api/v1/marketing/gateways/wechat', { body: { rate_per_minute: 1000 } });
    for (const id of ids) assert.equal((await sendUntil(srv, admin, id, (x) => x.status === 'sent')).status, 'sent');
  });

  it('send to those missed: a campaign\'s failed messages queued again, never those sent or opted out; scope and state', async () => {
    const now = Date.now();
    const camp = (status, storeId) => Number(sql(srv, `INSERT INTO campaigns (name, channel, status, store_id, created_at, updated_at) VALUES ('C ${uniq()}', 'sms', '${status}', ${storeId ?? 'NULL'}, ${now}, ${now}) RETURNING id`)[0][0]);
    const id = camp('running', store.id);
    const c = await customer({});
    const mk = (status, dead) => {
      const m = queue(srv, { customerId: c.id, channel: 'sms', recipient: c.phone, body: status, source: 'campaign', sourceId: id });
      sql(srv, `UPDATE outbox SET status = '${status}', dead = ${dead} WHERE id = ${m}`);
      return m;
    };
    const failed = mk('failed', 1);
    const bounced = mk('bounced', 0);
    const sent = mk('sent', 0);
    const opted = mk('opted_out', 0);
    const r = await api('POST', `/api/v1/campaigns/${id}/resend`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { requeued: 2 });
    for (const m of [failed, bounced]) {
      const x = await message(srv, admin, m);
      // Queued again; the server's own sender (every 5 s) may have taken it already.
      assert.ok(['queued', 'sending', 'sent'].includes(x.status), x.status);
      assert.equal(x.dead, false);
    }
    assert.equal((await message(srv, admin, sent)).status, 'sent');
    assert.equal((await message(srv, admin, opted)).status, 'opted_out');
    assert.deepEqual((await api('POST', `/api/v1/campaigns/${id}/resend`)).body, { requeued: 0 });
    const audit = await api('GET', `/api/v1/audit?entity=campaign&entity_id=${id}`);
    assert.ok(audit.body.items.some((x) => x.action === 'resend'));
    // The store's manager may; another store's manager sees no such campaign.
    assert.equal((await srv.api('POST', `/api/v1/campaigns/${id}/resend`, { token: manager.token })).status, 200);
    const other = (await api('POST', '/api/v1/stores', { body: { code: `O${uniq()}`.slice(0, 12), name: 'Other', channel: 'direct' } })).body;
    const stranger = await makeUser(srv, 'store_manager', [other.id]);
    assertProblem(await srv.api('POST', `/api/v1/campaigns/${id}/resend`, { token: stranger.token }), 404, 'not-found');
    assertProblem(await srv.api('POST', `/api/v1/campaigns/${camp('running', null)}/resend`, { token: stranger.token }), 404, 'not-found');
    assertProblem(await api('POST', `/api/v1/campaigns/${camp('draft', null)}/resend`), 409, 'state');
    assertProblem(await api('POST', '/api/v1/campaigns/999999/resend'), 404, 'not-found');
    const sales = await makeUser(srv, 'sales', [store.id]);
    assert.equal((await srv.api('POST', `/api/v1/campaigns/${id}/resend`, { token: sales.token })).status, 403);
  });

  it('a campaign end to end: each target member gets one message, control none; send to those missed after a failure', async () => {
    const tag = `out${uniq()}`;
    const people = [];
    for (let i = 0; i < 8; i++) people.push(await customer({ tags: [tag] }));
    const phoneOf = new Map(people.map((c) => [c.id, c.phone]));
    const seg = await api('POST', '/api/v1/segments', { body: { name: `Outbox ${tag}`, filter: { tags: [tag] } } });
    assert.equal(seg.status, 201, seg.text);
    const c = await api('POST', '/api/v1/campaigns', { body: { name: `Outbox ${tag}`, channel: 'sms', segment_id: seg.body.id, control_pct: 25,
      messages: [{ variant: 'A', lang: 'zh-CN', body: '{name}，您好' }, { variant: 'A', lang: 'en', body: 'Hello {name}' }] } });
    assert.equal(c.status, 201, c.text);
    assert.equal((await api('POST', `/api/v1/campaigns/${c.body.id}/submit`)).status, 200);
    assert.equal((await api('POST', `/api/v1/campaigns/${c.body.id}/start`)).status, 200);
    const mem = (await api('GET', `/api/v1/campaigns/${c.body.id}/members?limit=500`)).body.items;
    const target = mem.filter((m) => m.grp === 'target').map((m) => m.customer_id);
    const control = mem.filter((m) => m.grp === 'control').map((m) => m.customer_id);
    assert.equal(target.length + control.length, 8);
    assert.ok(target.length >= 1);
    // The gateway refuses the first target member's number for now.
    failing.add(phoneOf.get(target[0]));
    const msgs = (await api('GET', `/api/v1/outbox?source=campaign&source_id=${c.body.id}`)).body.items;
    assert.deepEqual(msgs.map((m) => m.customer_id).sort(), [...target].sort());
    for (const m of msgs) await sendUntil(srv, admin, m.id, (x) => x.status === 'sent' || x.dead);
    const got = (id) => forTo(phoneOf.get(id)).length;
    for (const id of control) assert.equal(got(id), 0, 'the control group receives nothing');
    for (const id of target.slice(1)) assert.equal(got(id), 1);
    assert.equal(got(target[0]), 6);
    let counts = (await api('GET', `/api/v1/campaigns/${c.body.id}`)).body.counts;
    assert.equal(counts.sent, target.length - 1);
    assert.equal(counts.failed, 1);
    failing.delete(phoneOf.get(target[0]));
    assert.deepEqual((await api('POST', `/api/v1/campaigns/${c.body.id}/resend`)).body, { requeued: 1 });
    const again = msgs.find((m) => m.customer_id === target[0]);
    assert.equal((await sendUntil(srv, admin, again.id, (x) => x.status === 'sent')).status, 'sent');
    assert.deepEqual((await api('POST', `/api/v1/campaigns/${c.body.id}/resend`)).body, { requeued: 0 });
    await runOutbox(srv);
    for (const id of target.slice(1)) assert.equal(got(id), 1, 'nobody gets a second message');
    counts = (await api('GET', `/api/v1/campaigns/${c.body.id}`)).body.counts;
    assert.equal(counts.sent, target.length);
    assert.equal(counts.failed, 0);
  });

  it('the outbox list: filters by source, source_id, dead and dates, each checked', async () => {
    const r = await api('GET', '/api/v1/outbox?source=journey&source_id=7');
    assert.ok(r.body.items.length >= 1 && r.body.items.every((x) => x.source === 'journey' && x.source_id === 7));
    const future = new Date(Date.now() + 86400e3).toISOString();
    assert.equal((await api('GET', `/api/v1/outbox?from=${future}`)).body.items.length, 0);
    assert.ok((await api('GET', `/api/v1/outbox?to=${future}&status=sent`)).body.items.length >= 1);
    assertProblem(await api('GET', '/api/v1/outbox?dead=maybe&source_id=0&from=yesterday'), 422, 'validation', ['source_id', 'dead', 'from']);
    const csv = await api('GET', '/api/v1/outbox?format=csv&status=sent');
    assert.equal(csv.status, 200);
    assert.match(csv.text, /reason/);
  });
});
