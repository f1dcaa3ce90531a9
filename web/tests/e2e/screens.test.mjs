// Every screen each role can reach from the navigation, in both languages:
// no console errors or warnings, no untranslated message keys on screen, and
// a screenshot of each (test-results/screens/screen-<user>-<area>-<lang>.png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { useApp, newPage, login, shot, assertNoConsoleErrors, navPages, openNav, DEMO_PASSWORD, WEB } from './lib/harness.mjs';

// A message key left on screen looks like "<file>.<key>" for one of the locale files.
const FILES = readdirSync(path.join(WEB, 'src/locales/en')).map((f) => f.replace(/\.json$/, ''));
const RAW_KEY = new RegExp(`\\b(${FILES.join('|')})\\.[a-zA-Z_]+`);

const srv = useApp({ demo: 'small' }); // the server, and srv.browser

const USERS = ['headoffice', 'manager01', 'sales01', 'service', 'admin'];

for (const username of USERS) {
	for (const locale of ['zh-CN', 'en']) {
		test(`${username} (${locale}): every screen in the navigation`, async () => {
			const page = await newPage(srv.browser, { locale });
			await login(page, srv.url, username, username === 'admin' ? srv.adminPassword : DEMO_PASSWORD);
			for (const { area, item } of await navPages(page, srv.url)) {
				await openNav(page, srv.url, area, item);
				await page.waitForLoadState('load');
				await page.waitForTimeout(1500); // data and charts settle, for the screenshot only
				const text = await page.locator('body').innerText();
				assert.doesNotMatch(text, RAW_KEY, `a message key on screen at ${page.url()}`);
				await shot(page, `screen-${username}-${item ? `${area}-${item}` : area}-${locale}`);
			}
			assertNoConsoleErrors(page);
			await page.context().close();
		});
	}
}
