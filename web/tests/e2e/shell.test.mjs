// The frame around every screen, in a real browser against the small demo:
// sign-in messages (wrong password, then the lockout), navigation per role,
// the language switch, and an expired session that goes through login back
// to where the user was. Screenshots of login and the frame in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, newPage, login, fill, shot, until, assertNoConsoleErrors, DEMO_PASSWORD } from './lib/harness.mjs';

let admin;
// The server, and srv.browser; then the file's own set-up.
const srv = useApp({ demo: 'small' }, async () => {
	admin = await srv.login('admin', srv.adminPassword);
});

/** Submits the login form as is (no wait for a navigation). */
async function submitLogin(page, username, password) {
	await fill(page, 'login-username', username);
	await fill(page, 'login-password', password);
	await page.getByTestId('login-submit').click();
}

/** Ends the page's session on the server, as an expiry would: POST /auth/logout with its cookie. */
async function endSession(page) {
	const cookies = await page.context().cookies(srv.url);
	assert.ok(cookies.length, 'the page holds a session cookie');
	const csrf = await page.evaluate(() => localStorage.getItem('tersa.csrf'));
	const r = await srv.api('POST', '/api/v1/auth/logout', {
		headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '), 'x-csrf-token': csrf ?? '' },
	});
	assert.ok(r.status === 204 || r.status === 200, `logout answered ${r.status} ${r.text}`);
}

for (const locale of ['zh-CN', 'en']) {
	test(`the login page (${locale})`, async () => {
		const page = await newPage(srv.browser, { locale });
		await page.goto(srv.url + '/login');
		await page.getByTestId('login-submit').waitFor();
		await shot(page, `login-${locale}`);
		assertNoConsoleErrors(page);
		await page.context().close();
	});
}

test('a wrong password says so; after ten failures the lockout says so', async () => {
	const username = `lock_${Date.now().toString(36)}`;
	const password = 'Throwaway-passw0rd-2026';
	const made = await srv.api('POST', '/api/v1/users', {
		token: admin,
		body: { username, password, display_name: 'Throwaway', role: 'sales', store_ids: [1] },
	});
	assert.equal(made.status, 201, made.text);

	const page = await newPage(srv.browser, { locale: 'en' });
	await page.goto(srv.url + '/login');
	await submitLogin(page, username, 'not-the-password');
	const error = page.getByTestId('login-error');
	await error.waitFor();
	assert.match(await error.textContent(), /Wrong username or password/);
	assert.ok(page.url().includes('/login'));
	await shot(page, 'login-wrong-en');

	// Nine more failures (ten in all) through the API; the next try is refused.
	for (let i = 0; i < 9; i++) {
		const r = await srv.api('POST', '/api/v1/auth/login', { body: { username, password: 'still-wrong' } });
		assert.ok(r.status === 401 || r.status === 429, `failure ${i + 2}: ${r.status}`);
	}
	// Even the right password is refused while the account is locked, and the page says why.
	await submitLogin(page, username, password);
	await until(async () => /locked/.test((await error.textContent()) ?? ''), { message: 'the lockout message' });
	assert.match(await error.textContent(), /locked for 15 minutes/);
	assert.ok(page.url().includes('/login'));
	await shot(page, 'login-locked-en');
	assertNoConsoleErrors(page);
	await page.context().close();
});

test('a cashier sees the POS but not the dashboard; a manager sees both', async () => {
	const cashier = await newPage(srv.browser, { locale: 'en' });
	await login(cashier, srv.url, 'sales01', DEMO_PASSWORD);
	assert.equal(new URL(cashier.url()).pathname, '/pos', 'a cashier lands on the POS');
	await cashier.goto(srv.url + '/account'); // the POS has no frame: the navigation is around the other screens
	await cashier.getByTestId('nav-pos').waitFor();
	assert.equal(await cashier.getByTestId('nav-dashboard').count(), 0);
	// Typing the address does not open it either.
	await cashier.goto(srv.url + '/dashboard');
	await until(async () => new URL(cashier.url()).pathname !== '/dashboard', { message: 'the cashier was kept off the dashboard' });
	assert.equal(await cashier.getByTestId('kpi-revenue-today').count(), 0);
	assertNoConsoleErrors(cashier);
	await cashier.context().close();

	const manager = await newPage(srv.browser, { locale: 'en' });
	await login(manager, srv.url, 'manager01', DEMO_PASSWORD);
	assert.equal(new URL(manager.url()).pathname, '/dashboard', 'a manager lands on the dashboard');
	await manager.getByTestId('nav-dashboard').waitFor();
	await manager.getByTestId('nav-pos').waitFor();
	assertNoConsoleErrors(manager);
	await manager.context().close();
});

test('the language switch changes the visible text, and it is kept', async () => {
	const page = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
	const nav = page.getByTestId('nav-dashboard');
	await nav.waitFor();
	assert.match(await nav.textContent(), /看板|概览/);
	await page.getByTestId('kpi-revenue-today').waitFor();
	await page.locator('canvas').first().waitFor();
	await page.waitForTimeout(1200); // the charts' entry animation, for the screenshot only
	await shot(page, 'frame-zh-CN');
	await page.getByTestId('language-switch').click();
	await page.getByTestId('language-en').click();
	await until(async () => /Dashboard/.test(await nav.textContent()), { message: 'the navigation in English' });
	await until(async () => /Revenue today/.test(await page.locator('.dashboard').textContent()), { message: 'the dashboard in English' });
	await page.waitForTimeout(1200); // the charts redraw with English labels, for the screenshot only
	await shot(page, 'frame-en');
	await page.reload();
	await nav.waitFor();
	assert.match(await nav.textContent(), /Dashboard/);
	assertNoConsoleErrors(page);
	await page.context().close();
});

test('an expired session goes to login and then back to where the user was', async () => {
	// The requests that meet the ended session answer 401, which Chromium
	// logs by itself; that 401 is what this test makes happen.
	const page = await newPage(srv.browser, { locale: 'en', tolerate: [/status of 401 \(Unauthorized\)/] });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	await page.getByTestId('kpi-revenue-today').waitFor();
	await page.goto(srv.url + '/account');
	await page.getByTestId('password-form').waitFor();

	await endSession(page);
	await page.reload();
	await page.waitForURL((u) => u.pathname === '/login');
	assert.equal(new URL(page.url()).searchParams.get('next'), '/account');
	await submitLogin(page, 'manager01', DEMO_PASSWORD);
	await page.waitForURL((u) => u.pathname === '/account');
	await page.getByTestId('password-form').waitFor();

	// On the dashboard, the next request after the end (a refresh) leads to
	// login with the notice, and back to the dashboard.
	await page.getByTestId('nav-dashboard').click();
	await page.getByTestId('kpi-revenue-today').waitFor();
	await endSession(page);
	await page.getByRole('button', { name: 'Refresh' }).click();
	await page.getByTestId('login-expired').waitFor();
	assert.equal(new URL(page.url()).searchParams.get('next'), '/dashboard');
	await shot(page, 'login-expired-en');
	await submitLogin(page, 'manager01', DEMO_PASSWORD);
	await page.waitForURL((u) => u.pathname === '/dashboard');
	await page.getByTestId('kpi-revenue-today').waitFor();
	assertNoConsoleErrors(page);
	await page.context().close();
});
