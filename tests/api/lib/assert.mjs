// Assertions shared by the API suites.
import assert from 'node:assert/strict';

/** A reply header by name (case-insensitive), or null. */
export const hdr = (r, n) => (typeof r.headers?.get === 'function' ? r.headers.get(n) : r.headers?.[n.toLowerCase()]) ?? null;

/** r is a problem+json reply with this status and slug naming at least these fields. */
export function assertProblem(r, status, slug, fields = []) {
  const ctx = JSON.stringify(r.body);
  assert.equal(r.status, status, ctx);
  assert.match(hdr(r, 'content-type') || '', /^application\/problem\+json/, ctx);
  assert.equal(r.body.type, `/problems/${slug}`, ctx);
  assert.equal(r.body.status, status, ctx);
  assert.equal(typeof r.body.title, 'string', ctx);
  const got = (r.body.errors || []).map((e) => e.field);
  for (const f of fields) assert.ok(got.includes(f), `field ${f} not in errors: ${ctx}`);
}
