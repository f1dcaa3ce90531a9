// GET /sales/{id}/receipt: printable HTML (58/80 mm, every value escaped)
// and fixed-column text (32/48 columns, CJK counted as two), the time in the
// company zone, Chinese labels, returns and voids, store scope, roles and
// bad parameters.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

// Columns of text on a receipt printer: East Asian wide characters take two.
const wide = (c) => (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) || (c >= 0x3041 && c <= 0x33ff) ||
  (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7a3) ||
  (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6);
const cols = (s) => [...s].reduce((a, ch) => a + (wide(ch.codePointAt(0)) ? 2 : 1), 0);
const yuan = (fen) => (fen / 100).toFixed(2);
const local = (at, tz) => new Intl.DateTimeFormat('sv-SE', {
  timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
}).format(new Date(at));

describe('receipts', () => {
  let srv, admin, storeA, storeB, milk, bread, cashierA, managerB, service;
  let sale; // a sale of store A by cashierA with a discount and cash rounding
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const receipt = (id, q = '', token = admin) => srv.api('GET', `/api/v1/sales/${id}/receipt${q}`, { token });
  const settings = (extra) => api('PUT', '/api/v1/settings', {
    body: { company_name: 'Tersa <Retail> & "Co"', currency: 'CNY', time_zone: 'Asia/Shanghai', locale: 'en',
      receipt_header: 'Welcome\nOpen 8:00-22:00', receipt_footer: 'Thank you <3', ...extra },
  });
  const sell = async (store, lines, extra = {}, token = admin) => {
    const r = await srv.api('POST', '/api/v1/sales', {
      token, headers: { 'idempotency-key': randomUUID() },
      body: { store_id: store, lines, payments: [{ method: 'cash', amount: 20000 }], ...extra },
    });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const linesOf = (text) => text.replace(/\n$/, '').split('\n');

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    assert.equal((await settings({})).status, 200);
    const st = async (name, extra) => {
      const r = await api('POST', '/api/v1/stores', { body: { code: `C${uniq()}`.slice(0, 12), name, channel: 'direct', ...extra } });
      assert.equal(r.status, 201, r.text);
      return r.body;
    };
    storeA = await st('<b>Nanjing</b> Road 南京路店', { address: '1 Nanjing Rd <Shanghai>', cash_rounding: 10 });
    storeB = await st('Store B', {});
    const pr = async (body) => {
      const r = await api('POST', '/api/v1/products', { body: { sku: `C${uniq()}`, unit: 'pcs', vat_rate: 1300, ...body } });
      assert.equal(r.status, 201, r.text);
      return r.body;
    };
    milk = await pr({ name: '有机鲜牛奶 1L 超长的商品名称会被折行显示', price: 1299, cost: 800 });
    bread = await pr({ name: 'Bread <img src=x>', price: 850 });
    for (const s of [storeA, storeB]) {
      for (const p of [milk, bread]) {
        const r = await api('POST', '/api/v1/stock/moves', { body: { store_id: s.id, product_id: p.id, quantity: 100, reason: 'receipt' } });
        assert.equal(r.status, 201, r.text);
      }
    }
    cashierA = await makeUser(srv, 'sales', [storeA.id]);
    managerB = await makeUser(srv, 'store_manager', [storeB.id]);
    service = await makeUser(srv, 'service');
    sale = await sell(storeA.id, [{ product_id: milk.id, quantity: 2 }, { product_id: bread.id, quantity: 1 }],
      { manual_discount_bp: 500 }, cashierA.token);
    assert.ok(sale.rounding > 0, JSON.stringify(sale));
  });
  after(async () => { await srv?.stop(); });

  it('HTML by default: a printable 80 mm page with every value escaped', async () => {
    const r = await receipt(sale.id);
    assert.equal(r.status, 200, r.text);
    assert.match(hdr(r, 'content-type'), /^text\/html; charset=utf-8/);
    const h = r.text;
    assert.match(h, /^<!DOCTYPE html>/);
    assert.match(h, /@page\{size:80mm auto/);
    assert.match(h, /monospace/);
    assert.ok(h.includes('&lt;b&gt;Nanjing&lt;/b&gt; Road 南京路店'));
    assert.ok(h.includes('1 Nanjing Rd &lt;Shanghai&gt;'));
    assert.ok(h.includes('Tersa &lt;Retail&gt; &amp; &quot;Co&quot;'));
    assert.ok(h.includes('Bread &lt;img src=x&gt;'));
    assert.ok(h.includes('Thank you &lt;3'));
    assert.ok(!h.includes('<b>') && !h.includes('<img') && !h.includes('<Shanghai>'));
    assert.ok(h.includes(`<span>No.</span><span>${sale.number}</span>`));
    assert.ok(h.includes(`<span>Total (CNY)</span><span>${yuan(sale.total)}</span>`));
    assert.ok(h.includes(`<span>Change</span><span>${yuan(sale.change_due)}</span>`));
    assert.ok(h.includes(`<span>Rounding</span><span>-${yuan(sale.rounding)}</span>`));
    assert.ok(h.includes('<span>Cashier</span><span>Test sales</span>'));
    const p = await receipt(sale.id, '?format=html&width=58');
    assert.equal(p.status, 200);
    assert.match(p.text, /@page\{size:58mm auto/);
  });

  it('text for 58 mm: 32 columns, CJK as two, the totals and tenders', async () => {
    const r = await receipt(sale.id, '?format=text&width=58');
    assert.equal(r.status, 200, r.text);
    assert.match(hdr(r, 'content-type'), /^text\/plain; charset=utf-8/);
    const lines = linesOf(r.text);
    for (const l of lines) assert.ok(cols(l) <= 32, `too wide: [${l}]`);
    assert.ok(lines.some((l) => cols(l) === 32 && /[\u4e00-\u9fff]/.test(l)), 'a CJK line fills the paper');
    assert.ok(lines.includes('-'.repeat(32)));
    const pair = (label, value) => label + ' '.repeat(32 - cols(label) - value.length) + value;
    assert.ok(lines.includes(pair('No.', sale.number)), r.text);
    assert.ok(lines.includes(pair('Time', local(sale.at, 'Asia/Shanghai'))), r.text);
    assert.ok(lines.includes(pair('Cashier', 'Test sales')));
    assert.ok(lines.includes(pair('  2 x 12.99', yuan(sale.lines[0].gross))), r.text);
    assert.ok(lines.includes(pair('  Manual discount', `-${yuan(sale.lines[0].discount)}`)), r.text);
    assert.ok(lines.includes('有机鲜牛奶 1L 超长的商品名称会被'), r.text);
    for (const [label, value] of [['Subtotal', yuan(sale.subtotal)], ['Discounts', `-${yuan(sale.discount_total)}`],
      ['Total (CNY)', yuan(sale.total)], ['Rounding', `-${yuan(sale.rounding)}`], ['Due', yuan(sale.paid)],
      ['VAT included', yuan(sale.vat_total)], ['Cash', yuan(20000)], ['Change', yuan(sale.change_due)]]) {
      assert.ok(lines.includes(pair(label, value)), `${label} ${value}\n${r.text}`);
    }
    // The totals come in this order.
    const at = (label) => lines.findIndex((l) => l.startsWith(`${label} `));
    const order = ['Subtotal', 'Discounts', 'Total (CNY)', 'Rounding', 'Due', 'VAT included', 'Cash', 'Change'].map(at);
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    assert.ok(!r.text.includes('Points'));
  });

  it('text for 80 mm: 48 columns', async () => {
    const r = await receipt(sale.id, '?format=text&width=80');
    assert.equal(r.status, 200);
    const lines = linesOf(r.text);
    for (const l of lines) assert.ok(cols(l) <= 48, `too wide: [${l}]`);
    assert.ok(lines.includes('-'.repeat(48)));
    const t = yuan(sale.total);
    assert.ok(lines.includes(`Total (CNY)${' '.repeat(48 - 11 - t.length)}${t}`));
    assert.ok(lines.includes(milk.name), 'the whole name fits 48 columns');
  });

  it('follows the company settings: Chinese labels, time zone, header and footer', async () => {
    assert.equal((await settings({ locale: 'zh-CN', time_zone: 'Europe/London', receipt_footer: '谢谢惠顾' })).status, 200);
    try {
      const r = await receipt(sale.id, '?format=text&width=58');
      const lines = linesOf(r.text);
      const pair = (label, value) => label + ' '.repeat(32 - cols(label) - value.length) + value;
      assert.ok(lines.includes(pair('合计 (CNY)', yuan(sale.total))), r.text);
      assert.ok(lines.includes(pair('抹零', `-${yuan(sale.rounding)}`)));
      assert.ok(lines.includes(pair('现金', yuan(20000))));
      assert.ok(lines.includes(pair('时间', local(sale.at, 'Europe/London'))), r.text);
      assert.ok(lines.some((l) => l.trim() === '谢谢惠顾'));
      assert.ok(lines.some((l) => l.trim() === 'Welcome') && lines.some((l) => l.trim() === 'Open 8:00-22:00'));
      const h = await receipt(sale.id);
      assert.match(h.text, /<html lang="zh-CN">/);
      assert.match(h.text, /<title>购物小票 /);
    } finally {
      assert.equal((await settings({})).status, 200);
    }
  });

  it('shows refunds of returns and marks a voided sale', async () => {
    const s = await sell(storeA.id, [{ product_id: milk.id, quantity: 1 }, { product_id: bread.id, quantity: 2 }]);
    const ret = await api('POST', `/api/v1/sales/${s.id}/returns`, {
      body: { lines: [{ line_id: s.lines[1].id, quantity: 1 }], refund_method: 'cash', reason: 'stale' },
    });
    assert.equal(ret.status, 201, ret.text);
    const r = await receipt(s.id, '?format=text');
    assert.match(r.text, /\n {2}Returned 1 +-\d+\.\d\d\n/);
    assert.match(r.text, new RegExp(`\\nRefunded +-${yuan(ret.body.refunded_total).replace('.', '\\.')}\\n`));
    const v = await sell(storeB.id, [{ product_id: bread.id, quantity: 1 }]);
    assert.equal((await api('POST', `/api/v1/sales/${v.id}/void`, { body: { reason: 'mistake' } })).status, 200);
    const vr = await receipt(v.id, '?format=text');
    assert.match(vr.text, /\n +VOIDED\n/);
  });

  it('store scope: another store\'s sale is 404, the own store\'s 200', async () => {
    const b = await sell(storeB.id, [{ product_id: bread.id, quantity: 1 }]);
    assertProblem(await receipt(b.id, '', cashierA.token), 404, 'not-found');
    assertProblem(await receipt(sale.id, '?format=text', managerB.token), 404, 'not-found');
    assert.equal((await receipt(b.id, '', managerB.token)).status, 200);
    assert.equal((await receipt(sale.id, '', cashierA.token)).status, 200);
    assert.equal((await receipt(b.id, '?format=text', service.token)).status, 200);
    assertProblem(await receipt(999999), 404, 'not-found');
    assertProblem(await srv.api('GET', `/api/v1/sales/${sale.id}/receipt`), 401, 'unauthorized');
  });

  it('refuses a bad format or paper width', async () => {
    assertProblem(await receipt(sale.id, '?format=pdf'), 422, 'validation', ['format']);
    assertProblem(await receipt(sale.id, '?width=57'), 422, 'validation', ['width']);
    assertProblem(await receipt(sale.id, '?format=json&width=abc'), 422, 'validation', ['format', 'width']);
  });
});
