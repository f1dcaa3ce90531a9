// The company time zone: a change through the settings moves the business
// day of the next sale at once, on this server and, without a restart, on
// another server sharing the database.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq } from '../lib/server.mjs';

// Far apart (UTC+14 and UTC-11): their days always differ.
const EAST = 'Pacific/Kiritimati';
const WEST = 'Pacific/Pago_Pago';
const dayIn = (zone) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('company time zone', () => {
  let a, b, storeId, product;
  const setZone = async (srv, time_zone) => {
    const cur = await srv.api('GET', '/api/v1/settings', { token: srv.adminToken });
    assert.equal(cur.status, 200, cur.text);
    const { updated_at, ...body } = cur.body;
    const r = await srv.api('PUT', '/api/v1/settings', { token: srv.adminToken, body: { ...body, time_zone } });
    assert.equal(r.status, 200, r.text);
  };
  const saleDay = async (srv) => {
    const before = [dayIn(EAST), dayIn(WEST)];
    const r = await srv.api('POST', '/api/v1/sales', {
      token: srv.adminToken,
      headers: { 'idempotency-key': randomUUID() },
      body: { store_id: storeId, lines: [{ product_id: product.id, quantity: 1 }], payments: [{ method: 'cash', amount: 1000 }] },
    });
    assert.equal(r.status, 201, r.text);
    return { day: r.body.day, before, after: [dayIn(EAST), dayIn(WEST)] };
  };
  const isDayOf = (s, i) => s.day === s.before[i] || s.day === s.after[i];

  before(async () => {
    a = await startServer({ args: ['--per-ip', '1024'] });
    const api = (m, p, o = {}) => a.api(m, p, { token: a.adminToken, ...o });
    const code = `S${uniq()}`.slice(0, 12);
    let r = await api('POST', '/api/v1/stores', { body: { code, name: `Store ${code}`, channel: 'direct' } });
    assert.equal(r.status, 201, r.text);
    storeId = r.body.id;
    r = await api('POST', '/api/v1/products', { body: { sku: `P-${uniq()}`, name: 'Water', price: 1000, vat_rate: 1300 } });
    assert.equal(r.status, 201, r.text);
    product = r.body;
    r = await api('POST', '/api/v1/stock/moves', { body: { store_id: storeId, product_id: product.id, quantity: 500, reason: 'receipt' } });
    assert.equal(r.status, 201, r.text);
    b = await startServer({ db: a.db, args: ['--per-ip', '1024'] });
  });
  after(async () => {
    await b?.stop({ keepDb: true });
    await a?.stop();
  });

  it('a change applies to the next sale on the same server', async () => {
    await setZone(a, EAST);
    assert.ok(isDayOf(await saleDay(a), 0));
    await setZone(a, WEST);
    assert.ok(isDayOf(await saleDay(a), 1));
  });

  it('another server on the same database follows without a restart', async () => {
    await setZone(a, EAST);
    // b reads the zone again within a few seconds
    let s;
    for (let i = 0; i < 40; i++) {
      s = await saleDay(b);
      if (isDayOf(s, 0)) break;
      await sleep(250);
    }
    assert.ok(isDayOf(s, 0), JSON.stringify(s));
    await setZone(a, WEST);
    for (let i = 0; i < 40; i++) {
      s = await saleDay(b);
      if (isDayOf(s, 1)) break;
      await sleep(250);
    }
    assert.ok(isDayOf(s, 1), JSON.stringify(s));
  });
});
