// Commission against the small demo: head office writes a plan in English
// (bands, brackets) and the calculator pays the 80 % tier at exactly 80 %
// and nothing at 79.99 %; the plan is approved, its period opened and
// computed; the payouts of the demo's plan with a person's lines and the
// XLSX export; a salesperson's own statement on a phone (Chinese) and at
// 1366×768 (English), and no one else's. Screenshots in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, newPage, login, fill, shot, until, confirmBox, assertNoConsoleErrors, DEMO_PASSWORD } from './lib/harness.mjs';

const srv = useApp({ demo: 'small' });

async function api(token, method, path, body) {
	const r = await srv.api(method, path, { token, body });
	assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
	return r.body;
}

async function quiet(page) {
	await until(async () => (await page.locator('.el-message').count()) === 0, { timeout: 8000, message: 'the toasts did not go' });
}

/** Types into an el-input-number and leaves it, so the value is taken. */
async function number(page, testid, value) {
	await fill(page, testid, value);
	await page.getByTestId(testid).locator('input').first().blur();
}

async function choose(page, testid, text) {
	await page.getByTestId(testid).click();
	await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
}

/** Runs the calculator and waits for the answer to show `attainment`. */
async function calculate(page, attainment) {
	await page.getByTestId('plan-calculator-run').click();
	await until(async () => (await page.getByTestId('plan-calculator-attainment').count()) && (await page.getByTestId('plan-calculator-attainment').textContent()).trim() === attainment, {
		message: `the calculator did not answer ${attainment}`,
	});
}

test('head office: a plan, the calculator at the 80 % tier boundary, approve, a period computed', async () => {
	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
	await page.goto(srv.url + '/staff/commission/plans');
	await page.getByTestId('staff-commission-plan-table').locator('tbody tr').first().waitFor();
	await quiet(page);
	await shot(page, 'staff-commission-plans-en');
	await page.getByTestId('staff-commission-plan-create').click();
	await page.waitForURL('**/staff/commission/plans/new');
	await page.getByTestId('plan-editor').waitFor();

	await fill(page, 'plan-name', 'Floor bonus 2027');
	const hq = await srv.login('headoffice', DEMO_PASSWORD);
	const store = (await api(hq, 'GET', '/api/v1/stores?limit=5')).items[0];
	await choose(page, 'plan-stores', store.name);
	await page.getByTestId('plan-name').click(); // closes the select

	// The calculator: one line at 80 % of list and a target five times list → exactly 80 % attainment.
	await page.getByTestId('plan-calculator-1-remove').click();
	await fill(page, 'plan-calculator-target', '1000');
	await fill(page, 'plan-calculator-0-list', '1000');
	await fill(page, 'plan-calculator-0-price', '800');
	await number(page, 'plan-calculator-0-qty', 1);
	await fill(page, 'plan-calculator-0-cost', '400');
	await calculate(page, '80%');
	assert.match(await page.getByTestId('plan-calculator-tier').textContent(), /200\.00/);
	// 10 % of ¥800 (sold at 80 % of list, the 65 % band) plus the ¥200 bracket.
	assert.equal(await page.getByTestId('plan-calculator-total').getAttribute('data-value'), '28000');
	await page.getByTestId('plan-calculator-lines').locator('tbody tr').first().filter({ hasText: 'Discount band' }).waitFor();
	await quiet(page);
	await shot(page, 'staff-commission-plan-editor-en');
	await page.getByTestId('plan-tier-chart').scrollIntoViewIfNeeded();
	await shot(page, 'staff-commission-plan-tiers-en');

	// One fen less: 79.99 %, below the first level, no tier bonus.
	await fill(page, 'plan-calculator-0-price', '799.99');
	await calculate(page, '79.99%');
	assert.match(await page.getByTestId('plan-calculator-tier').textContent(), /0\.00/);
	assert.doesNotMatch(await page.getByTestId('plan-calculator-tier').textContent(), /[1-9]/);

	// Linear between 80 % and 90 %: at 85 % half-way from ¥200 to ¥300.
	await page.getByTestId('plan-tier-mode').getByText('Linear').click();
	await fill(page, 'plan-calculator-0-price', '850');
	await calculate(page, '85%');
	assert.match(await page.getByTestId('plan-calculator-tier').textContent(), /250\.00/);

	await page.getByTestId('plan-save').click();
	await page.waitForURL(/\/staff\/commission\/plans\/\d+$/);
	const id = Number(new URL(page.url()).pathname.split('/').pop());
	const saved = await api(hq, 'GET', `/api/v1/commission/plans/${id}`);
	assert.equal(saved.status, 'draft');
	assert.equal(saved.rules.tiers.mode, 'linear');
	assert.deepEqual(saved.members.map((m) => [m.kind, m.member_id]), [['store', store.id]]);

	await page.getByTestId('plan-approve').click();
	await confirmBox(page);
	await until(async () => (await page.getByTestId('plan-status').textContent()).includes('Approved'), { message: 'approved' });
	assert.equal(await page.getByTestId('plan-save').count(), 0, 'an approved plan is not edited');

	// Payouts: open this month's period of the new plan, compute it.
	await page.goto(srv.url + `/staff/commission/payouts?plan_id=${id}`);
	await page.getByTestId('payout-open-period').click();
	await confirmBox(page);
	await page.getByTestId('payout-status').waitFor();
	await page.getByTestId('payout-recompute').click();
	await confirmBox(page);
	const period = (await api(hq, 'GET', `/api/v1/commission/periods?plan_id=${id}`)).items[0];
	const detail = await api(hq, 'GET', `/api/v1/commission/periods/${period.id}`);
	await until(async () => (await page.getByTestId('payout-table').locator('tbody tr').count()) === detail.payouts.length, { message: `${detail.payouts.length} payouts` });
	assertNoConsoleErrors(page);
});

