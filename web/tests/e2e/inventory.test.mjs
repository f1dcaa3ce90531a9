// Inventory as a store manager (manager01, store 1) on the small demo: a
// stock count by scanning (the same barcode several times), its variance,
// applying it and the stock changed in the list and the API; then a
// transfer shipped and received short (the discrepancy listed), and every
// inventory page, drawer and dialog in both languages (screenshots in
// test-results/screens), without console errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, newPage, login, fill, shot, until, assertNoConsoleErrors, DEMO_PASSWORD, confirmBox } from './lib/harness.mjs';

const srv = useApp({ demo: 'small' });
const STORE = 1;

/** The visible text of a test id, trimmed ('' while it is not there). */
async function text(page, id) {
	const el = page.getByTestId(id);
	return (await el.count()) ? (await el.first().innerText()).trim() : '';
}
test('a store manager counts stock by scanning, sees the variance, applies it and sees the stock change', async () => {
	const token = await srv.login('manager01', DEMO_PASSWORD);
	const api = (m, p, body) => srv.api(m, p, { token, body });
	// A product of store 1 with stock and a barcode.
	const stock = (await api('GET', `/api/v1/stock?store_id=${STORE}&limit=20`)).body.items;
	let item, product;
	for (const s of stock.filter((i) => i.on_hand > 0 && i.unit_cost)) {
		const p = (await api('GET', `/api/v1/products/${s.product_id}`)).body;
		if (p.barcode) {
			item = s;
			product = p;
			break;
		}
	}
	assert.ok(product, 'a product with stock and a barcode in store 1');
	const counted = item.on_hand + 2; // two more on the shelf than on record

	const page = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	await page.goto(`${srv.url}/inventory/counts`);
	await page.getByTestId('inventory-count-create').click();
	await page.getByTestId('inventory-count-dialog').waitFor();
	await fill(page, 'inventory-count-note', 'e2e');
	await page.getByTestId('inventory-count-save').click();
	await page.waitForURL(/\/inventory\/counts\/\d+$/);
	const countId = Number(new URL(page.url()).pathname.split('/').pop());

	// Scan: the barcode typed into the focused scan input, then Enter, once per item.
	const scan = page.locator('input[data-testid=inventory-count-scan], [data-testid=inventory-count-scan] input').first();
	await scan.waitFor();
	for (let i = 0; i < counted; i++) {
		await scan.fill(product.barcode);
		await scan.press('Enter');
	}
	await until(async () => (await text(page, `inventory-count-counted-${product.id}`)) === String(counted), { message: 'counted quantity shown' });
	assert.equal(await text(page, `inventory-count-diff-${product.id}`), '+2');
	// The variance value: 2 x the unit cost, once the totals are reloaded.
	await until(async () => Number(await page.getByTestId('inventory-count-variance-value').getAttribute('data-value')) === 2 * item.unit_cost, {
		message: 'variance value',
	});
	const review = (await api('GET', `/api/v1/stock/counts/${countId}`)).body;
	assert.equal(review.lines.find((l) => l.product_id === product.id).counted, counted);
	await shot(page, 'inventory-count-variance-zh-CN');

	await page.getByTestId('inventory-count-apply').click();
	await confirmBox(page, 'inventory-count-apply-confirm-zh-CN');
	await until(async () => (await page.getByTestId('inventory-count-status').getAttribute('data-status')) === 'applied', { message: 'count applied' });
	await shot(page, 'inventory-count-applied-zh-CN');

	// The stock list shows the counted quantity; so does the API.
	await page.goto(`${srv.url}/inventory/stock`);
	await fill(page, 'inventory-stock-filter-q', product.sku);
	await until(async () => (await text(page, `inventory-stock-onhand-${STORE}-${product.id}`)) === String(counted), { message: 'stock list shows the count' });
	const after = (await api('GET', `/api/v1/stock?store_id=${STORE}&product_id=${product.id}`)).body.items[0];
	assert.equal(after.on_hand, counted);
	// Its move history has the count's move on top.
	await page.getByTestId(`inventory-stock-history-${product.id}`).click();
	await page.getByTestId('inventory-moves-drawer').waitFor();
	await until(async () => (await page.getByTestId('inventory-moves-table').locator('tbody tr').count()) > 0, { message: 'moves listed' });
	assert.match(await page.getByTestId('inventory-moves-table').locator('tbody tr').first().innerText(), /盘点[\s\S]*\+2/);
	await shot(page, 'inventory-stock-moves-count-zh-CN');
	assertNoConsoleErrors(page);
	await page.context().close();
});

