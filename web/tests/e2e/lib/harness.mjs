// harness.mjs: what the browser tests share. A real `tersa serve` with the
// demo data on a temporary SQLite file, Debian's Chromium driven by
// playwright-core, pages that record every console error, and screenshots.
// Node 18.18+, no dependencies beyond playwright-core.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { freePort, healthy, readAnswer, sleep } from '../../../../tests/api/lib/proc.mjs';

/** web/ of this checkout. */
export const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The repository root (web/..). */
export const ROOT = path.resolve(WEB, '..');
/** Where shot() writes its PNG files. */
export const SCREENS = path.join(WEB, 'test-results/screens');
/** The password of every demo staff account (manager01, sales01, headoffice, service). */
export const DEMO_PASSWORD = 'tersa-demo-2026';

const START_TIMEOUT_MS = 120000; // the demo data is made before the server listens
const STOP_TIMEOUT_MS = 15000;
const LOG_CAP = 256 * 1024;

/**
 * Starts `tersa serve` (build/tersa of this checkout, or TERSA_BIN) on a new
 * SQLite file in a temporary directory, on a free loopback port, serving
 * web/dist (TERSA_WEB overrides; run `npm run build` first), with the demo
 * data when `demo` is 'master', 'small' or 'full'. Waits for /api/v1/health.
 * Returns {url, db, adminPassword, startMs, stop(), api(), login(), log()}:
 *   adminPassword  the password serve printed for `admin` on first start
 *   startMs        how long the start took (demo data included)
 *   api(method, path, {token, body, headers}) → {status, headers, body, text}
 *                  (body parsed when the answer is JSON; token → Bearer)
 *   login(username, password) → the Bearer token (throws unless 200)
 *   stop()         SIGTERM, waits for the exit, removes the database
 * One server per test file: the small demo takes several seconds to make.
 */
export async function startServer({ demo = 'small' } = {}) {
	const bin = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
	const web = process.env.TERSA_WEB ? path.resolve(process.env.TERSA_WEB) : path.join(WEB, 'dist');
	if (!existsSync(bin)) throw new Error(`startServer: no server binary at ${bin} (run make build/tersa, or set TERSA_BIN)`);
	if (!existsSync(path.join(web, 'index.html')))
		throw new Error(`startServer: no ${web}/index.html (run npm run build in web/, or set TERSA_WEB)`);
	const dir = mkdtempSync(path.join(os.tmpdir(), 'tersa-e2e-'));
	const db = path.join(dir, 'tersa.db');
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const args = ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web', web];
	if (demo) args.push(`--demo=${demo}`);
	// The admin password is the random one serve prints, not a fixed one.
	// Argon2id at its minimum cost unless the environment says otherwise.
	const env = { TERSA_PWHASH: 'min', ...process.env };
	delete env.TERSA_ADMIN_PASSWORD;

	const t0 = Date.now();
	const proc = spawn(bin, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	let err = '';
	proc.stdout.setEncoding('utf8');
	proc.stderr.setEncoding('utf8');
	proc.stdout.on('data', (d) => {
		out = (out + d).slice(-LOG_CAP);
	});
	proc.stderr.on('data', (d) => {
		err = (err + d).slice(-LOG_CAP);
	});
	let exitInfo = null;
	const closed = new Promise((resolve) => {
		proc.on('error', (e) => {
			exitInfo = { code: null, signal: null, error: e };
			resolve(exitInfo);
		});
		proc.on('close', (code, signal) => {
			exitInfo = exitInfo ?? { code, signal };
			resolve(exitInfo);
		});
	});
	const live = () => {
		if (!exitInfo) proc.kill('SIGKILL');
	};
	process.on('exit', live);

	let stopped = false;
	async function stop() {
		if (stopped) return;
		stopped = true;
		process.off('exit', live);
		if (!exitInfo) proc.kill('SIGTERM');
		const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
		const info = await closed;
		clearTimeout(timer);
		rmSync(dir, { recursive: true, force: true });
		if (info.code !== 0) throw new Error(`tersa serve did not stop cleanly (code ${info.code}, signal ${info.signal}):\n${err.slice(-4000)}`);
	}

	async function api(method, p, { token, body, headers } = {}) {
		const h = { ...(headers ?? {}) };
		if (token) h.authorization = `Bearer ${token}`;
		if (body !== undefined) h['content-type'] = 'application/json';
		const res = await fetch(url + p, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
		return readAnswer(res);
	}

	async function login(username, password) {
		const r = await api('POST', '/api/v1/auth/login', { body: { username, password } });
		if (r.status !== 200 || typeof r.body?.token !== 'string') throw new Error(`login ${username}: ${r.status} ${r.text}`);
		return r.body.token;
	}

	const deadline = t0 + START_TIMEOUT_MS;
	for (;;) {
		if (exitInfo) {
			stopped = true;
			process.off('exit', live);
			rmSync(dir, { recursive: true, force: true });
			throw new Error(`tersa serve exited during start-up (code ${exitInfo.code}, signal ${exitInfo.signal}):\n${err.slice(-4000)}`);
		}
		if (await healthy(url)) break;
		if (Date.now() > deadline) {
			await stop().catch(() => {});
			throw new Error(`tersa serve: /api/v1/health did not answer within ${START_TIMEOUT_MS / 1000} s:\n${err.slice(-4000)}`);
		}
		await sleep(100);
	}
	// The first runs of the forecast and anomaly jobs start with the server:
	// tests begin once they are done, so what they show does not depend on
	// when a page happens to load.
	for (;;) {
		const metrics = await fetch(`${url}/metrics`).then((r) => r.text()).catch(() => '');
		const ran = (job) => new RegExp(`tersa_job_runs_total\\{job="${job}",outcome="(ok|failed)"\\} [1-9]`).test(metrics);
		if (ran('forecast') && ran('anomalies')) break;
		if (Date.now() > deadline) {
			await stop().catch(() => {});
			throw new Error(`tersa serve: the first forecast and anomaly jobs did not finish within ${START_TIMEOUT_MS / 1000} s:\n${err.slice(-4000)}`);
		}
		await sleep(100);
	}
	const startMs = Date.now() - t0;
	// serve prints "... log in as admin with password <pw> (shown once)"
	// before it listens, so the line is there once health answers.
	const m = /log in as admin with password (\S+) \(shown once\)/.exec(out);
	if (!m) {
		await stop().catch(() => {});
		throw new Error(`startServer: serve did not print the admin password:\n${out}`);
	}
	proc.unref();
	proc.stdout.unref?.();
	proc.stderr.unref?.();
	return { url, db, adminPassword: m[1], startMs, stop, api, login, log: () => err };
}

/** Debian's Chromium, headless (HEADED=1 shows it). Close it with browser.close(). */
export function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
		headless: !process.env.HEADED,
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
	});
}

