// Staff performance on the small demo company: a salesperson's My
// performance on a phone (today's sales, attainment, rank) in both
// languages; a store manager setting a target (the seasonal split chart,
// then the months) and reading the team, KPIs, footfall, a person's page
// with a recognition, the leaderboard and the dashboard's card; a POS sale
// shared by two salespeople. Screenshots at 390×844 and 1366×768.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { useApp, newPage, login, fill, shot, assertNoConsoleErrors, until, DEMO_PASSWORD } from './lib/harness.mjs';

const STORE = 1; // manager01's and sales01's store
const PHONE = { width: 390, height: 844 };
let mgr;
let me; // sales01
let sellers; // two salespeople of the store

const srv = useApp({ demo: 'small' }, async () => {
	mgr = await srv.login('manager01', DEMO_PASSWORD);
	const people = await get(`/api/v1/staff?store_id=${STORE}&limit=200`);
	me = people.items.find((p) => p.username === 'sales01');
	sellers = people.items.filter((p) => p.role === 'sales' && p.active).slice(0, 2);
	assert.ok(me, 'sales01 is in the store');
	assert.equal(sellers.length, 2, 'two salespeople in the store');
});

async function get(p, token = mgr) {
	const r = await srv.api('GET', p, { token });
	assert.equal(r.status, 200, `${p}: ${r.text}`);
	return r.body;
}

async function post(p, body, token = mgr, headers = {}) {
	const r = await srv.api('POST', p, { token, body, headers });
	assert.ok(r.status === 200 || r.status === 201, `${p}: ${r.status} ${r.text}`);
	return r.body;
}

/** A product of the store with stock and a barcode. */
async function product() {
	const stock = await get(`/api/v1/stock?store_id=${STORE}&limit=200`);
	for (const s of stock.items) {
		if (s.on_hand < 5) continue;
		const p = await get(`/api/v1/products/${s.product_id}`);
		if (p.barcode && p.active && p.price >= 1000) return p;
	}
	throw new Error('no product with stock and a barcode');
}

function input(page, id) {
	return page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first();
}

/** Waits for Element Plus's loading masks to go and charts to draw. */
async function settled(page) {
	await page.locator('.el-loading-mask:visible').first().waitFor({ state: 'detached', timeout: 10000 }).catch(() => {});
	await page.waitForTimeout((await page.locator('canvas').count()) > 0 ? 1200 : 200);
}

test('sales01 on a phone sees today’s sales, the month’s attainment and the rank', async () => {
	// A sale today credited to sales01 and a target for this month.
	const p = await product();
	const body = { store_id: STORE, register: '9', salesperson_id: me.id, lines: [{ product_id: p.id, quantity: 2 }] };
	const pv = await post('/api/v1/sales/preview', body);
	const sale = await post('/api/v1/sales', { ...body, payments: [{ method: 'card', amount: pv.total }] }, mgr, { 'Idempotency-Key': randomUUID() });
	const year = sale.day.slice(0, 4);
	await post('/api/v1/targets/split', { store_id: STORE, user_id: me.id, metric: 'revenue', category_id: null, period: year, total: 120000000, dry_run: false });

	for (const locale of ['zh-CN', 'en']) {
		const page = await newPage(srv.browser, { locale, viewport: PHONE });
		await login(page, srv.url, 'sales01', DEMO_PASSWORD);
		await page.goto(srv.url + '/staff/me');
		await page.getByTestId('my-performance').waitFor();
		const revenue = page.getByTestId('my-today-revenue');
		await revenue.waitFor();
		assert.ok(Number(await revenue.getAttribute('data-value')) >= pv.total, 'today’s revenue holds the sale');
		await page.getByTestId('my-attainment-revenue').waitFor();
		await until(async () => /\d/.test(await page.getByTestId('my-rank').innerText()), { message: 'a rank' });
		for (const id of ['my-commission', 'my-tasks', 'my-training']) await page.getByTestId(id).waitFor();
		await settled(page);
		// Nothing wider than the phone.
		const wide = await page.evaluate(() => document.documentElement.scrollWidth);
		assert.ok(wide <= PHONE.width, `the page is ${wide}px wide on a ${PHONE.width}px phone`);
		await shot(page, `staff-me-phone-${locale}`);
		assertNoConsoleErrors(page);
		await page.context().close();
	}
	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'sales01', DEMO_PASSWORD);
	await page.goto(srv.url + '/staff/me');
	await page.getByTestId('my-today-revenue').waitFor();
	await settled(page);
	await shot(page, 'staff-me-en');
	// A salesperson's own leaderboard, without the back office.
	await page.goto(srv.url + '/staff/leaderboards');
	await page.getByTestId('leaderboard-table').waitFor();
	await settled(page);
	await page.getByTestId('staff-board-me').waitFor();
	await shot(page, 'staff-leaderboards-sales-en');
	assertNoConsoleErrors(page);
	await page.context().close();
});

