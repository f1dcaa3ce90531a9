// The analytics screens on the small demo: customer segments (RFM table,
// clusters with their scatter, another k chosen) and the market basket (rules,
// then thresholds no rule reaches and the way back) in zh-CN and English at
// 1366×768; the product page's "bought together" card and its links; a POS
// sale on a 1024×768 tablet where a suggestion appears after a scan and one
// tap adds it. Screenshots in test-results/screens/analytics-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, newPage, login, openNav, fill, shot, assertNoConsoleErrors, until, DEMO_PASSWORD } from './lib/harness.mjs';

const STORE = 1; // manager01's store
let token;
const srv = useApp({ demo: 'small' }, async (app) => {
	token = await app.login('manager01', DEMO_PASSWORD);
});

const get = async (p) => {
	const r = await srv.api('GET', p, { token });
	assert.equal(r.status, 200, `${p}: ${r.text}`);
	return r.body;
};

/** No i18n key left raw on the page. */
async function noRawKeys(page) {
	const text = await page.locator('main, .page').first().innerText();
	assert.doesNotMatch(text, /\banalytics\.[a-z]+\.[a-zA-Z_.]+/, 'a raw message key on the page');
}

/** Picks the option with `text` in the el-select with test id `testid`. */
async function choose(page, testid, text) {
	await page.getByTestId(testid).click();
	await page.locator('.el-select-dropdown__item:visible').filter({ hasText: text }).first().click();
}

for (const [locale, user] of [['zh-CN', 'headoffice'], ['en', 'manager01']]) {
	test(`segments and clusters (${locale}, ${user})`, async () => {
		const page = await newPage(srv.browser, { locale });
		await login(page, srv.url, user, DEMO_PASSWORD);
		await openNav(page, srv.url, 'analytics', 'segments');
		await page.locator('[data-testid=analytics-segments-table] .el-table__body tr').nth(7).waitFor();
		await page.locator('[data-testid=analytics-segments-chart] canvas').waitFor();
		await page.locator('[data-testid=analytics-clusters-scatter] canvas').waitFor();
		// Head office sees every store and may pick one; a one-store manager is not offered a choice.
		assert.equal(await page.getByTestId('analytics-segments-store').count(), user === 'headoffice' ? 1 : 0);
		const rfm = await srv.api('GET', '/api/v1/segments/rfm', { token: await srv.login(user, DEMO_PASSWORD) });
		const champions = rfm.body.items.find((s) => s.code === 'champions');
		const row = page.locator('[data-testid=analytics-segments-table] .el-table__body tr').first();
		assert.match(await row.innerText(), new RegExp(`\\b${champions.customers}\\b`));
		// The segment's rule on hover.
		await page.getByTestId('analytics-segments-row-champions').hover();
		await page.locator('.el-popper:visible', { hasText: champions.rule }).waitFor();
		await page.waitForTimeout(400); // the charts' entry animation
		await noRawKeys(page);
		await shot(page, `analytics-segments-${locale}`);

		// Another k: the table follows.
		const asked = page.waitForResponse((r) => /\/api\/v1\/segments\/clusters\?.*k=3/.test(r.url()) && r.status() === 200);
		await choose(page, 'analytics-clusters-k', '3');
		await asked;
		await until(async () => (await page.locator('[data-testid=analytics-clusters-table] .el-table__body tr').count()) === 3, { message: 'three clusters' });
		await page.getByTestId('analytics-clusters-axes').locator('label').nth(1).click();
		await page.getByTestId('analytics-clusters-table').scrollIntoViewIfNeeded();
		await page.waitForTimeout(400); // the scatter's entry animation
		await shot(page, `analytics-clusters-${locale}`);
		if (locale === 'en') {
			const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('analytics-segments-export-xlsx').click()]);
			assert.match(dl.suggestedFilename(), /\.xlsx$/);
		}
		assertNoConsoleErrors(page);
		await page.close();
	});

	test(`market basket rules and the empty state (${locale})`, async () => {
		const page = await newPage(srv.browser, { locale });
		await login(page, srv.url, user, DEMO_PASSWORD);
		await openNav(page, srv.url, 'analytics', 'basket');
		await page.locator('[data-testid=analytics-basket-table] .el-table__body tr').first().waitFor();
		await page.locator('[data-testid=analytics-basket-table] .el-tag').first().waitFor();
		await noRawKeys(page);
		await shot(page, `analytics-basket-${locale}`);
		// Sorted by lift on a click of its header.
		await page.locator('[data-testid=analytics-basket-table] th.is-sortable').last().click();

		// Thresholds nothing reaches: the empty state says what to change; its button loosens them.
		const none = page.waitForResponse((r) => /\/api\/v1\/basket\/rules\?.*min_support=0\.5\b/.test(r.url()) && r.status() === 200);
		await fill(page, 'analytics-basket-support', '50');
		await page.getByTestId('analytics-basket-support').locator('input').press('Enter');
		await none;
		await page.getByTestId('analytics-basket-empty').waitFor();
		await page.getByTestId('analytics-basket-loosen').waitFor();
		await page.getByTestId('analytics-basket-by-category').waitFor();
		await shot(page, `analytics-basket-empty-${locale}`);
		await page.getByTestId('analytics-basket-reset').click();
		await page.locator('[data-testid=analytics-basket-table] .el-table__body tr').first().waitFor();
		assertNoConsoleErrors(page);
		await page.close();
	});
}

