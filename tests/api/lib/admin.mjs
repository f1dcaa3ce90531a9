// admin.mjs: the shortcuts a suite uses to set up its data as admin
// (stores, products, stock, promotions) and to ring sales.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

/**
 * Shortcuts on the server `server()` returns (a function, because a suite
 * starts its server in `before`), with its admin token unless told otherwise:
 *   api(method, path, opts)   srv.api with the admin token (opts.token overrides)
 *   sell(body, token = admin) POST /api/v1/sales with a new Idempotency-Key
 *   mk(path, body)            POST as admin; asserts 201 and returns the body
 */
export function asAdmin(server) {
  const api = (m, p, o = {}) => server().api(m, p, { token: server().adminToken, ...o });
  const sell = (body, token = server().adminToken) =>
    server().api('POST', '/api/v1/sales', { token, body, headers: { 'idempotency-key': randomUUID() } });
  async function mk(path, body) {
    const r = await api('POST', path, { body });
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    return r.body;
  }
  return { api, sell, mk };
}
