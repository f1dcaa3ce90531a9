// The dashboard against the small demo: today's figures include a sale made
// a moment ago, they are compared with last week at the same time of day,
// the live ticker shows it as it happens, and the screen has
// no console errors in either language (screenshots in test-results/screens).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { useApp, newPage, login, shot, until, assertNoConsoleErrors, DEMO_PASSWORD } from './lib/harness.mjs';

const srv = useApp({ demo: 'small' }); // the server, and srv.browser

/** Sells one unit of product 62 in store 1 as sales01, paid in cash; returns the sale. */
/** Rings one sale of product 62 in the store (1, 2 or 3) as its first salesperson. */
async function sell(store = 1) {
	const token = await srv.login(`sales0${store}`, DEMO_PASSWORD);
	const r = await srv.api('POST', '/api/v1/sales', {
		token,
		headers: { 'idempotency-key': randomUUID() },
		body: { store_id: store, lines: [{ product_id: 62, quantity: 1 }], payments: [{ method: 'cash', amount: 100000 }] },
	});
	assert.equal(r.status, 201, r.text);
	return r.body;
}

/** Scrolls the frame's content to its end (the frame scrolls inside el-main, not the page). */
async function scrollMain(page) {
	await page.locator('.el-main').evaluate((el) => el.scrollTo(0, el.scrollHeight));
	await page.waitForTimeout(300); // let the charts that came into view draw, for the screenshot only
}

async function revenueShown(page) {
	const kpi = page.getByTestId('kpi-revenue-today');
	await kpi.waitFor();
	return { fen: Number(await kpi.getAttribute('data-value')), text: (await kpi.textContent()).trim() };
}

test('a store manager sees today’s revenue, and a new sale arrives live and is added', async () => {
	const manager = await srv.login('manager01', DEMO_PASSWORD);
	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	await page.goto(srv.url + '/dashboard');
	const before = await revenueShown(page);
	const api = await srv.api('GET', '/api/v1/dashboard?store_id=1', { token: manager });
	assert.equal(api.status, 200);
	assert.equal(before.fen, api.body.today.revenue, 'the card shows the server’s revenue for today');
	assert.equal(before.text.replace(/[^\d.-]/g, ''), (before.fen / 100).toFixed(2), `the card shows the amount: ${before.text}`);
	await page.getByTestId('live-state').filter({ hasText: 'Live' }).waitFor();

	const sale = await sell();
	// The ticker shows the sale by its receipt number as soon as the feed sends it.
	const line = page.locator(`[data-testid=live-ticker] li[data-number="${sale.number}"]`);
	await line.waitFor({ timeout: 10000 });
	assert.match(await line.textContent(), /¥27\.90/);
	// The figures reload after the sale and include it.
	await until(async () => (await revenueShown(page)).fen === before.fen + sale.total, {
		message: 'kpi-revenue-today did not include the new sale',
	});
	const after = await revenueShown(page);
	assert.equal(after.fen, before.fen + sale.total);
	// A sale that takes stock below the store's minimum raises a low-stock
	// alert; it comes on the feed and the open alerts list shows it.
	const rule = await srv.api('PUT', '/api/v1/stores/1/reorder-rules/62', { token: manager, body: { min: 100000, max: 200000 } });
	assert.ok(rule.status === 200 || rule.status === 201, rule.text);
	const product = await srv.api('GET', '/api/v1/products/62', { token: manager });
	await sell();
	const alert = page.locator('[data-testid=open-alerts] li', { hasText: product.body.name });
	await alert.waitFor({ timeout: 10000 });
	assert.match(await alert.textContent(), /Low stock/);
	await page.waitForTimeout(1200); // the charts' animation after the reload, for the screenshot only
	await shot(page, 'dashboard-manager-en');
	await scrollMain(page);
	await shot(page, 'dashboard-manager-en-lower');
	assertNoConsoleErrors(page);
	await page.context().close();
});

