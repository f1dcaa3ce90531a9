// The forecast screen against the small demo: the empty state says what to
// pick; head office picks a product in all stores, sees the chart, the
// model in words and the forecast table, switches to weeks and refreshes;
// a store manager sees their store's category forecast. Screenshots in
// zh-CN and en; no console errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, newPage, login, shot, until, assertNoConsoleErrors, DEMO_PASSWORD } from './lib/harness.mjs';

const srv = useApp({ demo: 'small' });

const rows = (page) => page.locator('[data-testid=analytics-forecast-table] .el-table__body tr');

for (const locale of ['zh-CN', 'en']) {
	test(`head office forecasts a product in all stores, by day and by week, and refreshes it (${locale})`, async () => {
		const page = await newPage(srv.browser, { locale });
		await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
		await page.goto(`${srv.url}/analytics/forecast`);
		await page.getByTestId('analytics-forecast-empty').waitFor();
		await shot(page, `forecast-empty-${locale}`);
		// the best seller of the demo, found by its SKU in the product picker
		const token = await srv.login('headoffice', DEMO_PASSWORD);
		const top = (await srv.api('GET', '/api/v1/products?limit=1', { token })).body.items[0];
		await page.getByTestId('analytics-forecast-product').locator('input').fill(top.sku);
		await page.locator('.el-select-dropdown__item:visible', { hasText: top.name }).first().click();
		await page.getByTestId('analytics-forecast-model').waitFor();
		await until(async () => (await rows(page).count()) === 28, { message: '28 daily forecast rows' });
		const api = await srv.api('GET', `/api/v1/forecasts?product_id=${top.id}&grain=day`, { token });
		assert.equal(api.status, 200);
		assert.equal((await page.getByTestId('analytics-forecast-model').locator('.el-tag').textContent()).trim(), api.body.model);
		assert.equal((await rows(page).first().locator('td').first().textContent()).trim(), api.body.forecast[0].period);
		await page.getByTestId('analytics-forecast-chart').waitFor();
		await page.waitForTimeout(800); // the chart's animation, for the screenshot only
		await shot(page, `forecast-product-day-${locale}`);
		await page.getByTestId('analytics-forecast-grain').getByText(locale === 'en' ? 'Week' : '按周').click();
		await until(async () => (await rows(page).count()) === 13, { message: '13 weekly forecast rows' });
		const answer = page.waitForResponse((r) => r.url().includes('/api/v1/forecasts/refresh') && r.status() === 200);
		await page.getByTestId('analytics-forecast-refresh').click();
		await answer;
		await page.locator('.el-message--success').waitFor();
		await page.waitForTimeout(800);
		await shot(page, `forecast-product-week-${locale}`);
		assertNoConsoleErrors(page);
		await page.context().close();
	});
}

test('a store manager forecasts a category of their store', async () => {
	const page = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	await page.goto(`${srv.url}/analytics/forecast`);
	await page.getByTestId('analytics-forecast-empty').waitFor();
	await page.getByTestId('analytics-forecast-kind').getByText('品类').click();
	await page.getByTestId('analytics-forecast-category').click();
	await page.locator('.el-select-dropdown__item:visible').first().click();
	await until(async () => (await rows(page).count()) === 28, { message: '28 daily forecast rows' });
	const text = await page.getByTestId('analytics-forecast-model').textContent();
	assert.match(text, /销售额/);
	await page.waitForTimeout(800);
	await shot(page, 'forecast-manager-category-zh-CN');
	assertNoConsoleErrors(page);
	await page.context().close();
});
