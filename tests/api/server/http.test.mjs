// HTTP layer: request framing (Content-Length vs Transfer-Encoding), body
// limits, routing errors, keep-alive, request ids, security headers, load.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, rawRequest } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

// A connection that reads whole HTTP/1.1 responses one after another.
function connect(port) {
  const sock = net.connect(port, '127.0.0.1');
  let buf = Buffer.alloc(0);
  let closed = false;
  let wake = null;
  sock.on('data', (d) => { buf = Buffer.concat([buf, d]); wake?.(); });
  sock.on('close', () => { closed = true; wake?.(); });
  sock.on('error', () => { closed = true; wake?.(); });
  const more = (ms) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out waiting for the response')), ms);
    wake = () => { clearTimeout(t); wake = null; resolve(); };
  });
  async function response(ms = 5000) {
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = buf.subarray(0, end).toString('latin1');
        const lines = head.split('\r\n');
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1] ?? 0);
        const headers = {};
        for (const l of lines.slice(1)) {
          const i = l.indexOf(':');
          headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
        }
        const rest = buf.subarray(end + 4);
        if (headers['content-length'] !== undefined) {
          const n = Number(headers['content-length']);
          if (rest.length >= n) {
            buf = rest.subarray(n);
            return { status, headers, body: rest.subarray(0, n).toString('utf8') };
          }
        } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
          const i = rest.indexOf('0\r\n\r\n');
          if (i >= 0) {
            buf = rest.subarray(i + 5);
            return { status, headers, body: rest.subarray(0, i).toString('utf8') };
          }
        } else if (closed) {
          buf = Buffer.alloc(0);
          return { status, headers, body: rest.toString('utf8') };
        }
      }
      if (closed) throw new Error(`connection closed; got ${JSON.stringify(buf.toString('latin1').slice(0, 200))}`);
      await more(ms);
    }
  }
  return {
    write: (s) => sock.write(s),
    response,
    isClosed: () => closed,
    waitClosed: async (ms = 3000) => {
      const deadline = Date.now() + ms;
      while (!closed && Date.now() < deadline) await more(deadline - Date.now()).catch(() => {});
      return closed;
    },
    destroy: () => sock.destroy(),
  };
}

