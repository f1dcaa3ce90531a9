// Loyalty screens against the small demo: head office creates a coupon
// template, issues it to a customer (seen through the API) and prints a
// batch (the print view shows every code); a store manager tops up a
// customer's stored value with a bonus rule and the balance matches the
// API's; every loyalty page and dialog is screenshotted in both languages
// without console errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, newPage, login, fill, shot, until, assertNoConsoleErrors, DEMO_PASSWORD, confirmBox } from './lib/harness.mjs';

const srv = useApp({ demo: 'small' });
const BASE = '/customers/loyalty';

/** Types into a RemoteSelect and picks the choice whose text contains `text`. */
async function pick(page, testid, query, text) {
	const sel = page.getByTestId(testid);
	await sel.click();
	await sel.locator('input').pressSequentially(query, { delay: 20 });
	const option = page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text }).first();
	await option.waitFor();
	await option.click();
}

test('head office creates a coupon template, issues it to a customer and prints a batch', async () => {
	const token = await srv.login('headoffice', DEMO_PASSWORD);
	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
	await page.goto(srv.url + BASE + '/coupon-templates');
	await page.getByTestId('loyalty-template-table').waitFor();

	// The template: ¥15 off a spend of ¥100, valid 14 days.
	await page.getByTestId('loyalty-template-create').click();
	await fill(page, 'loyalty-template-name', 'E2E ¥15 off ¥100');
	await fill(page, 'loyalty-template-amount', '15');
	await fill(page, 'loyalty-template-min-spend', '100');
	await fill(page, 'loyalty-template-valid-days', '14');
	await page.getByTestId('loyalty-template-save').click();
	await page.getByTestId('loyalty-template-dialog').waitFor({ state: 'hidden' });
	const list = await srv.api('GET', '/api/v1/coupon-templates?q=E2E', { token });
	assert.equal(list.status, 200);
	const tpl = list.body.items.find((x) => x.name === 'E2E ¥15 off ¥100');
	assert.ok(tpl, 'the template was created');
	assert.deepEqual([tpl.kind, tpl.value, tpl.min_spend, tpl.valid_days], ['amount_off', 1500, 10000, 14]);
	const row = page.getByTestId('loyalty-template-table').locator('tr', { hasText: 'E2E ¥15 off ¥100' });
	await row.waitFor();
	assert.match(await row.textContent(), /¥15\.00 off/);

	// Issue it to customer 1 (found by phone).
	const customer = (await srv.api('GET', '/api/v1/customers/1', { token })).body;
	await page.getByTestId(`loyalty-template-issue-${tpl.id}`).click();
	await pick(page, 'loyalty-issue-customer', customer.phone, customer.name);
	await fill(page, 'loyalty-issue-reason', 'e2e');
	await page.getByTestId('loyalty-issue-save').click();
	await page.getByTestId('loyalty-issue-dialog').waitFor({ state: 'hidden' });
	const issued = await until(async () => {
		const r = await srv.api('GET', `/api/v1/customers/1/coupons?template_id=${tpl.id}`, { token });
		return r.body.items.length === 1 && r.body.items[0];
	}, { message: 'the coupon was not issued' });
	assert.equal(issued.status, 'issued');
	assert.equal(issued.reason, 'e2e');

	// A batch of 14: the print view shows 14 codes, the batch's.
	await page.getByTestId(`loyalty-template-batch-${tpl.id}`).click();
	await fill(page, 'loyalty-batch-count', '14');
	await page.getByTestId('loyalty-batch-save').click();
	await page.waitForURL(/\/coupons\/batches\/\d+\/print$/);
	const batchId = Number(/batches\/(\d+)\/print/.exec(page.url())[1]);
	await until(async () => (await page.getByTestId('loyalty-print-code').count()) === 14, { message: 'the print view did not show 14 codes' });
	const shown = (await page.getByTestId('loyalty-print-code').locator('.code').allTextContents()).sort();
	const api = await srv.api('GET', `/api/v1/coupons?batch_id=${batchId}&limit=50`, { token });
	assert.deepEqual(shown, api.body.items.map((c) => c.code).sort(), 'the print view shows the batch’s codes');
	assert.ok(api.body.items.every((c) => c.customer_id === null && c.template_id === tpl.id));
	await shot(page, 'loyalty-print-en');

	// Look the issued coupon up by its code and cancel it (confirmed).
	await page.goto(srv.url + BASE + '/coupons');
	await page.getByTestId('loyalty-coupon-table').waitFor();
	await page.getByTestId('loyalty-lookup-open').click();
	await fill(page, 'loyalty-lookup-code', issued.code.toLowerCase());
	await page.getByTestId('loyalty-lookup-submit').click();
	await page.getByTestId('loyalty-lookup-result').waitFor();
	// The customer's name comes by its own request, after the coupon.
	await until(async () => (await page.getByTestId('loyalty-lookup-dialog').textContent()).includes(customer.name), {
		message: `the lookup did not name the customer ${customer.name}`,
	});
	await page.getByTestId('loyalty-lookup-cancel').click();
	assert.match(await page.locator('.el-message-box').textContent(), /stop working at every till/);
	await confirmBox(page);
	await until(async () => (await page.getByTestId('loyalty-lookup-status').textContent()).includes('Voided'), { message: 'the lookup did not show the cancellation' });
	assert.equal((await srv.api('GET', `/api/v1/coupons/${issued.id}`, { token })).body.status, 'cancelled');

	// A bonus rule through the form: pay ¥500, get ¥50.
	await page.goto(srv.url + BASE + '/stored-value');
	await page.getByTestId('loyalty-rule-table').waitFor();
	await page.getByTestId('loyalty-rule-create').click();
	await fill(page, 'loyalty-rule-min-amount', '500');
	await fill(page, 'loyalty-rule-bonus', '50');
	await page.getByTestId('loyalty-rule-save').click();
	await page.getByTestId('loyalty-rule-dialog').waitFor({ state: 'hidden' });
	const rules = await srv.api('GET', '/api/v1/stored-value/rules', { token });
	assert.ok(rules.body.items.some((r) => r.min_amount === 50000 && r.bonus === 5000), 'the rule was created');
	assertNoConsoleErrors(page);
	await page.context().close();
});

