// Customers: profiles (normalized phone, pinyin initials, member code,
// consent history), the 360° read, member lookup, store scoping and phone
// masking, sales and timeline, duplicates and merge, RFM, export and
// erasure, with bad input on every route.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { startServer, uniq, makeUser, ROOT } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const PROFILE_KEYS = ['id', 'name', 'name_initials', 'phone', 'phone_last4', 'email', 'birthday', 'gender', 'city',
  'home_store_id', 'member_code', 'tags', 'preferences', 'consent_sms', 'consent_email', 'consent_wechat', 'tier',
  'tier_name', 'points_balance', 'stored_value_balance', 'lifetime_spend', 'orders_count', 'last_purchase_at',
  'created_at', 'updated_at', 'lang'].sort();
const EXTRA_KEYS = ['points_owed', 'stored_value_paid', 'stored_value_bonus', 'first_purchase_at', 'avg_basket', 'rfm',
  'rfm_at', 'favourite_categories', 'consents'];
const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');

// A unique mainland mobile number: 139 + 8 digits.
let phoneSeq = 0;
function mobile() {
  phoneSeq += 1;
  const n = (Number.parseInt(uniq().slice(-6), 36) * 7 + phoneSeq) % 100000000;
  return `139${String(n).padStart(8, '0')}`;
}

