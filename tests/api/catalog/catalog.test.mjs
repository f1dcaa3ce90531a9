// Catalog: the category tree and products, with barcode check digits, money
// validation, uniqueness, literal search, pagination and role limits.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';
import { hdr, assertProblem } from '../lib/assert.mjs';

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const PRODUCT_KEYS = ['id', 'sku', 'barcode', 'name', 'category_id', 'brand', 'unit', 'price', 'cost',
  'vat_rate', 'active', 'created_at', 'updated_at'].sort();
const sku = () => `SKU${uniq().toUpperCase()}`;

describe('catalog', () => {
  let srv, admin;
  const api = (m, p, o = {}) => srv.api(m, p, { token: admin, ...o });
  const newProduct = (body = {}) => api('POST', '/api/v1/products', {
    body: { sku: sku(), name: 'Product', unit: 'pcs', price: 1299, vat_rate: 1300, ...body },
  });
  const newCategory = (body) => api('POST', '/api/v1/categories', { body });
  // Every product matching a query string, walking all pages.
  async function search(query, limit = 500) {
    const items = [];
    let cursor = null;
    for (let i = 0; i < 500; i++) {
      const sep = query ? '&' : '';
      const r = await api('GET', `/api/v1/products?${query}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      items.push(...r.body.items);
      cursor = r.body.next_cursor;
      if (cursor === null) return items;
    }
    assert.fail('pagination did not end');
  }
  const bySku = async (s) => (await search(`q=${encodeURIComponent(s)}`)).filter((p) => p.sku === s);

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
  });
  after(async () => { await srv?.stop(); });

  describe('categories', () => {
    let food, dairy, milk;
    before(async () => {
      const f = await newCategory({ name: 'Food' });
      assert.equal(f.status, 201, JSON.stringify(f.body));
      food = f.body;
      dairy = (await newCategory({ name: 'Dairy', parent_id: food.id })).body;
      milk = (await newCategory({ name: 'Milk', parent_id: dairy.id })).body;
    });

    it('builds a tree with paths', async () => {
      assert.equal(food.parent_id, null);
      assert.equal(food.path, 'Food');
      assert.equal(dairy.parent_id, food.id);
      assert.equal(dairy.path, 'Food / Dairy');
      assert.equal(milk.path, 'Food / Dairy / Milk');
      assert.match(food.created_at, RFC3339_UTC);
      const g = await api('GET', `/api/v1/categories/${dairy.id}`);
      assert.equal(g.status, 200);
      assert.equal(g.body.path, 'Food / Dairy');
      assert.equal(g.body.name, 'Dairy');
      const l = await api('GET', '/api/v1/categories');
      assert.equal(l.status, 200);
      const paths = l.body.items.map((c) => c.path);
      for (const p of ['Food', 'Food / Dairy', 'Food / Dairy / Milk']) assert.ok(paths.includes(p), p);
      const loc = await newCategory({ name: 'Loc' });
      assert.equal(hdr(loc, 'location'), `/api/v1/categories/${loc.body.id}`);
    });

    it('renaming a parent changes the children\'s paths', async () => {
      const a = (await newCategory({ name: 'Drinks' })).body;
      const b = (await newCategory({ name: 'Tea', parent_id: a.id })).body;
      const r = await api('PATCH', `/api/v1/categories/${a.id}`, { body: { name: 'Beverages' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.path, 'Beverages');
      assert.equal((await api('GET', `/api/v1/categories/${b.id}`)).body.path, 'Beverages / Tea');
    });

    it('refuses a cycle or a missing parent (422 parent_id)', async () => {
      assertProblem(await api('PATCH', `/api/v1/categories/${food.id}`, { body: { parent_id: milk.id } }), 422, 'validation', ['parent_id']);
      assertProblem(await api('PATCH', `/api/v1/categories/${food.id}`, { body: { parent_id: food.id } }), 422, 'validation', ['parent_id']);
      assertProblem(await newCategory({ name: 'Orphan', parent_id: 99999999 }), 422, 'validation', ['parent_id']);
      assertProblem(await newCategory({ name: '' }), 422, 'validation', ['name']);
      assertProblem(await newCategory({ parent_id: food.id }), 422, 'validation', ['name']);
      assertProblem(await newCategory({ name: 'X', colour: 'red' }), 422, 'validation', ['colour']);
      assertProblem(await newCategory({ name: 7 }), 400, 'bad-request', ['name']);
      assert.equal((await api('GET', `/api/v1/categories/${food.id}`)).body.parent_id, null);
    });

    it('refuses to delete a category with children or products (409 state)', async () => {
      assertProblem(await api('DELETE', `/api/v1/categories/${food.id}`), 409, 'state');
      const c = (await newCategory({ name: 'WithProduct' })).body;
      assert.equal((await newProduct({ category_id: c.id })).status, 201);
      assertProblem(await api('DELETE', `/api/v1/categories/${c.id}`), 409, 'state');
      assert.equal((await api('GET', `/api/v1/categories/${food.id}`)).status, 200);
    });

    it('deletes a leaf without products', async () => {
      const c = (await newCategory({ name: 'Leaf', parent_id: milk.id })).body;
      const d = await api('DELETE', `/api/v1/categories/${c.id}`);
      assert.equal(d.status, 204);
      assert.equal(d.text, '');
      assertProblem(await api('GET', `/api/v1/categories/${c.id}`), 404, 'not-found');
      assertProblem(await api('DELETE', `/api/v1/categories/${c.id}`), 404, 'not-found');
    });

    it('category_id filter includes sub-categories', async () => {
      const top = (await newCategory({ name: `Top ${uniq()}` })).body;
      const sub = (await newCategory({ name: 'Sub', parent_id: top.id })).body;
      const other = (await newCategory({ name: `Other ${uniq()}` })).body;
      const pTop = (await newProduct({ category_id: top.id })).body;
      const pSub = (await newProduct({ category_id: sub.id })).body;
      const pOther = (await newProduct({ category_id: other.id })).body;
      const inTop = (await search(`category_id=${top.id}`)).map((p) => p.id).sort((a, b) => a - b);
      assert.deepEqual(inTop, [pTop.id, pSub.id].sort((a, b) => a - b));
      assert.deepEqual((await search(`category_id=${sub.id}`)).map((p) => p.id), [pSub.id]);
      assert.deepEqual((await search(`category_id=${other.id}`)).map((p) => p.id), [pOther.id]);
    });
  });

  describe('products', () => {
    it('creates a product with a valid EAN-13: 201, Location, every field', async () => {
      const s = sku();
      const r = await api('POST', '/api/v1/products', {
        body: { sku: s, barcode: '6901234567892', name: 'Milk 1L', brand: 'Bright', unit: 'pcs', price: 1299, cost: 800, vat_rate: 900 },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const p = r.body;
      assert.deepEqual(Object.keys(p).sort(), PRODUCT_KEYS);
      assert.equal(hdr(r, 'location'), `/api/v1/products/${p.id}`);
      assert.deepEqual({ ...p, id: 0, created_at: '', updated_at: '' }, {
        id: 0, sku: s, barcode: '6901234567892', name: 'Milk 1L', category_id: null, brand: 'Bright', unit: 'pcs',
        price: 1299, cost: 800, vat_rate: 900, active: true, created_at: '', updated_at: '',
      });
      assert.match(p.created_at, RFC3339_UTC);
      const g = await api('GET', `/api/v1/products/${p.id}`);
      assert.equal(g.status, 200);
      assert.deepEqual(g.body, p);
      const byBarcode = await api('GET', '/api/v1/products?barcode=6901234567892');
      assert.deepEqual(byBarcode.body.items.map((x) => x.id), [p.id]);
    });

    it('optional fields may be null', async () => {
      const r = await newProduct({ barcode: null, category_id: null, brand: null, cost: null });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.barcode, null);
      assert.equal(r.body.cost, null);
      assert.equal(r.body.brand, null);
    });

    it('checks barcode check digits (EAN-13, EAN-8, UPC-A)', async () => {
      assertProblem(await newProduct({ barcode: '6901234567893' }), 422, 'validation', ['barcode']);
      assertProblem(await newProduct({ barcode: '96385075' }), 422, 'validation', ['barcode']);
      assertProblem(await newProduct({ barcode: '036000291453' }), 422, 'validation', ['barcode']);
      assertProblem(await newProduct({ barcode: '12345' }), 422, 'validation', ['barcode']);
      assertProblem(await newProduct({ barcode: '69012345678a2' }), 422, 'validation', ['barcode']);
      assertProblem(await newProduct({ barcode: 6901234567892 }), 400, 'bad-request', ['barcode']);
      for (const code of ['96385074', '036000291452', '4006381333931']) {
        const r = await newProduct({ barcode: code });
        assert.equal(r.status, 201, `${code}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.barcode, code);
      }
    });

    it('price must be a non-negative integer of minor units', async () => {
      const cases = [
        [{ price: 12.5 }, 422, 'validation', 'price'],
        [{ price: -1 }, 422, 'validation', 'price'],
        [{ price: '12' }, 400, 'bad-request', 'price'],
        [{ price: true }, 400, 'bad-request', 'price'],
        [{ cost: -5 }, 422, 'validation', 'cost'],
        [{ cost: 0.5 }, 422, 'validation', 'cost'],
        [{ vat_rate: 10001 }, 422, 'validation', 'vat_rate'],
        [{ vat_rate: -1 }, 422, 'validation', 'vat_rate'],
        [{ vat_rate: 13.5 }, 422, 'validation', 'vat_rate'],
      ];
      for (const [body, status, slug, field] of cases) {
        const s = sku();
        assertProblem(await newProduct({ sku: s, ...body }), status, slug, [field]);
        assert.deepEqual(await bySku(s), [], `nothing created for ${JSON.stringify(body)}`);
      }
      for (const [price, vat] of [[0, 0], [99999999999, 10000]]) {
        const r = await newProduct({ price, vat_rate: vat });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.equal(r.body.price, price);
        assert.equal(r.body.vat_rate, vat);
      }
    });

    it('an overflowing price is refused and nothing is created', async () => {
      const cases = [
        // Beyond int64: 400 (the number cannot be read) or 422 (read, refused).
        ['99999999999999999999', [400, 422]],
        ['9223372036854775808', [400, 422]],
        // Within int64 but beyond any sane price, or not an integer: 422 price.
        ['9223372036854775807', [422]],
        ['1e30', [422]],
      ];
      for (const [big, statuses] of cases) {
        const s = sku();
        const raw = `{"sku":"${s}","name":"Big","unit":"pcs","price":${big},"vat_rate":1300}`;
        const r = await api('POST', '/api/v1/products', { raw });
        assert.ok(statuses.includes(r.status), `${big}: ${r.status} ${r.text}`);
        assert.match(hdr(r, 'content-type'), /^application\/problem\+json/);
        if (r.status === 422) assertProblem(r, 422, 'validation', ['price']);
        assert.deepEqual(await bySku(s), [], `nothing created for ${big}`);
      }
    });

    it('duplicate sku or barcode: 409 duplicate', async () => {
      const a = (await newProduct({ barcode: '5901234123457' })).body;
      assertProblem(await newProduct({ sku: a.sku }), 409, 'duplicate');
      assertProblem(await newProduct({ barcode: '5901234123457' }), 409, 'duplicate');
      const b = (await newProduct({})).body;
      assertProblem(await api('PATCH', `/api/v1/products/${b.id}`, { body: { sku: a.sku } }), 409, 'duplicate');
      assertProblem(await api('PATCH', `/api/v1/products/${b.id}`, { body: { barcode: '5901234123457' } }), 409, 'duplicate');
      assert.equal((await api('GET', `/api/v1/products/${b.id}`)).body.sku, b.sku);
    });

    it('lists every bad field at once', async () => {
      const r = await api('POST', '/api/v1/products', {
        body: { sku: '', name: '', unit: 'pcs', price: -5, cost: -1, vat_rate: 20000, barcode: '123', category_id: 99999999 },
      });
      assertProblem(r, 422, 'validation', ['sku', 'name', 'price', 'cost', 'vat_rate', 'barcode', 'category_id']);
      const missing = await api('POST', '/api/v1/products', { body: {} });
      assertProblem(missing, 422, 'validation', ['sku', 'name', 'price']);
      const types = await api('POST', '/api/v1/products', { body: { sku: 1, name: [], unit: 'pcs', price: '1', vat_rate: {} } });
      assertProblem(types, 400, 'bad-request', ['sku', 'name', 'price', 'vat_rate']);
    });

    it('refuses unknown fields (no mass assignment)', async () => {
      assertProblem(await newProduct({ stock: 5 }), 422, 'validation', ['stock']);
      assertProblem(await newProduct({ id: 1 }), 422, 'validation', ['id']);
      assertProblem(await newProduct({ created_at: '2020-01-01T00:00:00Z' }), 422, 'validation', ['created_at']);
    });

    it('q searches name, sku and barcode, case-insensitively', async () => {
      const tag = uniq();
      const a = (await newProduct({ name: `Organic YOGURT ${tag}` })).body;
      const b = (await newProduct({ sku: `YG${tag.toUpperCase()}`, name: 'Plain' })).body;
      const c = (await newProduct({ barcode: '0012345678905', name: 'Barcode one' })).body;
      assert.deepEqual((await search(`q=${encodeURIComponent(`yogurt ${tag}`)}`)).map((p) => p.id), [a.id]);
      assert.deepEqual((await search(`q=yg${tag}`)).map((p) => p.id), [b.id]);
      assert.ok((await search('q=1234567890')).some((p) => p.id === c.id));
      const all = await search(`q=${tag}`);
      assert.deepEqual(all.map((p) => p.id).sort((x, y) => x - y), [a.id, b.id].sort((x, y) => x - y));
    });

    it('q treats SQL metacharacters literally', async () => {
      const pct = (await newProduct({ name: '100%_off' })).body;
      const back = (await newProduct({ name: 'C:\\dir' })).body;
      const quote = (await newProduct({ name: "O'Brien tea" })).body;
      const has = (lit) => (p) => [p.name, p.sku, p.barcode ?? ''].some((v) => v.toLowerCase().includes(lit.toLowerCase()));
      for (const [lit, must] of [['%', pct], ['_', pct], ['\\', back], ["'", quote], ['%_', pct], ["O'Brien", quote]]) {
        const items = await search(`q=${encodeURIComponent(lit)}`);
        assert.ok(items.some((p) => p.id === must.id), `q=${lit} finds ${must.name}`);
        assert.ok(items.every(has(lit)), `q=${lit} matches only literal ${lit}: ${items.map((p) => p.name).join(', ')}`);
      }
      const before = (await search('')).length;
      for (const q of ["'; DROP TABLE products; --", "' OR '1'='1", '" OR 1=1 --', '*', '[a]', '100%_ofF']) {
        const r = await api('GET', `/api/v1/products?q=${encodeURIComponent(q)}`);
        assert.equal(r.status, 200, `${q}: ${r.text}`);
        assert.ok(r.body.items.every(has(q)), `q=${q} matches only literally`);
      }
      assert.deepEqual((await search(`q=${encodeURIComponent('100%_ofF')}`)).map((p) => p.id), [pct.id]);
      assert.equal((await search('')).length, before, 'the table is intact');
      assert.equal((await api('GET', `/api/v1/products/${pct.id}`)).body.name, '100%_off');
    });

    it('pagination with limit=2 walks every product exactly once', async () => {
      const tag = `page${uniq()}`;
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push((await newProduct({ name: `${tag} ${i}` })).body.id);
      const pages = [];
      let cursor = null;
      for (let i = 0; i < 10; i++) {
        const r = await api('GET', `/api/v1/products?q=${tag}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.ok(r.body.items.length <= 2);
        pages.push(r.body.items.map((p) => p.id));
        cursor = r.body.next_cursor;
        if (cursor === null) break;
        assert.equal(typeof cursor, 'string');
      }
      assert.equal(cursor, null, 'the walk ends');
      const seen = pages.flat();
      assert.equal(new Set(seen).size, seen.length, 'no duplicates');
      assert.deepEqual([...seen].sort((a, b) => a - b), ids);
      assert.ok(pages.length >= 3);
      // The whole unfiltered table, two at a time.
      const all = await search('', 2);
      const allIds = all.map((p) => p.id);
      assert.equal(new Set(allIds).size, allIds.length);
      assert.deepEqual(allIds, (await search('')).map((p) => p.id));
    });

    it('limit outside 1..500 and a bad cursor: 422', async () => {
      assertProblem(await api('GET', '/api/v1/products?limit=0'), 422, 'validation', ['limit']);
      assertProblem(await api('GET', '/api/v1/products?limit=501'), 422, 'validation', ['limit']);
      assertProblem(await api('GET', '/api/v1/products?limit=-1'), 422, 'validation', ['limit']);
      assertProblem(await api('GET', '/api/v1/products?limit=ten'), 422, 'validation', ['limit']);
      assertProblem(await api('GET', '/api/v1/products?cursor=abc'), 422, 'validation', ['cursor']);
      assert.equal((await api('GET', '/api/v1/products?limit=500')).status, 200);
    });

    it('PATCH changes only what is sent', async () => {
      const p = (await newProduct({ price: 1000, brand: 'B' })).body;
      const r = await api('PATCH', `/api/v1/products/${p.id}`, { body: { price: 1500 } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.price, 1500);
      assert.equal(r.body.brand, 'B');
      assert.equal(r.body.sku, p.sku);
      assert.equal(r.body.created_at, p.created_at);
      assert.ok(r.body.updated_at >= p.updated_at);
      const clear = await api('PATCH', `/api/v1/products/${p.id}`, { body: { brand: null } });
      assert.equal(clear.status, 200);
      assert.equal(clear.body.brand, null);
      assertProblem(await api('PATCH', `/api/v1/products/${p.id}`, { body: { unknown_field: 1 } }), 422, 'validation', ['unknown_field']);
      assertProblem(await api('PATCH', `/api/v1/products/${p.id}`, { body: { price: 12.5 } }), 422, 'validation', ['price']);
      assertProblem(await api('PATCH', `/api/v1/products/${p.id}`, { body: { barcode: '6901234567893' } }), 422, 'validation', ['barcode']);
      assertProblem(await api('PATCH', `/api/v1/products/${p.id}`, { raw: '{"price": 1' }), 400, 'malformed-json');
      assertProblem(await api('PATCH', '/api/v1/products/99999999', { body: { price: 1 } }), 404, 'not-found');
      assert.equal((await api('GET', `/api/v1/products/${p.id}`)).body.price, 1500);
    });

    it('a Chinese name round-trips exactly and is searchable', async () => {
      const name = '伊利纯牛奶 250ml×24盒';
      const r = await newProduct({ name, brand: '伊利', unit: '箱' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.name, name);
      assert.equal(r.body.unit, '箱');
      const g = await api('GET', `/api/v1/products/${r.body.id}`);
      assert.equal(g.body.name, name);
      assert.equal(g.body.brand, '伊利');
      assert.deepEqual((await search(`q=${encodeURIComponent('纯牛奶')}`)).map((p) => p.id), [r.body.id]);
    });

    it('DELETE a product without history: 204, then 404', async () => {
      const p = (await newProduct({})).body;
      const d = await api('DELETE', `/api/v1/products/${p.id}`);
      assert.equal(d.status, 204);
      assert.equal(d.text, '');
      assertProblem(await api('GET', `/api/v1/products/${p.id}`), 404, 'not-found');
      assertProblem(await api('DELETE', `/api/v1/products/${p.id}`), 404, 'not-found');
      assert.deepEqual(await bySku(p.sku), []);
      // The sku is free again.
      assert.equal((await newProduct({ sku: p.sku })).status, 201);
    });

    it('sales can read products but not write them', async () => {
      const store = await api('POST', '/api/v1/stores', { body: { code: `S-${uniq()}`, name: 'S', channel: 'direct' } });
      const sales = await makeUser(srv, 'sales', [store.body.id]);
      const p = (await newProduct({})).body;
      const t = { token: sales.token };
      assert.equal((await srv.api('GET', '/api/v1/products', t)).status, 200);
      assert.equal((await srv.api('GET', `/api/v1/products/${p.id}`, t)).status, 200);
      assert.equal((await srv.api('GET', '/api/v1/categories', t)).status, 200);
      const s = sku();
      assertProblem(await srv.api('POST', '/api/v1/products', { ...t, body: { sku: s, name: 'x', unit: 'pcs', price: 1, vat_rate: 0 } }), 403, 'forbidden');
      assertProblem(await srv.api('PATCH', `/api/v1/products/${p.id}`, { ...t, body: { price: 1 } }), 403, 'forbidden');
      assertProblem(await srv.api('DELETE', `/api/v1/products/${p.id}`, t), 403, 'forbidden');
      assertProblem(await srv.api('POST', '/api/v1/categories', { ...t, body: { name: 'x' } }), 403, 'forbidden');
      assert.deepEqual(await bySku(s), []);
      assert.equal((await api('GET', `/api/v1/products/${p.id}`)).body.price, p.price);
    });

    it('a body over 1 MiB answers 413 and creates nothing', async () => {
      const s = sku();
      const name = 'x'.repeat(Math.ceil(1.2 * 1024 * 1024));
      const r = await api('POST', '/api/v1/products', { body: { sku: s, name, unit: 'pcs', price: 1, vat_rate: 0 } });
      assertProblem(r, 413, 'payload-too-large');
      assert.deepEqual(await bySku(s), []);
      // The server is still there.
      const ok = await api('GET', '/api/v1/health');
      assert.equal(ok.status, 200);
    });
  });
});