test('a store manager tops up a customer’s stored value and the bonus rule applies', async () => {
	const hq = await srv.login('headoffice', DEMO_PASSWORD);
	const rules = (await srv.api('GET', '/api/v1/stored-value/rules', { token: hq })).body.items;
	if (!rules.some((r) => r.min_amount === 50000)) {
		const r = await srv.api('POST', '/api/v1/stored-value/rules', { token: hq, body: { min_amount: 50000, bonus: 5000 } });
		assert.equal(r.status, 201, r.text);
	}
	const token = await srv.login('manager01', DEMO_PASSWORD);
	const customers = await srv.api('GET', '/api/v1/customers?home_store_id=1&limit=5', { token });
	const customer = customers.body.items.find((c) => c.phone);
	assert.ok(customer, 'store 1 has a customer with a phone');
	const before = (await srv.api('GET', `/api/v1/customers/${customer.id}/stored-value?limit=1`, { token })).body.balance;

	const page = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	await page.goto(srv.url + BASE + '/stored-value');
	await page.getByTestId('loyalty-rule-table').waitFor();
	await page.getByTestId('loyalty-topup-open').click();
	await pick(page, 'loyalty-topup-customer', customer.phone, customer.name);
	await page.getByTestId('loyalty-topup-current').waitFor();
	await fill(page, 'loyalty-topup-amount', '600');
	// The bonus of the ¥500 rule is shown before confirming.
	await until(async () => (await page.getByTestId('loyalty-topup-bonus').getAttribute('data-value')) === '5000', { message: 'the bonus was not shown' });
	await page.getByTestId('loyalty-topup-method-wechat').click();
	await shot(page, 'loyalty-topup-filled-zh-CN');
	await page.getByTestId('loyalty-topup-save').click();
	assert.match(await page.locator('.el-message-box').textContent(), /¥650\.00/);
	await confirmBox(page);
	const result = page.getByTestId('loyalty-topup-balance');
	await result.waitFor();
	const after = (await srv.api('GET', `/api/v1/customers/${customer.id}/stored-value?limit=1`, { token })).body;
	assert.equal(after.balance, before + 65000, 'paid ¥600 plus the ¥50 bonus');
	assert.equal(after.items[0].kind, 'top_up');
	assert.equal(after.items[0].bonus_amount, 5000);
	assert.equal(after.items[0].method, 'wechat');
	assert.equal(Number(await result.getAttribute('data-value')), after.balance, 'the dialog shows the balance the API has');
	await shot(page, 'loyalty-topup-done-zh-CN');
	assertNoConsoleErrors(page);
	await page.context().close();
});

