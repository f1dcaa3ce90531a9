// The catalog end to end on the small demo company: head office creates a
// promotion in the UI, tries it on a basket, and a store manager sees it
// applied at the POS with the server's total; product search and the
// barcode check as typed, a price change in the product's history; a
// category moved by dragging it onto another, and a move under its own
// sub-category refused. Screenshots of the forms, the history, the tree and
// the preview in zh-CN and English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, newPage, login, fill, shot, assertNoConsoleErrors, until, DEMO_PASSWORD } from './lib/harness.mjs';

const STORE = 1; // manager01's store
let hq;
const srv = useApp({ demo: 'small' }, async () => {
	hq = await srv.login('headoffice', DEMO_PASSWORD);
});
const api = async (method, p, body, token = hq) => {
	const r = await srv.api(method, p, { token, body });
	assert.ok(r.status < 300, `${method} ${p}: ${r.status} ${r.text}`);
	return r.body;
};
const tag = Date.now().toString(36).slice(-5).toUpperCase();
const fen = (s) => Math.round(Number(s.replace(/[^0-9.-]/g, '')) * 100);
const text = async (page, id) => (await page.getByTestId(id).textContent()).trim();
/** A visible option of an open select / tree-select dropdown. */
const option = (page, label) => page.locator('.el-select-dropdown__item:visible, .el-select-dropdown .el-tree-node__content:visible', { hasText: label }).first();

/** An EAN-13 with a right check digit that no product has. */
function freshBarcode() {
	const body = `29${String(Date.now()).slice(-10)}`;
	let sum = 0;
	for (let i = 11, w = 3; i >= 0; i--, w = 4 - w) sum += Number(body[i]) * w;
	return body + ((10 - (sum % 10)) % 10);
}

/** A product on sale with a barcode and stock in the store. */
async function stockedProduct() {
	const stock = await api('GET', `/api/v1/stock?store_id=${STORE}&limit=200`);
	for (const s of stock.items) {
		if (s.on_hand < 5) continue;
		const p = await api('GET', `/api/v1/products/${s.product_id}`);
		if (p.barcode && p.active && p.price >= 1000) return p;
	}
	throw new Error('no stocked product with a barcode');
}

test('head office creates a promotion; the POS applies it', async () => {
	const product = await stockedProduct();
	const store = await api('GET', `/api/v1/stores/${STORE}`);
	const name = `E2E ${tag} 八折`;
	const page = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
	await page.goto(srv.url + '/catalog/promotions');
	await page.getByTestId('catalog-promotion-table').waitFor();
	await shot(page, 'catalog-promotions-zh-CN');

	// The form: 20% off the product, in the manager's store, exclusive and first.
	await page.getByTestId('catalog-promotion-create').click();
	await page.getByTestId('catalog-promotion-dialog').waitFor();
	await fill(page, 'catalog-promotion-name', name);
	await fill(page, 'catalog-promotion-percent', '20');
	await page.keyboard.press('Tab');
	await page.getByTestId('catalog-promotion-products').click();
	await page.getByTestId('catalog-promotion-products').locator('input').fill(product.sku);
	await option(page, product.name).click();
	await page.keyboard.press('Escape');
	await page.getByTestId('catalog-promotion-stores').click();
	await option(page, store.name).click();
	await page.keyboard.press('Escape');
	await page.getByTestId('catalog-promotion-dialog').getByText('优先级').waitFor();
	await page.getByTestId('catalog-promotion-dialog').locator('.el-form-item', { hasText: '优先级' }).locator('input').fill('1000');
	await page.keyboard.press('Tab');
	await page.getByTestId('catalog-promotion-dialog').locator('.el-form-item', { hasText: '不与其他优惠同享' }).locator('.el-switch').click();
	await shot(page, 'catalog-promotion-form-percent-zh-CN');
	await page.getByTestId('catalog-promotion-save').click();
	await page.getByTestId('catalog-promotion-dialog').waitFor({ state: 'hidden' });
	const list = await api('GET', `/api/v1/promotions?q=${encodeURIComponent(name)}`);
	assert.equal(list.items.length, 1);
	const promo = list.items[0];
	assert.deepEqual(
		{ kind: promo.kind, params: promo.params, store_ids: promo.store_ids, product_ids: promo.product_ids, priority: promo.priority, exclusive: promo.exclusive },
		{ kind: 'percent_off', params: { percent: 2000 }, store_ids: [STORE], product_ids: [product.id], priority: 1000, exclusive: true },
	);

	// The preview of a basket of two.
	await page.getByTestId('catalog-promotion-preview').click();
	await page.getByTestId('catalog-preview').waitFor();
	await page.getByTestId('catalog-preview-store').click();
	await option(page, store.name).click();
	await page.getByTestId('catalog-preview-product').click();
	await page.getByTestId('catalog-preview-product').locator('input').fill(product.sku);
	await option(page, product.name).click();
	await fill(page, 'catalog-preview-qty-0', '2');
	await page.keyboard.press('Tab');
	const pv = await api('POST', '/api/v1/promotions/preview', { store_id: STORE, lines: [{ product_id: product.id, quantity: 2 }] });
	assert.ok(pv.promotions.some((p) => p.id === promo.id), 'the new promotion applies in the API preview');
	await until(async () => (await page.getByTestId('catalog-preview-total').count()) > 0 && fen(await text(page, 'catalog-preview-total')) === pv.total, { message: `preview total ${pv.total}` });
	await page.getByTestId('catalog-preview-applied').filter({ hasText: name }).waitFor();
	await shot(page, 'catalog-promotion-preview-zh-CN');
	assertNoConsoleErrors(page);

	// At the till of the store: the line carries the promotion, the total is the server's.
	const till = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(till, srv.url, 'manager01', DEMO_PASSWORD);
	await till.goto(srv.url + '/pos');
	await till.getByTestId('pos-pay').waitFor();
	await fill(till, 'pos-barcode', product.barcode);
	await till.locator('[data-testid="pos-barcode"] input, input[data-testid="pos-barcode"]').first().press('Enter');
	await till.getByTestId('pos-line-0').waitFor();
	const mgr = await srv.login('manager01', DEMO_PASSWORD);
	const sale = await api('POST', '/api/v1/sales/preview', { store_id: STORE, register: '1', lines: [{ product_id: product.id, quantity: 1 }] }, mgr);
	const d = sale.lines[0].discounts.find((x) => x.source === 'promotion' && x.source_id === promo.id);
	assert.ok(d, 'the sale preview carries the promotion');
	assert.equal(d.amount, Math.round(product.price * 0.2));
	await until(async () => fen(await text(till, 'pos-total')) === sale.total, { message: `pos-total ${sale.total}` });
	await till.getByTestId('pos-line-0').getByText(name).waitFor();
	await shot(till, 'catalog-promotion-at-pos-zh-CN');
	assertNoConsoleErrors(till);
});