describe('http', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv?.stop(); });

  it('Content-Length with Transfer-Encoding: 400 and the connection closed', async () => {
    const body = '{"username":"admin","password":"x"}';
    const chunked = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const r = await rawRequest(srv,
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${chunked.length}\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}`);
    assert.equal(r.status, 400, r.text);
    assert.ok(r.closed, 'connection closed by the server');
    assert.equal((r.text.match(/HTTP\/1\.1 /g) || []).length, 1, 'exactly one response');
    assert.doesNotMatch(r.text, /"token"/);
  });

  it('a Transfer-Encoding other than chunked: 400 and closed', async () => {
    for (const te of ['gzip', 'gzip, chunked', 'identity', 'chunked, gzip']) {
      const r = await rawRequest(srv,
        `POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: ${te}\r\n\r\n0\r\n\r\n`);
      assert.equal(r.status, 400, `${te}: ${r.text}`);
      assert.ok(r.closed, `${te}: connection closed`);
    }
  });

  it('a declared Content-Length over 1 MiB: 413 without sending the body', async () => {
    const c = connect(srv.port);
    try {
      c.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{"a":');
      const r = await c.response(5000);
      assert.equal(r.status, 413, r.body);
      assert.match(r.headers['content-type'], /^application\/problem\+json/);
      assert.equal(JSON.parse(r.body).type, '/problems/payload-too-large');
    } finally {
      c.destroy();
    }
  });

  it('a chunked body over 1 MiB: 413', async () => {
    const c = connect(srv.port);
    try {
      c.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      const chunk = 'x'.repeat(64 * 1024);
      let answered = null;
      const p = c.response(10000).then((r) => { answered = r; });
      for (let i = 0; i < 20 && !answered && !c.isClosed(); i++) c.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      if (!answered && !c.isClosed()) c.write('0\r\n\r\n');
      await p;
      assert.equal(answered.status, 413, answered.body);
    } finally {
      c.destroy();
    }
  });

  it('unknown routes answer 404, a wrong method 405, as problem+json', async () => {
    assertProblem(await srv.api('GET', '/api/v1/nope', { token: srv.adminToken }), 404, 'not-found');
    assertProblem(await srv.api('GET', '/api/v1/nope'), 404, 'not-found');
    assertProblem(await srv.api('GET', '/api/v2/products', { token: srv.adminToken }), 404, 'not-found');
    const m = await srv.api('DELETE', '/api/v1/stores', { token: srv.adminToken });
    assertProblem(m, 405, 'method-not-allowed');
    assertProblem(await srv.api('PUT', '/api/v1/products/1', { token: srv.adminToken, body: {} }), 405, 'method-not-allowed');
    assertProblem(await srv.api('POST', '/api/v1/health'), 405, 'method-not-allowed');
  });

  it('{id} takes only a positive integer', async () => {
    const t = { token: srv.adminToken };
    for (const p of ['abc', '0', '-1', '007', '1.5', '1e3', '99999999999999999999', '1%20', '1/']) {
      assertProblem(await srv.api('GET', `/api/v1/products/${p}`, t), 404, 'not-found');
    }
    assertProblem(await srv.api('GET', '/api/v1/products/9223372036854775807', t), 404, 'not-found');
  });

  it('malformed JSON and non-object bodies answer 400', async () => {
    const t = { token: srv.adminToken };
    assertProblem(await srv.api('POST', '/api/v1/categories', { ...t, raw: '{"name": "x",}' }), 400, 'malformed-json');
    assertProblem(await srv.api('POST', '/api/v1/categories', { ...t, raw: '' }), 400, 'malformed-json');
    assertProblem(await srv.api('POST', '/api/v1/categories', { ...t, raw: '{"name": "a"} trailing' }), 400, 'malformed-json');
    assertProblem(await srv.api('POST', '/api/v1/categories', { ...t, raw: '{"name": "a", "name": "b"}' }), 400, 'malformed-json');
    assertProblem(await srv.api('POST', '/api/v1/categories', { ...t, raw: '["name"]' }), 400, 'bad-request');
    assertProblem(await srv.api('POST', '/api/v1/categories', { ...t, raw: '"x"' }), 400, 'bad-request');
    assertProblem(await srv.api('POST', '/api/v1/categories', { ...t, raw: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }), 400, 'malformed-json');
    const list = await srv.api('GET', '/api/v1/categories', t);
    assert.deepEqual(list.body.items, [], 'nothing was created');
  });

  it('keep-alive: two requests on one connection', async () => {
    const c = connect(srv.port);
    try {
      c.write('GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n');
      const a = await c.response();
      assert.equal(a.status, 200);
      assert.notEqual((a.headers.connection ?? '').toLowerCase(), 'close', 'first reply keeps the connection');
      assert.equal(JSON.parse(a.body).status, 'ok');
      c.write(`GET /api/v1/me HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ${srv.adminToken}\r\n\r\n`);
      const b = await c.response();
      assert.equal(b.status, 200);
      assert.equal(JSON.parse(b.body).username, 'admin');
      // An error reply does not need to close the connection either.
      c.write('GET /api/v1/nope HTTP/1.1\r\nHost: t\r\n\r\n');
      const n = await c.response();
      assert.equal(n.status, 404);
      c.write('GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n');
      assert.equal((await c.response()).status, 200);
      assert.equal(c.isClosed(), false);
    } finally {
      c.destroy();
    }
  });

  it('echoes a sane X-Request-Id and makes one otherwise', async () => {
    const mine = await srv.api('GET', '/api/v1/health', { headers: { 'X-Request-Id': 'test-req-0042' } });
    assert.equal(hdr(mine, 'x-request-id'), 'test-req-0042');
    const made = await srv.api('GET', '/api/v1/health');
    assert.ok((hdr(made, 'x-request-id') || '').length >= 8);
    const other = await srv.api('GET', '/api/v1/health');
    assert.notEqual(hdr(other, 'x-request-id'), hdr(made, 'x-request-id'));
    const insane = await srv.api('GET', '/api/v1/health', { headers: { 'X-Request-Id': `${'a'.repeat(300)}<script>` } });
    const got = hdr(insane, 'x-request-id') || '';
    assert.ok(got.length > 0 && got.length <= 64 && !got.includes('<'), `replaced: ${got}`);
    const err = await srv.api('GET', '/api/v1/nope', { headers: { 'X-Request-Id': 'err-req-7' } });
    assert.equal(hdr(err, 'x-request-id'), 'err-req-7');
  });

  it('security headers on every reply', async () => {
    for (const r of [
      await srv.api('GET', '/api/v1/health'),
      await srv.api('GET', '/api/v1/nope'),
      await srv.api('GET', '/api/v1/me'),
      await srv.api('GET', '/api/v1/me', { token: srv.adminToken }),
    ]) {
      assert.equal(hdr(r, 'x-content-type-options'), 'nosniff', `${r.status}`);
      assert.match(hdr(r, 'content-security-policy') || '', /frame-ancestors 'none'/, `${r.status}`);
    }
    const me = await srv.api('GET', '/api/v1/me', { token: srv.adminToken });
    assert.match(hdr(me, 'cache-control') || '', /no-store/);
  });

  it('200 concurrent GET /api/v1/health all answer 200', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, () =>
      fetch(`${srv.url}/api/v1/health`).then(async (r) => ({ status: r.status, body: await r.json() }), (e) => ({ status: 0, error: String(e.cause ?? e) }))));
    const bad = results.filter((r) => r.status !== 200);
    assert.deepEqual(bad, []);
    assert.ok(results.every((r) => r.body.status === 'ok'));
  });

  it('the server still answers after all of that', async () => {
    const r = await srv.api('GET', '/api/v1/me', { token: srv.adminToken });
    assert.equal(r.status, 200);
  });
});

describe('http: stopping', () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const post = (token, body, extra = '') => `POST /api/v1/stores HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n`;

  it('after SIGTERM requests on kept-alive and new connections answer 503 and do not run; the one in flight finishes', async () => {
    const srv = await startServer();
    const token = srv.adminToken;
    let again;
    try {
      const idle = connect(srv.port);
      idle.write('GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n');
      assert.equal((await idle.response()).status, 200);
      // The gauge as /metrics sees it (it counts itself). A client can read an
      // answer before the server has finished with that request, so first
      // wait until nothing but /metrics is counted.
      const inFlight = async (want, what) => {
        for (let i = 0; ; i++) {
          const m = await srv.api('GET', '/metrics');
          const n = Number(/^tersa_http_requests_in_flight (\d+)$/m.exec(m.text)?.[1]);
          if (n === want) return;
          assert.ok(i < 500, `${what}: ${n} in flight, not ${want}`);
          await sleep(20);
        }
      };
      await inFlight(1, 'the earlier requests never finished');
      // In flight: headers and half of the body sent before the signal.
      const busy = connect(srv.port);
      const first = '{"code":"INFLIGHT","name":"In flight","channel":"direct"}';
      busy.write(post(token, first) + first.slice(0, 10));
      // The signal must find it begun: wait until /metrics counts it too.
      await inFlight(2, 'the request in flight never began');
      srv.proc.kill('SIGTERM');
      await sleep(200);
      const late = '{"code":"LATE","name":"Late","channel":"direct"}';
      // Headers first, then the body, as clients often send them.
      idle.write(post(token, late));
      await sleep(100);
      idle.write(late);
      const r = await idle.response();
      assert.equal(r.status, 503, r.body);
      assert.equal(r.headers.connection, 'close');
      // New connections while draining: 503 too, never a reset.
      const fresh = await Promise.all(Array.from({ length: 10 }, (_, i) => fetch(`${srv.url}/api/v1/stores`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ code: `NEW${i}`, name: 'New', channel: 'direct' }),
      }).then((x) => x.status, (e) => String(e.cause?.code ?? e))));
      assert.deepEqual(fresh, Array(10).fill(503));
      busy.write(first.slice(10));
      assert.equal((await busy.response()).status, 201);
      await srv.stop({ keepDb: true });
      again = await startServer({ db: srv.db });
      const l = await again.api('GET', '/api/v1/stores', { token: again.adminToken });
      assert.deepEqual(l.body.items.map((s) => s.code), ['INFLIGHT'], 'only the request in flight ran');
    } finally {
      await srv.stop().catch(() => {});
      await again?.stop();
    }
  });
});
