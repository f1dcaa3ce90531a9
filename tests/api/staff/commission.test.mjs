// Commission: plan states, the calculator, a period computed from the sales
// the test makes (bands, shared split, store pool), a return in the same
// period, a closed period frozen against later sales, a return after the
// period closed clawed back in the next, statements (404 for another's),
// and the period's lines exported to XLSX.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { asAdmin } from '../lib/admin.mjs';
import { assertProblem } from '../lib/assert.mjs';
import { readXlsx } from '../lib/xlsx.mjs';

const RULES = {
  base: 'revenue',
  discount_bands: [{ min_price_bp: 6500, rate_bp: 1000 }, { min_price_bp: 6000, rate_bp: 900 }],
  default_rate_bp: 0,
  pool_bp: 2000,
  clawback_days: 30,
};

const nextMonth = (label) => {
  const [y, m] = label.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};

describe('commission', () => {
  let srv, storeA, storeB, item, s1, s2, s3, manager, plan, month, period, next;
  const sales = {};
  const { api, sell, mk } = asAdmin(() => srv);
  const cash = [{ method: 'cash', amount: 100000 }];
  const payoutOf = (p, user) => p.payouts.find((x) => x.user_id === user.id);
  const sale = async (body) => {
    const r = await sell({ store_id: storeA.id, payments: cash, ...body });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const ret = async (s, lineNo = 0) => {
    const r = await api('POST', `/api/v1/sales/${s.id}/returns`, { body: { lines: [{ line_id: s.lines[lineNo].id, quantity: 1 }], refund_method: 'cash', reason: 'Changed mind' } });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };

  before(async () => {
    srv = await startServer();
    storeA = await mk('/api/v1/stores', { code: `CA${uniq()}`.slice(0, 12), name: 'Commission A', channel: 'direct' });
    storeB = await mk('/api/v1/stores', { code: `CB${uniq()}`.slice(0, 12), name: 'Commission B', channel: 'direct' });
    item = await mk('/api/v1/products', { sku: `C${uniq()}`, name: 'Jacket', unit: 'pcs', vat_rate: 0, price: 10000 });
    await mk('/api/v1/stock/moves', { store_id: storeA.id, product_id: item.id, quantity: 100, reason: 'receipt' });
    s1 = await makeUser(srv, 'sales', [storeA.id]);
    s2 = await makeUser(srv, 'sales', [storeA.id]);
    s3 = await makeUser(srv, 'sales', [storeB.id]);
    manager = await makeUser(srv, 'store_manager', [storeA.id]);
  });
  after(async () => { await srv?.stop(); });

  it('plan states: draft changes, approved and closed do not (409); STAFF_ADMIN only', async () => {
    const body = { name: `Plan ${uniq()}`, period_kind: 'month', valid_from: '2020-01-01', rules: RULES, members: [{ kind: 'store', member_id: storeA.id }] };
    assertProblem(await api('POST', '/api/v1/commission/plans', { body, token: manager.token }), 403, 'forbidden');
    assertProblem(await api('POST', '/api/v1/commission/plans', { body: { ...body, rules: { ...RULES, pool_bp: 20000 } } }), 422, 'validation', ['rules.pool_bp']);
    assertProblem(await api('POST', '/api/v1/commission/plans', { body: { ...body, members: [{ kind: 'store', member_id: 999999 }] } }), 422, 'validation', ['members[0].member_id']);
    assertProblem(await api('POST', '/api/v1/commission/plans', { body: { ...body, valid_to: '2019-12-31' } }), 422, 'validation', ['valid_to']);
    const p = await mk('/api/v1/commission/plans', body);
    assert.equal(p.status, 'draft');
    assert.deepEqual(p.members, [{ kind: 'store', member_id: storeA.id, name: 'Commission A' }]);
    assert.equal(p.rules.clawback_days, 30);
    const patched = await api('PATCH', `/api/v1/commission/plans/${p.id}`, { body: { name: 'Renamed' } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.name, 'Renamed');
    assertProblem(await api('POST', `/api/v1/commission/plans/${p.id}/periods`, { body: { period: '2026-01' } }), 409, 'state');
    const ok = await api('POST', `/api/v1/commission/plans/${p.id}/approve`);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.status, 'approved');
    assertProblem(await api('POST', `/api/v1/commission/plans/${p.id}/approve`), 409, 'state');
    assertProblem(await api('PATCH', `/api/v1/commission/plans/${p.id}`, { body: { name: 'Again' } }), 409, 'state');
    assertProblem(await api('DELETE', `/api/v1/commission/plans/${p.id}`), 409, 'state');
    const closed = await api('POST', `/api/v1/commission/plans/${p.id}/close`);
    assert.equal(closed.body.status, 'closed');
    assertProblem(await api('POST', `/api/v1/commission/plans/${p.id}/close`), 409, 'state');
    const draft = await mk('/api/v1/commission/plans', body);
    assert.equal((await api('DELETE', `/api/v1/commission/plans/${draft.id}`)).status, 204);
    assertProblem(await api('GET', `/api/v1/commission/plans/${draft.id}`), 404, 'not-found');
    const audit = await api('GET', `/api/v1/audit?entity=commission_plan&entity_id=${p.id}`);
    assert.deepEqual(audit.body.items.map((a) => a.action).sort(), ['approve', 'close', 'create', 'update']);
  });

  it('the calculator pays a sample month by bands and tier', async () => {
    const rules = { ...RULES, pool_bp: 0, tiers: { mode: 'brackets', metric: 'revenue', levels: [{ attainment_bp: 8000, amount: 20000 }, { attainment_bp: 9000, amount: 30000 }] } };
    const r = await api('POST', '/api/v1/commission/calculate', { body: { rules, sample: { target: 100000, lines: [
      { list_price: 10000, unit_price: 10000, quantity: 5 },
      { list_price: 10000, unit_price: 6499, quantity: 1 },
      { list_price: 10000, unit_price: 5999, quantity: 1 },
      { list_price: 10000, unit_price: 10000, quantity: 3, share_bp: 5000 },
    ] } } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.lines.map((l) => [l.rate_bp, l.amount, l.reason]), [[1000, 5000, 'band'], [900, 585, 'band'], [0, 0, 'discount'], [1000, 1500, 'band']]);
    assert.equal(r.body.sales, 50000 + 6499 + 5999 + 15000);
    assert.equal(r.body.attainment_bp, 7749);
    assert.equal(r.body.tier_bonus, 0);
    assert.equal(r.body.total, 5000 + 585 + 1500);
    assertProblem(await api('POST', '/api/v1/commission/calculate', { body: { sample: { lines: [] } } }), 422, 'validation', ['rules']);
    assertProblem(await api('POST', '/api/v1/commission/calculate', { body: { rules, sample: { lines: [{ list_price: 1 }] } }, token: s1.token }), 403, 'forbidden');
  });

  it('a period computed from the sales: bands, shared split and the store pool', async () => {
    plan = await mk('/api/v1/commission/plans', { name: `Store A ${uniq()}`, period_kind: 'month', valid_from: '2020-01-01', rules: RULES, members: [{ kind: 'store', member_id: storeA.id }] });
    await api('POST', `/api/v1/commission/plans/${plan.id}/approve`);
    sales.full = await sale({ salesperson_id: s1.id, lines: [{ product_id: item.id, quantity: 1 }] });
    sales.shared = await sale({ salespeople: [{ user_id: s1.id, share_bp: 6000 }, { user_id: s2.id, share_bp: 4000 }], lines: [{ product_id: item.id, quantity: 2 }] });
    sales.deep = await sale({ salesperson_id: s2.id, lines: [{ product_id: item.id, quantity: 1, unit_price: 6200 }] });
    month = sales.full.day.slice(0, 7);
    const r = await api('POST', `/api/v1/commission/plans/${plan.id}/periods`, { body: { period: month } });
    assert.equal(r.status, 201, r.text);
    period = r.body;
    assert.equal(period.status, 'open');
    assertProblem(await api('POST', `/api/v1/commission/plans/${plan.id}/periods`, { body: { period: month } }), 409, 'duplicate');
    assertProblem(await api('POST', `/api/v1/commission/plans/${plan.id}/periods`, { body: { period: '2026-Q1' } }), 422, 'validation', ['period']);
    // full: 10000 × 10 % = 1000, pool 200, own 800
    // shared: 20000 × 10 % = 2000, pool 400, own 1600 → 960 / 640
    // deep: 6200 (62 %) × 9 % = 558, pool 112, own 446
    // pool 712 by credited sales: s1 22000, s2 14200 → 433 / 279
    const p1 = payoutOf(period, s1), p2 = payoutOf(period, s2);
    assert.deepEqual([p1.sales, p1.commission, p1.pool, p1.total], [22000, 1760, 433, 2193]);
    assert.deepEqual([p2.sales, p2.commission, p2.pool, p2.total], [14200, 1086, 279, 1365]);
    assert.equal(payoutOf(period, s3), undefined, 'not a member');
    const lines = await api('GET', `/api/v1/commission/periods/${period.id}/lines?user_id=${s2.id}`);
    assert.equal(lines.status, 200, lines.text);
    const deep = lines.body.items.find((l) => l.sale_id === sales.deep.id);
    assert.deepEqual([deep.kind, deep.base, deep.rate_bp, deep.amount, deep.reason], ['sale', 6200, 900, 446, 'band']);
    assert.equal(deep.detail.price_bp, 6200);
    const shared = lines.body.items.find((l) => l.sale_id === sales.shared.id);
    assert.deepEqual([shared.amount, shared.detail.share_bp], [640, 4000]);
    // the store manager sees the period's people of their store
    const asManager = await api('GET', `/api/v1/commission/periods/${period.id}`, { token: manager.token });
    assert.equal(asManager.status, 200, asManager.text);
    assert.equal(asManager.body.payouts.length, 2);
    assertProblem(await api('GET', `/api/v1/commission/periods/${period.id}`, { token: s1.token }), 403, 'forbidden');
  });

  it('a return in the same period counts negative at the line rate', async () => {
    await ret(sales.full);
    const r = await api('POST', `/api/v1/commission/periods/${period.id}/recompute`, { token: manager.token });
    assert.equal(r.status, 200, r.text);
    const p1 = payoutOf(r.body, s1);
    assert.equal(p1.sales, 12000);
    assert.equal(p1.commission, 1760 - 800);
    const lines = (await api('GET', `/api/v1/commission/periods/${period.id}/lines?user_id=${s1.id}`)).body.items;
    const back = lines.find((l) => l.kind === 'return');
    assert.deepEqual([back.base, back.rate_bp, back.amount, back.sale_id], [-10000, 1000, -800, sales.full.id]);
    period = r.body;
  });

  it('a closed period is frozen: later sales change nothing, recompute is refused', async () => {
    assertProblem(await api('POST', `/api/v1/commission/periods/${period.id}/close`), 409, 'state');
    assertProblem(await api('POST', `/api/v1/commission/periods/${period.id}/approve`, { token: manager.token }), 403, 'forbidden');
    const a = await api('POST', `/api/v1/commission/periods/${period.id}/approve`);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.status, 'approved');
    const c = await api('POST', `/api/v1/commission/periods/${period.id}/close`);
    assert.equal(c.body.status, 'closed');
    const frozen = c.body;
    await sale({ salesperson_id: s1.id, lines: [{ product_id: item.id, quantity: 3 }] });
    assertProblem(await api('POST', `/api/v1/commission/periods/${period.id}/recompute`), 409, 'state');
    const again = await api('GET', `/api/v1/commission/periods/${period.id}`);
    assert.deepEqual(again.body.payouts, frozen.payouts);
    assert.equal(payoutOf(again.body, s1).sales, 12000);
  });

  it('a return after the period closed is clawed back in the next period, line by line', async () => {
    const r = await api('POST', `/api/v1/commission/plans/${plan.id}/periods`, { body: { period: nextMonth(month) } });
    assert.equal(r.status, 201, r.text);
    next = r.body;
    await ret(sales.shared);
    await ret(sales.deep);
    const rc = await api('POST', `/api/v1/commission/periods/${next.id}/recompute`);
    assert.equal(rc.status, 200, rc.text);
    const closedLines = (await api('GET', `/api/v1/commission/periods/${period.id}/lines`)).body.items;
    const lines = (await api('GET', `/api/v1/commission/periods/${next.id}/lines`)).body.items;
    const claws = lines.filter((l) => l.kind === 'clawback');
    // shared: one unit of two returned: 10000 × 10 % = 1000, pool 200, own 800 → 480 / 320
    // deep: 558, pool 112, own 446
    const of = (u, sid) => claws.find((l) => l.user_id === u.id && l.sale_id === sid);
    assert.equal(of(s1, sales.shared.id).amount, -480);
    assert.equal(of(s2, sales.shared.id).amount, -320);
    assert.equal(of(s2, sales.deep.id).amount, -446);
    const orig = closedLines.find((l) => l.user_id === s2.id && l.sale_id === sales.deep.id && l.kind === 'sale');
    assert.equal(of(s2, sales.deep.id).original_line_id, orig.id);
    assert.equal(of(s2, sales.deep.id).detail.original_period, month);
    const p2 = payoutOf(rc.body, s2);
    assert.equal(p2.clawback, -766);
    assert.equal(p2.sales, 0, 'a clawback is not a sale of this period');
    // the closed period did not move
    assert.equal(payoutOf((await api('GET', `/api/v1/commission/periods/${period.id}`)).body, s2).total, payoutOf(period, s2).total);
    // recomputing again counts each return once
    const twice = await api('POST', `/api/v1/commission/periods/${next.id}/recompute`);
    assert.equal(payoutOf(twice.body, s2).clawback, -766);
  });

  it("statements: one's own and those a manager sees; another salesperson is 404", async () => {
    const own = await api('GET', `/api/v1/commission/statements/${s1.id}?period=${month}`, { token: s1.token });
    assert.equal(own.status, 200, own.text);
    assert.equal(own.body.payouts.length, 1);
    assert.equal(own.body.payouts[0].total, payoutOf(period, s1).total);
    assert.ok(own.body.payouts[0].lines.every((l) => l.user_id === s1.id));
    assert.ok(own.body.payouts[0].lines.length >= 3);
    const all = await api('GET', `/api/v1/commission/statements/${s2.id}`, { token: s2.token });
    assert.equal(all.body.payouts.length, 2);
    assertProblem(await api('GET', `/api/v1/commission/statements/${s2.id}`, { token: s1.token }), 404, 'not-found');
    assertProblem(await api('GET', `/api/v1/commission/statements/${s3.id}`, { token: manager.token }), 404, 'not-found');
    assert.equal((await api('GET', `/api/v1/commission/statements/${s1.id}`, { token: manager.token })).status, 200);
    assertProblem(await api('GET', `/api/v1/commission/periods/${period.id}/lines?user_id=${s3.id}`, { token: manager.token }), 404, 'not-found');
  });

  it("a period's lines export to XLSX", async () => {
    const res = await fetch(`${srv.url}/api/v1/commission/periods/${period.id}/lines?format=xlsx`, { headers: { authorization: `Bearer ${srv.adminToken}` } });
    assert.equal(res.status, 200);
    const x = readXlsx(Buffer.from(await res.arrayBuffer()));
    const head = x.rows[0];
    assert.ok(head.includes('kind') && head.includes('amount') && head.includes('user_name'), JSON.stringify(head));
    const lines = (await api('GET', `/api/v1/commission/periods/${period.id}/lines`)).body.items;
    assert.equal(x.rows.length, lines.length + 1);
    const list = await api('GET', `/api/v1/commission/periods?plan_id=${plan.id}`);
    assert.deepEqual(list.body.items.map((p) => p.status), ['open', 'closed']);
  });
});