/**
 * The usual frame of a browser test file: registers a `before` hook that
 * starts the server (startServer with these options) and the browser, then
 * runs `ready(app)` when given (the file's own set-up, e.g. a token), and an
 * `after` hook that closes the browser and stops the server. Returns an
 * object that, once `before` has run, holds everything startServer returns
 * (url, api, login, adminPassword, …) plus `browser`. Call it at the top of
 * the file. The file's set-up goes into `ready`, not into a `before` of its
 * own: node:test starts every top-level `before` at once, without waiting
 * for the one before it.
 */
export function useApp(opts = { demo: 'small' }, ready = async () => {}) {
	const app = {};
	before(async () => {
		Object.assign(app, await startServer(opts));
		app.browser = await launch();
		await ready(app);
	});
	after(async () => {
		await app.browser?.close();
		await app.stop?.();
	});
	return app;
}

/*
 * Console messages that are not the page's fault and are tolerated, each
 * with the reason. Everything else of type error or warning is recorded.
 */
const TOLERATED = [
	// A request the test makes fail on purpose (a wrong password answers
	// 401, a lockout 429): Chromium logs every non-2xx fetch as a console
	// error by itself; the page shows the message and the test checks it.
	// Only these two statuses on the login URL are tolerated.
	{ re: /^Failed to load resource: the server responded with a status of (401|429) /, url: /\/api\/v1\/auth\/login$/, why: 'wrong password / lockout' },
];

/**
 * A new page in its own browser context (own cookies and storage), with
 * localStorage `tersa.locale` set before any script of the first page runs
 * (later documents keep what the page chose), and
 * every console error and warning and every uncaught page error recorded on
 * `page.consoleErrors` (strings). `tolerate` adds patterns (RegExp on the
 * message text) a test expects on purpose, e.g. the 401 of an expired
 * session; say why where you pass it.
 */
export async function newPage(browser, { locale = 'zh-CN', viewport = { width: 1366, height: 768 }, tolerate = [] } = {}) {
	const context = await browser.newContext({ viewport, locale, timezoneId: 'Asia/Shanghai' });
	// The init script runs before every document of the context: it sets the
	// language only when none is kept, so a switch in the page survives a reload.
	await context.addInitScript((l) => {
		try {
			if (!localStorage.getItem('tersa.locale')) localStorage.setItem('tersa.locale', l);
		} catch {
			// about:blank has no storage
		}
	}, locale);
	const page = await context.newPage();
	page.consoleErrors = [];
	page.on('console', (msg) => {
		const type = msg.type();
		if (type !== 'error' && type !== 'warning') return;
		const text = msg.text();
		const where = msg.location()?.url ?? '';
		if (TOLERATED.some((t) => t.re.test(text) && t.url.test(where))) return;
		if (tolerate.some((re) => re.test(text))) return;
		page.consoleErrors.push(`console.${type}: ${text}${where ? ` (${where})` : ''}`);
	});
	page.on('pageerror', (e) => page.consoleErrors.push(`pageerror: ${e.stack || e.message}`));
	return page;
}

