// Explained anomaly alerts in the browser, on the small demo: a big stock
// write-off is injected through the API, the hourly job is run against the
// test server's database, and the alert arrives on the dashboard by the live
// feed with its sentence (English), is listed with it on the alerts screen
// in both languages, filtered by kind, and acknowledged with a note (in
// Chinese). Screenshots of the panel, the list and the dialog in both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { useApp, newPage, login, shot, until, assertNoConsoleErrors, DEMO_PASSWORD, ROOT } from './lib/harness.mjs';

const srv = useApp({ demo: 'small' });
const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');

test('a stock write-off far above normal is found by the job, explained in both languages and acknowledged with a note', async () => {
	const manager = await srv.login('manager01', DEMO_PASSWORD);
	const move = (body) => srv.api('POST', '/api/v1/stock/moves', { token: manager, body: { store_id: 1, product_id: 62, ...body } });
	assert.equal((await move({ quantity: 300, reason: 'receipt' })).status, 201);
	const off = await move({ quantity: -250, reason: 'damage', note: 'water damage' });
	assert.equal(off.status, 201, off.text);

	// English: the dashboard is open when the job runs; the alert comes on the feed.
	const en = await newPage(srv.browser, { locale: 'en' });
	await login(en, srv.url, 'manager01', DEMO_PASSWORD);
	await en.goto(srv.url + '/dashboard');
	await en.getByTestId('dashboard-anomalies-empty').waitFor();
	await en.getByTestId('live-state').filter({ hasText: 'Live' }).waitFor();
	const job = spawnSync(BIN, ['job', 'run', 'anomalies', '--db', srv.db], { encoding: 'utf8' });
	assert.equal(job.status, 0, job.stderr);
	const list = (await srv.api('GET', '/api/v1/alerts?kind=stock_adjustment&status=open', { token: manager })).body.items;
	assert.equal(list.length, 1);
	const alert = list[0];
	const item = en.getByTestId(`dashboard-anomaly-${alert.id}`);
	await item.waitFor({ timeout: 15000 });
	assert.match(await item.textContent(), /adjusted 250 units \(¥[\d,]+\.\d\d at cost\) of stock today, against a daily average of 0 units \(¥0\.00\) over the last 90 days/);
	await en.getByTestId('dashboard-anomalies').scrollIntoViewIfNeeded();
	await shot(en, 'alerts-dashboard-en');

	await en.goto(`${srv.url}/inventory/alerts`);
	const ack = en.getByTestId(`inventory-alert-ack-${alert.id}`);
	await ack.waitFor();
	assert.match(await en.locator('.el-table__row', { has: ack }).textContent(), /Stock adjustment.*adjusted 250 units/);
	await shot(en, 'alerts-list-en');
	await ack.click();
	await en.getByTestId('inventory-alert-ack-note').waitFor();
	await shot(en, 'alerts-ack-dialog-en');
	await en.getByTestId('inventory-alert-ack-cancel').click();
	assertNoConsoleErrors(en);
	await en.context().close();

	// Chinese: the sentence in Chinese, the kind filter, acknowledged with a note.
	const zh = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(zh, srv.url, 'manager01', DEMO_PASSWORD);
	await zh.goto(srv.url + '/dashboard');
	const zitem = zh.getByTestId(`dashboard-anomaly-${alert.id}`);
	await zitem.waitFor();
	assert.match(await zitem.textContent(), /库存调整异常.*今天调整库存 250 件（成本 ¥[\d,]+\.\d\d），过去 90 天日均 0 件（¥0\.00）/);
	await zh.getByTestId('dashboard-anomalies').scrollIntoViewIfNeeded();
	await shot(zh, 'alerts-dashboard-zh-CN');

	await zh.getByTestId('dashboard-anomalies-all').click();
	const zack = zh.getByTestId(`inventory-alert-ack-${alert.id}`);
	await zack.waitFor();
	// the kind filter: store sales shows nothing, stock adjustments this one
	await zh.getByTestId('inventory-alert-filter-kind').click();
	await zh.locator('.el-select-dropdown__item:visible', { hasText: '门店销售异常' }).click();
	await zack.waitFor({ state: 'detached' });
	await zh.getByTestId('inventory-alert-filter-kind').click();
	await zh.locator('.el-select-dropdown__item:visible', { hasText: '库存调整异常' }).click();
	await zack.waitFor();
	await shot(zh, 'alerts-list-zh-CN');
	await zack.click();
	const note = zh.locator('[data-testid=inventory-alert-ack-note] textarea, textarea[data-testid=inventory-alert-ack-note]');
	await note.fill('仓库漏水，已报损并通知总部');
	await shot(zh, 'alerts-ack-dialog-zh-CN');
	await zh.getByTestId('inventory-alert-ack-save').click();
	await until(async () => {
		const r = await srv.api('GET', `/api/v1/alerts?kind=stock_adjustment&status=acknowledged`, { token: manager });
		return r.body.items.length === 1 && r.body.items[0].note === '仓库漏水，已报损并通知总部';
	}, { message: 'alert acknowledged with its note' });
	await zack.waitFor({ state: 'detached' });
	assertNoConsoleErrors(zh);
	await zh.context().close();
});
