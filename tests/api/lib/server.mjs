// server.mjs: the API test harness. Starts a real `tersa serve` on a fresh
// SQLite file (or PostgreSQL database when TERSA_TEST_PG is set), talks to it
// with fetch, checks every JSON answer against the OpenAPI document
// (openapi.mjs), and checks that it stops cleanly. Node 18+.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { checkAnswer } from './openapi.mjs';
import { freePort, healthy, readAnswer, sleep } from './proc.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// The admin password every test server starts with (TERSA_ADMIN_PASSWORD).
export const ADMIN_PASSWORD = 'Admin-test-passw0rd-2026';
// The password makeUser() gives its users.
export const USER_PASSWORD = 'User-test-passw0rd-2026';
// The engine of this run: 'postgresql' when TERSA_TEST_PG is set, else 'sqlite'.
export const ENGINE = process.env.TERSA_TEST_PG ? 'postgresql' : 'sqlite';

const SANITIZER_RE = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/;
const LOG_CAP = 512 * 1024;
const START_TIMEOUT_MS = 20000;
const STOP_TIMEOUT_MS = 15000;

const started = []; // every server of this process, for the logs on failure
const live = new Set(); // servers not yet exited, killed when the process ends

let seq = 0;
// A short unique lowercase [a-z0-9] suffix for names, SKUs and codes.
export function uniq() {
	seq += 1;
	return process.pid.toString(36) + seq.toString(36) + crypto.randomBytes(3).toString('hex');
}

function psql(url, sql) {
	execFileSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
		stdio: ['ignore', 'pipe', 'pipe'],
		timeout: 30000,
	});
}

function pgUrl(url, dbname) {
	const u = new URL(url);
	u.pathname = '/' + dbname;
	return u.toString();
}

function isPgUrl(db) {
	return /^postgres(ql)?:\/\//.test(db);
}

function dumpLogs(srv, reason) {
	if (srv.dumped) return;
	srv.dumped = true;
	const head = `--- tersa serve ${srv.engine} ${srv.url} (${reason}) ---`;
	const text = [head, '--- stdout ---', srv.stdout().trimEnd(), '--- stderr ---', srv.stderr().trimEnd(), '--- end ---', ''].join('\n');
	try {
		writeSync(2, text);
	} catch {
		// nothing more can be done
	}
}

process.on('exit', (code) => {
	for (const s of live) {
		try {
			s.proc.kill('SIGKILL');
		} catch {
			// already gone
		}
	}
	if (code !== 0 || (process.exitCode ?? 0) !== 0) {
		for (const s of started) dumpLogs(s, 'test file failed');
	}
});

/**
 * Starts `${TERSA_BIN || 'build/tersa'} serve` (TERSA_BIN relative to the
 * current directory) on a free loopback port and
 * waits until GET /api/v1/health answers 200 (20 s at most), then logs in as
 * admin (skipped with login: false).
 * opts: engine ('sqlite'|'postgresql', default ENGINE); db (reuse a database
 * left by stop({keepDb: true}); this server then owns its cleanup); args
 * (extra `serve` arguments); env (extra environment; a value of undefined
 * removes the variable); login (default true).
 * Returns {url, port, db, engine, proc, adminToken, api(), login(), stop(),
 * stdout(), stderr()}.
 */
