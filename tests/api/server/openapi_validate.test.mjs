// The answer check every API test relies on (lib/openapi.mjs): it accepts
// what the server really sends, reports a body that breaks the document with
// the operation, status, JSON pointer and value, makes request()/api()
// throw, and the document keeps a `required` list on every response object.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { startServer, request } from '../lib/server.mjs';
import { checkAnswer, findOperation, findResponse, doc } from '../lib/openapi.mjs';

const JSON_TYPE = 'application/json';
const PROBLEM_TYPE = 'application/problem+json';
const answer = (method, path, status, body, contentType = JSON_TYPE) => checkAnswer({ method, path, status, contentType, text: JSON.stringify(body), body });

describe('openapi answer check', () => {
  let srv, settings, me;
  before(async () => {
    srv = await startServer();
    settings = (await srv.api('GET', '/api/v1/settings', { token: srv.adminToken })).body;
    me = (await srv.api('GET', '/api/v1/me', { token: srv.adminToken })).body;
  });
  after(async () => { await srv?.stop(); });

  it('finds the operation by method and path template, literal segments first', () => {
    assert.equal(findOperation('GET', '/api/v1/sales/42?x=1').template, '/api/v1/sales/{id}');
    assert.equal(findOperation('GET', '/api/v1/customers/duplicates').template, '/api/v1/customers/duplicates');
    assert.equal(findOperation('GET', '/api/v1/customers/7').template, '/api/v1/customers/{id}');
    assert.equal(findOperation('POST', '/api/v1/sales/42/returns').op.operationId, 'sales_returns_create');
    assert.equal(findOperation('GET', '/api/v1/no-such-thing'), null);
    assert.equal(findOperation('DELETE', '/api/v1/settings'), null, 'no such method on the path');
  });

  it('picks the response by status, following $ref to components/responses', () => {
    const found = findOperation('GET', '/api/v1/sales/1');
    assert.match(findResponse(found, 200).pointer, /^#\/paths\/~1api~1v1~1sales~1\{id\}\/get\/responses\/200$/);
    assert.equal(findResponse(found, 404).pointer, '#/components/responses/NotFound');
    assert.equal(findResponse(found, 418), null);
  });

  it('accepts the answers the server really sends', () => {
    assert.equal(answer('GET', '/api/v1/settings', 200, settings), null);
    assert.equal(answer('GET', '/api/v1/me', 200, me), null);
  });

  it('reports a missing required field with the operation, status and pointer', () => {
    const { updated_at: _, ...body } = settings;
    const msg = answer('GET', '/api/v1/settings', 200, body);
    assert.match(msg, /GET \/api\/v1\/settings \(settings_get\) answered 200/);
    assert.match(msg, /must have required property 'updated_at'/);
  });

  it('reports a wrong type deep in the body with its JSON pointer and value', () => {
    const line = { id: 1, product_id: 2, sku: 'A', name: 'A', quantity: 1, list_price: 100, unit_price: 100, price_overridden: false, gross: 100, discount: 0, total: 100, vat_rate: 1300, vat: 12, promotion_id: null, is_gift: false, returned_quantity: 0, refunded: 0, discounts: [{ source: 'promotion', source_id: 3, amount: '5' }] };
    const sale = {
      id: 1, number: 'S1-20261207-0001', store_id: 1, shift_id: null, customer_id: null, cashier_id: 1, salesperson_id: null,
      at: '2026-12-07T05:00:00Z', day: '2026-12-07', status: 'completed', subtotal: 100, discount_total: 0, rounding: 0, vat_total: 12,
      total: 100, paid: 100, change_due: 0, points_earned: 0, points_redeemed: 0, manual_discount_bp: 0, approved_by: null, note: null,
      offline_at: null, negative_stock: false, refunded_total: 0, lines: [line], payments: [{ method: 'cash', amount: 100, reference: null }],
      returns: [], voided_by: null, voided_at: null, void_reason: null, salespeople: [{ user_id: 1, share_bp: 10000 }],
    };
    const msg = answer('GET', '/api/v1/sales/1', 200, sale);
    assert.match(msg, /GET \/api\/v1\/sales\/\{id\} \(sales_get\) answered 200/);
    assert.match(msg, /\/lines\/0\/discounts\/0\/amount must be integer/);
    assert.match(msg, /value: "5"/);
    line.discounts[0].amount = 5;
    assert.equal(answer('GET', '/api/v1/sales/1', 200, sale), null, 'the same sale with the type fixed passes');
    sale.at = 'yesterday';
    assert.match(answer('GET', '/api/v1/sales/1', 200, sale), /\/at must match format "date-time"/);
    sale.at = '2026-12-07T05:00:00Z';
    delete sale.lines;
    assert.match(answer('GET', '/api/v1/sales/1', 200, sale), /must have required property 'lines'/);
  });

  it('checks problem answers against Problem, also on paths the document does not describe', () => {
    const good = { type: '/problems/not-found', title: 'Not found', status: 404, detail: 'no such sale', errors: [] };
    assert.equal(answer('GET', '/api/v1/sales/1', 404, good, PROBLEM_TYPE), null);
    assert.match(answer('GET', '/api/v1/sales/1', 404, { ...good, type: '/problems/nope' }, PROBLEM_TYPE), /\/type must be equal to one of the allowed values/);
    assert.match(answer('GET', '/api/v1/nothing-here', 404, { type: '/problems/not-found', title: 'Not found' }, PROBLEM_TYPE), /must have required property 'status'/);
  });

  it('reports a status the operation does not document, and a body where none is documented', () => {
    assert.match(answer('GET', '/api/v1/settings', 418, {}, PROBLEM_TYPE), /status 418 is not documented/);
    assert.match(answer('DELETE', '/api/v1/products/1', 204, { id: 1 }), /is not documented for this status \(documented: no body\)/);
    assert.equal(checkAnswer({ method: 'DELETE', path: '/api/v1/products/1', status: 204, contentType: null, text: '', body: '' }), null);
  });

  it('skips exports but not an export the document does not offer', () => {
    const csv = (p) => checkAnswer({ method: 'GET', path: p, status: 200, contentType: 'text/csv; charset=utf-8', text: 'a,b\r\n', body: 'a,b\r\n' });
    assert.equal(csv('/api/v1/products?format=csv'), null);
    assert.match(csv('/api/v1/settings'), /text\/csv is not documented/);
  });

  it('makes request() throw when a server answers against the document', async () => {
    const fake = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': JSON_TYPE });
      res.end(JSON.stringify({ ...settings, currency: 42 }));
    });
    await new Promise((r) => fake.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${fake.address().port}`;
      await assert.rejects(request(base, 'GET', '/api/v1/settings'), /settings_get\) answered 200[\s\S]*\/currency must be string[\s\S]*value: 42/);
    } finally {
      await new Promise((r) => fake.close(r));
    }
  });
});

// Every object schema an answer can reach, with its JSON pointer.
function responseObjects() {
  const out = [];
  const seen = new Set();
  const esc = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  const get = (ref) => ref.replace(/^#\//, '').split('/').reduce((x, s) => x?.[s.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  (function walkAll() {
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(item)) {
        for (const [code, r0] of Object.entries(op?.responses ?? {})) {
          const r = r0.$ref ? get(r0.$ref) : r0;
          for (const [ct, media] of Object.entries(r.content ?? {})) {
            if (media.schema) walk(media.schema, `#/paths/${esc(p)}/${m}/responses/${code}/content/${esc(ct)}/schema`);
          }
        }
      }
    }
  })();
  function walk(s, ptr) {
    if (!s || typeof s !== 'object') return;
    if (s.$ref) {
      if (!seen.has(s.$ref)) {
        seen.add(s.$ref);
        walk(get(s.$ref), s.$ref);
      }
      return;
    }
    if (s.properties) {
      out.push({ ptr, schema: s });
      for (const [k, v] of Object.entries(s.properties)) walk(v, `${ptr}/properties/${esc(k)}`);
    }
    for (const k of ['items', 'additionalProperties']) if (s[k] && typeof s[k] === 'object') walk(s[k], `${ptr}/${k}`);
    for (const k of ['allOf', 'oneOf', 'anyOf']) (s[k] ?? []).forEach((v, i) => walk(v, `${ptr}/${k}/${i}`));
  }
  return out;
}

describe('openapi document: the answers are fully described', () => {
  it('every object an answer can hold lists its required fields', () => {
    const objects = responseObjects();
    assert.ok(objects.length > 150, `only ${objects.length} response objects found`);
    const without = objects.filter((o) => !Array.isArray(o.schema.required)).map((o) => o.ptr);
    assert.deepEqual(without, [], 'response schemas with properties but no required list');
  });

  it('every required field is a documented property', () => {
    const bad = [];
    for (const { ptr, schema } of responseObjects()) {
      for (const f of schema.required ?? []) if (!(f in schema.properties)) bad.push(`${ptr}: ${f}`);
    }
    assert.deepEqual(bad, []);
  });

  it('Problem.type lists exactly the problem slugs of src/base/err.h', () => {
    const slugs = [...readFileSync(new URL('../../../src/base/err.h', import.meta.url), 'utf8').matchAll(/X\(\s*\w+\s*,\s*"([a-z-]+)"/g)]
      .map((m) => m[1]).filter((s) => s !== 'ok');
    assert.deepEqual([...doc.components.schemas.Problem.properties.type.enum].sort(), [...new Set(slugs)].map((s) => `/problems/${s}`).sort());
  });
});