test('product search, the barcode check as typed, and the price history', async () => {
	const taken = await stockedProduct();
	const page = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
	await page.goto(srv.url + '/catalog/products');
	await page.getByTestId('catalog-product-table').waitFor();
	await fill(page, 'catalog-product-filter-q', taken.barcode);
	await until(async () => (await page.locator('[data-testid="catalog-product-table"] .el-table__body tr').count()) === 1
		&& (await page.getByTestId('catalog-product-table').textContent()).includes(taken.name), { message: 'search by barcode' });
	await shot(page, 'catalog-products-zh-CN');

	await page.getByTestId('catalog-product-create').click();
	const dialog = page.getByTestId('catalog-product-dialog');
	await dialog.waitFor();
	const barcodeError = dialog.locator('.el-form-item', { has: page.getByTestId('catalog-product-barcode') }).locator('.el-form-item__error');
	await fill(page, 'catalog-product-barcode', taken.barcode.slice(0, -1) + ((Number(taken.barcode.at(-1)) + 1) % 10));
	await until(async () => (await barcodeError.count()) === 1 && (await barcodeError.textContent()).includes('校验位'), { message: 'bad check digit said' });
	await fill(page, 'catalog-product-barcode', taken.barcode);
	await until(async () => (await barcodeError.count()) === 1 && (await barcodeError.textContent()).includes(taken.name), { message: 'barcode in use said' });
	await shot(page, 'catalog-product-form-taken-zh-CN');
	const code = freshBarcode();
	await fill(page, 'catalog-product-barcode', code);
	await page.getByTestId('catalog-product-barcode-ok').waitFor();
	const sku = `E2E-${tag}`;
	await fill(page, 'catalog-product-sku', sku);
	await fill(page, 'catalog-product-name', `测试商品 ${tag}`);
	await fill(page, 'catalog-product-price', '12.50');
	await fill(page, 'catalog-product-cost', '8');
	await page.getByTestId('catalog-product-save').click();
	await page.waitForURL(/\/catalog\/products\/\d+$/);
	const id = Number(new URL(page.url()).pathname.split('/').pop());
	const made = await api('GET', `/api/v1/products/${id}`);
	assert.deepEqual([made.sku, made.barcode, made.price, made.cost], [sku, code, 1250, 800]);

	// A new price: the history shows it above the creation.
	await page.getByTestId('catalog-product-detail-edit').click();
	await fill(page, 'catalog-product-price', '13.90');
	await page.getByTestId('catalog-product-save').click();
	await until(async () => fen(await text(page, 'catalog-product-price-now')) === 1390, { message: 'new price shown' });
	await until(async () => (await page.locator('[data-testid="catalog-product-history"] .el-table__body tr').count()) === 2, { message: 'two history rows' });
	const first = await page.locator('[data-testid="catalog-product-history"] .el-table__body tr').first().textContent();
	assert.match(first, /12\.50.*→.*13\.90/);
	assert.match(first, /headoffice/);
	await shot(page, 'catalog-product-history-zh-CN');
	assertNoConsoleErrors(page);
});

