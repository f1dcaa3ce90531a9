// The outbox's email: the gateway set up through the API (what is missing,
// the secret never answered, checks, roles, audit), a message end to end
// through a real SMTP server with AUTH (headers, Chinese subject and body
// encoding, List-Unsubscribe one-click), the unsubscribe link (page,
// one-click POST, consent history, audit, a forged link), consent withdrawn
// or no address at send time, temporary and permanent SMTP refusals, the
// test message, and the marketing settings.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';
import { BACKOFF_MS, sql, queue, runOutbox, message, sendUntil, startSmtp, parseMail, decodeWords } from './outbox-lib.mjs';

describe('outbox: email', () => {
  let srv, admin, smtp, manager;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const phone = () => `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  async function customer(body) {
    const r = await api('POST', '/api/v1/customers', { body: { name: `Kunde ${uniq()}`, phone: phone(), ...body } });
    assert.equal(r.status, 201, r.text);
    return r.body;
  }
  const refused = new Map(); // address → SMTP code

  before(async () => {
    srv = await startServer({ env: { TERSA_OUTBOX_BACKOFF_MS: String(BACKOFF_MS) } });
    admin = srv.adminToken;
    smtp = await startSmtp({ users: { tersa: 'smtp-pass-1' }, rcpt: (a) => refused.get(a) ?? null });
    const st = await api('POST', '/api/v1/stores', { body: { code: `E${uniq()}`.slice(0, 12), name: 'Mail store', channel: 'direct' } });
    manager = await makeUser(srv, 'store_manager', [st.body.id]);
  });
  after(async () => {
    await srv?.stop();
    await smtp?.close();
  });

  it('waits with a clear reason while no gateway is configured; the list says what is missing', async () => {
    const c = await customer({ email: `w${uniq()}@example.com`, consent_email: true });
    const id = queue(srv, { customerId: c.id, channel: 'email', recipient: c.email, subject: 'Hi', body: 'Hello' });
    await runOutbox(srv);
    const m = await message(srv, admin, id);
    assert.equal(m.status, 'queued');
    assert.equal(m.reason, 'no email gateway configured');
    const g = await api('GET', '/api/v1/marketing/gateways');
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.body.items.map((x) => x.channel), ['sms', 'email', 'wechat']);
    const email = g.body.items.find((x) => x.channel === 'email');
    assert.equal(email.configured, false);
    assert.deepEqual(email.missing, ['smtp_url', 'from_address', 'public_url']);
    assert.deepEqual(g.body.items.find((x) => x.channel === 'sms').missing, ['url', 'secret']);
    sql(srv, `UPDATE outbox SET status = 'cancelled' WHERE id = ${id}`);
  });

  it('gateway and settings: every bad field named, wrong types 400, roles, secret never answered, audited', async () => {
    const bad = async (p, body, fields) => assertProblem(await api('PUT', p, { body }), 422, 'validation', fields);
    await bad('/api/v1/marketing/gateways/email', { config: { smtp_url: 'http://x', from_address: 'nobody', starttls: 'maybe', bogus: 1 } },
      ['config.bogus', 'config.smtp_url', 'config.from_address', 'config.starttls']);
    await bad('/api/v1/marketing/gateways/sms', { config: { url: 'ftp://x' }, rate_per_minute: 0, extra: true }, ['extra', 'config.url', 'rate_per_minute']);
    assertProblem(await api('PUT', '/api/v1/marketing/gateways/sms', { body: { config: 'x' } }), 400, 'bad-request', ['config']);
    assertProblem(await api('PUT', '/api/v1/marketing/gateways/sms', { body: { enabled: 'yes' } }), 400, 'bad-request', ['enabled']);
    await bad('/api/v1/marketing/settings', { quiet_start: '25:00', quiet_end: '7', holdout_pct: 21, public_url: 'ftp://x', approval_threshold: -1 },
      ['holdout_pct', 'approval_threshold', 'quiet_start', 'quiet_end', 'public_url'].sort());
    assert.equal((await srv.api('PUT', '/api/v1/marketing/gateways/email', { token: manager.token, body: { enabled: true } })).status, 403);
    assert.equal((await srv.api('PUT', '/api/v1/marketing/settings', { token: manager.token, body: {} })).status, 403);
    assert.equal((await srv.api('GET', '/api/v1/marketing/gateways', { token: manager.token })).status, 200);
    assert.equal((await srv.api('GET', '/api/v1/marketing/settings', { token: manager.token })).status, 200);

    const s = await api('PUT', '/api/v1/marketing/settings', { body: { public_url: `${srv.url}/`, holdout_pct: 5, approval_threshold: 500000 } });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.body.public_url, srv.url, 'a trailing / is dropped');
    assert.equal(s.body.holdout_pct, 5);
    assert.equal(s.body.quiet_start, '21:00');
    assert.equal(s.body.quiet_end, '08:00');
    assert.equal(s.body.link_key, undefined);
    const lo = Number(sql(srv, 'SELECT holdout_lo FROM marketing_settings')[0][0]);
    assert.ok(lo >= 0 && lo < 10000);

    const r = await api('PUT', '/api/v1/marketing/gateways/email', {
      body: { config: { smtp_url: `smtp://127.0.0.1:${smtp.port}`, username: 'tersa', from_address: 'shop@example.com', from_name: 'Tersa 商店', starttls: 'none' }, secret: 'smtp-pass-1', rate_per_minute: 600 },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.configured, true);
    assert.equal(r.body.enabled, true);
    assert.equal(r.body.has_secret, true);
    assert.deepEqual(r.body.missing, []);
    assert.equal(r.body.secret, undefined);
    assert.ok(!r.text.includes('smtp-pass-1'), 'the secret is never answered');
    const g = (await api('GET', '/api/v1/marketing/gateways')).body.items.find((x) => x.channel === 'email');
    assert.deepEqual(g, r.body);
    assert.ok(!JSON.stringify(await api('GET', '/api/v1/audit?entity=gateway&entity_id=2')).includes('smtp-pass-1'));
    const audit = await api('GET', '/api/v1/audit?entity=gateway&entity_id=2');
    assert.ok(audit.body.items.some((a) => a.action === 'create'), audit.text);
    const sa = await api('GET', '/api/v1/audit?entity=marketing_settings&entity_id=1');
    assert.ok(sa.body.items.length >= 1, sa.text);
  });

  let zh, link;
  it('an email end to end: AUTH, UTF-8 headers and body, List-Unsubscribe one-click, sent with attempts 1', async () => {
    zh = await customer({ email: `zh${uniq()}@example.com`, consent_email: true });
    sql(srv, `UPDATE customers SET lang = 'zh-CN' WHERE id = ${zh.id}`);
    const subject = '春节快乐！会员专享优惠券已到账，欢迎光临我们的每一家门店选购新品';
    const body = `${zh.name}，您好！\n凭券 SPRING-7KQ2 在门店消费满 100 元立减 20 元。`;
    const id = queue(srv, { customerId: zh.id, channel: 'email', recipient: zh.email, subject, body, lang: 'zh-CN', dedupKey: `campaign:1:${zh.id}` });
    const before = smtp.messages.length;
    const m = await sendUntil(srv, admin, id, (x) => x.status !== 'queued');
    assert.equal(m.status, 'sent', JSON.stringify(m));
    assert.equal(m.attempts, 1);
    assert.equal(m.reason, null);
    assert.ok(m.sent_at);
    const got = smtp.messages.slice(before).filter((x) => x.to.includes(zh.email));
    assert.equal(got.length, 1, 'exactly one message');
    assert.equal(got[0].auth, 'tersa');
    assert.equal(got[0].from, 'shop@example.com');
    const { headers, body: text } = parseMail(got[0].raw);
    assert.match(headers.subject, /^=\?UTF-8\?B\?/);
    assert.ok(headers.subject.split(' ').every((w) => w.length <= 75), headers.subject);
    assert.equal(decodeWords(headers.subject), subject);
    assert.equal(decodeWords(headers.from), `Tersa 商店 <shop@example.com>`);
    assert.equal(headers.to, `<${zh.email}>`);
    assert.equal(headers['mime-version'], '1.0');
    assert.equal(headers['content-type'], 'text/plain; charset=UTF-8');
    assert.equal(headers['content-transfer-encoding'], 'base64');
    assert.match(headers['message-id'], /^<outbox-\d+\.[0-9a-f]+@example\.com>$/);
    assert.equal(headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
    const lu = /^<(.+)>$/.exec(headers['list-unsubscribe']);
    assert.ok(lu, headers['list-unsubscribe']);
    link = lu[1];
    assert.ok(link.startsWith(`${srv.url}/api/v1/unsubscribe?t=`), link);
    assert.ok(text.startsWith(body), text);
    assert.ok(text.includes(`退订：${link}`), 'the link is in the body too, in the customer\'s language');
    // Sent: the sender never takes it again.
    await runOutbox(srv);
    assert.equal(smtp.messages.filter((x) => x.to.includes(zh.email)).length, 1);
  });

  it('the unsubscribe link: GET asks, POST (one-click) unsubscribes with history and audit; a forged link is refused', async () => {
    const p = link.slice(srv.url.length);
    const g = await srv.api('GET', p);
    assert.equal(g.status, 200);
    assert.match(g.headers.get('content-type'), /^text\/html/);
    assert.match(g.text, /<html lang="zh-CN">/);
    assert.match(g.text, /<form method="post" action="\/api\/v1\/unsubscribe\?t=/);
    assert.equal((await api('GET', `/api/v1/customers/${zh.id}`)).body.consent_email, true, 'a GET never unsubscribes');
    const r = await srv.api('POST', p, { raw: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /您已退订邮件/);
    const c = (await api('GET', `/api/v1/customers/${zh.id}`)).body;
    assert.equal(c.consent_email, false);
    const hist = sql(srv, `SELECT channel, granted, source FROM customer_consents WHERE customer_id = ${zh.id} ORDER BY id`);
    assert.deepEqual(hist.at(-1), ['email', '0', 'unsubscribe']);
    const audit = await api('GET', `/api/v1/audit?entity=customer&entity_id=${zh.id}`);
    assert.ok(audit.body.items.some((a) => a.action === 'unsubscribe'), audit.text);
    // Again: nothing more to do, the same page.
    assert.equal((await srv.api('POST', p, { raw: '' })).status, 200);
    assert.equal(sql(srv, `SELECT COUNT(*) FROM customer_consents WHERE customer_id = ${zh.id} AND source = 'unsubscribe'`)[0][0], '1');
    // A forged or damaged token: 400 with a page, nothing changed.
    const t = new URL(link).searchParams.get('t');
    const [payload] = t.split('.');
    const other = Buffer.from(`u:${zh.id + 1}:email`).toString('base64url');
    for (const bad of [`${other}.${t.split('.')[1]}`, `${payload}.AAAA`, 'x', '']) {
      const b = await srv.api('POST', `/api/v1/unsubscribe?t=${encodeURIComponent(bad)}`, { raw: '' });
      assert.equal(b.status, 400, bad);
      assert.match(b.text, /not valid|无效/);
    }
  });

  it('consent withdrawn between planning and sending: opted_out, nothing sent; no address: suppressed', async () => {
    const before = smtp.messages.length;
    // zh unsubscribed above; the message was queued before.
    const a = queue(srv, { customerId: zh.id, channel: 'email', recipient: zh.email, subject: 'Later', body: 'x' });
    const noMail = await customer({ consent_email: true });
    const b = queue(srv, { customerId: noMail.id, channel: 'email', recipient: 'old@example.com', subject: 'x', body: 'x' });
    await runOutbox(srv);
    const ma = await message(srv, admin, a);
    assert.equal(ma.status, 'opted_out');
    assert.match(ma.reason, /consent/);
    const mb = await message(srv, admin, b);
    assert.equal(mb.status, 'suppressed');
    assert.match(mb.reason, /no email address/);
    assert.equal(smtp.messages.length, before);
  });

  it('a temporary refusal (4xx) is retried with backoff; a permanent one (5xx) fails at once as a dead letter; retry requeues', async () => {
    const t = await customer({ email: `t${uniq()}@example.com`, consent_email: true });
    const p = await customer({ email: `p${uniq()}@example.com`, consent_email: true });
    refused.set(t.email, 451);
    refused.set(p.email, 550);
    const a = queue(srv, { customerId: t.id, channel: 'email', recipient: t.email, subject: 'T', body: 'x' });
    const b = queue(srv, { customerId: p.id, channel: 'email', recipient: p.email, subject: 'P', body: 'x' });
    const ma = await sendUntil(srv, admin, a, (x) => x.attempts >= 1);
    assert.ok(ma.status === 'queued' || ma.status === 'sending', JSON.stringify(ma));
    assert.match(ma.reason, /451/);
    assert.ok(ma.next_at, 'waits for its backoff');
    const mb = await sendUntil(srv, admin, b, (x) => x.status !== 'queued');
    assert.equal(mb.status, 'failed');
    assert.equal(mb.dead, true);
    assert.equal(mb.attempts, 1);
    assert.match(mb.reason, /550/);
    const dead = await api('GET', '/api/v1/outbox?dead=true&channel=email');
    assert.ok(dead.body.items.some((x) => x.id === b));
    assert.ok(!dead.body.items.some((x) => x.id === a));
    // The mailbox accepts mail now: retry sends it.
    refused.delete(p.email);
    refused.delete(t.email);
    assertProblem(await api('POST', `/api/v1/outbox/${a}/retry`), 409, 'state');
    const r = await api('POST', `/api/v1/outbox/${b}/retry`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'queued');
    assert.equal(r.body.attempts, 0);
    assert.equal(r.body.dead, false);
    assert.equal((await srv.api('POST', `/api/v1/outbox/${b}/retry`, { token: manager.token })).status, 403);
    assertProblem(await api('POST', '/api/v1/outbox/999999/retry'), 404, 'not-found');
    const audit = await api('GET', `/api/v1/audit?entity=outbox&entity_id=${b}`);
    assert.deepEqual(audit.body.items.map((x) => x.action), ['retry']);
    assert.equal((await sendUntil(srv, admin, b, (x) => x.status === 'sent')).status, 'sent');
    assert.equal((await sendUntil(srv, admin, a, (x) => x.status === 'sent')).status, 'sent');
    assert.equal(smtp.messages.filter((x) => x.to.includes(p.email)).length, 1);
    assert.equal(smtp.messages.filter((x) => x.to.includes(t.email)).length, 1);
  });

  it('a test message: ok with the server up, ok false with the error when it is not', async () => {
    const before = smtp.messages.length;
    const r = await api('POST', '/api/v1/marketing/gateways/email/test', { body: { to: 'ops@example.com' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, true, r.body.detail);
    assert.equal(smtp.messages.length, before + 1);
    const { headers } = parseMail(smtp.messages.at(-1).raw);
    assert.equal(decodeWords(headers.subject), 'Tersa test message / 测试邮件');
    assertProblem(await api('POST', '/api/v1/marketing/gateways/email/test', { body: {} }), 422, 'validation', ['to']);
    // Nothing listens on the wechat gateway's port.
    const w = await api('PUT', '/api/v1/marketing/gateways/wechat', { body: { config: { url: 'http://127.0.0.1:9/hook' }, secret: 's' } });
    assert.equal(w.status, 200, w.text);
    const f = await api('POST', '/api/v1/marketing/gateways/wechat/test', { body: { to: 'wx-openid' } });
    assert.equal(f.status, 200, f.text);
    assert.equal(f.body.ok, false);
    assert.ok(f.body.detail.length > 0);
    const none = await api('POST', '/api/v1/marketing/gateways/sms/test', { body: { to: '13900000000' } });
    assert.equal(none.body.ok, false);
    assert.match(none.body.detail, /not configured/);
  });
});
