// Campaign results (GET /campaigns/{id}/results): a campaign built by hand
// (its members, messages and coupons written with SQL, its purchases rung
// through the API) gives exact figures — the groups, refunds and voids,
// window edges, the uplift and its intervals, incremental revenue, ROI,
// the daily curve, variants — its export, the scope and the permissions;
// and on the demo company the planted effect is found inside the interval.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, makeUser, uniq } from '../lib/server.mjs';
import { asAdmin } from '../lib/admin.mjs';
import { assertProblem, hdr } from '../lib/assert.mjs';
import { readXlsx } from '../lib/xlsx.mjs';

const DAY = 86400000;
const Z975 = 1.959963984540054; // Φ⁻¹(0.975)

function sqlOn(srv, text) {
  if (srv.engine === 'sqlite') {
    return execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.db, text], { encoding: 'utf8' }).trim();
  }
  return execFileSync('psql', [srv.db, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' }).trim();
}

describe('campaign results on a campaign built by hand', () => {
  let srv, store, other, product, template, cust, sales, campaign, manager, otherManager, salesUser, hq;
  const { api, sell, mk } = asAdmin(() => srv);
  const sql = (t) => sqlOn(srv, t);
  const results = (id, token) => api('GET', `/api/v1/campaigns/${id}/results`, token ? { token } : {});

  // A campaign row as the campaigns module leaves it once started.
  function insertCampaign({ storeId = null, startedAt = null, days = 14, status = 'running', name = 'Hand-built' } = {}) {
    const now = Date.now();
    const out = sql(`INSERT INTO campaigns (name, channel, status, store_id, attribution_days, control_pct, started_at, created_at, updated_at)
      VALUES ('${name}', 'sms', '${status}', ${storeId ?? 'NULL'}, ${days}, 40, ${startedAt ?? 'NULL'}, ${now}, ${now}) RETURNING id`);
    return Number(out.split('\n')[0]);
  }
  function addMembers(id, rows) {
    const vals = rows.map(([c, grp, variant]) => `(${id}, ${c.id}, '${grp}', ${variant ? `'${variant}'` : 'NULL'})`).join(', ');
    sql(`INSERT INTO campaign_members (campaign_id, customer_id, grp, variant) VALUES ${vals}`);
  }

  before(async () => {
    srv = await startServer();
    store = await mk('/api/v1/stores', { code: `R${uniq()}`.slice(0, 12), name: 'Results store', channel: 'direct' });
    other = await mk('/api/v1/stores', { code: `O${uniq()}`.slice(0, 12), name: 'Other store', channel: 'direct' });
    product = await mk('/api/v1/products', { sku: `R${uniq()}`, name: 'Tea set', unit: 'pcs', price: 10000, cost: 6000, vat_rate: 1300 });
    await mk('/api/v1/stock/moves', { store_id: store.id, product_id: product.id, quantity: 100, reason: 'receipt' });
    template = await mk('/api/v1/coupon-templates', { name: `Ten off ${uniq()}`, kind: 'amount_off', value: 1000, min_spend: 0, valid_days: 30 });
    cust = {};
    for (const k of ['t1', 't2', 't3', 't4', 't5', 't6', 'c1', 'c2', 'c3', 'c4']) {
      cust[k] = await mk('/api/v1/customers', { name: `Member ${k}`, phone: `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}` });
    }
    const ring = async (c, quantity, extra = {}) => {
      const r = await sell({ store_id: store.id, customer_id: c.id, lines: [{ product_id: product.id, quantity }], payments: [{ method: 'card', amount: 10000 * quantity }], ...extra });
      assert.equal(r.status, 201, r.text);
      return r.body;
    };
    // t1 uses the campaign's coupon (10 off); t2 buys two and returns one;
    // t3 returns everything; t4's sale is voided; c1 buys one.
    const k1 = await mk('/api/v1/coupons', { template_id: template.id, customer_id: cust.t1.id });
    const k2 = await mk('/api/v1/coupons', { template_id: template.id, customer_id: cust.t2.id });
    sales = {};
    sales.t1 = await ring(cust.t1, 1, { coupon_codes: [k1.code], payments: [{ method: 'card', amount: 9000 }] });
    sales.t2 = await ring(cust.t2, 2);
    sales.t3 = await ring(cust.t3, 1);
    sales.t4 = await ring(cust.t4, 1);
    sales.c1 = await ring(cust.c1, 1);
    let r = await api('POST', `/api/v1/sales/${sales.t2.id}/returns`, { body: { lines: [{ line_id: sales.t2.lines[0].id, quantity: 1 }], refund_method: 'card', reason: 'one too many' } });
    assert.equal(r.status, 201, r.text);
    r = await api('POST', `/api/v1/sales/${sales.t3.id}/returns`, { body: { lines: [{ line_id: sales.t3.lines[0].id, quantity: 1 }], refund_method: 'card', reason: 'changed mind' } });
    assert.equal(r.status, 201, r.text);
    r = await api('POST', `/api/v1/sales/${sales.t4.id}/void`, { body: { reason: 'wrong customer' } });
    assert.equal(r.status, 200, r.text);
    for (const k of ['t2', 't3']) sales[k] = (await api('GET', `/api/v1/sales/${sales[k].id}`)).body;

    // Sent a second before the first sale; members t1..t6 (t1..t3 variant A,
    // t4..t6 B) and c1..c4; messages: t1, t2 delivered, t3 sent, t4 failed,
    // t5 opted out, t6 none; coupons given to t1 and t2; two cost lines.
    const startedAt = Date.parse(sales.t1.at) - 1000;
    campaign = insertCampaign({ storeId: store.id, startedAt });
    addMembers(campaign, [[cust.t1, 'target', 'A'], [cust.t2, 'target', 'A'], [cust.t3, 'target', 'A'],
      [cust.t4, 'target', 'B'], [cust.t5, 'target', 'B'], [cust.t6, 'target', 'B'],
      [cust.c1, 'control'], [cust.c2, 'control'], [cust.c3, 'control'], [cust.c4, 'control']]);
    const status = { t1: 'delivered', t2: 'delivered', t3: 'sent', t4: 'failed', t5: 'opted_out' };
    for (const [k, st] of Object.entries(status)) {
      const id = Number(sql(`INSERT INTO outbox (customer_id, channel, recipient, body, status, source, source_id, created_at)
        VALUES (${cust[k].id}, 'sms', '${cust[k].phone}', 'Hello', '${st}', 'campaign', ${campaign}, ${startedAt}) RETURNING id`).split('\n')[0]);
      sql(`UPDATE campaign_members SET outbox_id = ${id} WHERE campaign_id = ${campaign} AND customer_id = ${cust[k].id}`);
    }
    sql(`UPDATE campaign_members SET coupon_id = ${k1.id} WHERE campaign_id = ${campaign} AND customer_id = ${cust.t1.id}`);
    sql(`UPDATE campaign_members SET coupon_id = ${k2.id} WHERE campaign_id = ${campaign} AND customer_id = ${cust.t2.id}`);
    sql(`INSERT INTO campaign_costs (campaign_id, label, amount, day, created_at) VALUES
      (${campaign}, 'SMS', 400, '2026-01-01', ${startedAt}), (${campaign}, 'Design', 600, '2026-01-01', ${startedAt})`);

    manager = await makeUser(srv, 'store_manager', [store.id]);
    otherManager = await makeUser(srv, 'store_manager', [other.id]);
    salesUser = await makeUser(srv, 'sales', [store.id]);
    hq = await makeUser(srv, 'hq');
  });
  after(async () => { await srv?.stop(); });

  // Revenue net of refunds and margin (revenue − VAT − cost of the units kept)
  // of a sale, from what the API answered for it and the VAT its returns
  // took back (as stored with them).
  function money(s) {
    const revenue = s.total - (s.refunded_total ?? 0);
    const returnedVat = Number(sql(`SELECT COALESCE(SUM(rl.vat), 0) FROM sale_return_lines rl
      JOIN sale_returns r ON r.id = rl.return_id WHERE r.sale_id = ${s.id}`));
    const kept = s.lines.reduce((a, l) => a + (l.quantity - (l.returned_quantity ?? 0)), 0);
    return { revenue, margin: revenue - (s.vat_total - returnedVat) - 6000 * kept };
  }
  // Numbers compared to 12 significant digits (the server writes reals with 15).
  function near(actual, expected) {
    if (typeof expected === 'number' && !Number.isInteger(expected)) {
      assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);
      return;
    }
    if (expected && typeof expected === 'object') {
      assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
      for (const k of Object.keys(expected)) near(actual[k], expected[k]);
      return;
    }
    assert.deepEqual(actual, expected);
  }

  it('adds up the groups: purchases net of refunds, voids and full returns left out', async () => {
    const r = await results(campaign);
    assert.equal(r.status, 200, r.text);
    const b = r.body;
    const m1 = money(sales.t1), m2 = money(sales.t2), mc = money(sales.c1);
    assert.equal(m1.revenue, 9000);
    assert.equal(m2.revenue, 10000);
    assert.equal(b.campaign_id, campaign);
    assert.equal(b.status, 'running');
    assert.equal(b.window.days, 14);
    assert.equal(Date.parse(b.window.to) - Date.parse(b.window.from), 14 * DAY);
    near(b.groups.target, {
      members: 6, reached: 3, delivered: 2, converted: 2, conversion_rate: 2 / 6,
      revenue: 19000, revenue_per_member: 19000 / 6, margin: m1.margin + m2.margin,
      coupons_issued: 2, coupons_redeemed: 1,
    });
    near(b.groups.control, {
      members: 4, converted: 1, conversion_rate: 0.25, revenue: 10000, revenue_per_member: 2500, margin: mc.margin,
    });
    const variants = [...b.variants].sort((x, y) => (x.variant < y.variant ? -1 : 1));
    near(variants, [
      { variant: 'A', members: 3, converted: 2, conversion_rate: 2 / 3 },
      { variant: 'B', members: 3, converted: 0, conversion_rate: 0 },
    ]);
  });

  it('computes the uplift, its intervals, incremental revenue and ROI', async () => {
    const b = (await results(campaign)).body;
    // Conversion: 2/6 − 1/4 with the unpooled normal interval.
    const p1 = 2 / 6, p2 = 1 / 4, se = Math.sqrt(p1 * (1 - p1) / 6 + p2 * (1 - p2) / 4);
    const c = b.uplift.conversion;
    assert.ok(Math.abs(c.diff - (p1 - p2)) < 1e-12);
    assert.ok(Math.abs(c.lo - (p1 - p2 - Z975 * se)) < 1e-9);
    assert.ok(Math.abs(c.hi - (p1 - p2 + Z975 * se)) < 1e-9);
    assert.equal(c.significant, false);
    assert.equal(b.verdict, 'no_effect_yet');
    // Revenue per member, Welch: target 9000, 10000, 0 × 4 (mean 19000/6),
    // control 10000, 0 × 3 (mean 2500). Sample variances:
    // (9000² + 10000² − 19000²/6) / 5 = 24 166 666.67, (10000² − 10000²/4) / 3 = 25 000 000;
    // a = v1/6, b = v2/4, df = (a + b)² / (a²/5 + b²/3) = 6.4943074;
    // t(0.975, 6.4943074) = 2.4024670 (mpmath, as in tests/unit/analytics/test_uplift.c;
    // between the table's 2.447 at 6 and 2.365 at 7).
    const v1 = (9000 ** 2 + 10000 ** 2 - 19000 ** 2 / 6) / 5, v2 = (10000 ** 2 - 10000 ** 2 / 4) / 3;
    const a = v1 / 6, bb = v2 / 4, df = (a + bb) ** 2 / (a * a / 5 + bb * bb / 3);
    const w = b.uplift.revenue_per_member;
    assert.ok(Math.abs(w.diff - (19000 / 6 - 2500)) < 1e-9);
    assert.ok(Math.abs(w.df - df) < 1e-9, `${w.df} ${df}`);
    const t = (w.hi - w.diff) / Math.sqrt(a + bb);
    assert.ok(Math.abs(t - T_WELCH) < 1e-6, `t quantile ${t}`);
    assert.ok(Math.abs(w.lo - (w.diff - T_WELCH * Math.sqrt(a + bb))) < 1e-4);
    assert.equal(w.significant, false);
    // (19000/6 − 10000/4) × 6 = 4000; margin likewise, rounded to the fen.
    assert.equal(b.incremental.revenue, 4000);
    const mt = b.groups.target.margin, mc = b.groups.control.margin;
    assert.equal(b.incremental.margin, Math.round((mt * 4 - mc * 6) / 4));
    assert.equal(b.cost, 1000);
    assert.ok(Math.abs(b.roi - (b.incremental.margin - 1000) / 1000) < 1e-12);
  });

  it('draws the daily curve cumulatively up to today', async () => {
    const b = (await results(campaign)).body;
    assert.ok(b.daily.length >= 1 && b.daily.length <= 2, JSON.stringify(b.daily));
    const last = b.daily.at(-1);
    near(last, { day: last.day, target_converted: 2, control_converted: 1, target_rate: 2 / 6, control_rate: 0.25 });
    assert.match(last.day, /^\d{4}-\d{2}-\d{2}$/);
  });

  it('counts a purchase at the window start and leaves one at its end out', async () => {
    const at1 = Date.parse(sales.t1.at), atc = Date.parse(sales.c1.at);
    const at2 = Date.parse(sales.t2.at);
    // started exactly at t1's sale: counted; a millisecond after: not.
    const onEdge = insertCampaign({ startedAt: at1, storeId: store.id });
    addMembers(onEdge, [[cust.t1, 'target', 'A'], [cust.t2, 'target', 'A'], [cust.c1, 'control']]);
    let b = (await results(onEdge)).body;
    assert.equal(b.groups.target.converted, 2);
    const after1 = insertCampaign({ startedAt: at1 + 1, storeId: store.id });
    addMembers(after1, [[cust.t1, 'target', 'A'], [cust.t2, 'target', 'A'], [cust.c1, 'control']]);
    b = (await results(after1)).body;
    assert.equal(b.groups.target.converted, at2 > at1 ? 1 : 0);
    assert.equal(b.groups.target.revenue, at2 > at1 ? 10000 : 0);
    // a 1-day window ending exactly at c1's sale leaves it out; ending a
    // millisecond later counts it
    const endsAt = insertCampaign({ startedAt: atc - DAY, days: 1, storeId: store.id, status: 'completed' });
    addMembers(endsAt, [[cust.t6, 'target', 'A'], [cust.t5, 'target', 'A'], [cust.c1, 'control'], [cust.c2, 'control']]);
    b = (await results(endsAt)).body;
    assert.equal(b.groups.control.converted, 0);
    assert.equal(b.daily.length, 2);
    const endsAfter = insertCampaign({ startedAt: atc - DAY + 1, days: 1, storeId: store.id, status: 'completed' });
    addMembers(endsAfter, [[cust.t6, 'target', 'A'], [cust.t5, 'target', 'A'], [cust.c1, 'control'], [cust.c2, 'control']]);
    b = (await results(endsAfter)).body;
    assert.equal(b.groups.control.converted, 1);
    assert.equal(b.groups.control.revenue, 10000);
    // no difference: a negative one when the control bought and the target did not
    assert.equal(b.uplift.conversion.diff, -0.5);
    assert.equal(b.verdict, 'no_effect_yet');
  });

  it('answers zeros and too_early before the start', async () => {
    const draft = insertCampaign({ status: 'scheduled', storeId: store.id });
    const r = await results(draft);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.verdict, 'too_early');
    assert.deepEqual(r.body.window, { from: null, to: null, days: 14 });
    assert.equal(r.body.groups.target.members, 0);
    assert.equal(r.body.uplift.conversion, null);
    assert.equal(r.body.uplift.revenue_per_member, null);
    assert.equal(r.body.roi, null);
    assert.deepEqual(r.body.daily, []);
  });

  it('exports the summary, groups, daily table and variants as CSV and XLSX', async () => {
    let r = await api('GET', `/api/v1/campaigns/${campaign}/results?format=csv`);
    assert.equal(r.status, 200);
    assert.match(hdr(r, 'content-type'), /^text\/csv/);
    assert.match(hdr(r, 'content-disposition'), /results\.csv/);
    const tables = r.text.replace(/^\uFEFF/, '').trim().split('\r\n\r\n').map((t) => t.split('\r\n'));
    assert.equal(tables.length, 4);
    assert.match(tables[0][0], /^campaign_id,status,window_start_at,window_end_at,attribution_days,verdict,conversion_uplift/);
    assert.match(tables[0][1], new RegExp(`^${campaign},running,`));
    assert.match(tables[0][1], /,no_effect_yet,/);
    assert.match(tables[1][0], /^group,members,reached,delivered,converted,conversion_rate,revenue,revenue_per_member,margin/);
    assert.match(tables[1][1], /^target,6,3,2,2,/);
    assert.match(tables[1][2], /^control,4,,,1,0\.25,100\.00,25\.00,/);
    assert.match(tables[2][0], /^day,target_converted,control_converted,target_rate,control_rate$/);
    assert.equal(tables[3][0], 'variant,members,converted,conversion_rate');
    const res = await fetch(`${srv.url}/api/v1/campaigns/${campaign}/results?format=xlsx`, { headers: { authorization: `Bearer ${srv.adminToken}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /spreadsheetml/);
    const x = readXlsx(Buffer.from(await res.arrayBuffer()));
    assert.equal(x.rows[0][0], 'campaign_id');
    assert.equal(x.rows[1][0], campaign);
    assert.ok(x.rows[0].includes('incremental_revenue'));
    assertProblem(await api('GET', `/api/v1/campaigns/${campaign}/results?format=pdf`), 422, 'validation', ['format']);
  });

  it('keeps to the store scope and the permission', async () => {
    assert.equal((await results(campaign, manager.token)).status, 200);
    assert.equal((await results(campaign, hq.token)).status, 200);
    assertProblem(await results(campaign, otherManager.token), 404, 'not-found');
    assertProblem(await results(campaign, salesUser.token), 403, 'forbidden');
    const companyWide = insertCampaign({ startedAt: Date.now() - DAY });
    assertProblem(await results(companyWide, manager.token), 404, 'not-found');
    assert.equal((await results(companyWide)).status, 200);
    assertProblem(await results(999999), 404, 'not-found');
    assertProblem(await api('GET', '/api/v1/campaigns/0/results'), 404, 'not-found');
  });
});

// t(0.975, 6.49430740037950664) for the Welch case above, computed with mpmath.
const T_WELCH = 2.40246702693279533;

// The demo company's SMS campaign (src/domain/demo/demo_campaign.c) was
// planted with +12 points of conversion on the small company
// (docs/marketing.md, "Results and statistics").
describe('campaign results on the demo company', () => {
  const PLANTED = 0.12;
  let srv;
  before(async () => { srv = await startServer({ args: ['--demo=small'] }); });
  after(async () => { await srv?.stop(); });

  it('finds the planted uplift inside its 95% interval, which excludes 0', async () => {
    const id = Number(sqlOn(srv, "SELECT id FROM campaigns WHERE status = 'completed' ORDER BY id LIMIT 1"));
    assert.ok(id > 0);
    const r = await srv.api('GET', `/api/v1/campaigns/${id}/results`, { token: srv.adminToken });
    assert.equal(r.status, 200, r.text);
    const b = r.body;
    const { target, control } = b.groups;
    const c = b.uplift.conversion;
    assert.ok(c.lo > 0, JSON.stringify(c));
    assert.ok(c.lo <= PLANTED && PLANTED <= c.hi, `planted ${PLANTED} outside [${c.lo}, ${c.hi}]`);
    assert.equal(c.significant, true);
    assert.equal(b.verdict, 'effect');
    assert.equal(b.status, 'completed');
    assert.equal(b.window.days, 14);
    // about a tenth of the members held out, by their bucket
    const share = control.members / (control.members + target.members);
    assert.ok(share > 0.05 && share < 0.15, `control share ${share}`);
    // the message reached those with SMS consent; the control got nothing
    assert.ok(target.reached > 0 && target.reached < target.members);
    assert.equal(Number(sqlOn(srv, `SELECT COUNT(*) FROM outbox o JOIN campaign_members m ON m.outbox_id = o.id
      WHERE m.campaign_id = ${id} AND m.grp = 'control'`)), 0);
    // the daily curve ends at the groups' conversions
    assert.equal(b.daily.at(-1).target_converted, target.converted);
    assert.equal(b.daily.at(-1).control_converted, control.converted);
    assert.ok(b.cost > 0 && b.roi !== null);
  });
});