test('a store manager sets a year’s target: the split chart, then the months keep the total', async () => {
	const page = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	await page.goto(srv.url + '/staff/targets');
	await page.getByTestId('staff-targets-page').waitFor();
	await fill(page, 'staff-targets-total', '3650000');
	const chart = page.getByTestId('target-split-chart');
	await chart.locator('canvas').waitFor();
	const basis = await chart.getAttribute('data-basis');
	assert.ok(['store_last_year', 'company_last_year', 'even'].includes(basis), `basis ${basis}`);
	await settled(page);
	await shot(page, 'staff-targets-split-zh-CN');
	await page.getByTestId('staff-targets-save').click();
	const months = page.getByTestId('target-months');
	await until(async () => (await months.locator('tbody tr').count()) === 12, { message: 'twelve months' });
	// The page offers next year from October on, else this year.
	const today = (await get(`/api/v1/dashboard?store_id=${STORE}`)).today.day;
	const year = String(Number(today.slice(0, 4)) + (Number(today.slice(5, 7)) >= 10 ? 1 : 0));
	const rows = () => get(`/api/v1/targets?store_id=${STORE}&year=${year}&metric=revenue`).then((r) => r.items.filter((x) => !x.user_id && !x.category_id));
	// The demo already has this year's split: the saved one replaces it.
	const sum = (list) => list.reduce((n, x) => n + x.amount, 0);
	await until(async () => sum(await rows()) === 365000000, { message: 'the months sum to the year' });
	const before = await rows();
	assert.equal(before.length, 12);

	// Change the first month: the others absorb the difference.
	const first = before.find((x) => x.month === `${year}-01`);
	// The months on screen are the saved split's (its largest month shows) before one is changed.
	const shown = async (month) => Math.round(Number((await input(page, `target-month-${month}`).inputValue()).replace(/[^0-9.-]/g, '')) * 100);
	const big = before.reduce((a, b) => (b.amount > a.amount ? b : a));
	await until(async () => (await shown(big.month)) === big.amount, { message: 'the saved split on screen' });
	await fill(page, `target-month-${year}-01`, String(first.amount / 100 + 1000));
	await input(page, `target-month-${year}-01`).press('Enter');
	await until(async () => (await rows()).find((x) => x.month === `${year}-01`).amount === first.amount + 100000, { message: 'the month changed' });
	const after = await rows();
	assert.equal(sum(after), 365000000, 'the total is kept');
	await page.getByTestId('target-months').getByText(/手动调整/).first().waitFor();
	await settled(page);
	await shot(page, 'staff-targets-zh-CN');
	assertNoConsoleErrors(page);
	await page.context().close();
});

test('the team, KPIs with footfall, a person with a recognition, the leaderboard and the dashboard card', async () => {
	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);

	await page.goto(srv.url + '/staff/team');
	const team = page.getByTestId('team-table');
	await until(async () => (await team.locator('tbody tr').count()) > 0, { message: 'team rows' });
	await settled(page);
	await shot(page, 'staff-team-en');

	await page.goto(srv.url + '/staff/kpis');
	const kpis = page.getByTestId('kpi-table');
	await until(async () => (await kpis.locator('tbody tr').count()) > 0, { message: 'kpi rows' });
	await settled(page);
	await shot(page, 'staff-kpis-en');
	await page.getByRole('tab', { name: 'Footfall' }).click();
	const imp = page.getByTestId('footfall-import');
	await imp.waitFor();
	const today = (await get(`/api/v1/dashboard?store_id=${STORE}`)).today.day;
	await fill(page, 'footfall-import-text', `day,hour,entries\n${today},10,40\n${today},11,x\n`);
	await page.getByTestId('footfall-import-check').click();
	await page.getByTestId('footfall-import-errors').waitFor();
	assert.match(await page.getByTestId('footfall-import-errors').innerText(), /3/, 'the bad line is named');
	await shot(page, 'staff-footfall-import-en');
	await fill(page, 'footfall-import-text', `day,hour,entries\n${today},10,40\n${today},11,35\n`);
	await page.getByTestId('footfall-import-check').click();
	await until(async () => !(await page.getByTestId('footfall-import-apply').isDisabled()), { message: 'apply enabled' });
	await page.getByTestId('footfall-import-apply').click();
	const hour = async (h) => (await get(`/api/v1/footfall?store_id=${STORE}&from=${today}&to=${today}`)).items[0]?.hours.find((x) => x.hour === h)?.entries;
	await until(async () => (await hour(10)) === 40 && (await hour(11)) === 35, { message: 'footfall imported' });

	// A person's page: give a recognition.
	await page.goto(srv.url + `/staff/people/${me.id}`);
	await page.getByTestId('staff-person-name').waitFor();
	await page.getByTestId('staff-recognition-open').click();
	await page.getByTestId('staff-recognition-dialog').waitFor();
	await fill(page, 'staff-recognition-note', 'Best week of the year');
	await shot(page, 'staff-recognition-dialog-en');
	await page.getByTestId('staff-recognition-save').click();
	await page.getByTestId('recognition-list').getByText('Best week of the year').waitFor();
	await settled(page);
	await shot(page, 'staff-person-en');

	await page.goto(srv.url + '/staff/leaderboards');
	const board = page.getByTestId('leaderboard-table');
	await until(async () => (await board.locator('tbody tr').count()) > 0, { message: 'leaderboard rows' });
	assert.equal(await board.locator('tbody tr').first().locator('[data-medal="gold"]').count(), 1, 'gold for the first');
	await settled(page);
	await shot(page, 'staff-leaderboards-en');

	await page.goto(srv.url + '/dashboard');
	const card = page.getByTestId('dashboard-leaderboard');
	await until(async () => (await card.locator('tbody tr').count()) > 0, { message: 'the dashboard leaderboard' });
	await card.scrollIntoViewIfNeeded();
	await settled(page);
	await shot(page, 'staff-dashboard-leaderboard-en');
	assertNoConsoleErrors(page);
	await page.context().close();

	// The person's page and the footfall tab in Chinese.
	const zh = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(zh, srv.url, 'manager01', DEMO_PASSWORD);
	await zh.goto(srv.url + `/staff/people/${me.id}`);
	await zh.getByTestId('recognition-list').getByText('Best week of the year').waitFor();
	await zh.getByTestId('staff-recognition-open').click();
	await zh.getByTestId('staff-recognition-dialog').waitFor();
	await shot(zh, 'staff-recognition-dialog-zh-CN');
	await zh.keyboard.press('Escape');
	await settled(zh);
	await shot(zh, 'staff-person-zh-CN');
	await zh.goto(srv.url + '/staff/kpis');
	await zh.getByRole('tab', { name: '客流' }).click();
	await zh.getByTestId('footfall-table').locator('tbody tr').first().waitFor();
	await shot(zh, 'staff-footfall-zh-CN');
	assertNoConsoleErrors(zh);
	await zh.context().close();
});

