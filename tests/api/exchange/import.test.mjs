// Imports: CSV in UTF-8, UTF-8 with BOM and GBK, and XLSX; columns matched
// by Chinese or English headers; every bad-row kind reported with line and
// column; dry runs write nothing; applying is all or nothing; 413 over
// 20 MiB; store managers import stock for their stores only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, uniq, makeUser, ROOT, ENGINE } from '../lib/server.mjs';
import { writeXlsx } from '../lib/xlsx.mjs';

const gbk = (s) => execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: Buffer.from(s) });
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('imports', () => {
  let srv, admin, tag, storeA, storeB, manager;

  // The answer's columns (the match used) are moved to r.columns, so that
  // the tests of rows and errors compare the rest of the body.
  const post = async (kind, body, { dry, token = admin, columns } = {}) => {
    const q = new URLSearchParams();
    if (dry !== undefined) q.set('dry_run', String(dry));
    if (columns !== undefined) q.set('columns', columns);
    const r = await srv.api('POST', `/api/v1/imports/${kind}${q.size ? `?${q}` : ''}`,
      { token, raw: Buffer.isBuffer(body) ? body : Buffer.from(body), headers: { 'content-type': 'text/csv' } });
    if (r.status === 200) {
      r.columns = r.body.columns;
      delete r.body.columns;
    }
    return r;
  };
  const products = async (q) => (await srv.api('GET', `/api/v1/products?limit=500&q=${encodeURIComponent(q)}`, { token: admin })).body.items;
  const customers = async (q) => (await srv.api('GET', `/api/v1/customers?limit=500&q=${encodeURIComponent(q)}`, { token: admin })).body.items;

  before(async () => {
    srv = await startServer();
    admin = srv.adminToken;
    tag = uniq().replace(/[^A-Za-z0-9]/g, '').slice(-8).toUpperCase();
    for (const s of ['A', 'B']) {
      const r = await srv.api('POST', '/api/v1/stores', { token: admin, body: { code: `S${s}${tag}`, name: `店${s}`, channel: 'direct' } });
      assert.equal(r.status, 201, r.text);
      if (s === 'A') storeA = r.body; else storeB = r.body;
    }
    manager = await makeUser(srv, 'store_manager', [storeA.id]);
  });
  after(async () => { await srv?.stop(); });

  it('products from UTF-8 CSV with Chinese headers: the dry run writes nothing, applying writes all, categories created from paths', async () => {
    const csv = `货号,商品名称,条码,零售价,成本,分类,品牌,单位,税率\n` +
      `P1-${tag},可乐 330ml,,3.50,2.10,食品/饮料,可口可乐,罐,13%\n` +
      `P2-${tag},"薯片, 大包",,12.99,,食品/零食,乐事,袋,9\n`;
    let r = await post('products', csv, { dry: true });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { rows: 2, errors: [], applied: false });
    assert.equal((await products(tag)).length, 0, 'a dry run writes nothing');
    r = await post('products', csv, { dry: false });
    assert.deepEqual(r.body, { rows: 2, errors: [], applied: true });
    const got = await products(tag);
    assert.equal(got.length, 2);
    const p2 = got.find((p) => p.sku === `P2-${tag}`);
    assert.equal(p2.name, '薯片, 大包');
    assert.equal(p2.price, 1299);
    assert.equal(p2.cost, null);
    assert.equal(p2.vat_rate, 900);
    const p1 = got.find((p) => p.sku === `P1-${tag}`);
    assert.equal(p1.price, 350);
    assert.equal(p1.cost, 210);
    assert.equal(p1.vat_rate, 1300);
    assert.equal(p1.unit, '罐');
    const cats = (await srv.api('GET', '/api/v1/categories', { token: admin })).body.items;
    const snack = cats.find((c) => c.id === p2.category_id);
    const food = cats.find((c) => c.id === snack.parent_id);
    assert.equal(snack.name, '零食');
    assert.equal(food.name, '食品');
    assert.equal(cats.find((c) => c.id === p1.category_id).parent_id, food.id, 'one 食品 for both paths');
    // an audit row for the applied import
    const audit = (await srv.api('GET', '/api/v1/audit?entity=products', { token: admin })).body.items;
    assert.ok(audit.some((a) => a.action === 'import' && a.after?.rows === 2), JSON.stringify(audit[0]));
  });

  it('customers from UTF-8 with a BOM and from GBK, English and Chinese headers', async () => {
    const utf = `name,phone,birthday,gender,email,tags\n赵敏${tag},13900${tag.slice(0, 0)}139001,1990-05-17,女,zm@example.cn,"vip;new"\n`;
    let r = await post('customers', Buffer.concat([BOM, Buffer.from(utf.replace('13900139001', '13900139001'))]), { dry: false });
    assert.deepEqual(r.body, { rows: 1, errors: [], applied: true }, r.text);
    const text = `姓名,手机号,生日,性别\n周芷若${tag},13900139002,1992-02-29,女\n张无忌${tag},13900139003,,男\n`;
    const bytes = gbk(text);
    assert.notDeepEqual(bytes, Buffer.from(text), 'GBK bytes differ from UTF-8');
    r = await post('customers', bytes, { dry: false });
    assert.deepEqual(r.body, { rows: 2, errors: [], applied: true }, r.text);
    const zz = (await customers(`周芷若${tag}`))[0];
    assert.equal(zz.name, `周芷若${tag}`);
    assert.equal(zz.birthday, '1992-02-29');
    assert.equal(zz.gender, 'female');
    const zm = (await customers(`赵敏${tag}`))[0];
    assert.deepEqual(zm.tags.sort(), ['new', 'vip']);
  });

  it('the GBK fixture file (what Chinese Excel saves) imports', async () => {
    const file = readFileSync(path.join(ROOT, 'tests/fixtures/import/suppliers-gbk.csv'));
    const r = await post('suppliers', file, { dry: true });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { rows: 2, errors: [], applied: false });
  });

  it('XLSX: suppliers and customers from the first sheet, numbers and date serials read', async () => {
    const x = writeXlsx([
      ['供应商编码', '供应商名称', '联系人', 'Phone', 'email', '付款条件', 'lead time days'],
      [`SUP1${tag}`, '上海食品', '王经理', '021-5555-0101', 'wang@example.cn', '月结30天', 5],
      [`SUP2${tag}`, 'Acme', null, null, null, null, null],
    ]);
    let r = await post('suppliers', x, { dry: false });
    assert.deepEqual(r.body, { rows: 2, errors: [], applied: true }, r.text);
    const sup = (await srv.api('GET', `/api/v1/suppliers?q=SUP1${tag}`, { token: admin })).body.items[0];
    assert.equal(sup.name, '上海食品');
    assert.equal(sup.lead_time_days, 5);
    assert.equal(sup.payment_terms, '月结30天');
    // 33010 is 1990-05-17
    r = await post('customers', writeXlsx([['姓名', '手机', '生日'], [`殷离${tag}`, 13900139004, 33010]]), { dry: false });
    assert.deepEqual(r.body, { rows: 1, errors: [], applied: true }, r.text);
    const c = (await customers(`殷离${tag}`))[0];
    assert.equal(c.birthday, '1990-05-17');
  });

  it('every bad row is reported with its line and column; nothing of the file is written', async () => {
    const csv = [
      'sku,name,barcode,price,cost,vat',
      `B1-${tag},Good one,,1.00,,`,            // line 2: fine
      `B2-${tag},,,1.00,,`,                    // 3: name missing
      `B3-${tag},Bad price,,12.999,,`,         // 4: three decimals
      `B1-${tag},Dup in file,,1.00,,`,         // 5: sku duplicates line 2
      `P1-${tag},Taken,,1.00,,`,               // 6: sku in the database
      `B4-${tag},Bad vat,,1.00,x,abc`,         // 7: cost and vat
      '',
      `B5-${tag},"multi`,                      // 9-10: a quoted newline, then a bad price
      `line",,-1,,`,
    ].join('\r\n') + '\r\n';
    for (const dry of [true, false]) {
      const r = await post('products', csv, { dry });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.rows, 7);
      assert.equal(r.body.applied, false);
      const errs = r.body.errors.map((e) => `${e.line}:${e.column}`);
      for (const want of ['3:name', '4:price', '5:sku', '6:sku', '7:cost', '7:vat', '9:price'])
        assert.ok(errs.includes(want), `${want} in ${errs}`);
      assert.ok(!errs.some((e) => e.startsWith('2:')), 'line 2 is good');
      assert.match(r.body.errors.find((e) => e.line === 5).message, /line 2/);
      for (const e of r.body.errors) assert.ok(e.message.length > 3);
    }
    assert.equal((await products(`B1-${tag}`)).length, 0, 'all or nothing: the good row was not written');
  });

  it('customers: bad phone, e-mail, birthday, gender, duplicate phones in the file and against the database', async () => {
    const csv = '姓名,手机号,生日,性别,email\n' +
      `甲${tag},12345,,,\n` +
      `乙${tag},13900139010,1990-13-01,未知,not-an-email\n` +
      `丙${tag},139-0013-9010,,,\n` +
      `丁${tag},13900139002,,,\n` +
      `,13900139011,,,\n`;
    const r = await post('customers', csv, { dry: false });
    assert.equal(r.body.applied, false);
    const errs = r.body.errors.map((e) => `${e.line}:${e.column}`);
    for (const want of ['2:手机号', '3:生日', '3:性别', '3:email', '4:手机号', '5:手机号', '6:姓名'])
      assert.ok(errs.includes(want), `${want} in ${JSON.stringify(r.body.errors)}`);
    assert.equal((await customers(`乙${tag}`)).length, 0);
  });

  it('a missing required column or an unreadable file is reported before any row', async () => {
    let r = await post('products', 'sku,name\nX,Y\n', { dry: true });
    assert.deepEqual(r.body.errors, [{ line: 1, column: 'price', message: 'the column is missing' }]);
    r = await post('stock', 'store,quantity\nX,1\n', { dry: true });
    assert.equal(r.body.errors[0].column, 'sku');
    r = await post('products', Buffer.from([0x73, 0x6b, 0x75, 0x0a, 0xff, 0xff, 0xff, 0x0a]), { dry: true });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.body.errors[0].field, 'body');
    r = await post('products', Buffer.from('PK\x03\x04 not really a zip'), { dry: true });
    assert.equal(r.status, 422, r.text);
    r = await srv.api('POST', '/api/v1/imports/products?dry_run=maybe', { token: admin, raw: 'sku\n' });
    assert.equal(r.status, 422);
    assert.equal(r.body.errors[0].field, 'dry_run');
  });

  it('opening stock: by sku or barcode; a store manager gets rows for another store refused', async () => {
    const csv = `门店编码,货号,数量,单位成本\nSA${tag},P1-${tag},10,2.00\nSA${tag},P2-${tag},2.5,\n`;
    let r = await post('stock', csv, { dry: false, token: manager.token });
    assert.deepEqual(r.body, { rows: 2, errors: [], applied: true }, r.text);
    const stock = (await srv.api('GET', `/api/v1/stock?store_id=${storeA.id}`, { token: admin })).body.items;
    const p1 = (await products(`P1-${tag}`))[0];
    assert.equal(stock.find((s) => s.product_id === p1.id).on_hand, 10);
    // a store manager's unit cost stays on the move: the company-wide cost is not theirs to move
    assert.equal(stock.find((s) => s.product_id === p1.id).unit_cost, 210);

    const bad = `store code,sku,quantity\nSB${tag},P1-${tag},5\nSA${tag},NOPE-${tag},1\nSA${tag},P1-${tag},0\nSA${tag},P2-${tag},1\nSA${tag},P2-${tag},1\n`;
    r = await post('stock', bad, { dry: false, token: manager.token });
    assert.equal(r.body.applied, false);
    const errs = r.body.errors.map((e) => `${e.line}:${e.column}`);
    for (const want of ['2:store code', '3:sku', '4:quantity', '6:sku'])
      assert.ok(errs.includes(want), `${want} in ${JSON.stringify(r.body.errors)}`);
    const after = (await srv.api('GET', `/api/v1/stock?store_id=${storeA.id}`, { token: admin })).body.items;
    assert.deepEqual(after, stock, 'nothing written');
    // the admin may import for store B
    r = await post('stock', `store,sku,quantity\nSB${tag},P1-${tag},5\n`, { dry: false });
    assert.equal(r.body.applied, true, r.text);
  });

  it('store managers may not import products, customers or suppliers', async () => {
    for (const kind of ['products', 'customers', 'suppliers']) {
      const r = await post(kind, 'sku\n', { dry: true, token: manager.token });
      assert.equal(r.status, 403, kind);
    }
  });

  it('a body over 20 MiB answers 413; one just under is read', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 0x61);
    let r = await post('customers', big, { dry: true });
    assert.equal(r.status, 413);
    const header = Buffer.from('name,phone\n');
    const under = Buffer.concat([header, Buffer.alloc(2 * 1024 * 1024 - header.length, 0x20)]);
    r = await post('customers', under, { dry: true });
    assert.equal(r.status, 200, r.text);
  });

  it('the answer names the field each column was read into; unknown headers are skipped', async () => {
    const r = await post('customers', `姓名,备注,手机号\n胡斐${tag},x,13900139020\n`, { dry: true });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.columns, [
      { column: '姓名', field: 'name' },
      { column: '备注', field: null },
      { column: '手机号', field: 'phone' },
    ]);
    assert.deepEqual(r.body, { rows: 1, errors: [], applied: false });
  });

  it('?columns= chooses the field of each column instead of the headers; errors name the file\'s header', async () => {
    // headers the match does not know: without a mapping the name is missing
    const csv = `客户,电话号码,备注\n程灵素${tag},13900139021,x\n袁紫衣${tag},123,y\n`;
    let r = await post('customers', csv, { dry: true });
    assert.deepEqual(r.body.errors, [{ line: 1, column: 'name', message: 'the column is missing' }]);
    assert.deepEqual(r.columns.map((c) => c.field), [null, null, null]);
    r = await post('customers', csv, { dry: true, columns: 'name,phone,' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.columns, [
      { column: '客户', field: 'name' },
      { column: '电话号码', field: 'phone' },
      { column: '备注', field: null },
    ]);
    assert.equal(r.body.applied, false);
    assert.deepEqual(r.body.errors.map((e) => `${e.line}:${e.column}`), ['3:电话号码']);
    // fixed, applied with the same mapping (the last column left out of it)
    r = await post('customers', csv.replace(',123,', ',13900139022,'), { dry: false, columns: 'name,phone' });
    assert.deepEqual(r.body, { rows: 2, errors: [], applied: true }, r.text);
    assert.equal((await customers(`袁紫衣${tag}`))[0].phone, '13900139022');
    // a mapping that leaves out a required field: the header line says so
    r = await post('products', 'a,b,c\nX,Y,1\n', { dry: true, columns: 'sku,name,' });
    assert.deepEqual(r.body.errors, [{ line: 1, column: 'price', message: 'the column is missing' }]);
    assert.deepEqual(r.columns.map((c) => c.field), ['sku', 'name', null]);
  });

  it('?columns= with an unknown field, a field twice or more entries than columns is 422', async () => {
    const csv = 'a,b\nx,13900139030\n';
    for (const columns of ['name,nope', 'name,name', 'name,phone,email', 'sku,phone']) {
      const r = await post('customers', csv, { dry: true, columns });
      assert.equal(r.status, 422, `${columns}: ${r.text}`);
      assert.equal(r.body.errors[0].field, 'columns');
    }
    const r = await post('customers', csv, { dry: true, columns: ',,,'.repeat(100) });
    assert.equal(r.status, 422);
    assert.equal(r.body.errors[0].field, 'columns');
  });

  it('tersa import: errors on standard error and a non-zero exit for a bad row; 0 and written for a good file', { skip: ENGINE !== 'sqlite' && 'the command line is tested on a SQLite file' }, () => {
    const bin = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tersa-import-cli-'));
    try {
      const db = path.join(dir, 'cli.db');
      const bad = path.join(dir, 'bad.csv');
      writeFileSync(bad, gbk('供应商编码,供应商名称,邮箱\nC1,甲公司,bad-mail\nC1,乙公司,\n'));
      let out;
      try {
        execFileSync(bin, ['import', 'suppliers', bad, '--db', db], { stdio: 'pipe' });
        assert.fail('a bad row must exit non-zero');
      } catch (e) {
        out = e;
      }
      assert.equal(out.status, 1);
      const err = out.stderr.toString();
      assert.match(err, /line 2, 邮箱: /);
      assert.match(err, /line 3, 供应商编码: duplicates line 2/);
      assert.match(out.stdout.toString(), /2 rows, 2 errors, nothing written/);
      const good = path.join(dir, 'good.csv');
      writeFileSync(good, 'code,name\nC1,甲公司\nC2,乙公司\n');
      assert.match(execFileSync(bin, ['import', 'suppliers', good, '--db', db, '--dry-run'], { stdio: 'pipe' }).toString(), /dry run: nothing written/);
      assert.match(execFileSync(bin, ['import', 'suppliers', good, '--db', db], { stdio: 'pipe' }).toString(), /2 rows, 0 errors, applied/);
      // the same file again: both codes are now taken
      try {
        execFileSync(bin, ['import', 'suppliers', good, '--db', db], { stdio: 'pipe' });
        assert.fail('taken codes must exit non-zero');
      } catch (e) {
        assert.equal(e.status, 1);
        assert.match(e.stderr.toString(), /line 2, code: /);
      }
      try {
        execFileSync(bin, ['import', 'orders', good, '--db', db], { stdio: 'pipe' });
        assert.fail('an unknown kind is a usage error');
      } catch (e) {
        assert.equal(e.status, 2);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