for (const locale of ['zh-CN', 'en']) {
	test(`every loyalty page and dialog (${locale})`, async () => {
		const admin = await srv.login('admin', srv.adminPassword);
		const batch = await srv.api('POST', '/api/v1/coupons/batches', { token: admin, body: { template_id: 1, count: 3 } });
		assert.equal(batch.status, 201, batch.text);
		const page = await newPage(srv.browser, { locale });
		await login(page, srv.url, 'admin', srv.adminPassword);
		const s = (name) => shot(page, `loyalty-${name}-${locale}`);
		const dialog = async (open, testid, name) => {
			await page.getByTestId(open).click();
			const d = page.getByTestId(testid);
			await d.waitFor();
			await page.waitForTimeout(300); // the dialog's opening animation, for the screenshot only
			await s(name);
			await page.keyboard.press('Escape');
			await d.waitFor({ state: 'hidden' });
		};

		await page.goto(srv.url + BASE + '/tiers');
		await page.getByTestId('loyalty-tier-table').locator('tbody tr').first().waitFor();
		await s('tiers');
		await dialog('loyalty-tier-create', 'loyalty-tier-dialog', 'tier-form');
		await dialog('loyalty-points-open', 'loyalty-points-dialog', 'points');
		await page.locator('.el-tabs__item', { hasText: locale === 'en' ? 'Points program' : '积分规则' }).click();
		await page.getByTestId('loyalty-program-save').waitFor();
		await s('program');

		await page.goto(srv.url + BASE + '/coupon-templates');
		await page.getByTestId('loyalty-template-table').locator('tbody tr').first().waitFor();
		await s('templates');
		await dialog('loyalty-template-create', 'loyalty-template-dialog', 'template-form');
		await dialog('loyalty-template-issue-1', 'loyalty-issue-dialog', 'issue');
		await dialog('loyalty-template-batch-1', 'loyalty-batch-dialog', 'batch');

		await page.goto(srv.url + BASE + '/coupons');
		await page.getByTestId('loyalty-coupon-table').locator('tbody tr').first().waitFor();
		await s('coupons');
		await page.getByTestId('loyalty-lookup-open').click();
		await fill(page, 'loyalty-lookup-code', batch.body.codes[0]);
		await page.getByTestId('loyalty-lookup-submit').click();
		await page.getByTestId('loyalty-lookup-result').waitFor();
		await s('lookup');
		await page.getByTestId('loyalty-lookup-cancel').click();
		await page.locator('.el-message-box').waitFor();
		await s('cancel-confirm');
		await page.locator('.el-message-box__btns button').first().click();
		await page.keyboard.press('Escape');

		await page.goto(srv.url + `${BASE}/coupons/batches/${batch.body.batch_id}/print`);
		await until(async () => (await page.getByTestId('loyalty-print-code').count()) === 3, { message: 'the print view did not show 3 codes' });
		await s('print');

		await page.goto(srv.url + BASE + '/stored-value');
		await page.getByTestId('loyalty-rule-table').waitFor();
		await s('stored-value');
		await dialog('loyalty-rule-create', 'loyalty-rule-dialog', 'rule-form');
		await dialog('loyalty-topup-open', 'loyalty-topup-dialog', 'topup');
		await dialog('loyalty-refund-open', 'loyalty-refund-dialog', 'refund');

		await page.goto(srv.url + BASE + '/care-rules');
		await page.getByTestId('loyalty-care-table').waitFor();
		await s('care-rules');
		await page.getByTestId('loyalty-care-create').click();
		await page.getByTestId('loyalty-care-birthday-moved').waitFor();
		await page.waitForTimeout(300); // the dialog's opening animation, for the screenshot only
		await s('care-form');
		assertNoConsoleErrors(page);
		await page.context().close();
	});
}