/**
 * Opens url/login and signs in through the form (login-username,
 * login-password, login-submit); waits until the page has left /login.
 */
export async function login(page, url, username, password) {
	await page.goto(url + '/login');
	await fill(page, 'login-username', username);
	await fill(page, 'login-password', password);
	await page.getByTestId('login-submit').click();
	await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15000 });
}

/**
 * Types into the element carrying data-testid when it is an input, else
 * into the first input inside it (el-input passes the attribute on to its
 * inner <input>; other components may keep it on a wrapper).
 */
export async function fill(page, testid, value) {
	const el = page.getByTestId(testid);
	const tag = await el.evaluate((n) => n.tagName);
	const input = tag === 'INPUT' || tag === 'TEXTAREA' ? el : el.locator('input, textarea').first();
	await input.fill(String(value));
}

/** Writes a full-page screenshot to web/test-results/screens/<name>.png; returns the path. */
export async function shot(page, name) {
	mkdirSync(SCREENS, { recursive: true });
	const file = path.join(SCREENS, `${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

/**
 * Confirms the open confirmation box (useConfirm, ElMessageBox): its last
 * button is the action. With `name`, screenshots the box first.
 */
export async function confirmBox(page, name) {
	const box = page.locator('.el-message-box');
	await box.waitFor();
	if (name) await shot(page, name);
	await box.locator('.el-message-box__btns .el-button').last().click();
	await box.waitFor({ state: 'hidden' });
}

/** Dismisses the open confirmation box with its first button (cancel). */
export async function dismissBox(page) {
	const box = page.locator('.el-message-box');
	await box.waitFor();
	await box.locator('.el-message-box__btns .el-button').first().click();
	await box.waitFor({ state: 'hidden' });
}

/** Fails with every recorded console error and page error of the page. */
export function assertNoConsoleErrors(page) {
	assert.deepEqual(page.consoleErrors, [], `console errors on ${page.url()}:\n${page.consoleErrors.join('\n')}`);
}

/**
 * Polls `fn` (async, in Node) until it returns a truthy value, and returns
 * that value; throws `message` (with the last value) after `timeout` ms.
 * Use it instead of page.waitForFunction, which the server's
 * Content-Security-Policy (no 'unsafe-eval') refuses to run.
 */
export async function until(fn, { timeout = 10000, interval = 100, message = 'condition not met' } = {}) {
	const end = Date.now() + timeout;
	let last;
	for (;;) {
		last = await fn();
		if (last) return last;
		if (Date.now() > end) throw new Error(`${message} within ${timeout} ms (last: ${JSON.stringify(last)})`);
		await sleep(interval);
	}
}

/**
 * Every page the navigation offers the logged-in user, read on /account:
 * [{area}] for an area with one page, [{area, item}] for each page of an
 * area shown as a sub-menu.
 */
export async function navPages(page, url) {
	await page.goto(url + '/account');
	await page.locator('[data-testid^="nav-"]').first().waitFor();
	const ids = await page.locator('.menu > [data-testid^="nav-"]').evaluateAll((els) =>
		els.map((e) => ({ area: e.getAttribute('data-testid').slice(4), sub: e.classList.contains('el-sub-menu') })),
	);
	const out = [];
	for (const { area, sub } of ids) {
		if (!sub) {
			out.push({ area });
			continue;
		}
		const items = await page.locator(`[data-testid^="nav-${area}-"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
		for (const id of items) out.push({ area, item: id.slice(`nav-${area}-`.length) });
	}
	return out;
}

/**
 * Opens a page through the navigation, as a user would: from the sidebar of
 * the page already open (from /account when it has none), the sub-menu first
 * for an item. Done when the entry is the active one.
 */
export async function openNav(page, url, area, item) {
	const top = page.getByTestId(`nav-${area}`).first();
	if (!page.url().startsWith(url) || !(await top.isVisible())) {
		await page.goto(url + '/account');
		await top.waitFor();
	}
	const entry = item ? page.getByTestId(`nav-${area}-${item}`) : top;
	// Active, or gone with the page changed: a page with a layout of its own
	// (the POS) has no sidebar.
	const from = page.url();
	const active = async () =>
		(await entry.isVisible())
			? /\bis-active\b/.test((await entry.getAttribute('class')) ?? '')
			: page.url() !== from;
	// The sub-menu opens with an animation: a click that lands while it is
	// still moving can miss, so the entry is tried again until it is active.
	// A slow page (its code still loading) may arrive after a try gave up:
	// it counts before the next click.
	for (let attempt = 1; ; attempt++) {
		if (attempt > 1 && (await active())) return;
		if (item && !(await entry.isVisible())) await top.locator('.el-sub-menu__title').click();
		await entry.waitFor({ state: 'visible' });
		await entry.click();
		try {
			await until(active, { timeout: 15000, message: `nav-${area}${item ? `-${item}` : ''} did not become the active page` });
			return;
		} catch (e) {
			if (attempt === 3) throw e;
		}
	}
}
