// The smallest browser check: the built UI is served, a store manager of the
// demo signs in and sees the dashboard in the navigation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, newPage, login, assertNoConsoleErrors, DEMO_PASSWORD } from './lib/harness.mjs';

const srv = useApp({ demo: 'small' }); // the server, and srv.browser

test('manager01 signs in and sees the dashboard in the navigation', async () => {
	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	const nav = page.getByTestId('nav-dashboard');
	await nav.waitFor();
	assert.ok(await nav.isVisible());
	assertNoConsoleErrors(page);
	await page.context().close();
});
