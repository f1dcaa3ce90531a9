// Promotions: CRUD, validation of every kind's parameters and of the scope,
// roles and store scoping, and the engine through POST /promotions/preview
// (第二件半价, 满减, bundles, gifts, time windows, tiers, exclusivity).
// Every promotion here names its stores, so previews in a fresh store see
// only the promotions of their own test.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const KEYS = ['id', 'name', 'kind', 'params', 'store_ids', 'product_ids', 'category_ids', 'tiers',
  'starts_on', 'ends_on', 'weekdays', 'hour_from', 'hour_to', 'priority', 'exclusive', 'active',
  'created_at', 'updated_at'].sort();
// Wednesday 2026-05-06 12:00 in Asia/Shanghai (the default company zone).
const WED_NOON = '2026-05-06T04:00:00Z';

describe('promotions', () => {
  let srv, admin, hq, base, other, cat, prod, cup;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });

  async function mk(path, body) {
    const r = await api('POST', path, { body });
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    return r.body;
  }
  const freshStore = () => mk('/api/v1/stores', { code: `P-${uniq()}`, name: 'Promo store', channel: 'direct' });
  const product = (price, extra = {}) => mk('/api/v1/products', { sku: `P${uniq()}`, name: `Item ${price}`, unit: 'pcs', price, vat_rate: 1300, ...extra });
  // A valid body for the base store, with overrides.
  const body = (o = {}) => ({ name: `Promo ${uniq()}`, kind: 'percent_off', params: { percent: 1000 }, store_ids: [base.id], ...o });
  const create = (o, token = admin) => srv.api('POST', '/api/v1/promotions', { token, body: body(o) });
  async function promo(o) {
    const r = await create(o);
    assert.equal(r.status, 201, r.text);
    return r.body;
  }
  async function preview(b, token = admin) {
    const r = await srv.api('POST', '/api/v1/promotions/preview', { token, body: { at: WED_NOON, ...b } });
    assert.equal(r.status, 200, r.text);
    // the lines always add up to the totals
    const sum = (k) => r.body.lines.reduce((s, l) => s + l[k], 0);
    assert.equal(r.body.subtotal, sum('subtotal'));
    assert.equal(r.body.discount_total, sum('discount'));
    assert.equal(r.body.total, sum('total'));
    for (const l of r.body.lines) {
      assert.equal(l.total, l.subtotal - l.discount);
      assert.ok(l.discount >= 0 && l.discount <= l.subtotal);
      assert.equal(l.discounts.reduce((s, d) => s + d.amount, 0), l.discount);
    }
    return r.body;
  }

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    base = await freshStore();
    other = await freshStore();
    const food = await mk('/api/v1/categories', { name: `Food ${uniq()}` });
    const dairy = await mk('/api/v1/categories', { name: 'Dairy', parent_id: food.id });
    const milk = await mk('/api/v1/categories', { name: 'Milk', parent_id: dairy.id });
    cat = { food, dairy, milk };
    prod = {
      milk: await product(1000, { category_id: milk.id }),
      cola: await product(300),
      shirt: await product(10000),
      cheese: await product(1999, { category_id: dairy.id, unit: 'kg' }),
    };
    cup = await product(500);
    hq = await makeUser(srv, 'hq');
  });
  after(async () => { await srv?.stop(); });

  describe('CRUD', () => {
    it('creates with every field: 201, Location, normalised lists, GET equal, audited', async () => {
      const r = await create({
        name: '周末 10% off', store_ids: [other.id, base.id], product_ids: [prod.cola.id, prod.milk.id],
        category_ids: [cat.food.id], tiers: ['gold', 'silver'], starts_on: '2026-05-01', ends_on: '2026-05-31',
        weekdays: [7, 6], hour_from: '09:30', hour_to: '21:00', priority: 5, exclusive: true, active: true,
      });
      assert.equal(r.status, 201, r.text);
      const p = r.body;
      assert.deepEqual(Object.keys(p).sort(), KEYS);
      assert.equal(hdr(r, 'location'), `/api/v1/promotions/${p.id}`);
      assert.equal(p.name, '周末 10% off');
      assert.equal(p.kind, 'percent_off');
      assert.deepEqual(p.params, { percent: 1000 });
      assert.deepEqual(p.store_ids, [base.id, other.id].sort((a, b) => a - b));
      assert.deepEqual(p.product_ids, [prod.milk.id, prod.cola.id].sort((a, b) => a - b));
      assert.deepEqual(p.category_ids, [cat.food.id]);
      assert.deepEqual(p.tiers, ['gold', 'silver']);
      assert.equal(p.starts_on, '2026-05-01');
      assert.equal(p.ends_on, '2026-05-31');
      assert.deepEqual(p.weekdays, [6, 7]);
      assert.equal(p.hour_from, '09:30');
      assert.equal(p.hour_to, '21:00');
      assert.equal(p.priority, 5);
      assert.equal(p.exclusive, true);
      assert.equal(p.active, true);
      assert.match(p.created_at, RFC3339_UTC);
      assert.match(p.updated_at, RFC3339_UTC);
      const g = await api('GET', `/api/v1/promotions/${p.id}`);
      assert.equal(g.status, 200);
      assert.deepEqual(g.body, p);
      const audit = await api('GET', `/api/v1/audit?entity=promotion&entity_id=${p.id}`);
      assert.equal(audit.status, 200, audit.text);
      assert.equal(audit.body.items.length, 1);
      assert.equal(audit.body.items[0].action, 'create');
    });

    it('defaults: empty scope, no window, priority 0, stackable, active; params defaults per kind', async () => {
      const p = await promo({ store_ids: undefined, kind: 'amount_off', params: { amount: 100 } });
      assert.deepEqual(p.store_ids, []);
      assert.deepEqual(p.product_ids, []);
      assert.deepEqual(p.category_ids, []);
      assert.deepEqual(p.tiers, []);
      assert.deepEqual(p.weekdays, []);
      assert.equal(p.starts_on, null);
      assert.equal(p.ends_on, null);
      assert.equal(p.hour_from, null);
      assert.equal(p.hour_to, null);
      assert.equal(p.priority, 0);
      assert.equal(p.exclusive, false);
      assert.equal(p.active, true);
      assert.deepEqual(p.params, { amount: 100, per: 'unit' });
      // it applies to every store: deactivate it before any preview runs
      assert.equal((await api('DELETE', `/api/v1/promotions/${p.id}`)).status, 204);

      const kinds = {
        buy_x_get_y: [{ buy: 2, get: 1 }, { buy: 2, get: 1, percent: 10000 }],
        spend_threshold: [{ every: 30000, off: 5000 }, { every: 30000, off: 5000, max_off: null }],
        gift: [{ product_id: cup.id }, { product_id: cup.id, quantity: 1, min_spend: 0, min_quantity: 0 }],
        bundle_price: [{ size: 3, price: 9900 }, { size: 3, price: 9900 }],
      };
      for (const [kind, [params, want]] of Object.entries(kinds)) {
        const q = await promo({ kind, params, active: false });
        assert.deepEqual(q.params, want, kind);
        assert.equal(q.active, false);
      }
      const t = await promo({ kind: 'spend_threshold', params: { tiers: [{ threshold: 10000, off: 1000 }, { threshold: 20000, off: 3000 }] } });
      assert.deepEqual(t.params, { tiers: [{ threshold: 10000, off: 1000 }, { threshold: 20000, off: 3000 }] });
      const g = await promo({ kind: 'gift', params: { product_id: cup.id, quantity: 0.5, min_quantity: 2.25 } });
      assert.deepEqual(g.params, { product_id: cup.id, quantity: 0.5, min_spend: 0, min_quantity: 2.25 });
    });

    it('PATCH changes only what is sent; kind needs params; null clears', async () => {
      const p = await promo({ hour_from: '08:00', hour_to: '10:00', weekdays: [1], tiers: ['gold'] });
      let r = await api('PATCH', `/api/v1/promotions/${p.id}`, { body: { name: 'Renamed', priority: -3 } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.name, 'Renamed');
      assert.equal(r.body.priority, -3);
      assert.deepEqual(r.body.params, p.params);
      assert.equal(r.body.hour_from, '08:00');
      assert.deepEqual(r.body.store_ids, [base.id]);
      assert.equal(r.body.created_at, p.created_at);

      r = await api('PATCH', `/api/v1/promotions/${p.id}`, { body: { params: { percent: 2500 } } });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.params, { percent: 2500 });

      assertProblem(await api('PATCH', `/api/v1/promotions/${p.id}`, { body: { kind: 'bundle_price' } }), 422, 'validation', ['params']);
      // params are read for the current kind
      assertProblem(await api('PATCH', `/api/v1/promotions/${p.id}`, { body: { params: { size: 3, price: 100 } } }), 422, 'validation',
        ['params.size', 'params.price', 'params.percent']);
      r = await api('PATCH', `/api/v1/promotions/${p.id}`, { body: { kind: 'bundle_price', params: { size: 3, price: 9900 } } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.kind, 'bundle_price');
      assert.deepEqual(r.body.params, { size: 3, price: 9900 });

      r = await api('PATCH', `/api/v1/promotions/${p.id}`, { body: { hour_from: null, hour_to: null, weekdays: null, tiers: [], store_ids: [other.id] } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.hour_from, null);
      assert.equal(r.body.hour_to, null);
      assert.deepEqual(r.body.weekdays, []);
      assert.deepEqual(r.body.tiers, []);
      assert.deepEqual(r.body.store_ids, [other.id]);
      // only one end of the window: 422
      assertProblem(await api('PATCH', `/api/v1/promotions/${p.id}`, { body: { hour_to: '09:00' } }), 422, 'validation', ['hour_from']);
      assertProblem(await api('PATCH', `/api/v1/promotions/${p.id}`, { body: { name: null } }), 422, 'validation', ['name']);
      assertProblem(await api('PATCH', `/api/v1/promotions/${p.id}`, { body: { id: 5 } }), 422, 'validation', ['id']);
      assertProblem(await api('PATCH', '/api/v1/promotions/99999999', { body: { name: 'x' } }), 404, 'not-found');
      const audit = await api('GET', `/api/v1/audit?entity=promotion&entity_id=${p.id}`);
      assert.equal(audit.body.items.filter((a) => a.action === 'update').length, 4);
    });

    it('DELETE deactivates (again: no change); list filters by active and q; pages', async () => {
      const tag = uniq();
      const a = await promo({ name: `Spring_${tag} A` });
      const b = await promo({ name: `spring_${tag} B` });
      const c = await promo({ name: `Summer ${tag}` });
      let r = await api('DELETE', `/api/v1/promotions/${a.id}`);
      assert.equal(r.status, 204);
      assert.equal((await api('GET', `/api/v1/promotions/${a.id}`)).body.active, false);
      assert.equal((await api('DELETE', `/api/v1/promotions/${a.id}`)).status, 204);
      assertProblem(await api('DELETE', '/api/v1/promotions/99999999'), 404, 'not-found');

      const ids = async (q) => {
        const l = await api('GET', `/api/v1/promotions?${q}`);
        assert.equal(l.status, 200, l.text);
        return l.body.items.map((p) => p.id);
      };
      assert.deepEqual(await ids(`q=SPRING_${tag}&limit=500`), [a.id, b.id]);
      assert.deepEqual(await ids(`q=spring_${tag}&active=true&limit=500`), [b.id]);
      assert.deepEqual(await ids(`q=spring_${tag}&active=false&limit=500`), [a.id]);
      assert.deepEqual(await ids(`q=${encodeURIComponent('%')}${tag}&limit=500`), [], '% is literal');
      assertProblem(await api('GET', '/api/v1/promotions?active=maybe'), 422, 'validation', ['active']);

      const p1 = await api('GET', `/api/v1/promotions?q=${tag}&limit=1`);
      assert.equal(p1.body.items.length, 1);
      assert.equal(typeof p1.body.next_cursor, 'string');
      const p2 = await api('GET', `/api/v1/promotions?q=${tag}&limit=5&cursor=${p1.body.next_cursor}`);
      assert.deepEqual(p2.body.items.map((p) => p.id), [b.id, c.id]);
      assert.equal(p2.body.next_cursor, null);

      r = await api('PATCH', `/api/v1/promotions/${a.id}`, { body: { active: true } });
      assert.equal(r.body.active, true);
      const csv = await api('GET', `/api/v1/promotions?q=${tag}&format=csv`);
      assert.equal(csv.status, 200);
      assert.match(csv.text, /Summer/);
    });
  });

  describe('validation', () => {
    const bad = async (o, fields, status = 422) => {
      const r = await create(o);
      assertProblem(r, status, status === 422 ? 'validation' : 'bad-request', fields);
      return r;
    };

    it('name, kind and params are required; unknown fields and kinds refused', async () => {
      const r = await api('POST', '/api/v1/promotions', { body: {} });
      assertProblem(r, 422, 'validation', ['name', 'kind', 'params']);
      await bad({ owner: 1 }, ['owner']);
      await bad({ kind: 'half_off' }, ['kind']);
      await bad({ name: '  ' }, ['name']);
      await bad({ name: 'x'.repeat(101) }, ['name']);
      await bad({ params: [1] }, ['params'], 400);
      await bad({ name: 5 }, ['name'], 400);
    });

    it('percent_off: percent 1..10000, unknown keys, types', async () => {
      await bad({ params: { percent: 0 } }, ['params.percent']);
      await bad({ params: { percent: 10001 } }, ['params.percent']);
      await bad({ params: { percent: 10.5 } }, ['params.percent']);
      await bad({ params: {} }, ['params.percent']);
      await bad({ params: { percent: 100, amount: 5 } }, ['params.amount']);
      await bad({ params: { percent: '10' } }, ['params.percent'], 400);
    });

    it('amount_off: amount > 0, per unit|line', async () => {
      await bad({ kind: 'amount_off', params: { amount: 0, per: 'kg' } }, ['params.amount', 'params.per']);
      await bad({ kind: 'amount_off', params: { per: 'line' } }, ['params.amount']);
      await bad({ kind: 'amount_off', params: { amount: 100, per: 1 } }, ['params.per'], 400);
    });

    it('buy_x_get_y: buy >= 1, get >= 1, percent 1..10000', async () => {
      await bad({ kind: 'buy_x_get_y', params: { buy: 0, get: 0, percent: 0 } }, ['params.buy', 'params.get', 'params.percent']);
      await bad({ kind: 'buy_x_get_y', params: {} }, ['params.buy', 'params.get']);
      await bad({ kind: 'buy_x_get_y', params: { buy: 1, get: 1001 } }, ['params.get']);
    });

    it('spend_threshold: every/off or ascending tiers, off below its threshold', async () => {
      const k = 'spend_threshold';
      await bad({ kind: k, params: { every: 0, off: 0 } }, ['params.every', 'params.off']);
      await bad({ kind: k, params: { every: 30000, off: 30000 } }, ['params.off']);
      await bad({ kind: k, params: { every: 30000, off: 5000, max_off: 100 } }, ['params.max_off']);
      await bad({ kind: k, params: { every: 30000 } }, ['params.off']);
      await bad({ kind: k, params: {} }, ['params.every']);
      await bad({ kind: k, params: { every: 30000, off: 5000, tiers: [{ threshold: 100, off: 10 }] } }, ['params.tiers']);
      await bad({ kind: k, params: { tiers: [] } }, ['params.tiers']);
      await bad({ kind: k, params: { tiers: [{ threshold: 20000, off: 20000 }, { threshold: 10000, off: 500 }, { threshold: 30000 }] } },
        ['params.tiers[0].off', 'params.tiers[1].threshold', 'params.tiers[2].off']);
      await bad({ kind: k, params: { tiers: [{ threshold: -1, off: 1, x: 1 }] } }, ['params.tiers[0].threshold', 'params.tiers[0].x']);
      await bad({ kind: k, params: { tiers: [5] } }, ['params.tiers[0]'], 400);
      await bad({ kind: k, params: { tiers: [{ threshold: 100, off: 10 }], max_off: 50 } }, ['params.max_off']);
    });

    it('bundle_price: size >= 2, price > 0', async () => {
      await bad({ kind: 'bundle_price', params: { size: 1, price: 0 } }, ['params.size', 'params.price']);
      await bad({ kind: 'bundle_price', params: { size: 3 } }, ['params.price']);
    });

    it('gift: an existing product, quantity > 0 with 3 decimals, thresholds >= 0', async () => {
      await bad({ kind: 'gift', params: {} }, ['params.product_id']);
      await bad({ kind: 'gift', params: { product_id: 99999999 } }, ['params.product_id']);
      await bad({ kind: 'gift', params: { product_id: cup.id, quantity: 0, min_spend: -1, min_quantity: -1 } },
        ['params.quantity', 'params.min_spend', 'params.min_quantity']);
      await bad({ kind: 'gift', params: { product_id: cup.id, quantity: 0.0005 } }, ['params.quantity']);
      await bad({ kind: 'gift', params: { product_id: cup.id, quantity: '1' } }, ['params.quantity'], 400);
    });

    it('scope: existing unique ids, tiers, dates, weekdays, hours, priority', async () => {
      await bad({ store_ids: [99999999], product_ids: [99999999], category_ids: [99999999] }, ['store_ids', 'product_ids', 'category_ids']);
      await bad({ store_ids: [base.id, base.id] }, ['store_ids']);
      await bad({ product_ids: [0] }, ['product_ids']);
      await bad({ store_ids: 'all' }, ['store_ids'], 400);
      await bad({ category_ids: ['x'] }, ['category_ids'], 400);
      await bad({ tiers: ['gold', 'gold'] }, ['tiers']);
      await bad({ tiers: [''] }, ['tiers']);
      await bad({ tiers: ['x'.repeat(33)] }, ['tiers']);
      await bad({ tiers: [1] }, ['tiers'], 400);
      await bad({ starts_on: '2026-13-01' }, ['starts_on']);
      await bad({ starts_on: '2026-05-02', ends_on: '2026-05-01' }, ['ends_on']);
      await bad({ weekdays: [0] }, ['weekdays']);
      await bad({ weekdays: [1, 1] }, ['weekdays']);
      await bad({ weekdays: [8] }, ['weekdays']);
      await bad({ hour_from: '8:00', hour_to: '10:00' }, ['hour_from']);
      await bad({ hour_from: '08:00' }, ['hour_to']);
      await bad({ hour_from: '10:00', hour_to: '10:00' }, ['hour_to']);
      await bad({ hour_from: '10:00', hour_to: '24:30' }, ['hour_to']);
      await bad({ hour_from: '24:00', hour_to: '24:00' }, ['hour_from']);
      await bad({ priority: 2000000 }, ['priority']);
      await bad({ exclusive: 'yes' }, ['exclusive'], 400);
      assert.equal((await create({ hour_from: '22:00', hour_to: '24:00', active: false })).status, 201);
    });

    it('every bad field in one answer', async () => {
      await bad({
        name: '', kind: 'bundle_price', params: { size: 1, price: 0, extra: 1 }, store_ids: [99999999],
        weekdays: [9], hour_from: '11:00', hour_to: '10:00', starts_on: '2026-05-02', ends_on: '2026-05-01', priority: -2000000,
      }, ['name', 'params.size', 'params.price', 'params.extra', 'store_ids', 'weekdays', 'hour_to', 'ends_on', 'priority']);
    });
  });

  describe('roles and store scope', () => {
    it('hq and admin write; store managers, sales and service only read', async () => {
      assert.equal((await create({}, hq.token)).status, 201);
      const p = await promo({});
      for (const role of ['store_manager', 'sales', 'service']) {
        const u = await makeUser(srv, role, role === 'service' ? [] : [base.id]);
        assertProblem(await create({}, u.token), 403, 'forbidden');
        assertProblem(await srv.api('PATCH', `/api/v1/promotions/${p.id}`, { token: u.token, body: { name: 'x' } }), 403, 'forbidden');
        assertProblem(await srv.api('DELETE', `/api/v1/promotions/${p.id}`, { token: u.token }), 403, 'forbidden');
        assert.equal((await srv.api('GET', `/api/v1/promotions/${p.id}`, { token: u.token })).status, 200, role);
      }
      const h = await srv.api('PATCH', `/api/v1/promotions/${p.id}`, { token: hq.token, body: { name: 'By hq' } });
      assert.equal(h.status, 200);
      assert.equal((await srv.api('DELETE', `/api/v1/promotions/${p.id}`, { token: hq.token })).status, 204);
    });

    it('a store-bound user sees promotions for every store or theirs, not another store\'s', async () => {
      const mine = await freshStore();
      const theirs = await freshStore();
      const tag = uniq();
      const pm = await promo({ name: `Scope ${tag} mine`, store_ids: [mine.id, theirs.id] });
      const pt = await promo({ name: `Scope ${tag} theirs`, store_ids: [theirs.id] });
      const pa = await promo({ name: `Scope ${tag} all`, store_ids: [], active: false });
      const mgr = await makeUser(srv, 'store_manager', [mine.id]);
      const l = await srv.api('GET', `/api/v1/promotions?q=${tag}`, { token: mgr.token });
      assert.equal(l.status, 200);
      assert.deepEqual(l.body.items.map((p) => p.id), [pm.id, pa.id]);
      assert.equal((await srv.api('GET', `/api/v1/promotions/${pm.id}`, { token: mgr.token })).status, 200);
      assertProblem(await srv.api('GET', `/api/v1/promotions/${pt.id}`, { token: mgr.token }), 404, 'not-found');
      const all = await api('GET', `/api/v1/promotions?q=${tag}`);
      assert.deepEqual(all.body.items.map((p) => p.id), [pm.id, pt.id, pa.id]);

      // previews: their own store, not another (403)
      assert.equal((await preview({ store_id: mine.id, lines: [{ product_id: prod.cola.id, quantity: 1 }] }, mgr.token)).lines.length, 1);
      const r = await srv.api('POST', '/api/v1/promotions/preview', { token: mgr.token, body: { store_id: theirs.id, lines: [] } });
      assertProblem(r, 403, 'forbidden');
    });
  });

  describe('preview', () => {
    const line = (p, quantity = 1) => ({ product_id: p.id, quantity });

    it('第二件半价 on an ancestor category: the second milk is half price', async () => {
      const s = await freshStore();
      const p = await promo({ name: '第二件半价', kind: 'buy_x_get_y', params: { buy: 1, get: 1, percent: 5000 }, store_ids: [s.id], category_ids: [cat.food.id] });
      let v = await preview({ store_id: s.id, lines: [line(prod.milk, 2), line(prod.cola, 2)] });
      assert.equal(v.lines[0].subtotal, 2000);
      assert.equal(v.lines[0].discount, 500);
      assert.equal(v.lines[0].total, 1500);
      assert.equal(v.lines[0].promotion_id, p.id);
      assert.deepEqual(v.lines[0].discounts, [{ promotion_id: p.id, name: '第二件半价', amount: 500 }]);
      assert.equal(v.lines[1].discount, 0, 'cola is not food');
      assert.equal(v.lines[1].promotion_id, null);
      assert.deepEqual(v.promotions, [{ id: p.id, name: '第二件半价', kind: 'buy_x_get_y', amount: 500, gift: false }]);
      assert.equal(v.total, 2000 - 500 + 600);
      assert.equal(v.day, '2026-05-06');
      assert.equal(v.weekday, 3);
      assert.equal(v.time, '12:00');
      assert.equal(v.store_id, s.id);
      // one milk: nothing; three: still one pair
      v = await preview({ store_id: s.id, lines: [line(prod.milk, 1)] });
      assert.equal(v.discount_total, 0);
      assert.deepEqual(v.promotions, []);
      v = await preview({ store_id: s.id, lines: [line(prod.milk, 3)] });
      assert.equal(v.discount_total, 500);
      // not in another store
      v = await preview({ store_id: other.id, lines: [line(prod.milk, 2)] });
      assert.equal(v.discount_total, 0);
    });

    it('满减: every ¥300 → ¥50, prorated with no fen lost', async () => {
      const s = await freshStore();
      await promo({ name: '满300减50', kind: 'spend_threshold', params: { every: 30000, off: 5000 }, store_ids: [s.id] });
      let v = await preview({ store_id: s.id, lines: [line(prod.shirt, 4), line(prod.cola, 1)] });
      assert.equal(v.subtotal, 40300);
      assert.equal(v.discount_total, 5000);
      // 4962.78 and 37.22: floors 4962 + 37, the fen left on the largest line
      assert.equal(v.lines[0].discount, 4963);
      assert.equal(v.lines[1].discount, 37);
      assert.equal(v.total, 35300);
      v = await preview({ store_id: s.id, lines: [line(prod.shirt, 6)] });
      assert.equal(v.discount_total, 10000, 'repeats: ¥600 → ¥100');
      v = await preview({ store_id: s.id, lines: [line(prod.shirt, 2), line(prod.cola, 3)] });
      assert.equal(v.subtotal, 20900);
      assert.equal(v.discount_total, 0);
    });

    it('tiers: the best tier reached', async () => {
      const s = await freshStore();
      await promo({ kind: 'spend_threshold', params: { tiers: [{ threshold: 10000, off: 1000 }, { threshold: 30000, off: 5000 }] }, store_ids: [s.id] });
      assert.equal((await preview({ store_id: s.id, lines: [line(prod.shirt, 2)] })).discount_total, 1000);
      assert.equal((await preview({ store_id: s.id, lines: [line(prod.shirt, 3)] })).discount_total, 5000);
      assert.equal((await preview({ store_id: s.id, lines: [line(prod.cola, 3)] })).discount_total, 0);
    });

    it('bundle: any 3 for ¥99, the dearest items first, as many times as pays', async () => {
      const s = await freshStore();
      const a = await product(5000), b = await product(4000), c = await product(3000);
      const p = await promo({ kind: 'bundle_price', params: { size: 3, price: 9900 }, store_ids: [s.id], product_ids: [a.id, b.id, c.id] });
      let v = await preview({ store_id: s.id, lines: [line(a), line(b), line(c)] });
      assert.equal(v.discount_total, 2100);
      assert.equal(v.total, 9900);
      // 2100 over 50:40:30 → 875, 700, 525
      assert.deepEqual(v.lines.map((l) => l.discount), [875, 700, 525]);
      assert.ok(v.lines.every((l) => l.promotion_id === p.id));
      // five items: one bundle of the dearest three, two at full price
      v = await preview({ store_id: s.id, lines: [line(c, 2), line(a, 2), line(b)] });
      assert.equal(v.discount_total, 5000 + 5000 + 4000 - 9900);
      assert.equal(v.lines[0].discount, 0, 'the cheapest stay out of the bundle');
      assert.equal(v.total, 9900 + 6000);
      // six units of ¥40: two bundles
      v = await preview({ store_id: s.id, lines: [line(b, 7)] });
      assert.equal(v.total, 2 * 9900 + 4000);
      // a bundle that would cost more is not made; other products never count
      v = await preview({ store_id: s.id, lines: [line(prod.cola, 3), line(c, 2)] });
      assert.equal(v.discount_total, 0);
    });

    it('gift: added once the threshold is met, for the caller to hand over', async () => {
      const s = await freshStore();
      const g = await promo({ name: 'Cup', kind: 'gift', params: { product_id: cup.id, quantity: 1, min_spend: 20000 }, store_ids: [s.id] });
      let v = await preview({ store_id: s.id, lines: [line(prod.shirt, 2)] });
      assert.deepEqual(v.gifts, [{ promotion_id: g.id, product_id: cup.id, quantity: 1 }]);
      assert.equal(v.discount_total, 0);
      assert.deepEqual(v.promotions, [{ id: g.id, name: 'Cup', kind: 'gift', amount: 0, gift: true }]);
      v = await preview({ store_id: s.id, lines: [line(prod.shirt, 1), line(prod.cola, 1)] });
      assert.deepEqual(v.gifts, []);
      // a gift whose product was deactivated is left out
      assert.equal((await api('PATCH', `/api/v1/products/${cup.id}`, { body: { active: false } })).status, 200);
      v = await preview({ store_id: s.id, lines: [line(prod.shirt, 2)] });
      assert.deepEqual(v.gifts, []);
      assert.equal((await api('PATCH', `/api/v1/products/${cup.id}`, { body: { active: true } })).status, 200);
    });

    it('time windows: dates, weekdays and hours in the company zone', async () => {
      const s = await freshStore();
      await promo({ kind: 'percent_off', params: { percent: 1000 }, store_ids: [s.id], starts_on: '2026-05-01', ends_on: '2026-05-31',
        weekdays: [6, 7], hour_from: '10:00', hour_to: '14:00' });
      const at = async (when) => (await preview({ store_id: s.id, at: when, lines: [line(prod.shirt)] }));
      let v = await at('2026-05-09T03:00:00Z'); // Saturday 11:00 local
      assert.equal(v.discount_total, 1000);
      assert.equal(v.weekday, 6);
      assert.equal(v.time, '11:00');
      assert.equal((await at('2026-05-09T02:00:00Z')).discount_total, 1000, '10:00 is inside');
      assert.equal((await at('2026-05-09T06:00:00Z')).discount_total, 0, '14:00 is outside');
      assert.equal((await at('2026-05-09T01:59:00Z')).discount_total, 0, '09:59');
      assert.equal((await at('2026-05-06T03:00:00Z')).discount_total, 0, 'Wednesday');
      assert.equal((await at('2026-04-26T03:00:00Z')).discount_total, 0, 'a Sunday before starts_on');
      assert.equal((await at('2026-05-31T03:00:00Z')).discount_total, 1000, 'ends_on is inclusive (Sunday)');
      assert.equal((await at('2026-06-06T03:00:00Z')).discount_total, 0, 'a Saturday after ends_on');
      // 16:30 UTC on Friday is 00:30 on Saturday in Shanghai: a weekend day, outside the hours
      v = await at('2026-05-08T16:30:00Z');
      assert.equal(v.day, '2026-05-09');
      assert.equal(v.weekday, 6);
      assert.equal(v.time, '00:30');
      assert.equal(v.discount_total, 0);
    });

    it('customer tiers; exclusive and priority; a weighed line; a deactivated promotion stops', async () => {
      const s = await freshStore();
      const gold = await promo({ kind: 'amount_off', params: { amount: 100, per: 'line' }, store_ids: [s.id], tiers: ['gold'] });
      let v = await preview({ store_id: s.id, lines: [line(prod.shirt)] });
      assert.equal(v.discount_total, 0);
      v = await preview({ store_id: s.id, customer_tier: 'gold', lines: [line(prod.shirt)] });
      assert.equal(v.discount_total, 100);
      assert.equal(v.customer_tier, 'gold');
      await api('DELETE', `/api/v1/promotions/${gold.id}`);
      assert.equal((await preview({ store_id: s.id, customer_tier: 'gold', lines: [line(prod.shirt)] })).discount_total, 0);

      // an exclusive 20% on milk first keeps the later 10% off the milk
      const ex = await promo({ kind: 'percent_off', params: { percent: 2000 }, store_ids: [s.id], product_ids: [prod.milk.id], priority: 10, exclusive: true });
      const all = await promo({ kind: 'percent_off', params: { percent: 1000 }, store_ids: [s.id] });
      v = await preview({ store_id: s.id, lines: [line(prod.milk), line(prod.shirt)] });
      assert.deepEqual(v.lines[0].discounts.map((d) => [d.promotion_id, d.amount]), [[ex.id, 200]]);
      assert.deepEqual(v.lines[1].discounts.map((d) => [d.promotion_id, d.amount]), [[all.id, 1000]]);
      assert.deepEqual(v.promotions.map((p) => p.id), [ex.id, all.id]);
      // stackable: the 10% works on the reduced price
      await api('PATCH', `/api/v1/promotions/${ex.id}`, { body: { exclusive: false } });
      v = await preview({ store_id: s.id, lines: [line(prod.milk)] });
      assert.deepEqual(v.lines[0].discounts.map((d) => [d.promotion_id, d.amount]), [[ex.id, 200], [all.id, 80]]);
      // priority decides the order
      await api('PATCH', `/api/v1/promotions/${all.id}`, { body: { priority: 20 } });
      v = await preview({ store_id: s.id, lines: [line(prod.milk)] });
      assert.deepEqual(v.lines[0].discounts.map((d) => [d.promotion_id, d.amount]), [[all.id, 100], [ex.id, 180]]);

      // 0.5 kg of cheese at ¥19.99/kg: ¥10.00, 10% → ¥1.00 (plus nothing else: not milk)
      v = await preview({ store_id: s.id, lines: [line(prod.cheese, 0.5)] });
      assert.equal(v.lines[0].quantity, 0.5);
      assert.equal(v.lines[0].subtotal, 1000);
      assert.equal(v.lines[0].discount, 100);
    });

    it('bad previews: every bad field named', async () => {
      const p = (b) => srv.api('POST', '/api/v1/promotions/preview', { token: admin, body: b });
      assertProblem(await p({}), 422, 'validation', ['store_id', 'lines']);
      assertProblem(await p({ store_id: 99999999, lines: [] }), 422, 'validation', ['store_id']);
      assertProblem(await p({ store_id: base.id, at: 'tomorrow', lines: [], x: 1 }), 422, 'validation', ['at', 'x']);
      assertProblem(await p({ store_id: base.id, lines: [{ product_id: 99999999, quantity: 1 }, { product_id: prod.cola.id, quantity: 0 },
        { product_id: prod.cola.id, quantity: 0.0005 }, { product_id: prod.cola.id }, { quantity: 1, y: 2 }] }), 422, 'validation',
      ['lines[0].product_id', 'lines[1].quantity', 'lines[2].quantity', 'lines[3].quantity', 'lines[4].product_id', 'lines[4].y']);
      assertProblem(await p({ store_id: base.id, lines: [5] }), 400, 'bad-request', ['lines[0]']);
      assertProblem(await p({ store_id: '1', lines: [] }), 400, 'bad-request', ['store_id']);
      const off = await product(100);
      await api('DELETE', `/api/v1/products/${off.id}`); // no history: deleted
      assertProblem(await p({ store_id: base.id, lines: [{ product_id: off.id, quantity: 1 }] }), 422, 'validation', ['lines[0].product_id']);
      // an empty basket is fine
      const v = await preview({ store_id: base.id, lines: [] });
      assert.deepEqual(v.lines, []);
      assert.equal(v.total, 0);
    });
  });
});
