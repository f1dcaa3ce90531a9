// GET /reports/sales (every group_by and measure, category subtrees,
// compare, top/bottom N), /reports/abc and /dashboard against a
// recomputation from the stored sales (GET /sales/{id}): two stores, brands,
// a category tree, several tenders and staff, sales on past days (offline),
// one made at 16:30 UTC that belongs to the next business day in
// Asia/Shanghai, partial returns of one line twice, and a void. Also bad
// parameters and the store scope.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

const milli = (q) => Math.round(q * 1000);
// a × c / q half away from zero (c, q thousandths)
const R = (x, q) => Math.sign(x) * Math.floor((2 * Math.abs(x) + q) / (2 * q));
const perOrder = (v, n) => (n <= 0 ? 0 : R(v, n));
const mulQty = (price, q) => R(price * q, 1000);
const OFFSET = 8 * 3600 * 1000; // Asia/Shanghai, no daylight saving time
const localDay = (iso) => new Date(Date.parse(iso) + OFFSET).toISOString().slice(0, 10);
const localHour = (iso) => new Date(Date.parse(iso) + OFFSET).getUTCHours();
function dayAdd(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
const weekday = (day) => ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
function isoWeek(day) {
  const d = new Date(`${day}T00:00:00Z`);
  const wd = (d.getUTCDay() + 6) % 7;
  const thu = new Date(d);
  thu.setUTCDate(d.getUTCDate() - wd + 3);
  const y = thu.getUTCFullYear();
  return `${y}-W${String(Math.floor((thu - Date.UTC(y, 0, 1)) / 86400000 / 7) + 1).padStart(2, '0')}`;
}
function yearBack(day) {
  const [y, m, d] = day.split('-').map(Number);
  return `${y - 1}-${String(m).padStart(2, '0')}-${String(m === 2 && d === 29 ? 28 : d).padStart(2, '0')}`;
}
const AMOUNTS = ['revenue', 'vat', 'cost', 'discount', 'orders', 'units', 'returns', 'refunded'];
const zero = () => Object.fromEntries(AMOUNTS.map((f) => [f, 0]));

// The measures of summed amounts, as the server derives them.
function measures(x, pay = false) {
  const net = x.revenue - x.vat;
  const gm = x.revenue - x.vat - x.cost;
  const gross = x.revenue + x.refunded;
  return {
    revenue: x.revenue, orders: x.orders, units: pay ? null : x.units / 1000,
    avg_basket: perOrder(x.revenue, x.orders), upt: pay ? null : perOrder(x.units, x.orders) / 1000,
    discount: pay ? null : x.discount, gross_margin: pay ? null : gm,
    gross_margin_pct: pay ? null : net > 0 ? perOrder(gm * 10000, net) / 100 : 0,
    returns: x.returns, refunded: x.refunded,
    return_rate: gross > 0 ? perOrder(x.refunded * 10000, gross) / 10000 : 0,
  };
}

describe('sales report measures, compare, top N, ABC and dashboard', () => {
  let srv, admin;
  let stores, products, cats, users, people;
  const sales = [];
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const get = (p, token = admin) => srv.api('GET', p, { token });
  let today;
  async function mk(path, body) {
    const r = await api('POST', path, { body });
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    return r.body;
  }

  // ---- the recomputation: every document's contributions ----
  // doc facts: {day, hour, store, staff, amounts}; line facts: {doc, day, store,
  // product, amounts}; pay facts: {doc, day, store, method, amounts}.
  function facts() {
    const docs = [], lines = [], pays = [];
    for (const s of sales) {
      const staff = s.salesperson_id ?? s.cashier_id;
      const cost = (l) => mulQty(products.find((p) => p.id === l.product_id).cost ?? 0, milli(l.quantity));
      const saleDoc = (sign, id) => {
        const d = zero();
        d.revenue = sign * s.paid;
        for (const l of s.lines) {
          d.vat += sign * l.vat; d.cost += sign * cost(l); d.discount += sign * l.discount; d.units += sign * milli(l.quantity);
          const ld = { ...zero(), revenue: sign * l.total, vat: sign * l.vat, cost: sign * cost(l), discount: sign * l.discount, units: sign * milli(l.quantity), orders: sign };
          lines.push({ doc: id, day: s.day, store: s.store_id, product: l.product_id, a: ld });
        }
        d.discount += sign * s.rounding;
        d.orders = sign;
        docs.push({ id, day: s.day, hour: localHour(s.at), store: s.store_id, staff, a: d });
        const by = new Map();
        for (const p of s.payments) by.set(p.method, (by.get(p.method) ?? 0) + p.amount);
        if (by.has('cash')) by.set('cash', by.get('cash') - s.change_due);
        for (const [m, amt] of by) pays.push({ doc: id, day: s.day, store: s.store_id, method: m, a: { ...zero(), revenue: sign * amt, orders: sign } });
      };
      saleDoc(1, `s${s.id}`);
      if (s.status === 'voided') saleDoc(-1, `v${s.id}`);
      const done = new Map(); // line id -> quantity returned before
      for (const r of [...s.returns].sort((x, y) => x.id - y.id)) {
        const id = `r${r.id}`, day = localDay(r.at);
        const d = { ...zero(), returns: 1, refunded: r.refund_total, revenue: -r.refund_total };
        let totalParts = 0;
        for (const rl of r.lines) {
          const l = s.lines.find((x) => x.id === rl.line_id);
          const q = milli(l.quantity), prev = done.get(l.id) ?? 0, cum = prev + milli(rl.quantity);
          done.set(l.id, cum);
          const part = (A) => R(A * cum, q) - R(A * prev, q);
          const ld = { ...zero(), revenue: -part(l.total), vat: -part(l.vat), cost: -part(cost(l)), discount: -part(l.discount), units: -milli(rl.quantity), returns: 1, refunded: part(l.total) };
          totalParts += part(l.total);
          for (const f of ['vat', 'cost', 'discount', 'units']) d[f] += ld[f];
          lines.push({ doc: id, day, store: s.store_id, product: l.product_id, a: ld });
        }
        d.discount -= totalParts - r.refund_total; // the rounding share given back
        docs.push({ id, day, hour: localHour(r.at), store: s.store_id, staff, a: d });
        for (const t of r.refunds) pays.push({ doc: id, day, store: s.store_id, method: t.method, a: { ...zero(), revenue: -t.amount, returns: 1, refunded: t.amount } });
      }
    }
    return { docs, lines, pays };
  }
  const F = () => facts();

  const catOf = (id) => cats.find((c) => c.id === id);
  const product = (id) => products.find((p) => p.id === id);
  // The category ids from c up to its root.
  function chain(cid) {
    const out = [];
    for (let c = catOf(cid); c; c = c.parent_id ? catOf(c.parent_id) : null) out.push(c.id);
    return out;
  }

  // The expected report: {items: Map key -> measures, totals}.
  function expected(group, { from, to, storeIds = null, categoryId = 0 }) {
    const { docs, lines, pays } = F();
    const inScope = (f) => f.day >= from && f.day <= to && (!storeIds || storeIds.includes(f.store));
    const rows = new Map();
    const seen = new Set();
    const add = (key, label, a, doc, once = true) => {
      const k = JSON.stringify(key);
      if (!rows.has(k)) rows.set(k, { key, label, ...zero() });
      const x = rows.get(k);
      for (const f of AMOUNTS) {
        if ((f === 'orders' || f === 'returns') && once) {
          const s = `${k}|${doc}|${f}`;
          if (seen.has(s)) continue;
          seen.add(s);
        }
        x[f] += a[f];
      }
    };
    const store = (id) => stores.find((s) => s.id === id);
    const inSub = (l) => categoryId && chain(product(l.product).category_id).includes(categoryId);
    const docKey = (f) => {
      const s = store(f.store);
      switch (group) {
        case 'day': return [f.day, f.day];
        case 'week': return [isoWeek(f.day), null];
        case 'month': return [f.day.slice(0, 7), f.day.slice(0, 7)];
        case 'weekday': return [weekday(f.day), null];
        case 'store': return [s.id, s.name];
        case 'region': return [s.region ?? null, s.region ?? '(no region)'];
        case 'channel': return [s.channel, s.channel];
        case 'staff': return [f.staff, users.find((u) => u.id === f.staff).display_name];
        case 'hour': return [f.hour, `${String(f.hour).padStart(2, '0')}:00`];
        default: return null;
      }
    };
    const totals = zero();
    if (categoryId) {
      for (const l of lines.filter(inScope).filter(inSub)) {
        for (const f of AMOUNTS) if (!['orders', 'returns'].includes(f)) totals[f] += l.a[f];
      }
      const byDoc = new Map();
      for (const l of lines.filter(inScope).filter(inSub)) byDoc.set(l.doc, l);
      for (const l of byDoc.values()) { totals.orders += l.a.orders; totals.returns += l.a.returns; }
    } else {
      for (const d of docs.filter(inScope)) for (const f of AMOUNTS) totals[f] += d.a[f];
    }
    if (['day', 'week', 'month', 'weekday', 'store', 'region', 'channel', 'staff', 'hour'].includes(group)) {
      if (categoryId) {
        const docOf = new Map(docs.map((d) => [d.id, d]));
        for (const l of lines.filter(inScope).filter(inSub)) {
          const d = docOf.get(l.doc);
          const [k, lab] = docKey({ ...d, day: l.day });
          add(k, lab, l.a, l.doc);
        }
      } else {
        for (const d of docs.filter(inScope)) { const [k, lab] = docKey(d); add(k, lab, d.a, d.id, false); }
      }
    } else if (group === 'payment') {
      for (const p of pays.filter(inScope)) add(p.method, p.method, p.a, p.doc, false);
    } else {
      let sum = zero();
      for (const l of lines.filter(inScope)) {
        const p = product(l.product);
        if (group === 'product') {
          if (categoryId && !inSub(l)) continue;
          add(p.id, p.name, l.a, l.doc);
        } else if (group === 'brand') {
          add(p.brand || null, p.brand || '(no brand)', l.a, l.doc);
        } else if (group === 'category') {
          const ch = chain(p.category_id);
          if (!categoryId) {
            const top = ch[ch.length - 1];
            add(top ?? null, top ? catOf(top).path : '(no category)', l.a, l.doc);
          } else if (ch.includes(categoryId)) {
            const i = ch.indexOf(categoryId);
            const k = i === 0 ? categoryId : ch[i - 1];
            add(k, catOf(k).path, l.a, l.doc);
          }
        }
        for (const f of AMOUNTS) sum[f] += l.a[f];
      }
      if (!categoryId && AMOUNTS.filter((f) => f !== 'orders' && f !== 'returns').some((f) => sum[f] !== totals[f])) {
        const r = { key: 'rounding', label: 'Cash rounding', ...zero() };
        for (const f of ['revenue', 'vat', 'cost', 'discount', 'units', 'refunded']) r[f] = totals[f] - sum[f];
        rows.set('"rounding"', r);
      }
    }
    return { rows, totals };
  }

  function check(body, want, group, what) {
    const pay = group === 'payment';
    assert.deepEqual(pick(body.totals), { key: null, label: 'Total', ...measures(want.totals) }, `${what}: totals`);
    const got = new Map(body.items.map((x) => [JSON.stringify(x.key), x]));
    assert.deepEqual([...got.keys()].sort(), [...want.rows.keys()].sort(), `${what}: keys`);
    for (const [k, w] of want.rows) {
      const x = got.get(k);
      const m = measures(w, pay && k !== '"rounding"');
      const exp = { key: w.key, ...m };
      if (w.label) exp.label = w.label;
      const g = pick(x);
      if (!w.label) delete g.label;
      assert.deepEqual(g, exp, `${what}: item ${k}`);
    }
  }
  const FIELDS = ['key', 'label', 'revenue', 'orders', 'units', 'avg_basket', 'upt', 'discount', 'gross_margin', 'gross_margin_pct', 'returns', 'refunded', 'return_rate'];
  const pick = (x) => Object.fromEntries(FIELDS.filter((f) => f in x).map((f) => [f, x[f]]));

  let dayX, range;
  before(async () => {
    srv = await startServer({ args: ['--per-ip', '4096'] });
    admin = srv.adminToken;
    const st = await api('GET', '/api/v1/settings');
    assert.equal(st.status, 200, st.text);
    const put = await api('PUT', '/api/v1/settings', { body: { company_name: 'Tersa', currency: 'CNY', time_zone: 'Asia/Shanghai', locale: 'en', receipt_header: '', receipt_footer: '' } });
    assert.equal(put.status, 200, put.text);
    const food = await mk('/api/v1/categories', { name: `Food ${uniq()}` });
    const dairy = await mk('/api/v1/categories', { name: 'Dairy', parent_id: food.id });
    const yog = await mk('/api/v1/categories', { name: 'Yogurt', parent_id: dairy.id });
    const drinks = await mk('/api/v1/categories', { name: `Drinks ${uniq()}` });
    cats = [];
    for (const c of [food, dairy, yog, drinks]) cats.push((await api('GET', `/api/v1/categories/${c.id}`)).body);
    stores = [
      await mk('/api/v1/stores', { code: `M${uniq()}`.slice(0, 12), name: 'Store A', channel: 'direct', region: 'East', cash_rounding: 10 }),
      await mk('/api/v1/stores', { code: `M${uniq()}`.slice(0, 12), name: 'Store B', channel: 'online', cash_rounding: 1 }),
    ];
    const pr = (body) => mk('/api/v1/products', { sku: `MP${uniq()}`, unit: 'pcs', ...body });
    products = [
      await pr({ name: '纯牛奶', brand: '蒙牛', price: 1299, cost: 800, vat_rate: 1300, category_id: dairy.id }),
      await pr({ name: '酸奶', brand: '蒙牛', price: 650, cost: 310, vat_rate: 1300, category_id: yog.id }),
      await pr({ name: 'Water', brand: 'Nongfu', price: 200, cost: 90, vat_rate: 1300, category_id: drinks.id }),
      await pr({ name: 'Juice', brand: 'Nongfu', price: 899, cost: 501, vat_rate: 1300, category_id: drinks.id }),
      await pr({ name: 'Bread', price: 850, vat_rate: 900, category_id: food.id }),
      await pr({ name: 'Bag', price: 50, cost: 20, vat_rate: 1300 }),
    ];
    for (const s of stores) for (const p of products) {
      const r = await api('POST', '/api/v1/stock/moves', { body: { store_id: s.id, product_id: p.id, quantity: 500, reason: 'receipt' } });
      assert.equal(r.status, 201, r.text);
    }
    people = {
      managerA: await makeUser(srv, 'store_manager', [stores[0].id]),
      salesA: await makeUser(srv, 'sales', [stores[0].id]),
      salesB: await makeUser(srv, 'sales', [stores[1].id]),
    };
    users = (await api('GET', '/api/v1/users?limit=500')).body.items;

    today = localDay(new Date().toISOString());
    dayX = dayAdd(today, -5);
    const METHODS = ['cash', 'card', 'wechat', 'alipay', 'card'];
    const created = [];
    let n = 0;
    async function sell(storeIdx, at, picks) {
      const store = stores[storeIdx];
      const m = METHODS[n % METHODS.length];
      const body = { store_id: store.id, lines: picks.map(([k, q]) => ({ product_id: products[k].id, quantity: q })) };
      if (at) body.offline_at = at;
      if (n % 3 === 1) body.salesperson_id = storeIdx === 0 ? people.salesA.id : people.salesB.id;
      if (n % 4 === 2) body.manual_discount_bp = 500;
      body.payments = m === 'cash' ? [{ method: 'cash', amount: 100000 }] : [{ method: m, amount: 100 + n }, { method: 'cash', amount: 100000 }];
      n++;
      const r = await srv.api('POST', '/api/v1/sales', { token: admin, body, headers: { 'idempotency-key': randomUUID() } });
      assert.equal(r.status, 201, `sale: ${r.text}`);
      created.push(r.body);
      return r.body;
    }
    // Past days, last year, the midnight-crossing sale, today.
    const at = (day, hh) => new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET + hh * 3600000).toISOString();
    for (let i = 0; i < 14; i++) {
      const day = dayAdd(today, -1 - i);
      await sell(i % 2, at(day, 9 + (i % 10)), [[i % 6, 1 + (i % 3)], [(i + 2) % 6, 2]]);
      await sell((i + 1) % 2, at(day, 14), [[(i + 1) % 6, 1], [(i + 3) % 6, 1], [(i + 4) % 6, 3]]);
    }
    for (let i = 0; i < 6; i++) await sell(i % 2, at(yearBack(dayAdd(today, -1 - i)), 11), [[i % 6, 2], [(i + 1) % 6, 1]]);
    await sell(0, `${dayX}T16:30:00Z`, [[0, 2], [1, 1], [4, 1]]); // 00:30 the next business day
    await sell(1, `${dayX}T15:30:00Z`, [[2, 4], [3, 1]]); // 23:30 the same business day
    // Last week's same weekday around the hour of now: the hour before, the
    // hour itself and the hour after (the dashboard's same time last week).
    const nowHour = localHour(new Date().toISOString());
    for (const [dh, store] of [[-1, 0], [0, 0], [0, 1], [1, 0], [1, 1]]) {
      const h = nowHour + dh;
      if (h >= 0 && h <= 23) await sell(store, at(dayAdd(today, -7), h + 5 / 60), [[dh + 1, 2], [5, 1]]);
    }
    for (let i = 0; i < 6; i++) await sell(i % 2, null, [[i % 6, 1 + i % 2], [(i + 1) % 6, 1], [5, 1]]);
    // Two partial returns of one line (cumulative shares), one of another sale.
    const withThree = created.find((s) => s.lines.some((l) => l.quantity >= 3));
    const line3 = withThree.lines.find((l) => l.quantity >= 3);
    for (const q of [1, 1]) {
      const r = await api('POST', `/api/v1/sales/${withThree.id}/returns`, { body: { lines: [{ line_id: line3.id, quantity: q }], reason: 'damaged' } });
      assert.equal(r.status, 201, r.text);
    }
    const other = created.find((s) => s !== withThree && s.lines.length >= 2 && s.lines[1].quantity >= 2);
    const rr = await api('POST', `/api/v1/sales/${other.id}/returns`, { body: { lines: [{ line_id: other.lines[1].id, quantity: 1 }, { line_id: other.lines[0].id, quantity: other.lines[0].quantity }], reason: 'changed mind' } });
    assert.equal(rr.status, 201, rr.text);
    const v = await api('POST', `/api/v1/sales/${created[created.length - 1].id}/void`, { body: { reason: 'wrong basket' } });
    assert.equal(v.status, 200, v.text);
    for (const s of created) sales.push((await api('GET', `/api/v1/sales/${s.id}`)).body);
    assert.ok(sales.some((s) => s.day === dayAdd(dayX, 1) && s.at.startsWith(dayX)), 'a sale crossed midnight');
    assert.ok(new Set(sales.flatMap((s) => s.payments.map((p) => p.method))).size >= 3, 'several tenders');
    range = `from=${yearBack(dayAdd(today, -30))}&to=${today}`;
  });
  after(async () => { await srv?.stop(); });

  const GROUPS = ['day', 'week', 'month', 'store', 'region', 'channel', 'category', 'brand', 'product', 'staff', 'hour', 'weekday', 'payment'];
  const parse = (q) => Object.fromEntries(new URLSearchParams(q));

  for (const group of GROUPS) {
    it(`group_by=${group}: every measure of every item and the totals`, async () => {
      for (const [q, storeIds] of [[range, null], [`from=${dayAdd(today, -20)}&to=${today}`, null], [`from=${dayX}&to=${dayAdd(dayX, 1)}`, null],
        [`${range}&store_id=${stores[1].id}`, [stores[1].id]]]) {
        const r = await get(`/api/v1/reports/sales?group_by=${group}&${q}`);
        assert.equal(r.status, 200, r.text);
        const p = parse(q);
        check(r.body, expected(group, { from: p.from, to: p.to, storeIds }), group, `${group} ${q}`);
      }
    });
  }

  it('the sale made at 16:30 UTC counts on the next business day, at 00:30', async () => {
    const r = await get(`/api/v1/reports/sales?group_by=hour&from=${dayAdd(dayX, 1)}&to=${dayAdd(dayX, 1)}&store_id=${stores[0].id}`);
    assert.ok(r.body.items.some((x) => x.key === 0 && x.orders >= 1), r.text);
    const d = await get(`/api/v1/reports/sales?group_by=day&from=${dayX}&to=${dayAdd(dayX, 1)}`);
    check(d.body, expected('day', { from: dayX, to: dayAdd(dayX, 1) }), 'day', 'midnight');
  });

  it('category_id: a subtree in time, store, product and category groups', async () => {
    const [food, dairy] = cats;
    for (const group of ['day', 'month', 'store', 'product', 'category', 'weekday']) {
      for (const c of [food, dairy]) {
        const r = await get(`/api/v1/reports/sales?group_by=${group}&${range}&category_id=${c.id}`);
        assert.equal(r.status, 200, r.text);
        const p = parse(range);
        check(r.body, expected(group, { from: p.from, to: p.to, categoryId: c.id }), group, `${group} in ${c.path}`);
      }
    }
    const r = await get(`/api/v1/reports/sales?group_by=category&${range}&category_id=${dairy.id}`);
    assert.deepEqual(r.body.items.map((x) => x.label).sort(), [dairy.path, cats[2].path].sort());
  });

  it('compare=previous and last_year: each row and the totals carry the other period and the change', async () => {
    const from = dayAdd(today, -6), to = today;
    for (const [kind, cf, ct] of [['previous', dayAdd(today, -13), dayAdd(today, -7)], ['last_year', yearBack(from), yearBack(to)]]) {
      for (const group of ['store', 'category', 'product', 'payment', 'day']) {
        const r = await get(`/api/v1/reports/sales?group_by=${group}&from=${from}&to=${to}&compare=${kind}`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.compare, kind);
        assert.equal(r.body.compare_from, cf);
        assert.equal(r.body.compare_to, ct);
        const cur = expected(group, { from, to }), prev = expected(group, { from: cf, to: ct });
        check(r.body, cur, group, `${group} ${kind}`);
        assert.deepEqual(pick(r.body.totals.previous), measures(prev.totals), `${group} ${kind} totals.previous`);
        assert.equal(r.body.totals.change.revenue, cur.totals.revenue - prev.totals.revenue);
        const pct = prev.totals.revenue ? perOrder((cur.totals.revenue - prev.totals.revenue) * 10000, Math.abs(prev.totals.revenue)) / 100 : null;
        assert.equal(r.body.totals.change.revenue_pct, pct);
        for (const x of r.body.items) {
          if (x.key === 'rounding') continue;
          let pk = JSON.stringify(x.key);
          if (group === 'day') pk = JSON.stringify(kind === 'last_year' ? yearBack(x.key) : dayAdd(x.key, -7));
          const pw = prev.rows.get(pk) ?? zero();
          const { key, ...pm } = pick(x.previous);
          assert.deepEqual(pm, measures(pw, group === 'payment'), `${group} ${kind} ${x.key}: previous`);
          assert.equal(x.change.revenue, x.revenue - pw.revenue);
          assert.equal(x.change.orders, x.orders - pw.orders);
        }
      }
    }
  });

  it('sort, order and limit: top and bottom N by any measure', async () => {
    const p = parse(range);
    const want = expected('product', { from: p.from, to: p.to });
    const rows = [...want.rows.values()].filter((x) => x.key !== 'rounding').map((x) => ({ key: x.key, label: x.label, ...measures(x) }));
    for (const [m, order] of [['revenue', 'desc'], ['units', 'asc'], ['gross_margin_pct', 'desc'], ['orders', 'asc']]) {
      const r = await get(`/api/v1/reports/sales?group_by=product&${range}&sort=${m}&order=${order}&limit=3`);
      assert.equal(r.status, 200, r.text);
      const sorted = [...rows].sort((a, b) => (a[m] === b[m] ? a.label.localeCompare(b.label) : (order === 'asc' ? a[m] - b[m] : b[m] - a[m])));
      assert.deepEqual(r.body.items.map((x) => x[m]), sorted.slice(0, 3).map((x) => x[m]), `${m} ${order}`);
      assert.equal(r.body.items.length, 3);
    }
    const s = await get(`/api/v1/reports/sales?group_by=store&${range}&sort=revenue&order=asc&limit=1`);
    const sw = [...expected('store', { from: p.from, to: p.to }).rows.values()].sort((a, b) => a.revenue - b.revenue);
    assert.deepEqual(s.body.items.map((x) => x.key), [sw[0].key]);
  });

  it('ABC classes by cumulative revenue share', async () => {
    const p = parse(range);
    const rows = [...expected('product', { from: p.from, to: p.to }).rows.values()].filter((x) => x.key !== 'rounding')
      .sort((a, b) => b.revenue - a.revenue || a.label.localeCompare(b.label));
    for (const [a, b] of [[80, 15], [50, 30]]) {
      const r = await get(`/api/v1/reports/abc?${range}&a_pct=${a}&b_pct=${b}`);
      assert.equal(r.status, 200, r.text);
      const total = rows.reduce((s, x) => s + Math.max(0, x.revenue), 0);
      let before = 0;
      const want = rows.map((x) => {
        if (x.revenue <= 0) return 'C';
        const share = (before * 100) / total;
        before += x.revenue;
        return share < a ? 'A' : share < a + b ? 'B' : 'C';
      });
      assert.deepEqual(r.body.items.map((x) => x.key), rows.map((x) => x.key));
      assert.deepEqual(r.body.items.map((x) => x.class), want);
      assert.equal(r.body.classes.A.revenue + r.body.classes.B.revenue + r.body.classes.C.revenue, rows.reduce((s, x) => s + x.revenue, 0));
    }
    assertProblem(await get('/api/v1/reports/abc?a_pct=120'), 422, 'validation', ['a_pct']);
    assertProblem(await get('/api/v1/reports/abc?a_pct=90&b_pct=20'), 422, 'validation', ['b_pct']);
  });

  // Last week's same weekday up to until ("HH:MM"): the whole hours before
  // it, its hour prorated by the minutes (each amount, half away from zero).
  function sameTime(until, storeIds) {
    const [h, m] = until.split(':').map(Number);
    const day = dayAdd(today, -7), byHour = new Map();
    for (const d of F().docs) {
      if (d.day !== day || (storeIds && !storeIds.includes(d.store))) continue;
      const x = byHour.get(d.hour) ?? zero();
      for (const f of AMOUNTS) x[f] += d.a[f];
      byHour.set(d.hour, x);
    }
    const o = zero();
    for (const [hour, x] of byHour) {
      const part = hour < h ? 60 : hour === h ? m : 0;
      for (const f of AMOUNTS) o[f] += R(x[f] * part, 60);
    }
    return o;
  }
  const localMinute = () => { const d = new Date(Date.now() + OFFSET); return d.getUTCHours() * 60 + d.getUTCMinutes(); };
  const hhmm = (until) => until.split(':').map(Number).reduce((h, m) => h * 60 + m);

  it('dashboard: today against last week up to the same time, 30 days, top products, open alerts', async () => {
    const m0 = localMinute();
    const r = await get('/api/v1/dashboard');
    const m1 = localMinute();
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body).sort(), ['alerts', 'same_day_last_week', 'same_time_last_week', 'today', 'top_products', 'trend_30d']);
    const t = expected('day', { from: today, to: today }).totals;
    const w = expected('day', { from: dayAdd(today, -7), to: dayAdd(today, -7) }).totals;
    assert.equal(r.body.today.day, today);
    assert.deepEqual(pick(r.body.today), measures(t));
    assert.deepEqual(pick(r.body.same_day_last_week), measures(w));
    const st = r.body.same_time_last_week;
    assert.equal(st.day, dayAdd(today, -7));
    assert.match(st.until, /^\d\d:\d\d$/);
    assert.ok(hhmm(st.until) >= m0 && hhmm(st.until) <= m1, `until ${st.until} is now`);
    const s = sameTime(st.until);
    assert.deepEqual(pick(st), measures(s));
    // The hour after now is not in it; the current hour only in part.
    const [h, m] = st.until.split(':').map(Number);
    if (h < 23) assert.ok(s.revenue < w.revenue, 'the sales after now are left out');
    const whole = sameTime(`${String(h).padStart(2, '0')}:59`);
    if (m < 59) assert.ok(Math.abs(s.revenue) <= Math.abs(whole.revenue), 'the current hour prorated');
    assert.deepEqual(r.body.today.change, {
      revenue: t.revenue - s.revenue, revenue_pct: s.revenue ? R((t.revenue - s.revenue) * 10000, Math.abs(s.revenue)) / 100 : null,
      orders: t.orders - s.orders, orders_pct: s.orders ? R((t.orders - s.orders) * 10000, Math.abs(s.orders)) / 100 : null,
      units: (t.units - s.units) / 1000, units_pct: s.units ? R((t.units - s.units) * 10000, Math.abs(s.units)) / 100 : null,
      avg_basket: perOrder(t.revenue, t.orders) - perOrder(s.revenue, s.orders),
      avg_basket_pct: perOrder(s.revenue, s.orders) ? R((perOrder(t.revenue, t.orders) - perOrder(s.revenue, s.orders)) * 10000, Math.abs(perOrder(s.revenue, s.orders))) / 100 : null,
      gross_margin: (t.revenue - t.vat - t.cost) - (s.revenue - s.vat - s.cost),
      gross_margin_pct: (s.revenue - s.vat - s.cost) ? R(((t.revenue - t.vat - t.cost) - (s.revenue - s.vat - s.cost)) * 10000, Math.abs(s.revenue - s.vat - s.cost)) / 100 : null,
    });
    assert.equal(r.body.trend_30d.length, 30);
    assert.equal(r.body.trend_30d[29].day, today);
    for (const d of r.body.trend_30d) {
      const x = expected('day', { from: d.day, to: d.day }).totals;
      assert.deepEqual(d, { day: d.day, revenue: x.revenue, orders: x.orders, avg_basket: perOrder(x.revenue, x.orders), gross_margin: x.revenue - x.vat - x.cost });
    }
    const top = [...expected('product', { from: today, to: today }).rows.values()].filter((x) => x.key !== 'rounding')
      .sort((a, b) => b.revenue - a.revenue || a.key - b.key).slice(0, 10);
    assert.deepEqual(r.body.top_products.map((x) => [x.key, x.revenue]), top.map((x) => [x.key, x.revenue]));
    assert.ok(Array.isArray(r.body.alerts));
    const a = await get(`/api/v1/dashboard?store_id=${stores[1].id}`);
    assert.deepEqual(pick(a.body.today), measures(expected('day', { from: today, to: today, storeIds: [stores[1].id] }).totals));
    assert.deepEqual(pick(a.body.same_time_last_week), measures(sameTime(a.body.same_time_last_week.until, [stores[1].id])));
  });

  it('exports every report as CSV', async () => {
    const c = await get(`/api/v1/reports/sales?group_by=payment&${range}&compare=previous&format=csv`);
    assert.equal(c.status, 200, c.text);
    const a = await get(`/api/v1/reports/abc?${range}&format=csv`);
    assert.equal(a.status, 200, a.text);
    assert.match(a.text.replace(/^\uFEFF/, ''), /^key,label,class/);
  });

  it('scope: a store-bound manager sees their store; another store is 404; sales staff 403', async () => {
    const { managerA, salesA } = people;
    const p = parse(range);
    for (const group of ['store', 'product', 'payment', 'hour']) {
      const r = await get(`/api/v1/reports/sales?group_by=${group}&${range}`, managerA.token);
      assert.equal(r.status, 200, r.text);
      check(r.body, expected(group, { from: p.from, to: p.to, storeIds: [stores[0].id] }), group, `manager A ${group}`);
    }
    const d = await get('/api/v1/dashboard', managerA.token);
    assert.deepEqual(pick(d.body.today), measures(expected('day', { from: today, to: today, storeIds: [stores[0].id] }).totals));
    assert.deepEqual(pick(d.body.same_time_last_week), measures(sameTime(d.body.same_time_last_week.until, [stores[0].id])));
    assertProblem(await get(`/api/v1/dashboard?store_id=${stores[1].id}`, managerA.token), 404, 'not-found');
    assertProblem(await get(`/api/v1/reports/abc?store_id=${stores[1].id}`, managerA.token), 404, 'not-found');
    assertProblem(await get(`/api/v1/reports/sales?store_id=${stores[1].id}`, managerA.token), 404, 'not-found');
    assertProblem(await get('/api/v1/dashboard', salesA.token), 403, 'forbidden');
    assertProblem(await get('/api/v1/reports/abc', salesA.token), 403, 'forbidden');
    assertProblem(await srv.api('GET', '/api/v1/dashboard'), 401, 'unauthorized');
  });

  it('refuses bad parameters naming each one', async () => {
    const bad = (q, fields) => get(`/api/v1/reports/sales?${q}`).then((r) => assertProblem(r, 422, 'validation', fields));
    await bad('compare=yesterday', ['compare']);
    await bad('sort=price', ['sort']);
    await bad('order=up', ['order']);
    await bad('limit=0', ['limit']);
    await bad('limit=x', ['limit']);
    await bad('category_id=x', ['category_id']);
    await bad('group_by=payment&category_id=1', ['category_id']);
    await bad('group_by=decade&compare=x&sort=y', ['group_by', 'compare', 'sort']);
    assertProblem(await get('/api/v1/dashboard?store_id=x'), 422, 'validation', ['store_id']);
    assertProblem(await get('/api/v1/reports/abc?from=2026-02-30'), 422, 'validation', ['from']);
  });
});
