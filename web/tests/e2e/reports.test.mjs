// Reports against the small demo: head office runs the sales report by
// category compared with last year, downloads it as XLSX and finds the
// API's figures in it; the cohort heat map draws; a closed shift's Z-report
// shows the cash difference; the journal checks out. Every report screen is
// screenshotted in both languages (test-results/screens/reports-*.png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useApp, newPage, login, openNav, shot, assertNoConsoleErrors, DEMO_PASSWORD } from './lib/harness.mjs';
import { readXlsx } from '../../../tests/api/lib/xlsx.mjs';

// Closes store 1's open shift with the cash ¥5.00 short, so it has a Z-report.
const srv = useApp({ demo: 'small' }, async (app) => {
	const token = await app.login('manager01', DEMO_PASSWORD);
	const open = await app.api('GET', '/api/v1/shifts?store_id=1&status=open&register=1&limit=1', { token });
	assert.equal(open.status, 200, open.text);
	let id = open.body.items[0]?.id;
	if (!id) {
		const made = await app.api('POST', '/api/v1/shifts', { token, body: { store_id: 1, register: '1', opening_cash: 50000 } });
		assert.equal(made.status, 201, made.text);
		id = made.body.id;
	}
	const shift = await app.api('GET', `/api/v1/shifts/${id}`, { token });
	const closed = await app.api('POST', `/api/v1/shifts/${id}/close`, { token, body: { counted: { cash: shift.body.totals.cash.expected - 500 } } });
	assert.equal(closed.status, 200, closed.text);
	app.closedShift = id;
});

/** Picks the option with `text` (null: the first option) in the el-select with test id `testid`. */
async function choose(page, testid, text) {
	await page.getByTestId(testid).click();
	const options = page.locator('.el-select-dropdown__item:visible');
	await (text === null ? options : options.filter({ hasText: text })).first().click();
}

const TEXT = {
	en: { category: 'Category', lastYear: 'Last year' },
	'zh-CN': { category: '品类', lastYear: '去年同期' },
};

test('sales by category against last year: the XLSX download holds the API’s figures', async () => {
	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
	await openNav(page, srv.url, 'reports', 'sales');
	await page.getByTestId('reports-sales-table').waitFor();

	const asked = page.waitForResponse((r) => /\/api\/v1\/reports\/sales\?.*group_by=category.*compare=last_year/.test(r.url()) && r.status() === 200);
	await choose(page, 'reports-sales-group', TEXT.en.category);
	await choose(page, 'reports-sales-compare', TEXT.en.lastYear);
	const shown = await (await asked).json();
	const query = new URL((await asked).url()).search.slice(1);
	assert.ok(shown.items.length > 1, 'the demo sells in several categories');
	// The table shows the report: its header names the grouping, the total row the revenue.
	await page.locator('[data-testid=reports-sales-table] th', { hasText: 'Last year' }).first().waitFor();
	const footer = await page.locator('[data-testid=reports-sales-table] .el-table__footer').textContent();
	assert.match(footer, new RegExp((shown.totals.revenue / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',').replace('.', '\\.')), 'the total row shows the revenue');
	await page.locator('[data-testid=reports-sales-chart] canvas').waitFor();

	const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('reports-sales-export-xlsx').click()]);
	assert.match(dl.suggestedFilename(), /\.xlsx$/);
	const sheet = readXlsx(readFileSync(await dl.path()));

	// The same query straight from the API, as head office.
	const token = await srv.login('headoffice', DEMO_PASSWORD);
	const api = await srv.api('GET', `/api/v1/reports/sales?${query}`, { token });
	assert.equal(api.status, 200, api.text);
	assert.equal(api.body.compare, 'last_year');
	const [head, ...rows] = sheet.rows.filter(Boolean);
	const col = (name) => {
		const i = head.indexOf(name);
		assert.ok(i >= 0, `the sheet has a ${name} column: ${head.join(',')}`);
		return i;
	};
	assert.equal(rows.length, api.body.items.length, 'one line per item');
	for (const [i, item] of api.body.items.entries()) {
		const r = rows[i];
		assert.equal(r[col('label')], item.label);
		assert.equal(Number(r[col('revenue')]), item.revenue / 100, `revenue of ${item.label}`);
		assert.equal(Number(r[col('orders')]), item.orders, `orders of ${item.label}`);
		// Last year's figures, where the category sold then (the demo's sales are recent: mostly none).
		const cell = (name) => (r[col(name)] === '' || r[col(name)] === undefined ? null : Number(r[col(name)]));
		assert.equal(cell('previous.revenue'), item.previous ? item.previous.revenue / 100 : null, `last year's revenue of ${item.label}`);
		assert.equal(cell('change.revenue'), item.change ? item.change.revenue / 100 : null, `change of ${item.label}`);
	}
	assert.deepEqual(shown.items.map((x) => x.revenue), api.body.items.map((x) => x.revenue), 'the screen showed the same figures');
	assertNoConsoleErrors(page);
});