test('a category dragged onto another moves there; a move under its own sub-category is refused', async () => {
	const a = await api('POST', '/api/v1/categories', { name: `E2E-A ${tag}` });
	const b = await api('POST', '/api/v1/categories', { name: `E2E-B ${tag}` });
	// The refused move answers 422 on purpose; Chromium logs that response.
	const page = await newPage(srv.browser, { locale: 'zh-CN', tolerate: [/status of 422/] });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
	await page.goto(srv.url + '/catalog/categories');
	const nodeB = page.getByTestId(`catalog-category-node-${b.id}`);
	await nodeB.waitFor();
	await nodeB.locator('.label').dragTo(page.getByTestId(`catalog-category-node-${a.id}`).locator('.label'));
	await until(async () => (await api('GET', `/api/v1/categories/${b.id}`)).parent_id === a.id, { message: 'B moved under A by the drop' });
	await page.locator('.el-message--success').first().waitFor();
	await shot(page, 'catalog-categories-zh-CN');

	// A under B (its own sub-category now): the server refuses; the dialog says why.
	await page.getByTestId(`catalog-category-move-${a.id}`).click();
	await page.getByTestId('catalog-category-dialog').waitFor();
	const parent = page.locator('.el-select[data-testid="catalog-category-parent"]');
	await parent.click();
	await parent.locator('input').fill(b.name);
	await option(page, b.name).click();
	await page.getByTestId('catalog-category-save').click();
	await page.getByTestId('catalog-category-dialog').getByText('不能移到自身').waitFor();
	await shot(page, 'catalog-category-move-refused-zh-CN');
	assert.equal((await api('GET', `/api/v1/categories/${a.id}`)).parent_id, null);
	assertNoConsoleErrors(page);
});

test('the screens in English: product form and history, category tree, promotion forms, preview', async () => {
	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
	await page.goto(srv.url + '/catalog/products');
	await page.getByTestId('catalog-product-table').waitFor();
	await page.locator('[data-testid="catalog-product-table"] .el-table__body tr').first().waitFor();
	await shot(page, 'catalog-products-en');
	await page.getByTestId('catalog-product-create').click();
	await fill(page, 'catalog-product-barcode', '6901234567891');
	await page.getByTestId('catalog-product-dialog').getByText('check digit').waitFor();
	await shot(page, 'catalog-product-form-en');
	await page.getByTestId('catalog-product-cancel').click();
	const own = await api('POST', '/api/v1/products', { sku: `E2E-EN-${tag}`, name: `Test product ${tag}`, price: 990, cost: 600, vat_rate: 1300 });
	await api('PATCH', `/api/v1/products/${own.id}`, { price: 1090 });
	await page.goto(srv.url + `/catalog/products/${own.id}`);
	await page.getByTestId('catalog-product-facts').waitFor();
	await page.locator('[data-testid="catalog-product-history"] .el-table__body tr').first().waitFor();
	await shot(page, 'catalog-product-history-en');
	await page.goto(srv.url + '/catalog/categories');
	await page.getByTestId('catalog-category-tree').waitFor();
	await shot(page, 'catalog-categories-en');

	await page.goto(srv.url + '/catalog/promotions');
	await page.getByTestId('catalog-promotion-table').waitFor();
	await shot(page, 'catalog-promotions-en');
	for (const [lang, p] of [['en', page], ['zh-CN', null]]) {
		const pg = p ?? (await newPage(srv.browser, { locale: lang }));
		if (!p) {
			await login(pg, srv.url, 'headoffice', DEMO_PASSWORD);
			await pg.goto(srv.url + '/catalog/promotions');
			await pg.getByTestId('catalog-promotion-table').waitFor();
		}
		await pg.getByTestId('catalog-promotion-create').click();
		await pg.getByTestId('catalog-promotion-dialog').waitFor();
		for (const kind of ['percent_off', 'amount_off', 'buy_x_get_y', 'spend_threshold', 'bundle_price', 'gift']) {
			await pg.getByTestId(`catalog-promotion-kind-${kind}`).click();
			if (kind === 'spend_threshold') await pg.getByTestId('catalog-promotion-tier-add').click();
			await shot(pg, `catalog-promotion-form-${kind}-${lang}`);
		}
		await pg.getByTestId('catalog-promotion-cancel').click();
		assertNoConsoleErrors(pg);
	}
	await page.getByTestId('catalog-promotion-preview').click();
	await page.getByTestId('catalog-preview-product').click();
	await page.getByTestId('catalog-preview-product').locator('input').fill(`E2E-EN-${tag}`);
	await option(page, `Test product ${tag}`).click();
	await page.getByTestId('catalog-preview-total').waitFor();
	await shot(page, 'catalog-promotion-preview-en');
	assertNoConsoleErrors(page);
});