/** A product of the store with a barcode whose best bought-together product is on sale. */
async function productWithPartners() {
	const list = await get('/api/v1/products?active=true&limit=100');
	for (const p of list.items) {
		if (!p.barcode) continue;
		const bt = await get(`/api/v1/products/${p.id}/bought-together?store_id=${STORE}&limit=10`);
		if (bt.items.length < 2) continue;
		const best = [...bt.items].sort((a, b) => b.confidence - a.confidence || b.lift - a.lift)[0];
		const other = await get(`/api/v1/products/${best.product_id}`);
		if (other.active) return { product: p, partners: bt.items };
	}
	throw new Error('no product with partners in the demo');
}

test('the product page lists what is bought with it, each a link', async () => {
	const { product, partners } = await productWithPartners();
	for (const locale of ['zh-CN', 'en']) {
		const page = await newPage(srv.browser, { locale });
		await login(page, srv.url, 'manager01', DEMO_PASSWORD);
		await page.goto(`${srv.url}/catalog/products/${product.id}`);
		const card = page.getByTestId('product-bought-together');
		await card.getByTestId(`product-bought-together-${partners[0].product_id}`).waitFor();
		await card.scrollIntoViewIfNeeded();
		await noRawKeys(page);
		await shot(page, `analytics-product-together-${locale}`);
		if (locale === 'en') {
			await card.getByTestId(`product-bought-together-${partners[0].product_id}`).click();
			await page.waitForURL(`**/catalog/products/${partners[0].product_id}`);
			await page.locator('.title', { hasText: partners[0].name }).waitFor();
		}
		assertNoConsoleErrors(page);
		await page.close();
	}
});

test('at the POS a scanned product brings a suggestion; one tap adds it (tablet)', async () => {
	const { product } = await productWithPartners();
	const page = await newPage(srv.browser, { locale: 'zh-CN', viewport: { width: 1024, height: 768 } });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	await page.goto(srv.url + '/pos');
	await page.getByTestId('pos-pay').waitFor();
	const barcode = page.locator('input[data-testid="pos-barcode"]');
	await barcode.fill(product.barcode);
	await barcode.press('Enter');
	await until(async () => (await page.locator('[data-testid^="pos-line-"]').count()) === 1, { message: 'scanned line' });

	const strip = page.getByTestId('pos-suggestions');
	await strip.waitFor();
	const first = strip.locator('[data-testid^="pos-suggestion-"]').first();
	const id = Number((await first.getAttribute('data-testid')).slice('pos-suggestion-'.length));
	assert.notEqual(id, product.id, 'the scanned product is not suggested');
	assert.ok((await strip.locator('[data-testid^="pos-suggestion-"]').count()) <= 3);
	await shot(page, 'analytics-pos-suggestions-zh-CN-1024');
	await first.click();
	await until(async () => (await page.locator('[data-testid^="pos-line-"]').count()) === 2, { message: 'the suggestion added' });
	// What is in the cart is no longer suggested.
	await until(async () => (await page.getByTestId(`pos-suggestion-${id}`).count()) === 0, { message: 'the added product left the strip' });
	assertNoConsoleErrors(page);
	await page.close();
});
