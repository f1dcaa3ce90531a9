// Targets: the seasonal split follows last year's months of the store (then
// the company's, then even) and sums to the total to the fen; dry run
// writes nothing; a month edited by hand is rebalanced over the others;
// attainment with the run rate; entries; who may split and read.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq, makeUser } from '../lib/server.mjs';

// The split as the API promises it: floor of total × w / W, then one more
// to the largest remainders, ties to the earlier month.
function split(weights, total) {
  const w = weights.map((x) => BigInt(Math.max(0, x)));
  const W = w.reduce((a, b) => a + b, 0n);
  const T = BigInt(total);
  const out = w.map((x) => (T * x) / W);
  const rem = w.map((x) => (T * x) % W);
  let left = T - out.reduce((a, b) => a + b, 0n);
  const used = new Set();
  while (left > 0n) {
    let best = -1;
    for (let i = 0; i < w.length; i++) if (!used.has(i) && (best < 0 || rem[i] > rem[best])) best = i;
    used.add(best); out[best] += 1n; left -= 1n;
  }
  return out.map(Number);
}

describe('targets', () => {
  let srv, storeA, storeB, cat, prod;
  let salesA, salesB, mgrA, mgrB;
  const Y = new Date().getUTCFullYear();
  const lastYear = Array.from({ length: 12 }, () => 0);
  const api = (m, p, o = {}) => srv.api(m, p, { token: srv.adminToken, ...o });
  const mkStore = async () => {
    const c = `T${uniq()}`.slice(0, 12);
    const r = await api('POST', '/api/v1/stores', { body: { code: c, name: `Store ${c}`, channel: 'direct' } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  const sell = async (token, store, quantity, extra = {}) => {
    const r = await srv.api('POST', '/api/v1/sales', {
      token, body: { store_id: store, lines: [{ product_id: prod.id, quantity }], payments: [{ method: 'cash', amount: 10000000 }], ...extra },
      headers: { 'idempotency-key': randomUUID() },
    });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const split$ = (token, body) => srv.api('POST', '/api/v1/targets/split', { token, body });

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    storeA = await mkStore();
    storeB = await mkStore();
    const c = await api('POST', '/api/v1/categories', { body: { name: `Cat ${uniq()}` } });
    assert.equal(c.status, 201, c.text);
    cat = c.body.id;
    const p = await api('POST', '/api/v1/products', { body: { sku: `P-${uniq()}`, name: 'Item', price: 1234, cost: 700, vat_rate: 1300 } });
    assert.equal(p.status, 201, p.text);
    prod = p.body;
    const st = await api('POST', '/api/v1/stock/moves', { body: { store_id: storeA, product_id: prod.id, quantity: 5000, reason: 'receipt' } });
    assert.equal(st.status, 201, st.text);
    salesA = await makeUser(srv, 'sales', [storeA]);
    salesB = await makeUser(srv, 'sales', [storeB]);
    mgrA = await makeUser(srv, 'store_manager', [storeA]);
    mgrB = await makeUser(srv, 'store_manager', [storeB]);
    // last year at store A: an uneven curve (month m sells a different count), none in May
    const counts = [3, 1, 2, 5, 0, 4, 7, 2, 1, 6, 9, 12];
    for (let m = 0; m < 12; m++) {
      if (!counts[m]) continue;
      const at = new Date(Date.UTC(Y - 1, m, 15, 4, 0, 0)).toISOString();
      const s = await sell(srv.adminToken, storeA, counts[m], { offline_at: at });
      lastYear[m] += s.lines[0].total;
    }
  });
  after(async () => { await srv?.stop(); });

  it('a dry run splits by the store\'s last year, to the fen, and writes nothing', async () => {
    const total = 100000001;
    const r = await split$(mgrA.token, { store_id: storeA, metric: 'revenue', period: String(Y), total, dry_run: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.entry_id, null);
    assert.equal(r.body.basis, 'store_last_year');
    assert.deepEqual(r.body.months.map((m) => m.month), Array.from({ length: 12 }, (_, i) => `${Y}-${String(i + 1).padStart(2, '0')}`));
    assert.deepEqual(r.body.months.map((m) => m.last_year), lastYear);
    assert.deepEqual(r.body.months.map((m) => m.amount), split(lastYear, total));
    assert.equal(r.body.months.reduce((a, m) => a + m.amount, 0), total);
    assert.equal(r.body.months.reduce((a, m) => a + m.share_bp, 0), 10000);
    assert.equal(r.body.months[4].amount, 0, 'no sales last May: no target');
    const list = await srv.api('GET', `/api/v1/targets?store_id=${storeA}&year=${Y}`, { token: mgrA.token });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.items.length, 0);
  });

  it('stores the split (201), lists the months, and rebalances an edited month', async () => {
    const total = 1200000;
    const r = await split$(mgrA.token, { store_id: storeA, metric: 'revenue', period: String(Y), total });
    assert.equal(r.status, 201, r.text);
    assert.ok(r.body.entry_id > 0);
    const list = await srv.api('GET', `/api/v1/targets?store_id=${storeA}&year=${Y}&user_id=0`, { token: mgrA.token });
    assert.equal(list.status, 200, list.text);
    const months = list.body.items;
    assert.equal(months.length, 12);
    assert.deepEqual(months.map((m) => m.amount), split(lastYear, total));
    assert.ok(months.every((m) => m.entry_id === r.body.entry_id && m.edited === false && m.user_id === null));
    // December up by 1000: the others (not edited, not May's zero) give it back
    const dec = months[11];
    const p = await srv.api('PATCH', `/api/v1/targets/${dec.id}`, { token: mgrA.token, body: { amount: dec.amount + 1000 } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.months.length, 12);
    assert.equal(p.body.months.reduce((a, m) => a + m.amount, 0), total);
    assert.equal(p.body.months[11].amount, dec.amount + 1000);
    assert.equal(p.body.months[11].edited, true);
    const others = months.slice(0, 11).map((m) => m.amount);
    assert.deepEqual(p.body.months.slice(0, 11).map((m) => m.amount), others.map((a, i) => a - split(others, 1000)[i]));
    // then January set: December (edited) stays
    const jan = p.body.months[0];
    const q = await srv.api('PATCH', `/api/v1/targets/${jan.id}`, { token: mgrA.token, body: { amount: jan.amount + 500 } });
    assert.equal(q.status, 200, q.text);
    assert.equal(q.body.months[11].amount, dec.amount + 1000);
    assert.equal(q.body.months.reduce((a, m) => a + m.amount, 0), total);
    // without rebalance the entry's months no longer sum to the total
    const nr = await srv.api('PATCH', `/api/v1/targets/${jan.id}`, { token: mgrA.token, body: { amount: 0, rebalance: false } });
    assert.equal(nr.status, 200, nr.text);
    assert.equal(nr.body.months[0].amount, 0);
    assert.equal(nr.body.months[1].amount, q.body.months[1].amount);
    // too much for the others to absorb: 409, nothing changed
    const big = await srv.api('PATCH', `/api/v1/targets/${months[1].id}`, { token: mgrA.token, body: { amount: total * 5 } });
    assert.equal(big.status, 409, big.text);
  });

  it('a store without history follows the company; no history anywhere splits evenly', async () => {
    const r = await split$(mgrB.token, { store_id: storeB, metric: 'revenue', period: String(Y), total: 999999, dry_run: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.basis, 'company_last_year');
    assert.equal(r.body.months.reduce((a, m) => a + m.amount, 0), 999999);
    assert.ok(r.body.months.every((m) => m.last_year === 0));
    const e = await split$(mgrB.token, { store_id: storeB, metric: 'units', category_id: cat, period: `${Y}-Q2`, total: 100 });
    assert.equal(e.status, 201, e.text);
    assert.equal(e.body.basis, 'even');
    assert.deepEqual(e.body.months.map((m) => [m.month, m.amount]), [[`${Y}-04`, 34], [`${Y}-05`, 33], [`${Y}-06`, 33]]);
    // a store opened in November last year: its two months are not a year's curve
    const storeC = await mkStore();
    await sell(srv.adminToken, storeC, 2, { offline_at: new Date(Date.UTC(Y - 1, 10, 15, 4, 0, 0)).toISOString() });
    const opened = await split$(srv.adminToken, { store_id: storeC, metric: 'revenue', period: String(Y), total: 1200000, dry_run: true });
    assert.equal(opened.status, 200, opened.text);
    assert.equal(opened.body.basis, 'company_last_year');
    assert.ok(opened.body.months[0].amount > 0, 'January gets its share of the company curve');
    assert.equal(opened.body.months[4].amount, 0, 'the company sold nothing last May');
    // the margin metric follows last year's margin (a different curve than revenue only by scale here)
    const m = await split$(mgrA.token, { store_id: storeA, metric: 'margin', period: `${Y}-Q4`, total: 3000, dry_run: true });
    assert.equal(m.status, 200, m.text);
    assert.equal(m.body.basis, 'store_last_year');
    assert.ok(m.body.months.every((x, i) => x.last_year > 0 && x.last_year < lastYear[9 + i]));
  });

  it('checks the period, the person and the store', async () => {
    const bad = await split$(mgrA.token, { store_id: storeA, metric: 'revenue', period: `${Y}-Q5`, total: 10 });
    assert.equal(bad.status, 422, bad.text);
    assert.ok(bad.body.errors.some((x) => x.field === 'period'));
    const notHere = await split$(mgrA.token, { store_id: storeA, user_id: salesB.id, metric: 'revenue', period: String(Y), total: 10 });
    assert.equal(notHere.status, 422, notHere.text);
    assert.ok(notHere.body.errors.some((x) => x.field === 'user_id'));
    const other = await split$(mgrB.token, { store_id: storeA, metric: 'revenue', period: String(Y), total: 10 });
    assert.equal(other.status, 403, other.text);
    const sales = await split$(salesA.token, { store_id: storeA, metric: 'revenue', period: String(Y), total: 10 });
    assert.equal(sales.status, 403, sales.text);
    const unknown = await split$(mgrA.token, { store_id: storeA, metric: 'revenue', period: String(Y), total: 10, colour: 'red' });
    assert.equal(unknown.status, 422, unknown.text);
  });

  it('a person\'s target: attainment with the run rate, seen by them and their manager only', async () => {
    const r = await split$(mgrA.token, { store_id: storeA, user_id: salesA.id, metric: 'revenue', period: String(Y), total: 2400000 });
    assert.equal(r.status, 201, r.text);
    const s = await sell(salesA.token, storeA, 10);
    const month = s.day.slice(0, 7);
    const a = await srv.api('GET', `/api/v1/targets/attainment?month=${month}`, { token: salesA.token });
    assert.equal(a.status, 200, a.text);
    const b = a.body;
    const target = r.body.months.find((m) => m.month === month).amount;
    const dim = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
    const elapsed = Number(s.day.slice(8, 10));
    assert.equal(b.days_in_month, dim);
    assert.equal(b.days_elapsed, elapsed);
    assert.equal(b.days_left, dim - elapsed);
    assert.equal(b.items.length, 1);
    const it = b.items[0];
    const actual = s.lines[0].total;
    assert.equal(it.metric, 'revenue');
    assert.equal(it.target, target);
    assert.equal(it.actual, actual);
    assert.equal(it.attainment_bp, Math.round((actual * 10000) / target));
    const remaining = Math.max(0, target - actual);
    assert.equal(it.remaining, remaining);
    assert.equal(it.run_rate_needed, b.days_left > 0 ? Math.ceil(remaining / b.days_left) : remaining);
    assert.equal(it.projected, Math.floor((actual * dim) / elapsed));
    // the list: their own with the actual of the month
    const mine = await srv.api('GET', `/api/v1/targets?month=${month}`, { token: salesA.token });
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.body.items.length, 1);
    assert.equal(mine.body.items[0].user_id, salesA.id);
    assert.equal(mine.body.items[0].actual, actual);
    // another salesperson: 404; another store's manager: 404
    const o = await srv.api('GET', `/api/v1/targets/attainment?user_id=${salesA.id}`, { token: salesB.token });
    assert.equal(o.status, 404, o.text);
    const m = await srv.api('GET', `/api/v1/targets/attainment?user_id=${salesA.id}`, { token: mgrB.token });
    assert.equal(m.status, 404, m.text);
    const ok = await srv.api('GET', `/api/v1/targets/attainment?user_id=${salesA.id}&month=${month}`, { token: mgrA.token });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.items[0].actual, actual);
    const theirs = await srv.api('GET', `/api/v1/targets?user_id=${salesA.id}`, { token: salesB.token });
    assert.equal(theirs.status, 404, theirs.text);
  });

  it('lists and deletes entries (audited), another store\'s entry is 404', async () => {
    const l = await srv.api('GET', `/api/v1/targets/entries?store_id=${storeA}&period=${Y}`, { token: mgrA.token });
    assert.equal(l.status, 200, l.text);
    assert.ok(l.body.items.length >= 2);
    const entry = l.body.items.find((x) => x.user_id === null && x.metric === 'revenue');
    assert.equal(entry.total, 1200000);
    assert.equal(entry.basis, 'store_last_year');
    const no = await srv.api('DELETE', `/api/v1/targets/entries/${entry.id}`, { token: mgrB.token });
    assert.equal(no.status, 404, no.text);
    const d = await srv.api('DELETE', `/api/v1/targets/entries/${entry.id}`, { token: mgrA.token });
    assert.equal(d.status, 204, d.text);
    const after2 = await srv.api('GET', `/api/v1/targets?store_id=${storeA}&year=${Y}&user_id=0&metric=revenue`, { token: mgrA.token });
    assert.equal(after2.body.items.length, 0);
    const audit = await api('GET', '/api/v1/audit?entity=target_entry');
    assert.equal(audit.status, 200, audit.text);
    assert.ok(audit.body.items.some((x) => x.action === 'delete' && x.entity_id === entry.id));
  });
});