test('payouts: the demo plan, a person\'s lines with their reasons, the export', async () => {
	const hq = await srv.login('headoffice', DEMO_PASSWORD);
	// The demo's plan: the first approved one (the test above adds its own later).
	const plan = (await api(hq, 'GET', '/api/v1/commission/plans')).items.filter((p) => p.status === 'approved').sort((a, b) => a.id - b.id)[0];
	assert.ok(plan, 'the demo has an approved plan');
	const periods = (await api(hq, 'GET', `/api/v1/commission/periods?plan_id=${plan.id}`)).items;
	const closed = periods.find((p) => p.status === 'closed');
	assert.ok(closed, 'the demo has a closed period');
	const detail = await api(hq, 'GET', `/api/v1/commission/periods/${closed.id}`);
	const top = detail.payouts[0];
	assert.ok(top, 'the closed period paid someone');

	// The demo's approved plan as a store manager reads it (Chinese): the rules fixed, the calculator works.
	const mp = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(mp, srv.url, 'manager01', DEMO_PASSWORD);
	await mp.goto(srv.url + `/staff/commission/plans/${plan.id}`);
	await mp.getByTestId('plan-status').filter({ hasText: '已批准' }).waitFor();
	assert.equal(await mp.getByTestId('plan-save').count(), 0);
	assert.equal(await mp.getByTestId('plan-approve').count(), 0, 'a store manager changes no plan');
	assert.ok(await mp.getByTestId('plan-name').isDisabled());
	await mp.getByTestId('plan-calculator-run').click();
	await mp.getByTestId('plan-calculator-total').waitFor();
	await shot(mp, 'staff-commission-plan-approved-zh');
	assertNoConsoleErrors(mp);

	for (const locale of ['zh-CN', 'en']) {
		const page = await newPage(srv.browser, { locale });
		await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
		await page.goto(srv.url + `/staff/commission/payouts?plan_id=${plan.id}&period_id=${closed.id}`);
		await page.getByTestId(`payout-row-${top.user_id}`).waitFor();
		assert.equal(await page.getByTestId('payout-table').locator('tbody tr').count(), detail.payouts.length);
		assert.equal(await page.getByTestId('payout-recompute').count(), 0, 'a closed period is not recomputed');
		await quiet(page);
		await shot(page, `staff-commission-payouts-${locale}`);

		await page.getByTestId(`payout-row-${top.user_id}`).click();
		const lines = (await api(hq, 'GET', `/api/v1/commission/periods/${closed.id}/lines?user_id=${top.user_id}&limit=500`)).items;
		await until(async () => (await page.getByTestId('payout-lines').locator('tbody tr').count()) === lines.length, { message: `${lines.length} lines` });
		await shot(page, `staff-commission-payout-lines-${locale}`);
		if (locale === 'en') {
			const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('payout-lines-export').click()]);
			assert.match(dl.suggestedFilename(), /\.xlsx$/);
		}
		assertNoConsoleErrors(page);
	}
});

test("a salesperson's statement: their own on a phone and a desk, never another's", async () => {
	const token = await srv.login('sales01', DEMO_PASSWORD);
	const me = await api(token, 'GET', '/api/v1/me');
	const st = await api(token, 'GET', `/api/v1/commission/statements/${me.id}`);
	assert.ok(st.payouts.length, 'the demo paid sales01 something');

	const phone = await newPage(srv.browser, { locale: 'zh-CN', viewport: { width: 390, height: 844 } });
	await login(phone, srv.url, 'sales01', DEMO_PASSWORD);
	await phone.goto(srv.url + '/staff/statement');
	await phone.getByTestId('statement').waitFor();
	await phone.getByTestId(`statement-period-${st.payouts[0].plan_id}-${st.payouts[0].period}`).waitFor();
	const shown = (await phone.getByTestId('statement-total').textContent()).replace(/[^0-9.-]/g, '');
	assert.equal(Number(shown), st.total / 100);
	const first = st.payouts[0];
	await until(async () => (await phone.getByTestId('statement-lines').first().locator('li').count()) === Math.max(1, first.lines.length), { message: 'the first period lists its lines' });
	await quiet(phone);
	await shot(phone, 'staff-statement-phone-zh');

	// Another person's statement: the page says there is nothing to see (the API answered 404).
	const other = (await api(await srv.login('manager01', DEMO_PASSWORD), 'GET', '/api/v1/staff')).items.find((p) => p.id !== me.id && p.role === 'sales');
	const r = await srv.api('GET', `/api/v1/commission/statements/${other.id}`, { token });
	assert.equal(r.status, 404);
	const desk = await newPage(srv.browser, { locale: 'en', tolerate: [/status of 404/] }); // the refused statement, on purpose
	await login(desk, srv.url, 'sales01', DEMO_PASSWORD);
	await desk.goto(srv.url + '/staff/statement');
	await desk.getByTestId(`statement-period-${first.plan_id}-${first.period}`).waitFor();
	await quiet(desk);
	await shot(desk, 'staff-statement-en');
	await desk.goto(srv.url + `/staff/statement?user_id=${other.id}`);
	await desk.locator('.el-result', { hasText: 'no statement here' }).waitFor();
	assert.equal(await desk.getByTestId('statement-person').count(), 0, 'a salesperson picks no one else');
	assertNoConsoleErrors(phone);
	assertNoConsoleErrors(desk);
});
