// outbox-lib.mjs: helpers for the outbox tests (tests/api/marketing/outbox*):
// direct SQL on the test database, queueing a message as a campaign or a
// journey would, running the sender (`tersa job run outbox`), a webhook
// receiver that checks nothing itself but records every request, and an
// SMTP server (npm smtp-server) that records every message.
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import crypto from 'node:crypto';
import path from 'node:path';
import { ROOT } from '../lib/server.mjs';
import { sleep } from '../lib/proc.mjs';

export const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');

// The first retry's delay the test servers and job runs use (ms).
export const BACKOFF_MS = 150;

// One statement on srv's database; the output's rows as arrays of text.
export function sql(srv, text) {
  const out = srv.engine === 'sqlite'
    ? execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, text], { encoding: 'utf8' })
    : execFileSync('psql', [srv.db, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((l) => l.split('|'));
}

const q = (v) => (v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);

// Queues one message as the campaign or journey code does; returns its id.
export function queue(srv, { customerId = null, channel, recipient = '', subject = null, body = 'Hello', source = 'campaign', sourceId = null, lang = null, dedupKey = null }) {
  const now = Date.now();
  const rows = sql(srv, `INSERT INTO outbox (customer_id, channel, recipient, subject, body, status, source, source_id, created_at, lang, dedup_key, updated_at)
    VALUES (${q(customerId)}, ${q(channel)}, ${q(recipient)}, ${q(subject)}, ${q(body)}, 'queued', ${q(source)}, ${q(sourceId)}, ${now}, ${q(lang)}, ${q(dedupKey)}, ${now}) RETURNING id`);
  return Number(rows[0][0]);
}

// Runs the sender once, as the scheduler does (env: extra variables).
// Asynchronously: the SMTP server and the receiver live in this process.
export async function runOutbox(srv, env = {}) {
  const child = startOutbox(srv.db, env, ['ignore', 'pipe', 'pipe']);
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const [code, signal] = await new Promise((r) => child.on('close', (c, s) => r([c, s])));
  if (code !== 0) throw new Error(`job run outbox: ${code} ${signal} ${out}`);
}

// Starts the sender in the background (for the crash tests); returns the child.
export function startOutbox(db, env = {}, stdio = 'ignore') {
  return spawn(BIN, ['job', 'run', 'outbox', '--db', db], {
    cwd: ROOT, env: { ...process.env, TERSA_OUTBOX_BACKOFF_MS: String(BACKOFF_MS), ...env }, stdio,
  });
}

// The message's row as GET /outbox answers it.
export async function message(srv, token, id) {
  const r = await srv.api('GET', `/api/v1/outbox?cursor=${id - 1}&limit=1`, { token });
  if (r.status !== 200 || r.body.items[0]?.id !== id) throw new Error(`outbox ${id}: ${r.status} ${r.text}`);
  return r.body.items[0];
}

// Runs the sender until ok(row) holds for message id (20 s at most).
export async function sendUntil(srv, token, id, ok, env = {}) {
  const until = Date.now() + 20000;
  for (;;) {
    await runOutbox(srv, env);
    const m = await message(srv, token, id);
    if (ok(m)) return m;
    if (Date.now() > until) throw new Error(`message ${id} stayed ${JSON.stringify(m)}`);
    await sleep(BACKOFF_MS);
  }
}

// Signature headers as a gateway computes them for body (a string).
export function signed(secret, body, ts = Math.floor(Date.now() / 1000)) {
  const sig = crypto.createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
  return { 'x-tersa-timestamp': String(ts), 'x-tersa-signature': `sha256=${sig}` };
}

// An HTTP gateway on loopback: each request is recorded as {at, headers,
// raw, body}; answer(req) decides {status, body} (default 200 {ref}), or
// returns 'hang' to never answer.
export async function startReceiver(answer = () => ({ status: 200 })) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { raw += d; });
    req.on('end', () => {
      let body = null;
      try { body = JSON.parse(raw); } catch { /* recorded as raw */ }
      const rec = { at: Date.now(), headers: req.headers, raw, body };
      requests.push(rec);
      const a = answer(rec) ?? { status: 200 };
      if (a === 'hang') return;
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(a.body ?? {}));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    requests,
    close: () => { server.closeAllConnections?.(); return new Promise((r) => server.close(r)); },
  };
}

// An SMTP server on loopback without TLS; every message is recorded as
// {from, to, auth, raw}. opts: users {name: password} (AUTH required when
// given), rcpt(address) → null or an SMTP error code to refuse it with,
// onData(raw-so-far) → 'hang' to stop answering (the crash test).
export async function startSmtp({ users = null, rcpt = () => null, hang = () => false } = {}) {
  const { SMTPServer } = await import('smtp-server');
  const messages = [];
  const started = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: users ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !users,
    logger: false,
    onAuth(auth, session, cb) {
      if (users && users[auth.username] === auth.password) return cb(null, { user: auth.username });
      return cb(new Error('bad user or password'));
    },
    onRcptTo(address, session, cb) {
      const code = rcpt(address.address);
      if (code) {
        const err = new Error(`refused ${address.address}`);
        err.responseCode = code;
        return cb(err);
      }
      return cb();
    },
    onData(stream, session, cb) {
      const to = session.envelope.rcptTo.map((r) => r.address);
      started.push({ to });
      if (hang(to)) { stream.resume(); return; }
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        messages.push({ from: session.envelope.mailFrom.address, to, auth: session.user ?? null, raw: Buffer.concat(chunks).toString('latin1') });
        cb();
      });
    },
  });
  // A sender killed in the middle of a message resets its connection, which
  // smtp-server re-emits as 'error' on the server: with no listener that
  // would be an uncaught exception in whichever test is running.
  server.on('error', () => {});
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.server.address().port, messages, started, close: () => new Promise((r) => server.close(r)) };
}

// A raw message's headers (unfolded, names lower-cased) and decoded body.
export function parseMail(raw) {
  const i = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, i).replace(/\r\n[ \t]/g, ' ');
  const headers = {};
  for (const line of head.split('\r\n')) {
    const k = line.indexOf(':');
    headers[line.slice(0, k).toLowerCase()] = line.slice(k + 1).trim();
  }
  let body = raw.slice(i + 4);
  if (/base64/i.test(headers['content-transfer-encoding'] ?? '')) body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return { headers, body };
}

// RFC 2047 encoded words (B encoding, UTF-8, each word whole characters)
// back to text; the space between two adjacent words is dropped.
export function decodeWords(s) {
  return s.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (m, b) => Buffer.from(b, 'base64').toString('utf8'));
}
