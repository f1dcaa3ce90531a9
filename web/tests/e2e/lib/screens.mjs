// The screens walk: every screen a role can reach from the navigation, with
// no console errors or warnings, no untranslated message keys on screen, and
// a screenshot of each (test-results/screens/screen-<user>-<area>[-<item>]-<lang>.png).
// A store manager's pages are also checked for other stores' data: no list
// answer the page loads holds another store's rows, no store choice offers
// another store. Each visit is its own test file (screens-<user>-<lang>),
// so the visits run side by side, each with its own server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { useApp, newPage, login, shot, assertNoConsoleErrors, navPages, openNav, DEMO_PASSWORD, WEB } from './harness.mjs';

// A message key left on screen looks like "<file>.<key>" for one of the locale files.
const FILES = readdirSync(path.join(WEB, 'src/locales/en')).map((f) => f.replace(/\.json$/, ''));
const RAW_KEY = new RegExp(`\\b(${FILES.join('|')})\\.[a-zA-Z_]+`);


/** Store ids a row refers to: its store, or both ends of a transfer. */
function rowStores(row) {
	return ['store_id', 'from_store_id', 'to_store_id', 'home_store_id'].filter((k) => typeof row?.[k] === 'number').map((k) => [k, row[k]]);
}

/** Waits until no Element Plus loading mask is showing (data arrived). */
async function settled(page) {
	await page.waitForLoadState('load');
	await page.locator('.el-loading-mask:visible').first().waitFor({ state: 'detached', timeout: 10000 }).catch(() => {});
	// Transitions end for the screenshot; charts animate longer.
	await page.waitForTimeout((await page.locator('canvas').count()) > 0 ? 400 : 150);
}

/**
 * Registers the test file's server and one test: `user` visits every screen
 * of their navigation in `locale`; `scoped` adds the other-stores checks.
 */
export function visitScreens(user, locale, { scoped = false } = {}) {
	const srv = useApp({ demo: 'small' }); // the server, and srv.browser
	test(`${user} (${locale}): every screen in the navigation${scoped ? ', and only their own stores' : ''}`, async () => {
		const page = await newPage(srv.browser, { locale });
		const password = user === 'admin' ? srv.adminPassword : DEMO_PASSWORD;
		await login(page, srv.url, user, password);

		// For a store-bound user: their stores, and every list row the pages load.
		let own = null;
		let others = [];
		const leaks = [];
		if (scoped) {
			const me = await (await page.request.get(srv.url + '/api/v1/me')).json();
			own = new Set(me.store_ids);
			const token = await srv.login('admin', srv.adminPassword);
			const all = (await srv.api('GET', '/api/v1/stores?limit=500', { token })).body.items;
			others = all.filter((s) => !own.has(s.id));
			assert.ok(own.size > 0 && others.length > 0, 'the demo has stores the manager does not run');
			page.on('response', async (r) => {
				if (!r.url().includes('/api/v1/') || !r.ok() || !(r.headers()['content-type'] ?? '').includes('json')) return;
				let body;
				try {
					body = await r.json();
				} catch {
					return;
				}
				for (const row of Array.isArray(body?.items) ? body.items : [body]) {
					const refs = rowStores(row);
					const transfer = refs.some(([k]) => k === 'from_store_id');
					const mine = transfer ? refs.some(([, id]) => own.has(id)) : refs.every(([k, id]) => k === 'home_store_id' || own.has(id));
					if (!mine) leaks.push(`${r.url()}: ${JSON.stringify(row).slice(0, 160)}`);
				}
			});
		}

		for (const { area, item } of await navPages(page, srv.url)) {
			await openNav(page, srv.url, area, item);
			await settled(page);
			const text = await page.locator('body').innerText();
			assert.doesNotMatch(text, RAW_KEY, `a message key on screen at ${page.url()}`);
			if (scoped) {
				// Store choices on the page (filters, forms) offer only the user's
				// stores; those on a tab not shown cannot be opened.
				const selects = page.locator('[data-testid$="-filter-store_id"]:visible, [data-testid="store-switch"]:visible');
				for (let i = 0; i < (await selects.count()); i++) {
					await selects.nth(i).click();
					const offered = await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').allInnerTexts();
					for (const s of others) assert.ok(!offered.includes(s.name), `${page.url()} offers ${s.name}`);
					await page.keyboard.press('Escape');
				}
			}
			await shot(page, `screen-${user}-${item ? `${area}-${item}` : area}-${locale}`);
		}
		assert.deepEqual(leaks, [], 'another store\'s rows reached the manager\'s pages');
		assertNoConsoleErrors(page);
		await page.context().close();
	});
}
