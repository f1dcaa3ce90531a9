// proc.mjs: the pieces of starting a `tersa serve` and reading its answers
// that the API tests (server.mjs) and the browser tests (web/tests/e2e) share.
// Node built-ins only: importing it loads no OpenAPI validation.
import net from 'node:net';

/** Resolves after ms milliseconds. */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A loopback TCP port that was free a moment ago. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

/** True when GET url/api/v1/health answers 200 within 2 s; false when it does not answer or answers otherwise. */
export async function healthy(url) {
	try {
		const r = await fetch(url + '/api/v1/health', { signal: AbortSignal.timeout(2000) });
		await r.arrayBuffer();
		return r.status === 200;
	} catch {
		return false; // not listening yet
	}
}

/**
 * Reads a fetch Response: {status, headers, body, text}, body parsed when the
 * Content-Type says JSON and the text parses, else the text itself.
 */
export async function readAnswer(res) {
	const text = await res.text();
	let parsed = text;
	if (/json/i.test(res.headers.get('content-type') ?? '') && text !== '') {
		try {
			parsed = JSON.parse(text);
		} catch {
			parsed = text;
		}
	}
	return { status: res.status, headers: res.headers, body: parsed, text };
}
