// The served OpenAPI document against the route table (routes.def) and the
// permission table (perms.def): every route documented, nothing extra.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer } from '../lib/server.mjs';

const ROLES = ['admin', 'hq', 'store_manager', 'sales', 'service'];
const ROLE_BITS = {
  ROLE_ADMIN: ['admin'], ROLE_HQ: ['hq'], ROLE_STORE_MANAGER: ['store_manager'],
  ROLE_SALES: ['sales'], ROLE_SERVICE: ['service'], ROLE_ALL: ROLES,
  ROLE_STORE_BOUND: ['store_manager', 'sales'],
};
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const repoFile = (p) => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');

function parseRoutes() {
  const text = repoFile('src/http/routes.def');
  const routes = [...text.matchAll(/^ROUTE\(\s*(\w+)\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,\s*(\w+)\s*\)/gm)]
    .map((m) => ({ method: m[1].toLowerCase(), path: m[2], handler: m[3], perm: m[4] }));
  // Every ROUTE( line must have been understood.
  const lines = text.split('\n').filter((l) => /^\s*ROUTE\(/.test(l));
  assert.equal(routes.length, lines.length, 'a ROUTE line in routes.def did not parse');
  return routes;
}

function parsePerms() {
  const perms = {};
  for (const m of repoFile('src/http/perms.def').matchAll(/^PERM\(\s*(\w+)\s*,\s*([^)]*)\)/gm)) {
    const expr = m[2].trim();
    const roles = new Set();
    if (expr !== '0') {
      for (const part of expr.split('|')) {
        const bits = ROLE_BITS[part.trim()];
        assert.ok(bits, `unknown role expression ${part} in perms.def`);
        bits.forEach((b) => roles.add(b));
      }
    }
    perms[m[1]] = ROLES.filter((r) => roles.has(r));
  }
  return perms;
}

describe('openapi document', () => {
  let srv, doc, text, res;
  const routes = parseRoutes();
  const perms = parsePerms();

  before(async () => {
    srv = await startServer();
    res = await fetch(`${srv.url}/api/v1/openapi.json`);
    text = await res.text();
    doc = JSON.parse(text);
  });
  after(async () => { await srv?.stop(); });

  it('is served publicly as JSON, verbatim from src/http/openapi.json', () => {
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.equal(text, repoFile('src/http/openapi.json'));
  });

  it('is OpenAPI 3.1 with the project info, server and security schemes', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.title, 'Tersa');
    assert.equal(doc.info.version, '0.1.0');
    assert.deepEqual(doc.servers, [{ url: '/' }]);
    assert.equal(doc.components.securitySchemes.bearer.type, 'http');
    assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
    assert.ok(doc.components.securitySchemes.cookie, 'cookie scheme');
    for (const s of ['Problem', 'Store', 'StoreInput', 'User', 'UserInput', 'Category', 'CategoryInput',
      'Product', 'ProductInput', 'Settings', 'AuditEntry', 'LoginRequest', 'LoginResponse', 'Health']) {
      assert.ok(doc.components.schemas[s], `schema ${s}`);
    }
  });

  it('routes.def parses into a non-trivial table', () => {
    assert.ok(routes.length >= 20, `only ${routes.length} routes parsed`);
    for (const r of routes) assert.ok(r.perm in perms, `${r.handler}: permission ${r.perm} not in perms.def`);
  });

  it('has an operation for every route, with its permission and roles', () => {
    const missing = [];
    for (const r of routes) {
      const op = doc.paths?.[r.path]?.[r.method];
      if (!op) { missing.push(`${r.method.toUpperCase()} ${r.path}`); continue; }
      const where = `${r.method.toUpperCase()} ${r.path}`;
      assert.equal(op['x-permission'], r.perm, `${where}: x-permission`);
      assert.deepEqual([...op['x-roles']].sort(), [...perms[r.perm]].sort(), `${where}: x-roles`);
      assert.equal(op.operationId, r.handler.replace(/^h_/, ''), `${where}: operationId`);
      assert.equal(typeof op.summary, 'string', `${where}: summary`);
      assert.ok(Array.isArray(op.tags) && op.tags.length > 0, `${where}: tags`);
      assert.ok(op.responses && Object.keys(op.responses).some((c) => /^2\d\d$/.test(c)), `${where}: a 2xx response`);
      if (r.perm === 'PUBLIC') {
        assert.deepEqual(op.security, [], `${where}: a public route needs no security`);
      } else {
        assert.ok(Array.isArray(op.security) && op.security.length > 0, `${where}: security`);
        assert.ok(op.responses['401'], `${where}: documents 401`);
      }
      if (r.path.includes('{id}')) {
        assert.ok((op.parameters || []).some((p) => (p.$ref || '').endsWith('/Id') || p.name === 'id'), `${where}: id parameter`);
      }
    }
    assert.deepEqual(missing, [], 'routes without an operation');
  });

  it('has no operation without a route', () => {
    const extra = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const m of METHODS) {
        if (item[m] && !routes.some((r) => r.path === path && r.method === m)) extra.push(`${m.toUpperCase()} ${path}`);
      }
    }
    assert.deepEqual(extra, []);
  });

  it('has unique operationIds and every $ref resolves', () => {
    const ids = [];
    for (const item of Object.values(doc.paths)) for (const m of METHODS) if (item[m]) ids.push(item[m].operationId);
    assert.equal(new Set(ids).size, ids.length, 'duplicate operationId');
    const broken = [];
    (function walk(o) {
      if (!o || typeof o !== 'object') return;
      for (const [k, v] of Object.entries(o)) {
        if (k === '$ref' && typeof v === 'string') {
          let x = doc;
          for (const seg of v.replace(/^#\//, '').split('/')) x = x?.[seg];
          if (x === undefined) broken.push(v);
        } else walk(v);
      }
    })(doc);
    assert.deepEqual(broken, []);
  });

  it('documents /metrics as text/plain', () => {
    const ok = doc.paths['/metrics'].get.responses['200'];
    assert.ok(ok.content['text/plain'], '/metrics 200 is text/plain');
  });
});