export async function startServer(opts = {}) {
	const bin = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
	let db = opts.db;
	let engine = opts.engine ?? ENGINE;
	if (db) {
		engine = isPgUrl(db) ? 'postgresql' : 'sqlite';
	} else if (engine === 'postgresql') {
		const base = process.env.TERSA_TEST_PG;
		if (!base) throw new Error('startServer: engine postgresql needs TERSA_TEST_PG');
		const name = `t_${uniq()}`;
		psql(base, `CREATE DATABASE ${name}`);
		db = pgUrl(base, name);
	} else if (engine === 'sqlite') {
		db = path.join(mkdtempSync(path.join(os.tmpdir(), 'tersa-api-')), 'tersa.db');
	} else {
		throw new Error(`startServer: unknown engine ${engine}`);
	}

	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const args = ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, ...(opts.args ?? [])];
	// Argon2id at its minimum cost unless the caller's environment says
	// otherwise: the suites log in thousands of times (docs/operations.md).
	const env = { TERSA_PWHASH: 'min', ...process.env, TERSA_ADMIN_PASSWORD: ADMIN_PASSWORD, ...(opts.env ?? {}) };
	for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];

	const proc = spawn(bin, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	let err = '';
	proc.stdout.setEncoding('utf8');
	proc.stderr.setEncoding('utf8');
	proc.stdout.on('data', (d) => {
		out += d;
		if (out.length > LOG_CAP) out = out.slice(-LOG_CAP);
	});
	proc.stderr.on('data', (d) => {
		err += d;
		if (err.length > LOG_CAP) err = err.slice(-LOG_CAP);
	});

	let exitInfo = null;
	let stopping = false;
	let stopped = false;
	const srv = {
		url,
		port,
		db,
		engine,
		proc,
		adminToken: null,
		dumped: false,
		stdout: () => out,
		stderr: () => err,
		api,
		login,
		stop,
	};
	started.push(srv);
	live.add(srv);

	const closed = new Promise((resolve) => {
		proc.on('error', (e) => {
			err += `\n[harness] cannot run ${bin}: ${e.message}\n`;
			exitInfo = { code: null, signal: null, error: e };
			live.delete(srv);
			resolve(exitInfo);
		});
		proc.on('close', (code, signal) => {
			exitInfo = exitInfo ?? { code, signal };
			live.delete(srv);
			resolve(exitInfo);
			if (!stopping) dumpLogs(srv, `exited unexpectedly: code ${code}, signal ${signal}`);
		});
	});

	function cleanup() {
		if (isPgUrl(db)) {
			const name = new URL(db).pathname.slice(1);
			try {
				psql(pgUrl(db, 'postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			} catch (e) {
				err += `\n[harness] could not drop ${name}: ${e.message}\n`;
			}
		} else if (path.basename(path.dirname(db)).startsWith('tersa-api-')) {
			rmSync(path.dirname(db), { recursive: true, force: true });
		}
	}

	// Sends one request to this server: request() below.
	function api(method, p, opts) {
		return request(url, method, p, opts);
	}

	// Logs in and returns the token; throws unless the answer is 200.
	async function login(username, password) {
		const r = await api('POST', '/api/v1/auth/login', { body: { username, password } });
		if (r.status !== 200 || typeof r.body?.token !== 'string') {
			throw new Error(`login ${username}: ${r.status} ${r.text}`);
		}
		return r.body.token;
	}

	// SIGTERM, wait for the exit; throws unless the exit code is 0 and stderr
	// holds no sanitizer report. Drops the database unless keepDb.
	async function stop({ keepDb = false, skipChecks = false } = {}) {
		if (stopped) return;
		stopped = true;
		stopping = true;
		proc.ref();
		proc.stdout.ref?.();
		proc.stderr.ref?.();
		if (!exitInfo) proc.kill('SIGTERM');
		const timer = setTimeout(() => {
			err += `\n[harness] no exit ${STOP_TIMEOUT_MS} ms after SIGTERM: SIGKILL\n`;
			proc.kill('SIGKILL');
		}, STOP_TIMEOUT_MS);
		const info = await closed;
		clearTimeout(timer);
		const problems = [];
		if (info.code !== 0) problems.push(`exit code ${info.code}, signal ${info.signal}`);
		if (SANITIZER_RE.test(err)) problems.push('sanitizer report on stderr');
		// Every suite's database ends consistent: balances equal their
		// ledgers, the journal chain is intact, SQLite's integrity check
		// passes.
		if (info.code === 0 && !skipChecks) {
			for (const cmd of ['check-stock', 'check-db', 'verify-journal']) {
				const r = spawnSync(bin, [cmd, '--db', db], { cwd: ROOT, encoding: 'utf8', env });
				if (r.status !== 0) problems.push(`${cmd} failed: ${r.stdout}${r.stderr}`);
			}
		}
		if (!keepDb) cleanup();
		if (problems.length) {
			dumpLogs(srv, problems.join('; '));
			throw new Error(`tersa serve did not stop cleanly: ${problems.join('; ')}`);
		}
	}

	const deadline = Date.now() + START_TIMEOUT_MS;
	for (;;) {
		if (exitInfo) {
			stopped = true;
			cleanup();
			throw new Error(`tersa serve exited during start-up (code ${exitInfo.code}, signal ${exitInfo.signal}):\n${err}`);
		}
		if (await healthy(url)) break;
		if (Date.now() > deadline) {
			stopped = true;
			proc.kill('SIGKILL');
			await closed;
			cleanup();
			dumpLogs(srv, 'no health answer');
			throw new Error(`tersa serve: GET /api/v1/health did not answer 200 within ${START_TIMEOUT_MS / 1000} s`);
		}
		await sleep(50);
	}
	// A test that forgets stop() must not keep its file running forever; the
	// exit handler above kills what is left.
	proc.unref();
	proc.stdout.unref?.();
	proc.stderr.unref?.();

	if (opts.login !== false) {
		try {
			srv.adminToken = await login('admin', env.TERSA_ADMIN_PASSWORD ?? ADMIN_PASSWORD);
		} catch (e) {
			await stop().catch(() => {});
			throw e;
		}
	}
	return srv;
}

/**
 * Sends one request to the server at baseUrl; body is sent as JSON, raw
 * (string or Buffer) as is; both default to Content-Type application/json.
 * The answer's body is parsed when its type is JSON, else left as text.
 * Throws when the answer does not agree with src/http/openapi.json
 * (openapi.mjs checkAnswer), so the test that received it fails.
 * Returns {status, headers, body, text}.
 */
export async function request(baseUrl, method, p, { token, body, headers, raw } = {}) {
	const h = { ...(headers ?? {}) };
	const hasType = Object.keys(h).some((k) => k.toLowerCase() === 'content-type');
	if (token) h.authorization = `Bearer ${token}`;
	let payload;
	if (raw !== undefined) payload = raw;
	else if (body !== undefined) payload = JSON.stringify(body);
	if (payload !== undefined && !hasType) h['content-type'] = 'application/json';
	const res = await fetch(baseUrl + p, { method, headers: h, body: payload, redirect: 'manual' });
	const a = await readAnswer(res);
	const mismatch = checkAnswer({ method, path: p, status: a.status, contentType: a.headers.get('content-type'), text: a.text, body: a.body });
	if (mismatch) throw new Error(mismatch);
	return a;
}

/**
 * Creates a user with `role` and `storeIds` through POST /api/v1/users as
 * admin, logs in, and returns {id, token, username, password}.
 */
export async function makeUser(srv, role, storeIds = []) {
	const username = `u_${uniq()}`;
	const r = await srv.api('POST', '/api/v1/users', {
		token: srv.adminToken,
		body: { username, password: USER_PASSWORD, display_name: `Test ${role}`, role, store_ids: storeIds },
	});
	if (r.status !== 201) throw new Error(`makeUser ${role}: POST /api/v1/users answered ${r.status}: ${r.text}`);
	const token = await srv.login(username, USER_PASSWORD);
	return { id: r.body.id, token, username, password: USER_PASSWORD };
}

/**
 * Writes `data` (string or Buffer) to a new connection to srv as is, and
 * collects what comes back until the server closes the connection or
 * timeoutMs passes. For what fetch refuses to send (both Content-Length and
 * Transfer-Encoding, bad framing). Returns {text, status, closed}: status is
 * the first response's code (0 if none), closed whether the server closed.
 */
export function rawRequest(srv, data, { timeoutMs = 5000 } = {}) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let closed = false;
		const sock = net.connect(srv.port, '127.0.0.1');
		const timer = setTimeout(() => sock.destroy(), timeoutMs);
		sock.on('data', (d) => chunks.push(d));
		sock.on('end', () => {
			closed = true;
		});
		sock.on('error', (e) => {
			if (e.code === 'ECONNRESET') closed = true;
			else {
				clearTimeout(timer);
				reject(e);
			}
		});
		sock.on('close', () => {
			clearTimeout(timer);
			const text = Buffer.concat(chunks).toString('latin1');
			const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
			resolve({ text, status: m ? Number(m[1]) : 0, closed });
		});
		sock.write(data);
	});
}
