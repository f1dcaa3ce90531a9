// Campaign results (GET /campaigns/{id}/results): a campaign made through
// the API (ten members whose buckets split them five and five, a coupon
// each, an A/B split), its purchases rung through the API and its messages'
// delivery set with SQL (the sender is not part of this suite) gives exact
// figures — the groups, refunds and voids, the window's edges (its start
// moved with SQL), the uplift and its intervals, incremental revenue, ROI,
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

describe('campaign results on a campaign made through the API', () => {
  let srv, store, other, product, template, segment, campaign, startedAt, manager, otherManager, salesUser, hq;
  let target, control, sales; // members by group (by customer id), sales by role
  const { api, sell, mk } = asAdmin(() => srv);
  const sql = (t) => sqlOn(srv, t);
  const results = (id, token) => api('GET', `/api/v1/campaigns/${id}/results`, token ? { token } : {});
  async function ok(r, status = 200) {
    assert.equal(r.status, status, `${r.status} ${r.text}`);
    return r.body;
  }
  const messages = [
    { variant: 'A', lang: 'zh-CN', body: '{name}您好，本周到店有礼 {coupon}' },
    { variant: 'B', lang: 'zh-CN', body: '{name}，会员专享优惠 {coupon}' },
  ];

  before(async () => {
    srv = await startServer();
    store = await mk('/api/v1/stores', { code: `R${uniq()}`.slice(0, 12), name: 'Results store', channel: 'direct' });
    other = await mk('/api/v1/stores', { code: `O${uniq()}`.slice(0, 12), name: 'Other store', channel: 'direct' });
    product = await mk('/api/v1/products', { sku: `R${uniq()}`, name: 'Tea set', unit: 'pcs', price: 10000, cost: 6000, vat_rate: 1300 });
    await mk('/api/v1/stock/moves', { store_id: store.id, product_id: product.id, quantity: 100, reason: 'receipt' });
    template = await mk('/api/v1/coupon-templates', { name: `Ten off ${uniq()}`, kind: 'amount_off', value: 1000, min_spend: 0, valid_days: 30 });
    const tag = `res${uniq()}`;
    for (let i = 0; i < 10; i++) {
      const c = await mk('/api/v1/customers', { name: `Member ${i}`, phone: `139${String(10000000 + i * 7919 + (Date.now() % 1000000)).slice(-8)}`, tags: [tag], consent_sms: true, home_store_id: store.id });
      // buckets 0, 1000, ..., 9000: a control range of 5000 holds five of them
      sql(`UPDATE customers SET bucket = ${i * 1000} WHERE id = ${c.id}`);
    }
    segment = await mk('/api/v1/segments', { name: `Results ${tag}`, store_id: store.id, filter: { tags: [tag] } });
    const c = await mk('/api/v1/campaigns', {
      name: `Results ${tag}`, channel: 'sms', segment_id: segment.id, store_id: store.id, coupon_template_id: template.id,
      control_pct: 50, ab_pct: 100, ab_decide_at: new Date(Date.now() + 7 * DAY).toISOString(), messages,
    });
    await ok(await api('POST', `/api/v1/campaigns/${c.id}/submit`));
    await ok(await api('POST', `/api/v1/campaigns/${c.id}/start`));
    campaign = c.id;
    startedAt = Number(sql(`SELECT started_at FROM campaigns WHERE id = ${campaign}`));
    const ms = (await ok(await api('GET', `/api/v1/campaigns/${campaign}/members?limit=500`))).items;
    target = ms.filter((m) => m.grp === 'target').sort((x, y) => x.customer_id - y.customer_id);
    control = ms.filter((m) => m.grp === 'control').sort((x, y) => x.customer_id - y.customer_id);
    assert.equal(target.length, 5);
    assert.equal(control.length, 5);

    const ring = async (m, quantity, extra = {}) => {
      const r = await sell({ store_id: store.id, customer_id: m.customer_id, lines: [{ product_id: product.id, quantity }], payments: [{ method: 'card', amount: 10000 * quantity }], ...extra });
      assert.equal(r.status, 201, r.text);
      return r.body;
    };
    // t1 uses their campaign coupon (10 off); t2 buys two and returns one;
    // t3 returns everything; t4's sale is voided; c1 buys one.
    const [t1, t2, t3, t4] = target;
    const c1 = control[0];
    sales = {};
    sales.t1 = await ring(t1, 1, { coupon_codes: [t1.coupon_code], payments: [{ method: 'card', amount: 9000 }] });
    sales.t2 = await ring(t2, 2);
    sales.t3 = await ring(t3, 1);
    sales.t4 = await ring(t4, 1);
    sales.c1 = await ring(c1, 1);
    await ok(await api('POST', `/api/v1/sales/${sales.t2.id}/returns`, { body: { lines: [{ line_id: sales.t2.lines[0].id, quantity: 1 }], refund_method: 'card', reason: 'one too many' } }), 201);
    await ok(await api('POST', `/api/v1/sales/${sales.t3.id}/returns`, { body: { lines: [{ line_id: sales.t3.lines[0].id, quantity: 1 }], refund_method: 'card', reason: 'changed mind' } }), 201);
    await ok(await api('POST', `/api/v1/sales/${sales.t4.id}/void`, { body: { reason: 'wrong customer' } }));
    for (const k of ['t2', 't3']) sales[k] = await ok(await api('GET', `/api/v1/sales/${sales[k].id}`));
    // What the sender and the receipts would have left: t1, t2 delivered,
    // t3 sent, t4 failed, t5 still queued.
    const status = [[t1, 'delivered'], [t2, 'delivered'], [t3, 'sent'], [t4, 'failed']];
    for (const [m, st] of status) sql(`UPDATE outbox SET status = '${st}' WHERE source = 'campaign' AND source_id = ${campaign} AND customer_id = ${m.customer_id}`);
    for (const [label, amount] of [['SMS', 400], ['Design', 600]]) {
      await mk(`/api/v1/campaigns/${campaign}/costs`, { label, amount, day: '2026-12-01' });
    }
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
    const b = await ok(await results(campaign));
    const m1 = money(sales.t1), m2 = money(sales.t2), mc = money(sales.c1);
    assert.equal(m1.revenue, 9000);
    assert.equal(m2.revenue, 10000);
    assert.equal(b.campaign_id, campaign);
    assert.equal(b.status, 'running');
    assert.equal(b.window.days, 14);
    assert.equal(Date.parse(b.window.from), startedAt);
    assert.equal(Date.parse(b.window.to) - Date.parse(b.window.from), 14 * DAY);
    near(b.groups.target, {
      members: 5, reached: 3, delivered: 2, converted: 2, conversion_rate: 0.4,
      revenue: 19000, revenue_per_member: 3800, margin: m1.margin + m2.margin,
      coupons_issued: 5, coupons_redeemed: 1,
    });
    near(b.groups.control, {
      members: 5, converted: 1, conversion_rate: 0.2, revenue: 10000, revenue_per_member: 2000, margin: mc.margin,
    });
    // each target member's variant from the members list, and who bought
    const bought = new Set([target[0].customer_id, target[1].customer_id]);
    const expected = ['A', 'B'].map((v) => {
      const ms = target.filter((m) => m.variant === v);
      const conv = ms.filter((m) => bought.has(m.customer_id)).length;
      return { variant: v, members: ms.length, converted: conv, conversion_rate: ms.length ? conv / ms.length : 0 };
    }).filter((v) => v.members > 0);
    near([...b.variants].sort((x, y) => (x.variant < y.variant ? -1 : 1)), expected);
  });

  it('computes the uplift, its intervals, incremental revenue and ROI', async () => {
    const b = await ok(await results(campaign));
    // Conversion: 2/5 − 1/5 with the unpooled normal interval.
    const se = Math.sqrt(0.4 * 0.6 / 5 + 0.2 * 0.8 / 5);
    const c = b.uplift.conversion;
    near(c, { diff: 0.2, lo: 0.2 - Z975 * se, hi: 0.2 + Z975 * se, significant: false });
    assert.equal(b.verdict, 'no_effect_yet');
    // Revenue per member, Welch: target 9000, 10000, 0, 0, 0 (mean 3800),
    // control 10000, 0, 0, 0, 0 (mean 2000). Sample variances
    // (9000² + 10000² − 19000²/5) / 4 = 27 200 000 and (10000² − 10000²/5) / 4 = 20 000 000;
    // a = v1/5, b = v2/5, df = (a + b)² / (a²/4 + b²/4) = 7.8180797;
    // t(0.975, 7.8180797) = 2.3153776 (mpmath, as in tests/unit/analytics/test_uplift.c;
    // between the table's 2.365 at 7 and 2.306 at 8).
    const a = 27200000 / 5, bb = 20000000 / 5;
    const w = b.uplift.revenue_per_member;
    assert.ok(Math.abs(w.diff - 1800) < 1e-9);
    assert.ok(Math.abs(w.df - 7.81807973048848961) < 1e-9, `${w.df}`);
    assert.ok(Math.abs(w.lo - (1800 - T_WELCH * Math.sqrt(a + bb))) < 1e-6, `${w.lo}`);
    assert.ok(Math.abs(w.hi - (1800 + T_WELCH * Math.sqrt(a + bb))) < 1e-6, `${w.hi}`);
    assert.equal(w.significant, false);
    // (19000/5 − 10000/5) × 5 = 9000; margin likewise, rounded to the fen.
    assert.equal(b.incremental.revenue, 9000);
    const mt = b.groups.target.margin, mc = b.groups.control.margin;
    assert.equal(b.incremental.margin, mt - mc);
    assert.equal(b.cost, 1000);
    assert.ok(Math.abs(b.roi - (b.incremental.margin - 1000) / 1000) < 1e-12);
  });

  it('draws the daily curve cumulatively up to today', async () => {
    const b = await ok(await results(campaign));
    assert.ok(b.daily.length >= 1 && b.daily.length <= 2, JSON.stringify(b.daily));
    const last = b.daily.at(-1);
    near(last, { day: last.day, target_converted: 2, control_converted: 1, target_rate: 0.4, control_rate: 0.2 });
    assert.match(last.day, /^\d{4}-\d{2}-\d{2}$/);
  });

  it('counts a purchase at the window start and leaves one at its end out', async () => {
    const at1 = Date.parse(sales.t1.at), at2 = Date.parse(sales.t2.at), atc = Date.parse(sales.c1.at);
    const move = (started, days = 14) => sql(`UPDATE campaigns SET started_at = ${started}, attribution_days = ${days} WHERE id = ${campaign}`);
    try {
      // started exactly at t1's sale: counted; a millisecond after: not
      move(at1);
      let b = await ok(await results(campaign));
      assert.equal(b.groups.target.converted, 2);
      move(at1 + 1);
      b = await ok(await results(campaign));
      assert.equal(b.groups.target.converted, at2 > at1 ? 1 : 0);
      assert.equal(b.groups.target.revenue, at2 > at1 ? 10000 : 0);
      // a 1-day window ending exactly at c1's sale leaves it out; one
      // ending a millisecond later counts it
      move(atc - DAY, 1);
      b = await ok(await results(campaign));
      assert.equal(b.groups.control.converted, 0);
      assert.equal(b.daily.length, 2);
      move(atc - DAY + 1, 1);
      b = await ok(await results(campaign));
      assert.equal(b.groups.control.converted, 1);
      assert.equal(b.groups.control.revenue, 10000);
    } finally {
      move(startedAt);
    }
  });

  it('answers zeros and too_early before the start', async () => {
    const d = await mk('/api/v1/campaigns', { name: `Draft ${uniq()}`, channel: 'sms', segment_id: segment.id, store_id: store.id, messages: messages.slice(0, 1) });
    const b = await ok(await results(d.id));
    assert.equal(b.verdict, 'too_early');
    assert.equal(b.status, 'draft');
    assert.deepEqual(b.window, { from: null, to: null, days: 14 });
    assert.equal(b.groups.target.members, 0);
    assert.equal(b.uplift.conversion, null);
    assert.equal(b.uplift.revenue_per_member, null);
    assert.equal(b.roi, null);
    assert.deepEqual(b.daily, []);
    assert.deepEqual(b.variants, []);
  });

  it('exports the summary, groups, daily table and variants as CSV and XLSX', async () => {
    const r = await api('GET', `/api/v1/campaigns/${campaign}/results?format=csv`);
    assert.equal(r.status, 200);
    assert.match(hdr(r, 'content-type'), /^text\/csv/);
    assert.match(hdr(r, 'content-disposition'), /results\.csv/);
    const tables = r.text.replace(/^\uFEFF/, '').trim().split('\r\n\r\n').map((t) => t.split('\r\n'));
    assert.equal(tables.length, 4);
    assert.match(tables[0][0], /^campaign_id,status,window_start_at,window_end_at,attribution_days,verdict,conversion_uplift/);
    assert.match(tables[0][1], new RegExp(`^${campaign},running,`));
    assert.match(tables[0][1], /,no_effect_yet,/);
    assert.match(tables[1][0], /^group,members,reached,delivered,converted,conversion_rate,revenue,revenue_per_member,margin/);
    assert.match(tables[1][1], /^target,5,3,2,2,0\.4,190\.00,38\.00,/);
    assert.match(tables[1][2], /^control,5,,,1,0\.2,100\.00,20\.00,/);
    assert.match(tables[2][0], /^day,target_converted,control_converted,target_rate,control_rate$/);
    assert.equal(tables[3][0], 'variant,members,converted,conversion_rate');
    const res = await fetch(`${srv.url}/api/v1/campaigns/${campaign}/results?format=xlsx`, { headers: { authorization: `Bearer ${srv.adminToken}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /spreadsheetml/);
    const x = readXlsx(Buffer.from(await res.arrayBuffer()));
    assert.equal(x.rows[0][0], 'campaign_id');
    assert.equal(x.rows[1][0], campaign);
    const col = x.rows[0].indexOf('incremental_revenue');
    assert.ok(col > 0);
    assert.equal(x.rows[1][col], 90); // ¥90.00, formatted as money
    assertProblem(await api('GET', `/api/v1/campaigns/${campaign}/results?format=pdf`), 422, 'validation', ['format']);
  });

  it('counts the coupons given as the reach of an in-store campaign', async () => {
    const c = await mk('/api/v1/campaigns', { name: `In store ${uniq()}`, channel: 'in_store', segment_id: segment.id, store_id: store.id, coupon_template_id: template.id, control_pct: 50 });
    await ok(await api('POST', `/api/v1/campaigns/${c.id}/submit`));
    await ok(await api('POST', `/api/v1/campaigns/${c.id}/start`));
    const b = await ok(await results(c.id));
    assert.equal(b.groups.target.members, 5);
    assert.equal(b.groups.target.coupons_issued, 5);
    assert.equal(b.groups.target.reached, 5);
    assert.equal(b.groups.target.delivered, 5);
    assert.equal(b.groups.target.coupons_redeemed, 0);
    // started after every sale above: nobody has bought yet
    assert.equal(b.groups.target.converted + b.groups.control.converted, 0);
    assert.equal(b.uplift.conversion.diff, 0);
    assert.equal(b.verdict, 'no_effect_yet');
  });

  it('keeps to the store scope and the permission', async () => {
    assert.equal((await results(campaign, manager.token)).status, 200);
    assert.equal((await results(campaign, hq.token)).status, 200);
    assertProblem(await results(campaign, otherManager.token), 404, 'not-found');
    assertProblem(await results(campaign, salesUser.token), 403, 'forbidden');
    const companyWide = await mk('/api/v1/campaigns', { name: `All ${uniq()}`, channel: 'sms', segment_id: segment.id, messages: messages.slice(0, 1) });
    assertProblem(await results(companyWide.id, manager.token), 404, 'not-found');
    assert.equal((await results(companyWide.id)).status, 200);
    assertProblem(await results(999999), 404, 'not-found');
  });
});

// t(0.975, 7.81807973048848961) for the Welch case above, computed with mpmath.
const T_WELCH = 2.31537764653456394;

// The demo company's SMS campaign (src/domain/demo/demo_campaign.c) was
// planted with +12 points of conversion on the small company, with a 20%
// control group (docs/marketing.md, "Results and statistics").
describe('campaign results on the demo company', () => {
  const PLANTED = 0.12;
  let srv;
  before(async () => { srv = await startServer({ args: ['--demo=small'] }); });
  after(async () => { await srv?.stop(); });

  it('finds the planted uplift inside its 95% interval, which excludes 0', async () => {
    const list = await srv.api('GET', '/api/v1/campaigns?status=completed', { token: srv.adminToken });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.items.length, 1);
    const camp = list.body.items[0];
    const id = camp.id;
    assert.equal(camp.channel, 'sms');
    assert.equal(camp.control_pct, 20);
    // what the campaign itself counts agrees with its results below
    const one = await srv.api('GET', `/api/v1/campaigns/${id}`, { token: srv.adminToken });
    assert.equal(one.status, 200, one.text);
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
    // about a fifth of the members held out, by their bucket
    const share = control.members / (control.members + target.members);
    assert.ok(share > 0.12 && share < 0.28, `control share ${share}`);
    // the message reached those with SMS consent; the control got nothing
    assert.ok(target.reached > 0 && target.reached < target.members);
    assert.equal(Number(sqlOn(srv, `SELECT COUNT(*) FROM outbox o JOIN campaign_members m ON m.outbox_id = o.id
      WHERE m.campaign_id = ${id} AND m.grp = 'control'`)), 0);
    assert.equal(one.body.counts.target, target.members);
    assert.equal(one.body.counts.control, control.members);
    assert.equal(one.body.counts.delivered, target.delivered);
    assert.equal(one.body.cost_total, b.cost);
    // the daily curve ends at the groups' conversions
    assert.equal(b.daily.at(-1).target_converted, target.converted);
    assert.equal(b.daily.at(-1).control_converted, control.converted);
    assert.ok(b.cost > 0 && b.roi !== null);
  });
});
