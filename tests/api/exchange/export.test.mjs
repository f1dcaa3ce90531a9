// Typed exports: the XLSX read back with a zip + XML reader (cell types,
// number formats, the frozen header, fitted widths, formula neutralisation)
// and the CSV parsed back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq } from '../lib/server.mjs';
import { readXlsx } from '../lib/xlsx.mjs';

// RFC 4180 records of a CSV text (BOM dropped).
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', q = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '"' && s[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r' && s[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

describe('typed exports', () => {
  let srv, admin, tag, store, product;

  async function get(p) {
    const res = await fetch(srv.url + p, { headers: { authorization: `Bearer ${admin}` } });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    tag = uniq();
    const p = await srv.api('POST', '/api/v1/products', { token: admin, body: {
      sku: `TX-${tag}`, name: `=HYPERLINK("http://x") 鲜牛奶 ${tag}`, brand: '-5 apples', unit: '@pcs',
      price: 1299, cost: 850, vat_rate: 1300 } });
    assert.equal(p.status, 201, p.text);
    product = p.body;
    const p2 = await srv.api('POST', '/api/v1/products', { token: admin, body: {
      sku: `TY-${tag}`, name: `+Plus ${tag}`, brand: '@at', price: 123456789, vat_rate: 900 } });
    assert.equal(p2.status, 201, p2.text);
    const s = await srv.api('POST', '/api/v1/stores', { token: admin, body: { code: `TX${tag}`, name: '导出店', channel: 'direct' } });
    assert.equal(s.status, 201, s.text);
    store = s.body;
    for (const [quantity, reason] of [[5.5, 'receipt'], [-2, 'damage']]) {
      const m = await srv.api('POST', '/api/v1/stock/moves', { token: admin,
        body: { store_id: store.id, product_id: product.id, quantity, reason } });
      assert.equal(m.status, 201, m.text);
    }
  });
  after(async () => { await srv?.stop(); });

  it('XLSX: money, percent, datetime, numbers typed; header frozen; widths fitted; formulas neutralised', async () => {
    const r = await get(`/api/v1/products?format=xlsx&q=${encodeURIComponent(tag)}`);
    assert.equal(r.status, 200);
    const x = readXlsx(r.bytes);
    assert.deepEqual(x.frozen, { xSplit: 0, ySplit: 1 });
    const header = x.rows[0];
    const col = (name) => header.indexOf(name);
    for (const h of ['id', 'sku', 'name', 'price', 'cost', 'vat_rate', 'created_at']) assert.ok(col(h) >= 0, h);
    const rowOf = (sku) => x.rows.find((row) => row[col('sku')] === sku);
    const ref = (sku, name) => `${String.fromCharCode(65 + col(name))}${x.rows.indexOf(rowOf(sku)) + 1}`;
    const cell = (sku, name) => x.cells.get(ref(sku, name));

    const price = cell(`TX-${tag}`, 'price');
    assert.equal(price.type, 'n');
    assert.equal(price.value, 12.99);
    assert.equal(price.format, '¥#,##0.00');
    assert.equal(cell(`TX-${tag}`, 'cost').value, 8.5);
    assert.equal(cell(`TY-${tag}`, 'price').value, 1234567.89);
    const vat = cell(`TX-${tag}`, 'vat_rate');
    assert.equal(vat.type, 'n');
    assert.equal(vat.value, 0.13);
    assert.match(vat.format, /%/);
    const id = cell(`TX-${tag}`, 'id');
    assert.equal(id.type, 'n');
    assert.equal(id.value, product.id);
    const created = cell(`TX-${tag}`, 'created_at');
    assert.equal(created.type, 'n', 'an instant is a real date cell');
    assert.match(created.format, /yyyy-mm-dd hh:mm/);
    // serial days since 1899-12-30, in the company zone (Asia/Shanghai, +8)
    const ms = Date.parse(product.created_at) + 8 * 3600e3;
    assert.ok(Math.abs(created.value - (ms / 86400e3 + 25569)) < 1 / 86400 * 1.01, `${created.value}`);

    // text that a spreadsheet would run is prefixed with '
    assert.equal(cell(`TX-${tag}`, 'name').value, `'=HYPERLINK("http://x") 鲜牛奶 ${tag}`);
    assert.equal(cell(`TX-${tag}`, 'brand').value, "'-5 apples");
    assert.equal(cell(`TX-${tag}`, 'unit').value, "'@pcs");
    assert.equal(cell(`TY-${tag}`, 'name').value, `'+Plus ${tag}`);
    assert.equal(cell(`TY-${tag}`, 'brand').value, "'@at");
    assert.equal(cell(`TX-${tag}`, 'name').type, 's');

    // widths: the name column fits its longest cell (CJK counts double)
    const nameWidth = x.widths.get(col('name'));
    const want = [...`'=HYPERLINK("http://x") 鲜牛奶 ${tag}`].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
    assert.ok(nameWidth >= want && nameWidth <= want + 4, `name width ${nameWidth}, content ${want}`);
    assert.ok(x.widths.get(col('id')) < nameWidth);
  });

  it('XLSX: quantities are numbers, negative ones too (never neutralised)', async () => {
    const r = await get(`/api/v1/stock/moves?format=xlsx&store_id=${store.id}`);
    assert.equal(r.status, 200);
    const x = readXlsx(r.bytes);
    const q = x.rows[0].indexOf('quantity');
    assert.ok(q >= 0, x.rows[0].join(','));
    const values = x.rows.slice(1).map((row) => row[q]).sort((a, b) => a - b);
    assert.deepEqual(values, [-2, 5.5]);
    for (const [ref, c] of x.cells) if (ref.startsWith(String.fromCharCode(65 + q)) && ref !== `${String.fromCharCode(65 + q)}1`) assert.equal(c.type, 'n');
  });

  it('CSV: money in yuan, quantities and negatives as numbers, ISO times, formulas neutralised', async () => {
    const r = await get(`/api/v1/products?format=csv&q=${encodeURIComponent(tag)}`);
    assert.equal(r.status, 200);
    const rows = parseCsv(r.bytes.toString('utf8'));
    const h = rows[0];
    const tx = rows.find((row) => row[h.indexOf('sku')] === `TX-${tag}`);
    const ty = rows.find((row) => row[h.indexOf('sku')] === `TY-${tag}`);
    assert.equal(tx[h.indexOf('price')], '12.99');
    assert.equal(tx[h.indexOf('cost')], '8.50');
    assert.equal(ty[h.indexOf('price')], '1234567.89');
    assert.equal(ty[h.indexOf('cost')], '');
    assert.equal(tx[h.indexOf('vat_rate')], '1300');
    assert.equal(tx[h.indexOf('created_at')], product.created_at);
    assert.equal(tx[h.indexOf('name')], `'=HYPERLINK("http://x") 鲜牛奶 ${tag}`);
    assert.equal(tx[h.indexOf('brand')], "'-5 apples");
    assert.equal(ty[h.indexOf('name')], `'+Plus ${tag}`);

    const m = parseCsv((await get(`/api/v1/stock/moves?format=csv&store_id=${store.id}`)).bytes.toString('utf8'));
    const q = m[0].indexOf('quantity');
    assert.deepEqual(m.slice(1).map((row) => row[q]).sort(), ['-2', '5.5']);
  });
});
