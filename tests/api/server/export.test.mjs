// Exports: every list answers ?format=csv (UTF-8 with BOM) and ?format=xlsx
// with the same filters and scoping, all pages at once.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { assertProblem } from '../lib/assert.mjs';

describe('exports', () => {
  let srv, admin, tag;
  const storeIds = [];

  async function fetchBytes(p, token) {
    const res = await fetch(srv.url + p, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, type: res.headers.get('content-type'),
      disposition: res.headers.get('content-disposition'), bytes: Buffer.from(await res.arrayBuffer()) };
  }

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    tag = uniq();
    for (let i = 0; i < 3; i++) {
      const r = await srv.api('POST', '/api/v1/products', { token: admin,
        body: { sku: `EXP-${tag}-${i}`, name: `导出 ${tag} "${i}", =1+1`, price: 100 + i, vat_rate: 1300 } });
      assert.equal(r.status, 201, r.text);
    }
    for (let i = 0; i < 2; i++) {
      const r = await srv.api('POST', '/api/v1/stores', { token: admin,
        body: { code: `X${tag}${i}`, name: `Store ${i}`, channel: 'direct' } });
      assert.equal(r.status, 201, r.text);
      storeIds.push(r.body.id);
    }
  });
  after(async () => { await srv?.stop(); });

  it('CSV: BOM, header row, every page, filters kept, quoting and formula guard', async () => {
    const r = await fetchBytes(`/api/v1/products?format=csv&limit=1&q=${encodeURIComponent(tag)}`, admin);
    assert.equal(r.status, 200);
    assert.match(r.type, /^text\/csv/);
    assert.match(r.disposition, /attachment; filename="products\.csv"/);
    assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const lines = r.bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
    assert.equal(lines[0], 'id,sku,barcode,name,category_id,brand,unit,price,cost,vat_rate,active,created_at,updated_at');
    assert.equal(lines.length, 4, 'limit=1 must not cut an export: all 3 rows');
    assert.ok(lines[1].includes(`"导出 ${tag} ""0"", =1+1"`), lines[1]);
    assert.ok(lines.every((l, i) => i === 0 || l.includes(`EXP-${tag}-`)));
  });

  it('XLSX: a workbook', async () => {
    const r = await fetchBytes(`/api/v1/products?format=xlsx&q=${encodeURIComponent(tag)}`, admin);
    assert.equal(r.status, 200);
    assert.equal(r.type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(r.bytes.subarray(0, 4).toString('binary'), 'PK\x03\x04');
  });

  it('an export keeps the store scope of the user', async () => {
    const mgr = await makeUser(srv, 'store_manager', [storeIds[0]]);
    const r = await fetchBytes('/api/v1/stores?format=csv', mgr.token);
    assert.equal(r.status, 200);
    const text = r.bytes.toString('utf8');
    assert.ok(text.includes(`X${tag}0`));
    assert.ok(!text.includes(`X${tag}1`), 'another store leaked into the export');
  });

  it('lists of every shape export row by row: audit rows, stock pairs, transfer lines', async () => {
    for (const [path, header] of [
      ['/api/v1/audit?entity=product', 'id,at,user_id,username,action,entity,entity_id,store_id,before,after,ip'],
      ['/api/v1/stock?limit=1', null],
      ['/api/v1/stock/transfers/discrepancies', null],
      ['/api/v1/products?format=xlsx&limit=1', null],
    ]) {
      const url = path.includes('format=') ? path : `${path}${path.includes('?') ? '&' : '?'}format=csv`;
      const r = await fetchBytes(url, admin);
      assert.equal(r.status, 200, url);
      if (header) {
        const lines = r.bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
        assert.equal(lines[0], header);
        assert.ok(lines.length >= 4, 'every audit row of the three products');
      }
    }
  });

  it('an unknown format is refused with 422 naming format', async () => {
    const r = await srv.api('GET', '/api/v1/products?format=pdf', { token: admin });
    assertProblem(r, 422, 'validation', ['format']);
  });
});
