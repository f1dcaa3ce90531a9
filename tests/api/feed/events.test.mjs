// The live feed GET /api/v1/events (Server-Sent Events): sales, returns and
// stock alerts reach the users who see their store, Last-Event-ID resumes
// with exactly the missed events, a client that never reads holds up no
// sale, the per-user stream limit, bad parameters.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

// A feed reader: parses the stream into {id, event, data} (and comments),
// keeps them in `events`, and resolves waitFor() once a predicate holds.
// A closed stream's place is freed once the server finds its client gone
// (at its next write): a 429 is tried again a few times unless `once`.
async function openFeed(srv, token, opts = {}) {
  for (let i = 0; ; i++) {
    const f = await openFeedOnce(srv, token, opts);
    if (f.status !== 429 || opts.once || i >= 40) return f;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function openFeedOnce(srv, token, { query = '', lastEventId, cookie } = {}) {
  return new Promise((resolve, reject) => {
    const headers = { accept: 'text/event-stream' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (cookie) headers.cookie = cookie;
    if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
    const req = http.get({ host: '127.0.0.1', port: srv.port, path: `/api/v1/events${query}`, headers });
    const feed = { events: [], comments: [], retry: null, status: 0, headers: null, waiters: [], ended: false };
    feed.close = () => req.destroy();
    feed.waitFor = (pred, what = 'an event', ms = 10000) =>
      new Promise((res, rej) => {
        if (pred(feed)) return res(feed);
        const w = { pred, res };
        w.timer = setTimeout(() => {
          feed.waiters = feed.waiters.filter((x) => x !== w);
          rej(new Error(`feed: timed out waiting for ${what}; got ${JSON.stringify(feed.events)}`));
        }, ms);
        feed.waiters.push(w);
      });
    const check = () => {
      for (const w of [...feed.waiters]) {
        if (w.pred(feed)) {
          clearTimeout(w.timer);
          feed.waiters = feed.waiters.filter((x) => x !== w);
          w.res(feed);
        }
      }
    };
    req.on('error', (e) => {
      if (!feed.status) reject(e);
    });
    req.on('response', (res) => {
      feed.status = res.statusCode;
      feed.headers = res.headers;
      if (res.statusCode !== 200) {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          feed.body = text ? JSON.parse(text) : null;
          resolve(feed);
        });
        return;
      }
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        pending += d;
        let at;
        while ((at = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, at);
          pending = pending.slice(at + 2);
          const ev = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) feed.comments.push(line.slice(1).trim());
            else if (line.startsWith('retry: ')) feed.retry = Number(line.slice(7));
            else if (line.startsWith('id: ')) ev.id = line.slice(4);
            else if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('data: ')) ev.data = JSON.parse(line.slice(6));
          }
          if (ev.event) feed.events.push(ev);
        }
        check();
      });
      for (const what of ['end', 'close']) {
        res.on(what, () => {
          feed.ended = true;
          check();
        });
      }
      res.on('error', () => {});
      resolve(feed);
    });
  });
}

const sales = (feed) => feed.events.filter((e) => e.event === 'sale');

