// The permission matrix: every route of the served OpenAPI document called
// by every role, checked against its x-roles; and every route without a
// token (401 unless public).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';

const ROLES = ['admin', 'hq', 'store_manager', 'sales', 'service'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const ALLOWED = new Set([200, 201, 204, 400, 404, 409, 422]);
const LOGOUT = '/api/v1/auth/logout';
// Held permission, refused by the object: journeys are company-wide, so a
// store manager (MARKETING_WRITE for their store's campaigns) may read them
// but not change them.
const REFUSED = { store_manager: /^(post|patch|delete) \/api\/v1\/journeys/ };

describe('roles × routes', () => {
  let srv, admin, ops, store, category, product, alert, promo;
  const users = {};
  const inv = {}; // transfer and stock count fixtures
  const purch = {}; // a supplier and a purchase order in the store
  const pos = {}; // an open shift in the store
  const crm = {}; // a customer of the store, a contact with it, a task and an opportunity in the store
  const loy = {}; // a tier
  const cpn = {}; // a coupon template, a coupon and a care rule
  const seg = {}; // a saved segment of the store
  const mkt = {}; // a campaign of the store and a cost line of it, a journey
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });

  async function mk(path, body) {
    const r = await api('POST', path, { body });
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    return r.body;
  }
  const fresh = {
    '/api/v1/categories/{id}': async () => (await mk('/api/v1/categories', { name: `Del ${uniq()}` })).id,
    '/api/v1/products/{id}': async () => (await mk('/api/v1/products', { sku: `D${uniq()}`, name: 'Del', unit: 'pcs', price: 1, vat_rate: 0 })).id,
    '/api/v1/stored-value/rules/{id}': async () => (await mk('/api/v1/stored-value/rules', { min_amount: 100000 + Math.floor(Math.random() * 1e9), bonus: 1 })).id,
    '/api/v1/segments/{id}': async () => (await mk('/api/v1/segments', { name: `Del ${uniq()}`, store_id: store.id })).id,
    '/api/v1/campaigns/{id}': async () => (await mk('/api/v1/campaigns', { name: `Del ${uniq()}`, channel: 'sms', store_id: store.id, segment_id: seg.id })).id,
    '/api/v1/journeys/{id}': async () => (await mk('/api/v1/journeys', { kind: 'welcome', name: `Del ${uniq()}`, active: false, steps: [{ channel: 'in_store', coupon_template_id: cpn.template }] })).id,
  };
  function fill(path) {
    const id = {
      '/api/v1/stores/{id}': store.id, '/api/v1/users/{id}': users.service.id,
      '/api/v1/categories/{id}': category.id, '/api/v1/products/{id}': product.id,
      '/api/v1/stores/{id}/reorder-rules/{id}': [store.id, product.id], '/api/v1/alerts/{id}/acknowledge': alert?.id,
      '/api/v1/suppliers/{id}': purch.supplier, '/api/v1/products/{id}/suppliers': product.id,
      '/api/v1/products/{id}/price-history': product.id,
      '/api/v1/products/{id}/bought-together': product.id,
      '/api/v1/products/{id}/suppliers/{id}': [product.id, purch.supplier], '/api/v1/purchase-orders/{id}': purch.order,
      '/api/v1/purchase-orders/{id}/send': purch.order, '/api/v1/purchase-orders/{id}/receive': purch.order,
      '/api/v1/purchase-orders/{id}/cancel': purch.order,
      '/api/v1/stock/transfers/{id}': inv.out, '/api/v1/stock/transfers/{id}/ship': inv.out,
      '/api/v1/stock/transfers/{id}/receive': inv.in, '/api/v1/stock/transfers/{id}/close': inv.out,
      '/api/v1/stock/transfers/{id}/cancel': inv.out, '/api/v1/stock/counts/{id}': inv.count,
      '/api/v1/stock/counts/{id}/lines': inv.count, '/api/v1/stock/counts/{id}/apply': inv.count,
      '/api/v1/stock/counts/{id}/cancel': inv.count,
      '/api/v1/promotions/{id}': promo?.id,
      '/api/v1/coupon-templates/{id}': cpn.template, '/api/v1/coupons/{id}': cpn.coupon,
      '/api/v1/coupons/{id}/cancel': cpn.coupon, '/api/v1/care-rules/{id}': cpn.care,
      '/api/v1/customers/{id}/coupons': crm.customer,
      '/api/v1/shifts/{id}': pos.shift, '/api/v1/shifts/{id}/close': pos.shift,
      '/api/v1/sales/{id}': pos.sale, '/api/v1/sales/{id}/returns': pos.sale,
      '/api/v1/sales/{id}/void': pos.sale, '/api/v1/sales/{id}/receipt': pos.sale,
      ...Object.fromEntries(['', '/sales', '/timeline', '/merge', '/export', '/erase', '/value', '/recommendations'].map((x) => [`/api/v1/customers/{id}${x}`, crm.customer])),
      '/api/v1/customers/{id}/contacts': crm.customer, '/api/v1/customers/{id}/tasks': crm.customer,
      '/api/v1/customers/{id}/contacts/{id}': [crm.customer, crm.contact],
      '/api/v1/tasks/{id}': crm.task, '/api/v1/opportunities/{id}': crm.opportunity,
      '/api/v1/segments/{id}': seg.id, '/api/v1/segments/{id}/members': seg.id,
      ...Object.fromEntries(['', '/submit', '/approve', '/reject', '/start', '/cancel', '/complete', '/decide', '/preview',
        '/members', '/costs', '/results'].map((x) => [`/api/v1/campaigns/{id}${x}`, mkt.campaign])),
      '/api/v1/campaigns/{id}/costs/{id}': [mkt.campaign, mkt.cost],
      '/api/v1/journeys/{id}': mkt.journey, '/api/v1/journeys/{id}/enrollments': mkt.journey,
      '/api/v1/tiers/{id}': loy.tier, '/api/v1/stored-value/rules/{id}': 999999,
      '/api/v1/outbox/{id}/retry': 999999, '/api/v1/campaigns/{id}/resend': mkt.campaign,
      ...Object.fromEntries(['/tier-history', '/points', '/points/adjustments', '/stored-value', '/stored-value/top-ups',
        '/stored-value/refunds'].map((x) => [`/api/v1/customers/{id}${x}`, crm.customer])),
      '/api/v1/staff/{id}': users.service.id, '/api/v1/targets/{id}': 999999, '/api/v1/targets/entries/{id}': 999999,
      '/api/v1/tasks/{id}/checklist/{id}': [crm.task, 999999], '/api/v1/task-recurrences/{id}': 999999,
      ...Object.fromEntries(['/api/v1/evaluation-templates/{id}', '/api/v1/meetings/{id}', ...['', '/self', '/manager', '/publish', '/cancel']
        .map((x) => `/api/v1/evaluations/{id}${x}`)].map((x) => [x, 999999])),
    }[path];
    if (path.includes('{id}')) assert.ok(id, `no fixture for ${path}`);
    let p = path;
    for (const v of [].concat(id)) p = p.replace('{id}', String(v));
    p = p.replace('{day}', '2031-01-01'); // /holidays/{day}: a day without a holiday
    return p;
  }
  // The live feed never ends: a stream is dropped once its status is in.
  async function streamStatus(p, token) {
    const ac = new AbortController();
    const res = await fetch(srv.url + p, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: ac.signal });
    if (res.status === 200) {
      ac.abort();
      return { status: 200, body: null, text: '' };
    }
    const text = await res.text();
    let body = text;
    try { body = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body, text };
  }
  async function call(method, path, token) {
    if (path === '/api/v1/events') return streamStatus(path, token);
    const body = ['post', 'put', 'patch'].includes(method) ? {} : undefined;
    let p = fill(path);
    if (method === 'delete' && fresh[path]) p = path.replace('{id}', String(await fresh[path]()));
    return srv.api(method.toUpperCase(), p, { token, body });
  }

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    const doc = (await srv.api('GET', '/api/v1/openapi.json')).body;
    ops = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const m of METHODS) {
        if (!item[m]) continue;
        // A public route signed by its caller (delivery receipts) answers
        // 401 to the walk's unsigned calls, as it documents.
        const signed = item[m]['x-permission'] === 'PUBLIC' && Boolean(item[m].responses?.['401']);
        ops.push({ method: m, path, perm: item[m]['x-permission'], roles: item[m]['x-roles'], signed });
      }
    }
    store = await mk('/api/v1/stores', { code: `S-${uniq()}`, name: 'Roles store', channel: 'direct' });
    // the walk never closes it: a close with body {} lacks counted.cash (422)
    pos.shift = (await mk('/api/v1/shifts', { store_id: store.id, register: 'roles', opening_cash: 0 })).id;
    category = await mk('/api/v1/categories', { name: 'Roles' });
    product = await mk('/api/v1/products', { sku: `R${uniq()}`, name: 'Roles', unit: 'pcs', price: 100, vat_rate: 1300, category_id: category.id });
    // a low-stock alert in the store: a rule with min 1 and nothing on hand
    assert.equal((await api('PUT', `/api/v1/stores/${store.id}/reorder-rules/${product.id}`, { body: { min: 1, max: 2 } })).status, 201);
    alert = (await api('GET', `/api/v1/alerts?store_id=${store.id}`)).body.items?.[0];
    // transfers from and into the store (store managers ship from it, receive into it) and a count in it
    const other = await mk('/api/v1/stores', { code: `S-${uniq()}`, name: 'Roles other', channel: 'direct' });
    const tl = [{ product_id: product.id, quantity: 1 }];
    inv.out = (await mk('/api/v1/stock/transfers', { from_store_id: store.id, to_store_id: other.id, lines: tl })).id;
    inv.in = (await mk('/api/v1/stock/transfers', { from_store_id: other.id, to_store_id: store.id, lines: tl })).id;
    inv.count = (await mk('/api/v1/stock/counts', { store_id: store.id })).id;
    // a sale in the store (for its receipt, returns and void)
    assert.equal((await api('POST', '/api/v1/stock/moves', { body: { store_id: store.id, product_id: product.id, quantity: 10, reason: 'receipt' } })).status, 201);
    const sale = await api('POST', '/api/v1/sales', { headers: { 'idempotency-key': `roles-${uniq()}` },
      body: { store_id: store.id, lines: [{ product_id: product.id, quantity: 1 }], payments: [{ method: 'cash', amount: 100 }] } });
    assert.equal(sale.status, 201, sale.text);
    pos.sale = sale.body.id;
    crm.customer = (await mk('/api/v1/customers', { name: 'Roles customer', home_store_id: store.id })).id;
    promo = await mk('/api/v1/promotions', { name: 'Roles promo', kind: 'percent_off', params: { percent: 1000 } });
    cpn.template = (await mk('/api/v1/coupon-templates', { name: 'Roles coupon', kind: 'amount_off', value: 1, valid_days: 1 })).id;
    cpn.coupon = (await api('GET', `/api/v1/coupons?batch_id=${(await mk('/api/v1/coupons/batches', { template_id: cpn.template, count: 1 })).batch_id}`)).body.items[0].id;
    cpn.care = (await mk('/api/v1/care-rules', { kind: 'holiday', month_day: '10-01', name: 'Roles care', message: 'Hi {name}' })).id;
    purch.supplier = (await mk('/api/v1/suppliers', { code: `SUP-${uniq()}`, name: 'Roles supplier' })).id;
    purch.order = (await mk('/api/v1/purchase-orders', { supplier_id: purch.supplier, store_id: store.id, lines: [{ product_id: product.id, quantity: 1, unit_cost: 1 }] })).id;
    crm.contact = (await mk(`/api/v1/customers/${crm.customer}/contacts`, { channel: 'phone', direction: 'out', summary: 'Roles contact' })).id;
    crm.task = (await mk('/api/v1/tasks', { title: 'Roles task', store_id: store.id })).id;
    crm.opportunity = (await mk('/api/v1/opportunities', { name: 'Roles deal', store_id: store.id })).id;
    seg.id = (await mk('/api/v1/segments', { name: 'Roles segment', store_id: store.id, filter: { consent: ['sms'] } })).id;
    mkt.campaign = (await mk('/api/v1/campaigns', { name: 'Roles campaign', channel: 'sms', store_id: store.id, segment_id: seg.id, messages: [{ variant: 'A', lang: 'en', body: 'Hi {name}' }] })).id;
    mkt.cost = (await mk(`/api/v1/campaigns/${mkt.campaign}/costs`, { label: 'Roles cost', amount: 1, day: '2026-12-01' })).id;
    mkt.journey = (await mk('/api/v1/journeys', { kind: 'birthday', name: 'Roles journey', active: false, steps: [{ channel: 'sms', messages: { en: { body: 'Hi {name}' } } }] })).id;
    loy.tier = (await mk('/api/v1/tiers', { code: `T${uniq()}`, name: 'Roles tier', min_spend: 0, active: false })).id;
    for (const role of ROLES) {
      users[role] = await makeUser(srv, role, ['store_manager', 'sales'].includes(role) ? [store.id] : []);
    }
  });
  after(async () => { await srv?.stop(); });

  it('the document lists operations with x-permission and x-roles', () => {
    assert.ok(ops.length >= 20, `${ops.length} operations`);
    for (const o of ops) {
      assert.equal(typeof o.perm, 'string', `${o.method} ${o.path}`);
      assert.ok(Array.isArray(o.roles), `${o.method} ${o.path}`);
      assert.ok(o.roles.every((r) => ROLES.includes(r)), `${o.method} ${o.path}: ${o.roles}`);
    }
    assert.ok(ops.some((o) => o.path === LOGOUT));
  });

  it('every role on every route answers as x-roles says', async () => {
    const wrong = [];
    // Logout last, so that it does not end a session the walk still needs.
    const order = [...ops.filter((o) => o.path !== LOGOUT), ...ops.filter((o) => o.path === LOGOUT)];
    for (const o of order) {
      for (const role of ROLES) {
        const r = await call(o.method, o.path, users[role].token);
        const allowed = o.perm === 'PUBLIC' || o.roles.includes(role);
        const where = `${role} ${o.method.toUpperCase()} ${o.path} (${o.perm})`;
        if (allowed && REFUSED[role]?.test(`${o.method} ${o.path}`)) {
          if (r.status !== 403 || r.body?.type !== '/problems/forbidden') wrong.push(`${where}: want 403 forbidden (refused by the object), got ${r.status} ${r.text.slice(0, 120)}`);
        } else if (!allowed) {
          if (r.status !== 403 || r.body?.type !== '/problems/forbidden') wrong.push(`${where}: want 403 forbidden, got ${r.status} ${r.text.slice(0, 120)}`);
        } else if (!ALLOWED.has(r.status) && !(o.signed && r.status === 401)) {
          wrong.push(`${where}: want one of ${[...ALLOWED]}, got ${r.status} ${r.text.slice(0, 120)}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
    // The logout walk ended every role's session.
    for (const role of ROLES) {
      const r = await srv.api('GET', '/api/v1/me', { token: users[role].token });
      assert.equal(r.status, 401, `${role} after logout`);
    }
  });

  it('without a token every non-public route answers 401, public ones do not', async () => {
    const wrong = [];
    for (const o of ops) {
      for (const token of [undefined, 'a'.repeat(64)]) {
        const r = await call(o.method, o.path, token);
        const where = `${token ? 'bad token' : 'no token'} ${o.method.toUpperCase()} ${o.path} (${o.perm})`;
        if (o.perm === 'PUBLIC') {
          if ((r.status === 401 && !o.signed) || r.status === 403 || r.status >= 500) wrong.push(`${where}: got ${r.status}`);
        } else if (r.status !== 401 || r.body?.type !== '/problems/unauthorized') {
          wrong.push(`${where}: want 401 unauthorized, got ${r.status} ${r.text.slice(0, 120)}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('the fixtures survived the walk where they should', async () => {
    // Only admin and hq may delete products; the walk deleted fresh ones.
    assert.equal((await api('GET', `/api/v1/products/${product.id}`)).status, 200);
    assert.equal((await api('GET', `/api/v1/categories/${category.id}`)).status, 200);
    assert.equal((await api('GET', `/api/v1/stores/${store.id}`)).status, 200);
  });
});
