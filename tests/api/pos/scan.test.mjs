// What the till asks besides the sale: a scanned code decoded as the sale
// decodes it (GET /products/scan), and a sale found by its receipt number
// for a return (GET /sales?number=).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { asAdmin } from '../lib/admin.mjs';
import { assertProblem } from '../lib/assert.mjs';

// An EAN-13 from its first twelve digits.
const ean = (twelve) => {
  const sum = [...twelve].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0);
  return twelve + ((10 - (sum % 10)) % 10);
};

describe('till lookups', () => {
  let srv, storeA, storeB, cashier, apples, boxed, free, gone;
  const { api, sell, mk } = asAdmin(() => srv);
  const scan = (code, token = cashier.token) => srv.api('GET', `/api/v1/products/scan?code=${encodeURIComponent(code)}`, { token });
  // A five-digit numeric SKU: the item code of a scale label.
  const plu = () => String(10000 + Math.floor(Math.random() * 89999));

  before(async () => {
    srv = await startServer({ args: ['--per-ip', '1024'] });
    storeA = await mk('/api/v1/stores', { code: `SA${uniq()}`.slice(0, 12), name: 'A', channel: 'direct' });
    storeB = await mk('/api/v1/stores', { code: `SB${uniq()}`.slice(0, 12), name: 'B', channel: 'direct' });
    apples = await mk('/api/v1/products', { sku: plu(), name: 'Apples', unit: 'kg', price: 1200, vat_rate: 900 });
    boxed = await mk('/api/v1/products', { sku: `B${uniq()}`, barcode: ean(`69${String(Date.now()).slice(-10)}`), name: 'Boxed', unit: 'pcs', price: 350, vat_rate: 1300 });
    free = await mk('/api/v1/products', { sku: plu(), name: 'Free bag', unit: 'pcs', price: 0, vat_rate: 1300 });
    gone = await mk('/api/v1/products', { sku: `G${uniq()}`, barcode: ean(`69${String(Date.now() + 7).slice(-10)}`), name: 'Gone', unit: 'pcs', price: 100, vat_rate: 1300 });
    const d = await api('PATCH', `/api/v1/products/${gone.id}`, { body: { active: false } });
    assert.equal(d.status, 200, d.text);
    for (const s of [storeA, storeB]) {
      for (const p of [apples, boxed]) await mk('/api/v1/stock/moves', { store_id: s.id, product_id: p.id, quantity: 50, reason: 'receipt' });
    }
    cashier = await makeUser(srv, 'sales', [storeA.id]);
  });
  after(async () => { await srv?.stop(); });

  it('a product barcode: the product, no quantity', async () => {
    const r = await scan(boxed.barcode);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual({ ...r.body, product: r.body.product.id }, { code: boxed.barcode, kind: 'barcode', product: boxed.id, quantity: null, amount: null });
    assert.equal(r.body.product.price, 350);
  });

  it('scale labels: the weight or the price they carry, as the sale reads them', async () => {
    const weight = ean(`21${apples.sku}01250`); // 1.250 kg
    const w = await scan(weight);
    assert.equal(w.status, 200, w.text);
    assert.equal(w.body.kind, 'scale_weight');
    assert.equal(w.body.product.id, apples.id);
    assert.equal(w.body.quantity, 1.25);
    assert.equal(w.body.amount, null);
    const price = ean(`26${apples.sku}00999`); // ¥9.99 at ¥12.00/kg
    const p = await scan(price);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.kind, 'scale_price');
    assert.equal(p.body.amount, 999);
    assert.equal(p.body.quantity, 0.833);
    const sale = await sell({ store_id: storeA.id, lines: [{ barcode: weight }, { barcode: price }], payments: [{ method: 'cash', amount: 5000 }] }, cashier.token);
    assert.equal(sale.status, 201, sale.text);
    assert.equal(sale.body.lines[0].quantity, w.body.quantity);
    assert.equal(sale.body.lines[1].quantity, p.body.quantity);
    assert.equal(sale.body.lines[1].total, p.body.amount);
  });

  it('bad codes: 404 when no product answers, 422 naming code otherwise', async () => {
    assertProblem(await scan('4006381333931'), 404, 'not-found');
    assertProblem(await scan(ean('2199999001000')), 404, 'not-found'); // a scale label of no item
    assertProblem(await scan(gone.barcode), 422, 'validation', ['code']);
    assertProblem(await scan(ean(`26${free.sku}00100`)), 422, 'validation', ['code']); // a price label, no shelf price
    assertProblem(await srv.api('GET', '/api/v1/products/scan', { token: cashier.token }), 422, 'validation', ['code']);
    assertProblem(await scan(''), 422, 'validation', ['code']);
    assertProblem(await scan('1'.repeat(33)), 422, 'validation', ['code']);
    assert.equal((await srv.api('GET', `/api/v1/products/scan?code=${boxed.barcode}`)).status, 401);
  });

  it('a sale by its receipt number, in the user’s stores only', async () => {
    const a = await sell({ store_id: storeA.id, lines: [{ product_id: boxed.id, quantity: 1 }], payments: [{ method: 'cash', amount: 500 }] });
    const b = await sell({ store_id: storeB.id, lines: [{ product_id: boxed.id, quantity: 1 }], payments: [{ method: 'cash', amount: 500 }] });
    assert.equal(a.status, 201, a.text);
    assert.equal(b.status, 201, b.text);
    const mine = await srv.api('GET', `/api/v1/sales?number=${a.body.number}`, { token: cashier.token });
    assert.equal(mine.status, 200, mine.text);
    assert.deepEqual(mine.body.items.map((s) => s.id), [a.body.id]);
    assert.equal(mine.body.next_cursor, null);
    const theirs = await srv.api('GET', `/api/v1/sales?number=${b.body.number}`, { token: cashier.token });
    assert.deepEqual(theirs.body.items, []);
    assert.deepEqual((await api('GET', `/api/v1/sales?number=${b.body.number}`)).body.items.map((s) => s.id), [b.body.id]);
    assert.deepEqual((await api('GET', `/api/v1/sales?number=${b.body.number}&store_id=${storeA.id}`)).body.items, []);
    assert.deepEqual((await api('GET', '/api/v1/sales?number=NO-SUCH-0001')).body.items, []);
    assertProblem(await api('GET', '/api/v1/sales?number='), 422, 'validation', ['number']);
    assertProblem(await api('GET', `/api/v1/sales?number=${'x'.repeat(65)}`), 422, 'validation', ['number']);
  });
});