describe('live feed', () => {
  let srv, admin, storeA, storeB, product, seller, managerB;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const sell = async (store, token = admin, quantity = 1) => {
    const r = await srv.api('POST', '/api/v1/sales', {
      token,
      headers: { 'idempotency-key': randomUUID() },
      body: { store_id: store.id, lines: [{ product_id: product.id, quantity }], payments: [{ method: 'cash', amount: 100000 }] },
    });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    const st = async (name) => {
      const r = await api('POST', '/api/v1/stores', { body: { code: `F${uniq()}`.slice(0, 12), name, channel: 'direct' } });
      assert.equal(r.status, 201, r.text);
      return r.body;
    };
    storeA = await st('Feed store A');
    storeB = await st('Feed store B');
    const p = await api('POST', '/api/v1/products', { body: { sku: `F${uniq()}`, name: 'Feed tea', unit: 'pcs', price: 1500, cost: 700, vat_rate: 1300 } });
    assert.equal(p.status, 201, p.text);
    product = p.body;
    for (const s of [storeA, storeB]) {
      const r = await api('POST', '/api/v1/stock/moves', { body: { store_id: s.id, product_id: product.id, quantity: 100000, reason: 'receipt' } });
      assert.equal(r.status, 201, r.text);
    }
    seller = await makeUser(srv, 'sales', [storeA.id]);
    managerB = await makeUser(srv, 'store_manager', [storeB.id]);
  });
  after(async () => {
    await srv?.stop();
  });

  it('answers an event stream with a retry line', async () => {
    const f = await openFeed(srv, admin);
    assert.equal(f.status, 200);
    assert.match(f.headers['content-type'], /^text\/event-stream/);
    assert.equal(f.headers['cache-control'], 'no-store');
    await f.waitFor((x) => x.retry !== null, 'the retry line');
    assert.equal(f.retry, 3000);
    f.close();
  });

  it('sends a sale made by another user, with its store, number, total and time', async () => {
    const f = await openFeed(srv, admin);
    await f.waitFor((x) => x.retry !== null, 'the retry line');
    const sale = await sell(storeA, seller.token, 2);
    await f.waitFor((x) => sales(x).some((e) => e.data.sale_id === sale.id), 'the sale');
    const ev = sales(f).find((e) => e.data.sale_id === sale.id);
    assert.match(ev.id, /^\d+$/);
    assert.deepEqual(ev.data, {
      sale_id: sale.id,
      number: sale.number,
      store_id: storeA.id,
      store_code: storeA.code,
      store_name: storeA.name,
      total: sale.total,
      at: sale.at,
    });
    f.close();
  });

  it("does not send a store-bound user another store's sales", async () => {
    const f = await openFeed(srv, managerB.token);
    assert.equal(f.status, 200);
    await f.waitFor((x) => x.retry !== null, 'the retry line');
    const a = await sell(storeA);
    const b = await sell(storeB);
    await f.waitFor((x) => sales(x).some((e) => e.data.sale_id === b.id), "store B's sale");
    assert.ok(!f.events.some((e) => e.data.sale_id === a.id), JSON.stringify(f.events));
    assert.ok(f.events.every((e) => e.data.store_id === storeB.id), JSON.stringify(f.events));
    f.close();
  });

  it('filters by ?store_id= and checks the store like other routes', async () => {
    const f = await openFeed(srv, admin, { query: `?store_id=${storeB.id}` });
    await f.waitFor((x) => x.retry !== null, 'the retry line');
    const a = await sell(storeA);
    const b = await sell(storeB);
    await f.waitFor((x) => sales(x).some((e) => e.data.sale_id === b.id), "store B's sale");
    assert.ok(!f.events.some((e) => e.data.sale_id === a.id));
    f.close();
    // Another store's id is not found for a store-bound user.
    const other = await openFeed(srv, managerB.token, { query: `?store_id=${storeA.id}` });
    assert.equal(other.status, 404);
    const bad = await srv.api('GET', '/api/v1/events?store_id=abc', { token: admin });
    assertProblem(bad, 422, 'validation', ['store_id']);
  });

  it('sends a return with its sale number and refund', async () => {
    const f = await openFeed(srv, seller.token);
    await f.waitFor((x) => x.retry !== null, 'the retry line');
    const sale = await sell(storeA, seller.token, 3);
    const r = await srv.api('POST', `/api/v1/sales/${sale.id}/returns`, {
      token: admin,
      body: { lines: [{ line_id: sale.lines[0].id, quantity: 1 }], refund_method: 'cash', reason: 'broken' },
    });
    assert.equal(r.status, 201, r.text);
    const ret = r.body.returns[r.body.returns.length - 1];
    await f.waitFor((x) => x.events.some((e) => e.event === 'return'), 'the return');
    const ev = f.events.find((e) => e.event === 'return');
    assert.deepEqual(ev.data, {
      return_id: ret.id,
      sale_id: sale.id,
      sale_number: sale.number,
      store_id: storeA.id,
      store_code: storeA.code,
      store_name: storeA.name,
      kind: ret.kind,
      refund: ret.refund_total,
      at: ret.at,
    });
    // The sale came first, in order of ids.
    const ids = f.events.map((e) => BigInt(e.id));
    assert.deepEqual(ids, [...ids].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    f.close();
  });

  it('sends the stock alert a sale raises', async () => {
    const p = await api('POST', '/api/v1/products', { body: { sku: `FA${uniq()}`, name: 'Alert tea', unit: 'pcs', price: 900, cost: 400, vat_rate: 1300 } });
    assert.equal(p.status, 201, p.text);
    let r = await api('POST', '/api/v1/stock/moves', { body: { store_id: storeA.id, product_id: p.body.id, quantity: 6, reason: 'receipt' } });
    assert.equal(r.status, 201, r.text);
    r = await api('PUT', `/api/v1/stores/${storeA.id}/reorder-rules/${p.body.id}`, { body: { min: 5, max: 20 } });
    assert.ok(r.status === 200 || r.status === 201, r.text);
    const f = await openFeed(srv, admin);
    const fb = await openFeed(srv, managerB.token);
    await f.waitFor((x) => x.retry !== null, 'the retry line');
    r = await srv.api('POST', '/api/v1/sales', {
      token: admin,
      headers: { 'idempotency-key': randomUUID() },
      body: { store_id: storeA.id, lines: [{ product_id: p.body.id, quantity: 2 }], payments: [{ method: 'cash', amount: 10000 }] },
    });
    assert.equal(r.status, 201, r.text);
    await f.waitFor((x) => x.events.some((e) => e.event === 'alert' && e.data.product_id === p.body.id), 'the alert');
    const ev = f.events.find((e) => e.event === 'alert' && e.data.product_id === p.body.id);
    assert.equal(ev.data.kind, 'low_stock');
    assert.equal(ev.data.store_id, storeA.id);
    assert.equal(ev.data.store_code, storeA.code);
    assert.equal(typeof ev.data.alert_id, 'number');
    assert.equal(typeof ev.data.message, 'string');
    assert.ok(!fb.events.some((e) => e.event === 'alert' && e.data.product_id === p.body.id));
    f.close();
    fb.close();
  });

  it('resumes after Last-Event-ID with exactly the missed events', async () => {
    const f = await openFeed(srv, admin);
    const first = await sell(storeA);
    await f.waitFor((x) => sales(x).some((e) => e.data.sale_id === first.id), 'the first sale');
    const lastId = sales(f).find((e) => e.data.sale_id === first.id).id;
    f.close();
    const missed = [];
    for (let i = 0; i < 3; i++) missed.push((await sell(i === 1 ? storeB : storeA)).id);
    for (const how of ['header', 'query']) {
      const g = how === 'header' ? await openFeed(srv, admin, { lastEventId: lastId }) : await openFeed(srv, admin, { query: `?last_event_id=${lastId}` });
      assert.equal(g.status, 200);
      await g.waitFor((x) => x.events.length >= 3, 'the missed sales');
      // A sale after the reconnect follows them, and nothing else came.
      const next = await sell(storeA);
      await g.waitFor((x) => sales(x).some((e) => e.data.sale_id === next.id), 'the next sale');
      assert.deepEqual(g.events.map((e) => e.event === 'sale' && e.data.sale_id), [...missed, next.id], how);
      missed.push(next.id);
      g.close();
    }
  });

  it('tells a client whose Last-Event-ID is unknown or too old to reload', async () => {
    const g = await openFeed(srv, admin, { lastEventId: '1' });
    assert.equal(g.status, 200);
    await g.waitFor((x) => x.events.some((e) => e.event === 'reset'), 'a reset');
    const reset = g.events.find((e) => e.event === 'reset');
    assert.match(reset.id, /^\d+$/);
    // From the reset on, new events follow.
    const s = await sell(storeA);
    await g.waitFor((x) => sales(x).some((e) => e.data.sale_id === s.id), 'the sale');
    assert.equal(sales(g).length, 1);
    g.close();
    const bad = await srv.api('GET', '/api/v1/events?last_event_id=x1', { token: admin });
    assertProblem(bad, 422, 'validation', ['last_event_id']);
    const badh = await srv.api('GET', '/api/v1/events', { token: admin, headers: { 'last-event-id': '-3' } });
    assertProblem(badh, 422, 'validation', ['Last-Event-ID']);
  });

  it('needs a session: a token or the session cookie', async () => {
    const r = await srv.api('GET', '/api/v1/events');
    assertProblem(r, 401, 'unauthorized');
    const f = await openFeed(srv, null, { cookie: `tersa_session=${admin}` });
    assert.equal(f.status, 200);
    f.close();
  });

  it('limits open streams per user: the next one answers 429 with Retry-After', async () => {
    const u = await makeUser(srv, 'hq');
    const open = [];
    for (let i = 0; i < 4; i++) {
      const f = await openFeed(srv, u.token);
      assert.equal(f.status, 200);
      await f.waitFor((x) => x.retry !== null, 'the retry line');
      open.push(f);
    }
    const fifth = await openFeed(srv, u.token, { once: true });
    assert.equal(fifth.status, 429);
    assert.ok(Number(fifth.headers['retry-after']) > 0);
    assert.equal(fifth.body.type, '/problems/too-many-requests');
    // The refusal sent the user's streams a heartbeat, which finds clients
    // that are gone.
    await open[0].waitFor((x) => x.comments.includes('ping'), 'a heartbeat');
    // Another user is not held back by this one's streams.
    const other = await openFeed(srv, admin);
    assert.equal(other.status, 200);
    other.close();
    // A closed stream frees its place.
    open.pop().close();
    const again = await openFeed(srv, u.token);
    assert.equal(again.status, 200);
    again.close();
    for (const f of open) f.close();
  });

  it('keeps selling while a client never reads', async () => {
    // A socket with a 1 KiB receive buffer that reads nothing
    // (tests/tools/stall_client.c, built by make test-bins): the server's
    // writes to it stall once the socket buffers are full.
    const request = `GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${admin}\r\nAccept: text/event-stream\r\n\r\n`;
    const tool = fileURLToPath(new URL('../../../build/tests/tools/stall_client', import.meta.url));
    const stuck = spawn(tool, [String(srv.port)], { stdio: ['pipe', 'pipe', 'inherit'] });
    stuck.stdin.write(request);
    await new Promise((res, rej) => {
      stuck.stdout.once('data', res);
      stuck.once('error', rej);
    });
    const watcher = await openFeed(srv, admin);
    await watcher.waitFor((x) => x.retry !== null, 'the retry line');
    const made = [];
    const N = 400; // more than the socket buffers hold: the server's writes to it block
    const worker = async (w) => {
      for (let i = w; i < N; i += 8) made.push((await sell(i % 2 ? storeA : storeB)).id);
    };
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(worker));
    assert.equal(made.length, N);
    // The server still answers, and a client that reads got every sale.
    const h = await srv.api('GET', `/api/v1/sales?store_id=${storeA.id}&limit=1`, { token: admin });
    assert.equal(h.status, 200, h.text);
    await watcher.waitFor((x) => made.every((id) => sales(x).some((e) => e.data.sale_id === id)), 'every sale', 30000);
    watcher.close();
    stuck.stdin.end();
    stuck.kill();
  });

  it('ends open streams when the server stops, which stops promptly', async () => {
    const other = await startServer();
    const f = await openFeed(other, other.adminToken);
    const g = await openFeed(other, other.adminToken);
    await f.waitFor((x) => x.retry !== null, 'the retry line');
    await g.waitFor((x) => x.retry !== null, 'the retry line');
    await other.stop();
    await f.waitFor((x) => x.ended, 'the end of the stream');
    await g.waitFor((x) => x.ended, 'the end of the stream');
  });
});