test('a POS sale shared by two salespeople carries both, 70/30', async () => {
	const p = await product();
	const page = await newPage(srv.browser, { locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	await page.goto(srv.url + '/pos');
	await page.getByTestId('pos-pay').waitFor();
	await fill(page, 'pos-barcode', p.barcode);
	await input(page, 'pos-barcode').press('Enter');
	await until(async () => (await page.locator('[data-testid^="pos-line-"]').count()) === 1, { message: 'a line' });

	// Picked by typing a name, as on the till's keyboard.
	for (const s of sellers) {
		await input(page, 'pos-salespeople-select').fill(s.display_name);
		await page.getByTestId(`pos-salesperson-${s.id}`).waitFor();
		await input(page, 'pos-salespeople-select').press('Enter');
	}
	await page.keyboard.press('Escape');
	await page.getByTestId('pos-salespeople-share').waitFor();
	// The slider from 50 % to 70 %: four steps of 5 to the right.
	await page.getByTestId('pos-salespeople-share').locator('.el-slider__button-wrapper').focus();
	for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
	await until(async () => /70%/.test(await page.getByTestId('pos-salespeople-share').innerText()), { message: '70 %' });
	await shot(page, 'pos-salespeople-zh-CN');

	await page.waitForTimeout(400); // the preview settles
	const due = Math.round(Number((await page.getByTestId('pos-total').textContent()).replace(/[^0-9.-]/g, '')) * 100);
	await page.getByTestId('pos-pay').click();
	await page.getByTestId('pos-tender-card').click();
	await fill(page, 'pos-tender-amount', (due / 100).toFixed(2));
	await input(page, 'pos-tender-amount').press('Enter');
	await page.getByTestId('pos-complete').click();
	await page.getByTestId('pos-result-number').waitFor();
	const number = (await page.getByTestId('pos-result-number').textContent()).trim();
	const day = number.split('-')[1];
	const from = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
	const list = await get(`/api/v1/sales?store_id=${STORE}&from=${from}&to=${from}&limit=200`);
	const found = list.items.find((s) => s.number === number);
	assert.ok(found, 'the sale is recorded');
	const sale = await get(`/api/v1/sales/${found.id}`);
	assert.deepEqual(
		sale.salespeople.map((x) => [x.user_id, x.share_bp]).sort((a, b) => a[0] - b[0]),
		[[sellers[0].id, 7000], [sellers[1].id, 3000]].sort((a, b) => a[0] - b[0]),
	);
	// The picker is empty for the next sale.
	await page.getByTestId('pos-next-sale').click();
	assert.equal(await page.getByTestId('pos-salespeople-share').count(), 0);
	assertNoConsoleErrors(page);
	await page.context().close();
});
