// The smallest browser check: the built UI is served, a store manager of the
// demo signs in and sees the dashboard in the navigation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, login, assertNoConsoleErrors, DEMO_PASSWORD } from './lib/harness.mjs';

let srv;
let browser;
before(async () => {
	srv = await startServer({ demo: 'small' });
	browser = await launch();
});
after(async () => {
	await browser?.close();
	await srv?.stop();
});

test('manager01 signs in and sees the dashboard in the navigation', async () => {
	const page = await newPage(browser, { locale: 'en' });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	const nav = page.getByTestId('nav-dashboard');
	await nav.waitFor();
	assert.ok(await nav.isVisible());
	assertNoConsoleErrors(page);
	await page.context().close();
});