function luhnOk(code) {
  let sum = 0;
  for (let i = 0; i < code.length; i++) {
    let d = Number(code[code.length - 1 - i]);
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

describe('customers', () => {
  let srv, admin, storeA, storeB, salesA, managerA, hq;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  async function ok(r, status = 200) {
    assert.equal(r.status, status, `${r.status} ${r.text}`);
    return r.body;
  }
  // Runs SQL straight on the test database (rows that other parts of the
  // system write: sales of a customer, ledgers, contacts).
  function sql(text) {
    if (srv.engine === 'sqlite') {
      return execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, text], { encoding: 'utf8' }).trim();
    }
    return execFileSync('psql', [srv.db, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' }).trim();
  }
  const mkStore = async () => ok(await api('POST', '/api/v1/stores', {
    body: { code: `S${uniq()}`.slice(0, 12), name: 'Store', channel: 'direct' },
  }), 201);
  const mkCustomer = async (extra = {}, token = admin) => ok(await srv.api('POST', '/api/v1/customers', {
    token, body: { name: `客户${uniq()}`, phone: mobile(), ...extra },
  }), 201);
  const getC = (id, token = admin) => srv.api('GET', `/api/v1/customers/${id}`, { token });
  const list = async (qs, token = admin) => ok(await srv.api('GET', `/api/v1/customers?${qs}`, { token }));
  let product;
  // A sale of `units` teas at 10.00 each, then given to the customer.
  async function sale(storeId, customerId, units = 1) {
    const r = await api('POST', '/api/v1/sales', {
      headers: { 'idempotency-key': randomUUID() },
      body: { store_id: storeId, lines: [{ product_id: product.id, quantity: units }],
        payments: [{ method: 'cash', amount: units * 1000 }] },
    });
    const s = await ok(r, 201);
    if (customerId) {
      sql(`UPDATE sales SET customer_id = ${customerId} WHERE id = ${s.id}`);
      // The customer rollup as a sale with the customer counts it (check-db compares).
      sql(`INSERT INTO rollup_day_store_customer (day, store_id, customer_id, orders, revenue)
        SELECT day, store_id, customer_id, 1, paid FROM sales WHERE id = ${s.id}
        ON CONFLICT (day, store_id, customer_id) DO UPDATE SET orders = rollup_day_store_customer.orders + 1,
        revenue = rollup_day_store_customer.revenue + excluded.revenue`);
    }
    return s;
  }

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    admin = srv.adminToken;
    storeA = (await mkStore()).id;
    storeB = (await mkStore()).id;
    salesA = await makeUser(srv, 'sales', [storeA]);
    managerA = await makeUser(srv, 'store_manager', [storeA]);
    hq = await makeUser(srv, 'hq');
    const cat = await ok(await api('POST', '/api/v1/categories', { body: { name: `饮料${uniq()}` } }), 201);
    product = await ok(await api('POST', '/api/v1/products', {
      body: { sku: `P${uniq()}`, name: 'Tea', price: 1000, vat_rate: 1300, category_id: cat.id },
    }), 201);
    product.categoryName = cat.name;
    for (const s of [storeA, storeB]) {
      await ok(await api('POST', '/api/v1/stock/moves', { body: { store_id: s, product_id: product.id, quantity: 1000, reason: 'receipt' } }), 201);
    }
  });
  after(async () => { await srv?.stop(); });

  describe('create and read', () => {
    it('creates a profile: normalized phone, last four, initials, member code, consents, Location', async () => {
      const digits = mobile();
      const typed = `+86 ${digits.slice(0, 3)}-${digits.slice(3, 7)} ${digits.slice(7)}`;
      const r = await api('POST', '/api/v1/customers', {
        body: { name: '王小明', phone: typed, email: 'xm.wang@example.cn', birthday: '1990-05-17', gender: 'male',
          tags: ['vip', '团购', 'vip'], consent_sms: true, consent_email: false, home_store_id: storeA, city: '上海',
          preferences: { size: 'L', favourite: '茶', budget: 300 }, consent_source: 'store' },
      });
      const c = await ok(r, 201);
      assert.equal(hdr(r, 'location'), `/api/v1/customers/${c.id}`);
      assert.deepEqual(Object.keys(c).sort(), PROFILE_KEYS);
      assert.equal(c.phone, digits);
      assert.equal(c.phone_last4, digits.slice(-4));
      assert.equal(c.name_initials, 'wxm');
      assert.match(c.member_code, /^[1-9]\d{11}$/);
      assert.ok(luhnOk(c.member_code), c.member_code);
      assert.deepEqual(c.tags, ['vip', '团购']);
      assert.deepEqual(c.preferences, { budget: 300, favourite: '茶', size: 'L' });
      assert.equal(c.consent_sms, true);
      assert.equal(c.consent_email, false);
      assert.equal(c.consent_wechat, false);
      assert.equal(c.home_store_id, storeA);
      assert.equal(c.city, '上海');
      assert.equal(c.tier, null);
      assert.equal(c.points_balance, 0);

      const g = await ok(await getC(c.id));
      for (const k of [...PROFILE_KEYS, ...EXTRA_KEYS]) assert.ok(k in g, `profile lacks ${k}`);
      assert.equal(g.consents.sms.granted, true);
      assert.equal(g.consents.sms.source, 'store');
      assert.match(g.consents.sms.at, /Z$/);
      assert.equal(g.consents.email.granted, false);
      assert.equal(g.consents.email.source, 'store');
      assert.equal(g.consents.wechat.at, null);
      assert.equal(g.avg_basket, null);
      assert.equal(g.rfm, null);
      assert.deepEqual(g.favourite_categories, []);

      // The audit row names the fields, never the values.
      const audit = await ok(await api('GET', `/api/v1/audit?entity=customer&entity_id=${c.id}`));
      assert.equal(audit.items.length, 1);
      const text = JSON.stringify(audit.items);
      assert.ok(!text.includes(digits) && !text.includes('王小明') && !text.includes('xm.wang'), text);
      assert.ok(text.includes('phone'));
    });

    it('keeps Latin initials, E.164 numbers, a given member code; a store-bound creator gets their store', async () => {
      const c = await mkCustomer({ name: 'Anna Lee-Smith', phone: '+44 7911 123456', member_code: 'CARD0001' + uniq().slice(-4) });
      assert.equal(c.name_initials, 'als');
      assert.equal(c.phone, '+447911123456');
      assert.equal(c.phone_last4, '3456');
      assert.match(c.member_code, /^CARD0001/);
      const mine = await mkCustomer({}, salesA.token);
      assert.equal(mine.home_store_id, storeA);
      const bare = await mkCustomer({ phone: undefined });
      assert.equal(bare.phone, null);
      assert.equal(bare.phone_last4, null);
    });

    it('refuses a phone or member code in use with 409 naming the field', async () => {
      const c = await mkCustomer();
      assertProblem(await api('POST', '/api/v1/customers', { body: { name: 'X', phone: `+86${c.phone}` } }), 409, 'duplicate', ['phone']);
      assertProblem(await api('POST', '/api/v1/customers', { body: { name: 'X', member_code: c.member_code } }), 409, 'duplicate', ['member_code']);
      const d = await mkCustomer();
      assertProblem(await api('PATCH', `/api/v1/customers/${d.id}`, { body: { phone: c.phone } }), 409, 'duplicate', ['phone']);
    });

    it('bad input: 400 malformed or wrong types, 422 naming every bad field, nothing written', async () => {
      const before = (await list('limit=500')).items.length;
      const raw = await srv.api('POST', '/api/v1/customers', { token: admin, raw: '{"name":', headers: { 'content-type': 'application/json' } });
      assert.equal(raw.status, 400);
      assertProblem(await api('POST', '/api/v1/customers', { body: { name: 5 } }), 400, 'bad-request', ['name']);
      assertProblem(await api('POST', '/api/v1/customers', { body: { name: 'A', tags: 'vip' } }), 400, 'bad-request', ['tags']);
      assertProblem(await api('POST', '/api/v1/customers', { body: { name: 'A', tags: [1] } }), 400, 'bad-request', ['tags']);
      assertProblem(await api('POST', '/api/v1/customers', { body: { name: 'A', preferences: [] } }), 400, 'bad-request', ['preferences']);
      assertProblem(await api('POST', '/api/v1/customers', { body: { name: 'A', consent_sms: 'yes' } }), 400, 'bad-request', ['consent_sms']);
      const r = await api('POST', '/api/v1/customers', {
        body: { name: '  ', phone: '12345', email: 'nope', birthday: '2999-01-01', gender: 'x', member_code: 'a b',
          tags: Array.from({ length: 21 }, (_, i) => `t${i}`), home_store_id: 999999, nickname: 'x',
          preferences: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])) },
      });
      assertProblem(r, 422, 'validation', ['name', 'phone', 'email', 'birthday', 'gender', 'member_code', 'tags', 'nickname', 'preferences']);
      assertProblem(await api('POST', '/api/v1/customers', { body: { phone: mobile() } }), 422, 'validation', ['name']);
      assertProblem(await api('POST', '/api/v1/customers', { body: { name: 'A', birthday: '1990-02-30' } }), 422, 'validation', ['birthday']);
      assertProblem(await api('POST', '/api/v1/customers', { body: { name: 'A', preferences: { a: { b: 1 } } } }), 422, 'validation', ['preferences']);
      assertProblem(await api('POST', '/api/v1/customers', { body: { name: 'A', home_store_id: 999999 } }), 422, 'validation', ['home_store_id']);
      assertProblem(await api('POST', '/api/v1/customers', { body: { name: 'A', phone: '+86 12812345678' } }), 422, 'validation', ['phone']);
      assertProblem(await api('POST', '/api/v1/customers', { body: { name: 'A', phone: '+1234567' } }), 422, 'validation', ['phone']);
      assert.equal((await list('limit=500')).items.length, before);
    });

    it('changes fields partially, records consent changes, keeps initials and last four current', async () => {
      const c = await mkCustomer({ name: '张三', consent_sms: false });
      assert.equal(c.name_initials, 'zs');
      const p2 = mobile();
      const u = await ok(await api('PATCH', `/api/v1/customers/${c.id}`, {
        body: { name: '李四', phone: p2, consent_sms: true, consent_wechat: true, consent_source: 'web', email: 'a@b.cn', tags: ['新客'] },
      }));
      assert.equal(u.name_initials, 'ls');
      assert.equal(u.phone_last4, p2.slice(-4));
      assert.equal(u.consent_sms, true);
      assert.deepEqual(u.tags, ['新客']);
      assert.equal(u.birthday, null);
      const cleared = await ok(await api('PATCH', `/api/v1/customers/${c.id}`, { body: { email: null, consent_sms: false } }));
      assert.equal(cleared.email, null);
      assert.equal(cleared.name, '李四');
      const g = await ok(await getC(c.id));
      assert.equal(g.consents.sms.granted, false);
      assert.equal(g.consents.wechat.granted, true);
      assert.equal(g.consents.wechat.source, 'web');
      const tl = await ok(await api('GET', `/api/v1/customers/${c.id}/timeline`));
      const consents = tl.items.filter((e) => e.kind === 'consent');
      assert.equal(consents.length, 4); // sms off at creation, sms on, wechat on, sms off
      assert.deepEqual(consents.map((e) => `${e.channel}:${e.granted}`), ['sms:false', 'wechat:true', 'sms:true', 'sms:false']);
      // The tag list follows the change.
      assert.ok((await list(`tag=${encodeURIComponent('新客')}`)).items.some((x) => x.id === c.id));
    });

    it('PATCH and GET bad input: unknown id 404, bad values 422, malformed 400', async () => {
      const c = await mkCustomer();
      assertProblem(await api('PATCH', '/api/v1/customers/99999999', { body: { name: 'x' } }), 404, 'not-found');
      assertProblem(await getC(99999999), 404, 'not-found');
      assertProblem(await api('PATCH', `/api/v1/customers/${c.id}`, { body: { name: null } }), 422, 'validation', ['name']);
      assertProblem(await api('PATCH', `/api/v1/customers/${c.id}`, { body: { gender: 'f', bogus: 1 } }), 422, 'validation', ['gender', 'bogus']);
      assertProblem(await api('PATCH', `/api/v1/customers/${c.id}`, { body: { member_code: null } }), 422, 'validation', ['member_code']);
      const raw = await srv.api('PATCH', `/api/v1/customers/${c.id}`, { token: admin, raw: '[', headers: { 'content-type': 'application/json' } });
      assert.equal(raw.status, 400);
    });
  });

  describe('lookup', () => {
    let w, z;
    before(async () => {
      w = await mkCustomer({ name: '王小红', tags: ['look'] });
      z = await mkCustomer({ name: '赵小红' });
    });

    it('by phone (as typed), last four, member code, name prefix, initials, digits, tag, home store', async () => {
      const ids = (r) => r.items.map((x) => x.id);
      assert.deepEqual(ids(await list(`phone=${encodeURIComponent('+86 ' + w.phone)}`)), [w.id]);
      assert.ok(ids(await list(`phone_last4=${w.phone.slice(-4)}`)).includes(w.id));
      assert.deepEqual(ids(await list(`member_code=${w.member_code}`)), [w.id]);
      assert.ok(ids(await list(`q=${encodeURIComponent('王小')}`)).includes(w.id));
      assert.ok(!ids(await list(`q=${encodeURIComponent('王小')}`)).includes(z.id));
      assert.ok(ids(await list('q=wxh')).includes(w.id));
      assert.ok(ids(await list('q=WX')).includes(w.id));
      assert.ok(!ids(await list('q=wxh')).includes(z.id));
      assert.deepEqual(ids(await list(`q=${w.phone}`)), [w.id]);
      assert.deepEqual(ids(await list(`q=${w.member_code}`)), [w.id]);
      assert.ok(ids(await list(`q=${w.phone.slice(-4)}`)).includes(w.id));
      assert.deepEqual(ids(await list('tag=look')), [w.id]);
      assert.deepEqual(ids(await list(`tag=look&phone_last4=${w.phone.slice(-4) === '0000' ? '1111' : '0000'}`)), []);
      assert.ok(ids(await list(`home_store_id=${storeA}&limit=500`)).every((id) => id !== w.id));
    });

    it('by tier code and home store; the profile names the tier', async () => {
      const code = `g${uniq()}`;
      sql(`INSERT INTO tiers (code, name, min_spend, created_at, updated_at) VALUES ('${code}', '金卡', 100000, 0, 0)`);
      const c = await mkCustomer({ home_store_id: storeB });
      sql(`UPDATE customers SET tier_id = (SELECT id FROM tiers WHERE code = '${code}') WHERE id = ${c.id}`);
      assert.deepEqual((await list(`tier=${code}`)).items.map((x) => x.id), [c.id]);
      assert.deepEqual((await list(`tier=${code}&home_store_id=${storeA}`)).items, []);
      assert.ok((await list(`home_store_id=${storeB}&limit=500`)).items.some((x) => x.id === c.id));
      const g = await ok(await getC(c.id));
      assert.equal(g.tier, code);
      assert.equal(g.tier_name, '金卡');
      assert.deepEqual((await list('tier=nosuchtier')).items, []);
    });

    it('pages by id with a cursor and exports CSV', async () => {
      const p1 = await list('limit=2');
      assert.equal(p1.items.length, 2);
      assert.ok(p1.next_cursor);
      const p2 = await list(`limit=2&cursor=${p1.next_cursor}`);
      assert.ok(p2.items[0].id > p1.items[1].id);
      const csv = await api('GET', '/api/v1/customers?format=csv&tag=look');
      assert.equal(csv.status, 200);
      assert.match(hdr(csv, 'content-type'), /text\/csv/);
      assert.ok(csv.text.includes(w.member_code));
    });

    it('bad filters: 422 naming them', async () => {
      assertProblem(await api('GET', '/api/v1/customers?phone_last4=12a4'), 422, 'validation', ['phone_last4']);
      assertProblem(await api('GET', '/api/v1/customers?phone_last4=123'), 422, 'validation', ['phone_last4']);
      assertProblem(await api('GET', '/api/v1/customers?phone=abc'), 422, 'validation', ['phone']);
      assertProblem(await api('GET', '/api/v1/customers?home_store_id=x'), 422, 'validation', ['home_store_id']);
      assertProblem(await api('GET', `/api/v1/customers?q=${'x'.repeat(101)}`), 422, 'validation', ['q']);
      assertProblem(await api('GET', '/api/v1/customers?limit=0'), 422, 'validation', ['limit']);
    });
  });

  describe('store scoping and masking', () => {
    it('a sales user of store A sees store A customers only; 404 for the others; 403 naming store B', async () => {
      const a = await mkCustomer({ home_store_id: storeA });
      const b = await mkCustomer({ home_store_id: storeB });
      assert.equal((await getC(a.id, salesA.token)).status, 200);
      assertProblem(await getC(b.id, salesA.token), 404, 'not-found');
      assertProblem(await srv.api('PATCH', `/api/v1/customers/${b.id}`, { token: salesA.token, body: { city: 'x' } }), 404, 'not-found');
      assertProblem(await srv.api('GET', `/api/v1/customers/${b.id}/timeline`, { token: salesA.token }), 404, 'not-found');
      assertProblem(await srv.api('GET', `/api/v1/customers/${b.id}/sales`, { token: salesA.token }), 404, 'not-found');
      const l = await list('limit=500', salesA.token);
      assert.ok(l.items.some((x) => x.id === a.id));
      assert.ok(!l.items.some((x) => x.id === b.id));
      assert.deepEqual((await list(`phone=${b.phone}`, salesA.token)).items, []);
      assert.deepEqual((await list(`phone_last4=${b.phone.slice(-4)}`, salesA.token)).items.filter((x) => x.id === b.id), []);
      assert.deepEqual((await list(`member_code=${b.member_code}`, salesA.token)).items, []);
      assertProblem(await srv.api('POST', '/api/v1/customers', { token: salesA.token, body: { name: 'X', home_store_id: storeB } }), 403, 'forbidden');
      assertProblem(await srv.api('PATCH', `/api/v1/customers/${a.id}`, { token: salesA.token, body: { home_store_id: storeB } }), 403, 'forbidden');
      assertProblem(await srv.api('GET', `/api/v1/customers?home_store_id=${storeB}`, { token: salesA.token }), 404, 'not-found');
      // Once linked to store A (a purchase there), B's customer is visible.
      sql(`INSERT INTO customer_stores (customer_id, store_id) VALUES (${b.id}, ${storeA})`);
      assert.equal((await getC(b.id, salesA.token)).status, 200);
      assert.ok((await list('limit=500', salesA.token)).items.some((x) => x.id === b.id));
    });

    it('lists show phones masked to the sales role only', async () => {
      const c = await mkCustomer({ home_store_id: storeA });
      const masked = `${c.phone.slice(0, 3)}****${c.phone.slice(-4)}`;
      const s = (await list(`member_code=${c.member_code}`, salesA.token)).items[0];
      assert.equal(s.phone, masked);
      const m = (await list(`member_code=${c.member_code}`, managerA.token)).items[0];
      assert.equal(m.phone, c.phone);
      const csv = await srv.api('GET', `/api/v1/customers?format=csv&member_code=${c.member_code}`, { token: salesA.token });
      assert.ok(csv.text.includes(masked) && !csv.text.includes(c.phone), csv.text);
    });

    it('permissions: sales cannot merge, export or erase; hq can', async () => {
      const c = await mkCustomer({ home_store_id: storeA });
      const d = await mkCustomer({ home_store_id: storeA });
      assertProblem(await srv.api('POST', `/api/v1/customers/${c.id}/merge`, { token: salesA.token, body: { from_id: d.id } }), 403, 'forbidden');
      assertProblem(await srv.api('GET', `/api/v1/customers/${c.id}/export`, { token: salesA.token }), 403, 'forbidden');
      assertProblem(await srv.api('POST', `/api/v1/customers/${c.id}/erase`, { token: managerA.token }), 403, 'forbidden');
      assert.equal((await srv.api('GET', `/api/v1/customers/${c.id}/export`, { token: hq.token })).status, 200);
    });
  });

  describe('360°, sales and timeline', () => {
    it('reads spend, orders, basket, favourite categories, RFM; logs profile reads', async () => {
      const c = await mkCustomer({ home_store_id: storeA });
      const s1 = await sale(storeA, c.id, 3);
      const s2 = await sale(storeA, c.id, 1);
      const rt = await api('POST', `/api/v1/sales/${s1.id}/returns`, {
        headers: { 'idempotency-key': randomUUID() },
        body: { lines: [{ line_id: s1.lines[0].id, quantity: 1 }], refund_method: 'cash', reason: 'too sweet' },
      });
      assert.equal(rt.status, 201, rt.text);
      sql(`UPDATE customers SET lifetime_spend = 4000, orders_count = 2, first_purchase_at = 1700000000000, last_purchase_at = 1700000100000 WHERE id = ${c.id}`);
      const job = spawnSync(BIN, ['job', 'run', 'customer_rfm', '--db', srv.db], { encoding: 'utf8' });
      assert.equal(job.status, 0, job.stderr);
      // The scores are SQL's NTILE(5) over the customers who bought in the
      // last 365 days (checked on this engine).
      const since = Date.now() - 365 * 86400000;
      const ntile = `WITH b AS (SELECT s.customer_id AS id, MAX(s.at) AS last, COUNT(*) AS orders, SUM(s.total) AS spend
        FROM sales s JOIN customers c ON c.id = s.customer_id WHERE s.status <> 'voided' AND s.at > ${since} GROUP BY s.customer_id),
        n AS (SELECT id, NTILE(5) OVER (ORDER BY last, id) AS r, NTILE(5) OVER (ORDER BY orders, id) AS f,
        NTILE(5) OVER (ORDER BY spend, id) AS m FROM b)`;
      const scored = Number(sql(`${ntile} SELECT COUNT(*) FROM n`));
      assert.ok(scored >= 1);
      assert.equal(Number(sql(`${ntile} SELECT COUNT(*) FROM n JOIN customers c ON c.id = n.id
        WHERE c.rfm_r = n.r AND c.rfm_f = n.f AND c.rfm_m = n.m`)), scored);
      assert.equal(Number(sql('SELECT COUNT(*) FROM customers WHERE rfm_r IS NOT NULL')), scored);
      const g = await ok(await getC(c.id));
      assert.equal(g.avg_basket, 2000);
      assert.equal(g.orders_count, 2);
      assert.deepEqual(g.favourite_categories, [{ category_id: product.category_id, name: product.categoryName, spend: 4000 }]);
      assert.ok(g.rfm && g.rfm.r >= 1 && g.rfm.r <= 5, JSON.stringify(g.rfm));
      const sales = await ok(await api('GET', `/api/v1/customers/${c.id}/sales`));
      assert.deepEqual(sales.items.map((x) => x.id), [s2.id, s1.id]);
      const p1 = await ok(await api('GET', `/api/v1/customers/${c.id}/sales?limit=1`));
      assert.deepEqual(p1.items.map((x) => x.id), [s2.id]);
      const p2 = await ok(await api('GET', `/api/v1/customers/${c.id}/sales?limit=1&cursor=${p1.next_cursor}`));
      assert.deepEqual(p2.items.map((x) => x.id), [s1.id]);
      const tl = await ok(await api('GET', `/api/v1/customers/${c.id}/timeline`));
      const kinds = tl.items.map((e) => e.kind);
      assert.ok(kinds.includes('sale'), kinds.join());
      const ret = tl.items.find((e) => e.kind === 'return');
      assert.equal(ret.id, rt.body.id);
      assert.equal(ret.sale_number, s1.number);
      assert.equal(ret.refund_total, 1000);
      const times = tl.items.map((e) => e.at);
      assert.deepEqual([...times].sort().reverse(), times);
      const t1 = await ok(await api('GET', `/api/v1/customers/${c.id}/timeline?limit=1`));
      const t2 = await ok(await api('GET', `/api/v1/customers/${c.id}/timeline?limit=1&cursor=${encodeURIComponent(t1.next_cursor)}`));
      assert.deepEqual([t1.items[0], t2.items[0]], tl.items.slice(0, 2));
      assertProblem(await api('GET', `/api/v1/customers/${c.id}/timeline?cursor=zz`), 422, 'validation', ['cursor']);
      assertProblem(await api('GET', '/api/v1/customers/99999999/timeline'), 404, 'not-found');
      assertProblem(await api('GET', '/api/v1/customers/99999999/sales'), 404, 'not-found');
      assertProblem(await api('GET', `/api/v1/customers/${c.id}/sales?limit=x`), 422, 'validation', ['limit']);
      const x = await ok(await api('GET', `/api/v1/customers/${c.id}/export`));
      assert.ok(x.reads.filter((r) => r.what === 'profile').length >= 1);
      assert.equal(x.sales.length, 2);
      assert.equal(x.returns.length, 1);
      assert.equal(x.returns[0].sale_id, s1.id);
    });
  });

  describe('duplicates and merge', () => {
    it('lists pairs with the same name and birthday or e-mail', async () => {
      const name = `重复${uniq()}`;
      const a = await mkCustomer({ name, birthday: '1985-03-04' });
      const b = await mkCustomer({ name, birthday: '1985-03-04' });
      const mail = `dup${uniq()}@example.cn`;
      const c = await mkCustomer({ email: mail });
      const d = await mkCustomer({ email: mail.toUpperCase() });
      const all = [];
      let cursor = null;
      do {
        const p = await ok(await api('GET', `/api/v1/customers/duplicates?limit=1${cursor ? `&cursor=${cursor}` : ''}`));
        all.push(...p.items);
        cursor = p.next_cursor;
      } while (cursor);
      assert.ok(all.some((p) => p.a_id === a.id && p.b_id === b.id && p.reason === 'name_birthday'), JSON.stringify(all));
      assert.ok(all.some((p) => p.a_id === c.id && p.b_id === d.id && p.reason === 'email'), JSON.stringify(all));
      assertProblem(await api('GET', '/api/v1/customers/duplicates?cursor=x'), 422, 'validation', ['cursor']);
      const scoped = await ok(await srv.api('GET', '/api/v1/customers/duplicates?limit=500', { token: salesA.token }));
      assert.ok(!scoped.items.some((p) => p.a_id === a.id));
    });

    it('moves every row of the removed profile, adds balances with merge rows on both ledgers', async () => {
      const keep = await mkCustomer({ home_store_id: storeA, tags: ['a'] });
      const from = await mkCustomer({ home_store_id: storeB, tags: ['b', 'a'], email: `m${uniq()}@x.cn`, consent_email: true });
      const s = await sale(storeB, from.id);
      const now = Date.now();
      sql(`INSERT INTO points_ledger (customer_id, at, kind, points, balance_after, remaining, sale_id) VALUES (${from.id}, ${now}, 'earn', 50, 50, 50, ${s.id})`);
      sql(`INSERT INTO points_ledger (customer_id, at, kind, points, balance_after, remaining) VALUES (${keep.id}, ${now}, 'earn', 20, 20, 20)`);
      sql(`INSERT INTO stored_value_ledger (customer_id, at, kind, paid_amount, bonus_amount, paid_after, bonus_after) VALUES (${from.id}, ${now}, 'top_up', 10000, 1000, 10000, 1000)`);
      sql(`UPDATE customers SET points_balance = 50, sv_paid_balance = 10000, sv_bonus_balance = 1000, lifetime_spend = 500, orders_count = 1, first_purchase_at = ${now}, last_purchase_at = ${now} WHERE id = ${from.id}`);
      sql(`UPDATE customers SET points_balance = 20 WHERE id = ${keep.id}`);
      sql(`INSERT INTO customer_contacts (customer_id, at, channel, direction, summary) VALUES (${from.id}, ${now}, 'phone', 'out', 'called')`);
      sql(`INSERT INTO tasks (kind, title, customer_id, status, created_at, updated_at) VALUES ('call', 't', ${from.id}, 'open', ${now}, ${now})`);
      sql(`INSERT INTO outbox (customer_id, channel, recipient, body, status, source, created_at) VALUES (${from.id}, 'sms', 'x', 'hi', 'queued', 'test', ${now})`);
      await ok(await getC(from.id));

      assertProblem(await api('POST', `/api/v1/customers/${keep.id}/merge`, { body: { from_id: keep.id } }), 422, 'validation', ['from_id']);
      assertProblem(await api('POST', `/api/v1/customers/${keep.id}/merge`, { body: {} }), 422, 'validation', ['from_id']);
      assertProblem(await api('POST', `/api/v1/customers/${keep.id}/merge`, { body: { from_id: 'x' } }), 400, 'bad-request', ['from_id']);
      assertProblem(await api('POST', `/api/v1/customers/${keep.id}/merge`, { body: { from_id: from.id, extra: 1 } }), 422, 'validation', ['extra']);
      assertProblem(await api('POST', `/api/v1/customers/${keep.id}/merge`, { body: { from_id: 99999999 } }), 404, 'not-found');
      // A store manager of A does not see the store B profile.
      assertProblem(await srv.api('POST', `/api/v1/customers/${keep.id}/merge`, { token: managerA.token, body: { from_id: from.id } }), 404, 'not-found');

      const m = await ok(await api('POST', `/api/v1/customers/${keep.id}/merge`, { body: { from_id: from.id } }));
      assert.equal(m.points_balance, 70);
      assert.equal(m.stored_value_balance, 11000);
      assert.equal(m.lifetime_spend, 500);
      assert.equal(m.orders_count, 1);
      assert.equal(m.email, from.email);
      assert.deepEqual(m.tags.sort(), ['a', 'b']);
      assertProblem(await getC(from.id), 404, 'not-found');
      assert.equal(Number(sql(`SELECT SUM(points) FROM points_ledger WHERE customer_id = ${keep.id}`)), 70);
      assert.equal(Number(sql(`SELECT SUM(paid_amount) FROM stored_value_ledger WHERE customer_id = ${keep.id}`)), 10000);
      assert.equal(Number(sql(`SELECT SUM(bonus_amount) FROM stored_value_ledger WHERE customer_id = ${keep.id}`)), 1000);
      assert.equal(Number(sql(`SELECT COUNT(*) FROM points_ledger WHERE customer_id = ${keep.id} AND kind = 'merge'`)), 2);
      assert.equal(Number(sql(`SELECT SUM(remaining) FROM points_ledger WHERE customer_id = ${keep.id}`)), 70);
      for (const t of ['sales', 'points_ledger', 'stored_value_ledger', 'coupons', 'customer_contacts', 'tasks', 'opportunities',
        'outbox', 'care_sent', 'customer_stores', 'customer_tags', 'customer_consents', 'customer_tier_history', 'customer_reads']) {
        assert.equal(Number(sql(`SELECT COUNT(*) FROM ${t} WHERE customer_id = ${from.id}`)), 0, t);
      }
      assert.equal(Number(sql(`SELECT COUNT(*) FROM customers WHERE id = ${from.id}`)), 0);
      assert.equal(Number(sql(`SELECT COUNT(*) FROM customer_stores WHERE customer_id = ${keep.id}`)), 2);
      assert.deepEqual((await ok(await api('GET', `/api/v1/customers/${keep.id}/sales`))).items.map((x) => x.id), [s.id]);
      const audit = await ok(await api('GET', `/api/v1/audit?entity=customer&entity_id=${keep.id}`));
      assert.equal(audit.items[0].action, 'merge');
      assert.ok(!JSON.stringify(audit.items[0]).includes(from.phone));
    });
  });

  describe('personal-data rights', () => {
    it('exports everything held as JSON', async () => {
      const c = await mkCustomer({ tags: ['x'], consent_sms: true, preferences: { size: 'M' } });
      const x = await ok(await api('GET', `/api/v1/customers/${c.id}/export`));
      for (const k of ['profile', 'consents', 'tags', 'stores', 'sales', 'returns', 'points_ledger', 'stored_value_ledger', 'coupons',
        'contacts', 'tasks', 'opportunities', 'outbox', 'tier_history', 'care_sent', 'reads']) assert.ok(k in x, k);
      assert.equal(x.profile.phone, c.phone);
      assert.deepEqual(x.profile.preferences, { size: 'M' });
      assert.deepEqual(x.tags, [{ tag: 'x' }]);
      assert.equal(x.consents[0].channel, 'sms');
      assert.ok(x.reads.some((r) => r.what === 'export'));
      assertProblem(await api('GET', '/api/v1/customers/99999999/export'), 404, 'not-found');
    });

    it('erases: personal fields gone, sales kept, 404 afterwards, audit without personal data', async () => {
      const c = await mkCustomer({ email: `e${uniq()}@x.cn`, birthday: '1970-01-02', tags: ['gone'] });
      const s = await sale(storeA, c.id);
      const r = await api('POST', `/api/v1/customers/${c.id}/erase`);
      assert.equal(r.status, 204, r.text);
      assertProblem(await getC(c.id), 404, 'not-found');
      assertProblem(await api('POST', `/api/v1/customers/${c.id}/erase`), 404, 'not-found');
      assert.deepEqual((await list(`phone=${c.phone}`)).items, []);
      assert.deepEqual((await list('tag=gone')).items, []);
      assert.equal(Number(sql(`SELECT customer_id FROM sales WHERE id = ${s.id}`)), c.id);
      assert.equal(sql(`SELECT COUNT(*) FROM customers WHERE id = ${c.id} AND phone IS NULL AND email IS NULL AND birthday IS NULL AND erased_at IS NOT NULL`), '1');
      const audit = JSON.stringify((await ok(await api('GET', `/api/v1/audit?entity=customer&entity_id=${c.id}`))).items);
      assert.ok(!audit.includes(c.phone) && !audit.includes(c.email) && !audit.includes(c.name), audit);
    });
  });
});