for (const locale of ['zh-CN', 'en']) {
	test(`head office sees every store (${locale})`, async () => {
		const page = await newPage(srv.browser, { locale });
		await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
		await page.goto(srv.url + '/dashboard');
		await page.getByTestId('kpi-revenue-today').waitFor();
		// Like for like: the change is against last week up to this time of
		// day; last week's whole day is the second line.
		const hq = await srv.login('headoffice', DEMO_PASSWORD);
		const fen = (text) => Math.round(Number(text.split(/[:：]/).pop().replace(/[^\d.-]/g, '')) * 100);
		const compare = page.getByTestId('kpi-revenue-today-compare');
		const whole = page.getByTestId('kpi-revenue-today-whole-day');
		assert.match(await compare.textContent(), locale === 'en' ? /^vs last \w+day at this time: ¥/ : /^对比上周.同时段：¥/);
		await until(async () => {
			const d = await srv.api('GET', '/api/v1/dashboard', { token: hq });
			return fen(await compare.textContent()) === d.body.same_time_last_week.revenue &&
				fen(await whole.textContent()) === d.body.same_day_last_week.revenue;
		}, { message: 'the cards show last week at this time and its whole day' });
		await page.locator('canvas').first().waitFor();
		await page.waitForTimeout(1200); // the charts' entry animation, for the screenshot only
		await shot(page, `dashboard-${locale}`);
		await scrollMain(page);
		await shot(page, `dashboard-${locale}-lower`);
		assertNoConsoleErrors(page);
		await page.context().close();
	});
}

for (const locale of ['zh-CN', 'en']) {
	test(`a store with no sales yet says so (${locale})`, async () => {
		const admin = await srv.login('admin', srv.adminPassword);
		const code = `E${Date.now().toString(36).slice(-5).toUpperCase()}`;
		const store = await srv.api('POST', '/api/v1/stores', { token: admin, body: { code, name: `New store ${code}`, channel: 'direct' } });
		assert.equal(store.status, 201, store.text);
		const username = `mgr_${code.toLowerCase()}`;
		const user = await srv.api('POST', '/api/v1/users', {
			token: admin,
			body: { username, password: DEMO_PASSWORD, display_name: 'New manager', role: 'store_manager', store_ids: [store.body.id] },
		});
		assert.equal(user.status, 201, user.text);

		const page = await newPage(srv.browser, { locale });
		await login(page, srv.url, username, DEMO_PASSWORD);
		const kpi = page.getByTestId('kpi-revenue-today');
		await kpi.waitFor();
		assert.equal(await kpi.getAttribute('data-value'), '0');
		await page.getByTestId('no-sales-today').waitFor();
		assert.equal(await page.getByTestId('top-products').count(), 0, 'no table of top products, an empty state instead');
		await page.waitForTimeout(300); // the skeletons' fade, for the screenshot only
		await shot(page, `dashboard-empty-${locale}`);
		await scrollMain(page);
		await shot(page, `dashboard-empty-${locale}-lower`);
		assertNoConsoleErrors(page);
		await page.context().close();
	});
}

test('head office picks one store in the header and the figures follow', async () => {
	// Just after midnight in the company's time zone the demo may have sold in
	// one store only today: a sale in store 2 makes the figures differ.
	await sell(2);
	const hq = await srv.login('headoffice', DEMO_PASSWORD);
	const one = await srv.api('GET', '/api/v1/dashboard?store_id=1', { token: hq });
	const all = await srv.api('GET', '/api/v1/dashboard', { token: hq });
	const store = await srv.api('GET', '/api/v1/stores/1', { token: hq });
	assert.equal(one.status, 200);
	assert.notEqual(one.body.today.revenue, all.body.today.revenue, 'the demo sells in more than one store today');

	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
	await until(async () => Number((await revenueShown(page)).fen) === all.body.today.revenue, { message: 'all stores’ revenue' });
	await page.getByText('Revenue by store').waitFor();

	await page.getByTestId('store-switch').click();
	await page.locator('.el-select-dropdown__item', { hasText: store.body.name }).click();
	await until(async () => (await revenueShown(page)).fen === one.body.today.revenue, { message: 'the chosen store’s revenue' });
	assert.equal(await page.getByText('Revenue by store').count(), 0, 'one store: no chart of stores');
	assertNoConsoleErrors(page);
	await page.context().close();
});
