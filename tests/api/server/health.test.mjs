// health.test.mjs: the health endpoint, request ids, security headers and the
// problem+json answer for an unknown API path.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ENGINE } from '../lib/server.mjs';

function assertSecurityHeaders(r, what) {
	const csp = r.headers.get('content-security-policy');
	assert.ok(csp && csp.trim().length > 0, `${what}: Content-Security-Policy missing`);
	assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
}

describe('health', () => {
	let srv;
	before(async () => {
		srv = await startServer();
	});
	after(async () => {
		await srv?.stop();
	});

	test('answers 200 with status ok, the engine in use and a version', async () => {
		const r = await srv.api('GET', '/api/v1/health');
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
		assert.equal(r.body.status, 'ok');
		assert.equal(r.body.db, ENGINE);
		assert.equal(typeof r.body.version, 'string');
		assert.ok(r.body.version.length > 0, 'version is empty');
	});

	test('needs no token', async () => {
		const r = await srv.api('GET', '/api/v1/health', { token: 'not-a-valid-token' });
		assert.equal(r.status, 200);
	});

	test('echoes a sane X-Request-Id', async () => {
		const id = 'test-req-0123456789abcdef';
		const r = await srv.api('GET', '/api/v1/health', { headers: { 'x-request-id': id } });
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('x-request-id'), id);
	});

	test('generates a different X-Request-Id for each request that sends none', async () => {
		const a = await srv.api('GET', '/api/v1/health');
		const b = await srv.api('GET', '/api/v1/health');
		const ida = a.headers.get('x-request-id');
		const idb = b.headers.get('x-request-id');
		assert.ok(ida && ida.length > 0, 'no X-Request-Id generated');
		assert.ok(idb && idb.length > 0, 'no X-Request-Id generated');
		assert.notEqual(ida, idb);
	});

	test('replaces an X-Request-Id that is not sane', async () => {
		const bad = '<script>alert(1)</script>' + 'x'.repeat(300);
		const r = await srv.api('GET', '/api/v1/health', { headers: { 'x-request-id': bad } });
		assert.equal(r.status, 200);
		const id = r.headers.get('x-request-id');
		assert.ok(id && id.length > 0, 'no X-Request-Id generated');
		assert.notEqual(id, bad);
		assert.ok(!id.includes('<'), `unsafe characters echoed: ${id}`);
		assert.ok(id.length <= 128, `id too long: ${id.length}`);
	});

	test('sends the security headers', async () => {
		assertSecurityHeaders(await srv.api('GET', '/api/v1/health'), 'health');
	});

	test('answers an unknown /api/v1 path with a 404 problem', async () => {
		const r = await srv.api('GET', '/api/v1/no-such-resource');
		assert.equal(r.status, 404);
		assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
		assert.equal(r.body.type, '/problems/not-found');
		assert.equal(r.body.status, 404);
		assert.equal(typeof r.body.title, 'string');
		assert.ok(r.headers.get('x-request-id'), 'error answer without X-Request-Id');
		assertSecurityHeaders(r, '404');
	});

	test('GET /metrics counts requests by route and status, with a latency histogram', async () => {
		await srv.api('GET', '/api/v1/health');
		await srv.api('GET', '/api/v1/me'); // 401
		const r = await fetch(srv.url + '/metrics');
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
		const text = await r.text();
		const count = (route, status) => {
			const m = text.match(new RegExp(`^tersa_http_requests_total\\{method="GET",route="${route.replace(/[/.]/g, '\\$&')}",status="${status}"\\} (\\d+)$`, 'm'));
			return m ? Number(m[1]) : 0;
		};
		assert.ok(count('/api/v1/health', 200) >= 1, text);
		assert.ok(count('/api/v1/me', 401) >= 1, text);
		assert.match(text, /^tersa_http_request_duration_seconds_bucket\{method="GET",route="\/api\/v1\/health",le="\+Inf"\} \d+$/m);
		assert.match(text, /^tersa_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/health"\} \d+$/m);
		const before = count('/api/v1/health', 200);
		await srv.api('GET', '/api/v1/health');
		const again = await (await fetch(srv.url + '/metrics')).text();
		const after = Number(again.match(/^tersa_http_requests_total\{method="GET",route="\/api\/v1\/health",status="200"\} (\d+)$/m)[1]);
		assert.equal(after, before + 1);
	});
});
