// Footfall: a day's hours by hand, a counter's CSV in both layouts (with a
// BOM, hours added up, zone offsets converted), line errors and dry run
// writing nothing, and who may write for which store.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uniq, makeUser } from '../lib/server.mjs';

describe('footfall', () => {
  let srv, storeA, storeB, mgrA, mgrB, salesA;
  const api = (m, p, o = {}) => srv.api(m, p, { token: srv.adminToken, ...o });
  const mkStore = async () => {
    const c = `F${uniq()}`.slice(0, 12);
    const r = await api('POST', '/api/v1/stores', { body: { code: c, name: `Store ${c}`, channel: 'direct' } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  const imp = (token, store, csv, dry) => srv.api('POST', `/api/v1/footfall/import?store_id=${store}${dry ? '&dry_run=true' : ''}`,
    { token, raw: csv, headers: { 'content-type': 'text/csv' } });
  const days = async (token, store, from, to) => {
    const r = await srv.api('GET', `/api/v1/footfall?store_id=${store}&from=${from}&to=${to}`, { token });
    assert.equal(r.status, 200, r.text);
    return r.body.items;
  };

  before(async () => {
    srv = await startServer();
    storeA = await mkStore();
    storeB = await mkStore();
    mgrA = await makeUser(srv, 'store_manager', [storeA]);
    mgrB = await makeUser(srv, 'store_manager', [storeB]);
    salesA = await makeUser(srv, 'sales', [storeA]);
    const tz = await api('GET', '/api/v1/settings');
    assert.equal(tz.body.time_zone, 'Asia/Shanghai', 'the default company zone');
  });
  after(async () => { await srv?.stop(); });

  it('enters a day by hand; given hours replace, others stay', async () => {
    const r = await srv.api('PUT', '/api/v1/footfall', { token: mgrA.token, body: { store_id: storeA, day: '2026-11-02', hours: [{ hour: 9, entries: 12 }, { hour: 10, entries: 30 }] } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { store_id: storeA, day: '2026-11-02', hours: [{ hour: 9, entries: 12 }, { hour: 10, entries: 30 }], source: 'manual', entries: 42 });
    const r2 = await srv.api('PUT', '/api/v1/footfall', { token: mgrA.token, body: { store_id: storeA, day: '2026-11-02', hours: [{ hour: 10, entries: 25 }] } });
    assert.equal(r2.status, 200, r2.text);
    assert.equal(r2.body.entries, 37);
    const list = await days(salesA.token, storeA, '2026-11-01', '2026-11-03');
    assert.equal(list.length, 1);
    assert.equal(list[0].entries, 37);
  });

  it('refuses bad hours, a store not one\'s own (403) and a salesperson (403)', async () => {
    const bad = await srv.api('PUT', '/api/v1/footfall', { token: mgrA.token, body: { store_id: storeA, day: '2026-11-02', hours: [{ hour: 24, entries: 1 }, { hour: 3, entries: -1 }] } });
    assert.equal(bad.status, 422, bad.text);
    assert.deepEqual(bad.body.errors.map((e) => e.field).sort(), ['hours[0].hour', 'hours[1].entries']);
    const twice = await srv.api('PUT', '/api/v1/footfall', { token: mgrA.token, body: { store_id: storeA, day: '2026-11-02', hours: [{ hour: 3, entries: 1 }, { hour: 3, entries: 2 }] } });
    assert.equal(twice.status, 422, twice.text);
    const other = await srv.api('PUT', '/api/v1/footfall', { token: mgrB.token, body: { store_id: storeA, day: '2026-11-02', hours: [{ hour: 3, entries: 1 }] } });
    assert.equal(other.status, 403, other.text);
    const sales = await srv.api('PUT', '/api/v1/footfall', { token: salesA.token, body: { store_id: storeA, day: '2026-11-02', hours: [{ hour: 3, entries: 1 }] } });
    assert.equal(sales.status, 403, sales.text);
    const theirs = await srv.api('GET', `/api/v1/footfall?store_id=${storeA}`, { token: mgrB.token });
    assert.equal(theirs.status, 404, theirs.text);
    const imported = await imp(mgrB.token, storeA, 'day,hour,entries\n2026-11-05,9,1\n');
    assert.equal(imported.status, 403, imported.text);
  });

  it('imports day,hour,entries with a BOM; a dry run writes nothing', async () => {
    const csv = '\ufeffDay,Hour,Entries\n2026-11-03,9,5\n2026-11-03,10,7\n2026-11-04,18,40\n';
    const dry = await imp(mgrA.token, storeA, csv, true);
    assert.equal(dry.status, 200, dry.text);
    assert.deepEqual(dry.body, { rows: 3, errors: [], applied: false });
    assert.equal((await days(mgrA.token, storeA, '2026-11-03', '2026-11-04')).length, 0);
    const r = await imp(mgrA.token, storeA, csv);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { rows: 3, errors: [], applied: true });
    const list = await days(mgrA.token, storeA, '2026-11-03', '2026-11-04');
    assert.deepEqual(list.map((d) => [d.day, d.entries, d.source]), [['2026-11-03', 12, 'import'], ['2026-11-04', 40, 'import']]);
  });

  it('imports a counter\'s timestamps: rows of one hour add up, offsets become company time', async () => {
    const csv = [
      'timestamp,in,out',
      '2026-11-06 10:00,4,1',
      '2026-11-06 10:15,6,2',
      '2026-11-06T10:45:00,5,5',
      '2026-11-06T03:30:00Z,9,0', // 11:30 in Shanghai
      '2026-11-06T12:10:00+08:00,2,0',
    ].join('\r\n');
    const r = await imp(mgrA.token, storeA, csv);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.applied, true, r.text);
    const [d] = await days(mgrA.token, storeA, '2026-11-06', '2026-11-06');
    assert.deepEqual(d.hours, [{ hour: 10, entries: 15 }, { hour: 11, entries: 9 }, { hour: 12, entries: 2 }]);
    assert.equal(d.entries, 26);
  });

  it('reports bad rows by line and column and applies none of them', async () => {
    const csv = 'day,hour,entries\n2026-11-08,9,5\n2026-13-01,9,5\n2026-11-08,25,1\n2026-11-08,10,many\n';
    const r = await imp(mgrA.token, storeA, csv);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.applied, false);
    assert.deepEqual(r.body.errors.map((e) => [e.line, e.column]), [[3, 'day'], [4, 'hour'], [5, 'entries']]);
    assert.equal((await days(mgrA.token, storeA, '2026-11-08', '2026-11-08')).length, 0);
    const hdr = await imp(mgrA.token, storeA, 'when,people\n2026-11-08,3\n');
    assert.equal(hdr.status, 200, hdr.text);
    assert.equal(hdr.body.errors.length, 1);
    assert.equal(hdr.body.errors[0].line, 1);
    const none = await srv.api('POST', '/api/v1/footfall/import', { token: mgrA.token, raw: 'day,hour,entries\n', headers: { 'content-type': 'text/csv' } });
    assert.equal(none.status, 422, none.text);
  });

  it('audits the manual entry and the import', async () => {
    const r = await api('GET', '/api/v1/audit?entity=footfall');
    assert.equal(r.status, 200, r.text);
    const actions = r.body.items.map((x) => x.action);
    assert.ok(actions.includes('update'));
    assert.ok(actions.includes('import'));
  });
});
