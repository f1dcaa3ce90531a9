// Shared sales at the till: POST /sales `salespeople` splits a sale's credit
// (even by default, the remainder to the first; or the shares given), each an
// active user of the store; the answer and GET /sales/{id} show the split.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { asAdmin } from '../lib/admin.mjs';
import { assertProblem } from '../lib/assert.mjs';

describe('shared sales', () => {
  let srv, store, other, item, a, b, c, d, e, stranger;
  const { api, sell, mk } = asAdmin(() => srv);
  const cash = [{ method: 'cash', amount: 100000 }];
  const body = (o) => ({ store_id: store.id, lines: [{ product_id: item.id, quantity: 1 }], payments: cash, ...o });

  before(async () => {
    srv = await startServer();
    store = await mk('/api/v1/stores', { code: `SS${uniq()}`.slice(0, 12), name: 'Shared store', channel: 'direct' });
    other = await mk('/api/v1/stores', { code: `SO${uniq()}`.slice(0, 12), name: 'Other store', channel: 'direct' });
    item = await mk('/api/v1/products', { sku: `S${uniq()}`, name: 'Coat', unit: 'pcs', vat_rate: 1300, price: 99900 });
    await mk('/api/v1/stock/moves', { store_id: store.id, product_id: item.id, quantity: 100, reason: 'receipt' });
    [a, b, c, d, e] = await Promise.all([1, 2, 3, 4, 5].map(() => makeUser(srv, 'sales', [store.id])));
    stranger = await makeUser(srv, 'sales', [other.id]);
  });
  after(async () => { await srv?.stop(); });

  it('without salespeople: one row of 10000 for the salesperson, else the cashier', async () => {
    const r = await sell(body({}), a.token);
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body.salespeople, [{ user_id: a.id, share_bp: 10000 }]);
    const s = await sell(body({ salesperson_id: b.id }), a.token);
    assert.deepEqual(s.body.salespeople, [{ user_id: b.id, share_bp: 10000 }]);
    assert.deepEqual((await api('GET', `/api/v1/sales/${s.body.id}`)).body.salespeople, [{ user_id: b.id, share_bp: 10000 }]);
  });

  it('even split of three: the remainder to the first, who is the salesperson', async () => {
    const r = await sell(body({ salespeople: [{ user_id: c.id }, { user_id: a.id }, { user_id: b.id }] }), a.token);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.salesperson_id, c.id);
    const want = [{ user_id: c.id, share_bp: 3334 }, { user_id: a.id, share_bp: 3333 }, { user_id: b.id, share_bp: 3333 }];
    const byUser = (x) => [...x].sort((p, q) => p.user_id - q.user_id);
    assert.equal(r.body.salespeople[0].user_id, c.id);
    assert.deepEqual(byUser(r.body.salespeople), byUser(want));
    const g = await api('GET', `/api/v1/sales/${r.body.id}`);
    assert.equal(g.body.salespeople[0].user_id, c.id, 'the first salesperson first');
    assert.deepEqual(byUser(g.body.salespeople), byUser(want));
  });

  it('explicit shares 60/40; a matching salesperson_id is accepted', async () => {
    const r = await sell(body({ salesperson_id: b.id, salespeople: [{ user_id: b.id, share_bp: 6000 }, { user_id: a.id, share_bp: 4000 }] }), a.token);
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body.salespeople, [{ user_id: b.id, share_bp: 6000 }, { user_id: a.id, share_bp: 4000 }]);
    assert.equal(r.body.salesperson_id, b.id);
  });

  it('refuses bad shares, repeats, too many people and a different salesperson_id, naming the field', async () => {
    assertProblem(await sell(body({ salespeople: [{ user_id: a.id, share_bp: 6000 }, { user_id: b.id, share_bp: 3000 }] }), a.token), 422, 'validation', ['salespeople']);
    assertProblem(await sell(body({ salespeople: [{ user_id: a.id, share_bp: 10000 }, { user_id: b.id }] }), a.token), 422, 'validation', ['salespeople']);
    assertProblem(await sell(body({ salespeople: [{ user_id: a.id }, { user_id: a.id }] }), a.token), 422, 'validation', ['salespeople[1].user_id']);
    assertProblem(await sell(body({ salespeople: [a, b, c, d, e].map((u) => ({ user_id: u.id })) }), a.token), 422, 'validation', ['salespeople']);
    assertProblem(await sell(body({ salespeople: [] }), a.token), 422, 'validation', ['salespeople']);
    assertProblem(await sell(body({ salesperson_id: a.id, salespeople: [{ user_id: b.id }, { user_id: a.id }] }), a.token), 422, 'validation', ['salesperson_id']);
    assertProblem(await sell(body({ salespeople: [{ user_id: a.id, share_bp: 10001 }] }), a.token), 422, 'validation', ['salespeople[0].share_bp']);
    assertProblem(await sell(body({ salespeople: [{ user_id: a.id, bonus: 1 }] }), a.token), 422, 'validation');
  });

  it("another store's user (or an unknown one) is refused as that item's user_id", async () => {
    const r = await sell(body({ salespeople: [{ user_id: a.id }, { user_id: stranger.id }] }), a.token);
    assertProblem(r, 422, 'validation', ['salespeople[1].user_id']);
    assert.ok(!(r.body.errors || []).some((x) => x.field === 'salespeople[0].user_id'), r.text);
    assertProblem(await sell(body({ salespeople: [{ user_id: 99999999 }] }), a.token), 422, 'validation', ['salespeople[0].user_id']);
  });

  it('a replay answers the same sale and split, writing nothing new', async () => {
    const key = randomUUID();
    const req = body({ salespeople: [{ user_id: a.id, share_bp: 2500 }, { user_id: d.id, share_bp: 7500 }] });
    const first = await srv.api('POST', '/api/v1/sales', { token: a.token, body: req, headers: { 'idempotency-key': key } });
    assert.equal(first.status, 201, first.text);
    const again = await srv.api('POST', '/api/v1/sales', { token: a.token, body: req, headers: { 'idempotency-key': key } });
    assert.equal(again.status, 201, again.text);
    assert.equal(again.body.id, first.body.id);
    assert.deepEqual(again.body.salespeople, first.body.salespeople);
    assert.deepEqual(first.body.salespeople, [{ user_id: a.id, share_bp: 2500 }, { user_id: d.id, share_bp: 7500 }]);
  });

  it('the preview shows the split the sale would record', async () => {
    const p = await api('POST', '/api/v1/sales/preview', { body: body({ salespeople: [{ user_id: a.id }, { user_id: b.id }] }) });
    assert.equal(p.status, 200, p.text);
    assert.deepEqual(p.body.salespeople, [{ user_id: a.id, share_bp: 5000 }, { user_id: b.id, share_bp: 5000 }]);
  });
});
