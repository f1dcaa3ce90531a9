// kill -9 in the middle of a send leaves nobody with two messages: the
// sender (`tersa job run outbox`) is killed while the SMTP server or the
// webhook gateway holds its message; a run right after leaves the message
// alone, and once the claim is old (TERSA_OUTBOX_CLAIM_MS) the email is
// failed as "interrupted; delivery unknown" (never sent again) while the
// webhook goes again with the same Idempotency-Key, which the gateway uses
// to drop the duplicate.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq } from '../lib/server.mjs';
import { sleep } from '../lib/proc.mjs';
import { sql, queue, runOutbox, startOutbox, startSmtp, startReceiver } from './outbox-lib.mjs';

describe('outbox: a crash mid-send', () => {
  let srv, smtp, hook, db, engine;
  const holdMail = new Set();
  let holdHook = true;
  const phone = () => `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  // The database alone, for sql() while no server runs.
  const dbh = () => ({ db, engine });
  const status = (id) => sql(dbh(), `SELECT status, COALESCE(error, '') FROM outbox WHERE id = ${id}`)[0];

  async function killMidSend(until) {
    const child = startOutbox(db);
    const closed = new Promise((r) => child.on('close', (code, signal) => r(signal)));
    const deadline = Date.now() + 15000;
    while (!until()) {
      assert.ok(Date.now() < deadline, 'the send never started');
      await sleep(20);
    }
    child.kill('SIGKILL');
    assert.equal(await closed, 'SIGKILL');
  }

  before(async () => {
    smtp = await startSmtp({ hang: (to) => to.some((a) => holdMail.has(a)) });
    // The gateway keeps the first request hanging; afterwards it answers,
    // delivering each Idempotency-Key once.
    hook = await startReceiver(() => (holdHook ? 'hang' : { status: 200, body: { ref: 'r1' } }));
    srv = await startServer();
    const api = (m, p, body) => srv.api(m, p, { token: srv.adminToken, body });
    assert.equal((await api('PUT', '/api/v1/marketing/settings', { public_url: 'https://shop.example.com', quiet_start: '00:00', quiet_end: '00:00' })).status, 200);
    assert.equal((await api('PUT', '/api/v1/marketing/gateways/email', { config: { smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'shop@example.com', starttls: 'none' } })).status, 200);
    assert.equal((await api('PUT', '/api/v1/marketing/gateways/sms', { config: { url: hook.url }, secret: 's3cret' })).status, 200);
    const c = await api('POST', '/api/v1/customers', { name: `Crash ${uniq()}`, phone: phone(), email: `crash${uniq()}@example.com`, consent_email: true, consent_sms: true });
    assert.equal(c.status, 201, c.text);
    srv.customer = c.body;
    // The server's own scheduler would send too: stop it, keep the data.
    ({ db, engine } = srv);
    await srv.stop({ keepDb: true });
  });
  after(async () => {
    srv = await startServer({ db });
    await srv.stop();
    await smtp?.close();
    await hook?.close();
  });

  it('email: failed as "interrupted; delivery unknown", never sent twice', async () => {
    const c = srv.customer;
    holdMail.add(c.email);
    const id = queue(dbh(), { customerId: c.id, channel: 'email', recipient: c.email, subject: 'Once', body: 'only once' });
    await killMidSend(() => smtp.started.some((s) => s.to.includes(c.email)));
    assert.equal(status(id)[0], 'sending');
    holdMail.delete(c.email);
    await runOutbox(dbh());
    assert.equal(status(id)[0], 'sending', 'a fresh claim is left alone: its sender may still be at work');
    await runOutbox(dbh(), { TERSA_OUTBOX_CLAIM_MS: '1' });
    assert.deepEqual(status(id), ['failed', 'interrupted; delivery unknown']);
    await runOutbox(dbh(), { TERSA_OUTBOX_CLAIM_MS: '1' });
    assert.equal(smtp.started.filter((s) => s.to.includes(c.email)).length, 1, 'one attempt at the SMTP server, never a second');
    assert.equal(status(id)[0], 'failed');
  });

  it('webhook: sent again with the same Idempotency-Key, so the gateway delivers it once', async () => {
    const c = srv.customer;
    const id = queue(dbh(), { customerId: c.id, channel: 'sms', recipient: c.phone, body: 'only once' });
    await killMidSend(() => hook.requests.some((r) => r.body?.id === id));
    assert.equal(status(id)[0], 'sending');
    holdHook = false;
    await runOutbox(dbh());
    assert.equal(status(id)[0], 'sending');
    assert.equal(hook.requests.filter((r) => r.body?.id === id).length, 1);
    await runOutbox(dbh(), { TERSA_OUTBOX_CLAIM_MS: '1' });
    assert.equal(status(id)[0], 'sent');
    const reqs = hook.requests.filter((r) => r.body?.id === id);
    assert.equal(reqs.length, 2);
    assert.deepEqual(reqs.map((r) => r.headers['idempotency-key']), [String(id), String(id)]);
    assert.equal(new Set(reqs.map((r) => r.headers['idempotency-key'])).size, 1, 'one message for the gateway');
  });
});