test('a transfer shipped and received short shows its discrepancy; every page and dialog in both languages', async () => {
	const token = await srv.login('manager01', DEMO_PASSWORD);
	const api = (m, p, body) => srv.api(m, p, { token, body });
	const stock = (await api('GET', `/api/v1/stock?store_id=${STORE}&limit=50`)).body.items.filter((i) => i.on_hand >= 3);
	for (const locale of ['zh-CN', 'en']) {
		const page = await newPage(srv.browser, { locale });
		await login(page, srv.url, 'manager01', DEMO_PASSWORD);

		// Stock: the page, a level filter, the manual move dialog.
		await page.goto(`${srv.url}/inventory/stock`);
		await page.getByTestId('inventory-stock-table').locator('tbody tr').first().waitFor();
		await shot(page, `inventory-stock-${locale}`);
		await page.getByTestId(`inventory-stock-move-${stock[0].product_id}`).click();
		await page.getByTestId('inventory-move-dialog').waitFor();
		await shot(page, `inventory-move-dialog-${locale}`);
		await page.getByTestId('inventory-move-cancel').click();
		await page.getByTestId(`inventory-stock-history-${stock[0].product_id}`).click();
		await page.getByTestId('inventory-moves-table').locator('tbody tr').first().waitFor();
		await shot(page, `inventory-stock-moves-${locale}`);
		await page.keyboard.press('Escape');

		// A draft from store 1 to store 2, made through the API, shipped on its page.
		const made = await api('POST', '/api/v1/stock/transfers', {
			from_store_id: STORE,
			to_store_id: 2,
			note: 'e2e',
			lines: [{ product_id: stock[1].product_id, quantity: 1 }],
		});
		assert.equal(made.status, 201, made.text);
		await page.goto(`${srv.url}/inventory/transfers`);
		await page.getByTestId(`inventory-transfer-open-${made.body.id}`).waitFor();
		await shot(page, `inventory-transfers-${locale}`);
		await page.getByTestId('inventory-transfer-create').click();
		await page.getByTestId('inventory-transfer-dialog').waitFor();
		await shot(page, `inventory-transfer-create-${locale}`);
		await page.getByTestId('inventory-transfer-cancel').click();
		await page.getByTestId(`inventory-transfer-open-${made.body.id}`).click();
		await page.getByTestId('inventory-transfer-ship').waitFor();
		await shot(page, `inventory-transfer-draft-${locale}`);
		await page.getByTestId('inventory-transfer-ship').click();
		await confirmBox(page, `inventory-transfer-ship-confirm-${locale}`);
		await until(async () => (await api('GET', `/api/v1/stock/transfers/${made.body.id}`)).body.status === 'shipped', { message: 'transfer shipped' });

		// Two lines from store 2, shipped by head office, received here with one line short.
		const hq = await srv.login('headoffice', DEMO_PASSWORD);
		const from2 = (await srv.api('GET', '/api/v1/stock?store_id=2&limit=50', { token: hq })).body.items.filter((i) => i.on_hand >= 3);
		const inbound = await srv.api('POST', '/api/v1/stock/transfers', {
			token: hq,
			body: { from_store_id: 2, to_store_id: STORE, lines: [{ product_id: from2[0].product_id, quantity: 2 }, { product_id: from2[1].product_id, quantity: 1 }] },
		});
		assert.equal(inbound.status, 201, inbound.text);
		const tr = inbound.body;
		assert.equal((await srv.api('POST', `/api/v1/stock/transfers/${tr.id}/ship`, { token: hq })).status, 200);
		await page.goto(`${srv.url}/inventory/transfers/${tr.id}`);
		await page.getByTestId('inventory-transfer-receive').waitFor();
		const line = tr.lines.find((l) => l.quantity === 2);
		await fill(page, `inventory-transfer-received-${line.id}`, '1');
		await page.getByTestId(`inventory-transfer-received-${line.id}`).locator('input').blur();
		await shot(page, `inventory-transfer-receiving-${locale}`);
		await page.getByTestId('inventory-transfer-receive').click();
		await confirmBox(page, `inventory-transfer-receive-confirm-${locale}`);
		await page.getByTestId('inventory-transfer-close').waitFor();
		const got = (await api('GET', `/api/v1/stock/transfers/${tr.id}`)).body;
		assert.equal(got.status, 'received');
		assert.equal(got.lines.find((l) => l.id === line.id).discrepancy, 1);
		await shot(page, `inventory-transfer-received-${locale}`);
		await page.getByTestId('inventory-transfer-close').click();
		await confirmBox(page);
		await until(async () => (await text(page, 'inventory-transfer-status')) !== '' && (await api('GET', `/api/v1/stock/transfers/${tr.id}`)).body.status === 'closed', {
			message: 'transfer closed',
		});

		await page.goto(`${srv.url}/inventory/discrepancies`);
		await page.getByTestId('inventory-discrepancy-table').locator('tbody tr').first().waitFor();
		await shot(page, `inventory-discrepancies-${locale}`);

		// Counts list, reorder rules (with the dialog), alerts.
		// A count started and cancelled: the scan page before any scan, the cancel confirmation.
		await page.goto(`${srv.url}/inventory/counts`);
		await page.getByTestId('inventory-count-list').waitFor();
		await shot(page, `inventory-counts-${locale}`);
		await page.getByTestId('inventory-count-create').click();
		await page.getByTestId('inventory-count-dialog').waitFor();
		await shot(page, `inventory-count-create-${locale}`);
		await page.getByTestId('inventory-count-save').click();
		await page.waitForURL(/\/inventory\/counts\/\d+$/);
		await page.getByTestId('inventory-count-scan').waitFor();
		await shot(page, `inventory-count-scan-empty-${locale}`);
		await page.getByTestId('inventory-count-cancel-count').click();
		await confirmBox(page, `inventory-count-cancel-confirm-${locale}`);
		await until(async () => (await page.getByTestId('inventory-count-status').getAttribute('data-status')) === 'cancelled', { message: 'count cancelled' });
		await page.goto(`${srv.url}/inventory/reorder-rules`);
		await page.getByTestId('inventory-rule-list').waitFor();
		// A rule whose min is above the stock: saved, listed, and a low-stock alert raised, acknowledged here.
		const low = stock[locale === 'en' ? 4 : 3];
		await page.getByTestId('inventory-rule-create').click();
		await page.getByTestId('inventory-rule-dialog').waitFor();
		await page.getByTestId('inventory-rule-product').locator('input').fill(low.sku);
		await page.locator('.el-select-dropdown__item', { hasText: low.name }).first().click();
		await fill(page, 'inventory-rule-min', String(low.on_hand + 5));
		await fill(page, 'inventory-rule-max', String(low.on_hand + 20));
		await page.getByTestId('inventory-rule-max').locator('input').blur();
		await shot(page, `inventory-rule-dialog-${locale}`);
		await page.getByTestId('inventory-rule-save').click();
		await page.getByTestId(`inventory-rule-edit-${low.product_id}`).waitFor();
		await shot(page, `inventory-rules-${locale}`);
		const rule = (await api('GET', `/api/v1/reorder-rules?store_id=${STORE}&product_id=${low.product_id}`)).body.items[0];
		assert.equal(rule.min, low.on_hand + 5);
		const alert = (await api('GET', `/api/v1/alerts?store_id=${STORE}&product_id=${low.product_id}&status=open`)).body.items[0];
		assert.ok(alert, 'a low-stock alert');
		await page.goto(`${srv.url}/inventory/alerts`);
		await page.getByTestId(`inventory-alert-ack-${alert.id}`).waitFor();
		await shot(page, `inventory-alerts-${locale}`);
		await page.getByTestId(`inventory-alert-ack-${alert.id}`).click();
		await page.getByTestId('inventory-alert-ack-save').click();
		await until(async () => (await api('GET', `/api/v1/alerts?store_id=${STORE}&product_id=${low.product_id}&status=acknowledged`)).body.items.length === 1, {
			message: 'alert acknowledged',
		});
		assertNoConsoleErrors(page);
		await page.context().close();
	}
});