test('every report, in both languages: cohort heat map, Z-report, journal', async () => {
	for (const lang of ['zh-CN', 'en']) {
		const page = await newPage(srv.browser, { locale: lang });
		await login(page, srv.url, 'headoffice', DEMO_PASSWORD);

		await page.goto(srv.url + '/reports/sales');
		await page.getByTestId('reports-sales-table').waitFor();
		await choose(page, 'reports-sales-group', TEXT[lang].category);
		await choose(page, 'reports-sales-compare', TEXT[lang].lastYear);
		await page.locator('[data-testid=reports-sales-table] th', { hasText: TEXT[lang].lastYear }).first().waitFor();
		await page.waitForTimeout(400); // the chart's animation, for the screenshot only
		await shot(page, `reports-sales-category-${lang}`);

		await page.goto(srv.url + '/reports/inventory');
		for (const [tab, table] of [['value', 'reports-value-table'], ['turnover', 'reports-turnover-table'], ['slow', 'reports-slow-table'], ['abc', 'reports-abc-table']]) {
			await page.locator(`#tab-${tab}`).click();
			await page.locator(`[data-testid=${table}] .el-table__body tr`).first().waitFor();
			await page.locator(`[data-testid=${table}] .el-loading-mask`).waitFor({ state: 'hidden' });
			await shot(page, `reports-inventory-${tab}-${lang}`);
		}

		await page.goto(srv.url + '/reports/customers');
		const heat = page.locator('[data-testid=reports-cohorts-heatmap] canvas');
		await heat.waitFor();
		const box = await heat.boundingBox();
		assert.ok(box.width > 300 && box.height > 150, `the heat map has a size: ${JSON.stringify(box)}`);
		await page.getByTestId('reports-customers-chart').locator('canvas').waitFor();
		await page.waitForTimeout(400); // the charts' animation, for the screenshot only
		await shot(page, `reports-customers-${lang}`);
		await page.locator('.el-main').evaluate((el) => el.scrollTo(0, el.scrollHeight)); // the frame scrolls inside el-main
		await page.waitForTimeout(300); // the heat map's animation, for the screenshot only
		await shot(page, `reports-cohorts-${lang}`);

		await page.goto(srv.url + '/reports/shifts');
		await page.getByTestId(`reports-shift-open-${srv.closedShift}`).click();
		await page.waitForURL(`**/reports/shifts/${srv.closedShift}`);
		const diff = page.getByTestId('reports-shift-cash-difference');
		await diff.waitFor();
		assert.match(await diff.textContent(), /-\s?¥5\.00|¥-5\.00|−¥5\.00/, 'the cash was ¥5.00 short');
		await page.getByTestId('reports-shift-takings').waitFor();
		await shot(page, `reports-shift-z-${lang}`);

		await page.goto(srv.url + '/reports/journal');
		await choose(page, 'reports-journal-store', null); // the first store
		await page.getByTestId('reports-journal-verify').click();
		await page.getByTestId('reports-journal-ok').waitFor();
		await shot(page, `reports-journal-${lang}`);

		assertNoConsoleErrors(page);
		await page.context().close();
	}
});
