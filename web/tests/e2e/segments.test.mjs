// Saved segments against the small demo: head office builds a segment from
// two filters (SMS consent, bought in the last 14 days), sees the live
// count change and match the API's preview, saves it, opens its members
// (the count the API gives) and exports them as CSV; a member's profile
// shows the lifetime value with its explanation and the recommendations. A
// store manager's segment in Chinese: the list, the editor, the members and
// the delete confirmation. Screenshots in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useApp, newPage, login, fill, shot, until, confirmBox, assertNoConsoleErrors, DEMO_PASSWORD } from './lib/harness.mjs';

const srv = useApp({ demo: 'small' });

async function api(token, method, path, body) {
	const r = await srv.api(method, path, { token, body });
	assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
	return r.body;
}

/** The number an el-statistic shows (digits only), or null for "—". */
async function shown(page, testid) {
	const text = await page.getByTestId(testid).locator('.el-statistic__number, .el-statistic__content').first().textContent();
	const digits = text.replace(/[^0-9]/g, '');
	return digits ? Number(digits) : null;
}

test('head office builds a segment from two filters, saves it, opens and exports its members; the profile card', async () => {
	const token = await srv.login('headoffice', DEMO_PASSWORD);
	const all = (await api(token, 'POST', '/api/v1/segments/preview', { filter: {} })).count;
	const sms = (await api(token, 'POST', '/api/v1/segments/preview', { filter: { consent: ['sms'] } })).count;
	const both = (await api(token, 'POST', '/api/v1/segments/preview', { filter: { consent: ['sms'], recency_max_days: 14 } })).count;
	assert.ok(all > sms && sms > both && both > 0, `${all} > ${sms} > ${both} > 0`);

	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
	await page.goto(srv.url + '/customers/segments');
	await page.getByTestId('customers-segment-page').waitFor();
	await shot(page, 'segments-list-empty-en');
	await page.getByTestId('customers-segment-create').click();
	await page.waitForURL('**/customers/segments/new');

	// The live count: everyone, then SMS consent, then also bought in 14 days.
	await until(async () => (await shown(page, 'customers-segment-count')) === all, { message: `the count did not show ${all}` });
	await page.getByTestId('customers-segment-consent-sms').click();
	await until(async () => (await shown(page, 'customers-segment-count')) === sms, { message: `the count did not change to ${sms}` });
	await fill(page, 'customers-segment-recency-max', 14);
	await page.getByTestId('customers-segment-recency-max').locator('input').press('Tab');
	await until(async () => (await shown(page, 'customers-segment-count')) === both, { message: `the count did not change to ${both}` });
	await page.getByTestId('customers-segment-sample').locator('tbody tr').first().waitFor();
	const says = await page.getByTestId('customers-segment-says').textContent();
	assert.match(says, /SMS/);
	assert.match(says, /14 days/);
	await fill(page, 'customers-segment-name', 'Recent SMS buyers');
	await fill(page, 'customers-segment-description', 'Reminder before the weekend sale');
	await shot(page, 'segments-editor-en');

	// A bad value is named beside its field (a spend range upside down), and nothing is counted.
	await fill(page, 'customers-segment-spend-min', '500');
	await fill(page, 'customers-segment-spend-max', '100');
	await page.getByTestId('customers-segment-spend-max').press('Tab');
	await page.locator('.el-form-item__error').first().waitFor();
	assert.equal(await shown(page, 'customers-segment-count'), null);
	await shot(page, 'segments-editor-error-en');
	await fill(page, 'customers-segment-spend-min', '');
	await fill(page, 'customers-segment-spend-max', '');
	await until(async () => (await page.locator('.el-form-item__error').count()) === 0 && (await shown(page, 'customers-segment-count')) === both, { message: 'the error did not clear' });

	// Saved: the members page with the API's count.
	await page.getByTestId('customers-segment-save').click();
	await page.waitForURL(/\/customers\/segments\/\d+$/);
	const id = Number(new URL(page.url()).pathname.split('/').pop());
	const saved = await api(token, 'GET', `/api/v1/segments/${id}`);
	assert.deepEqual(saved.filter, { consent: ['sms'], recency_max_days: 14 });
	assert.equal(saved.name, 'Recent SMS buyers');
	await until(async () => (await shown(page, 'customers-segment-members-count')) === saved.count, { message: `members count ${saved.count}` });
	const rows = page.getByTestId('customers-segment-member-table').locator('tbody tr');
	await rows.first().waitFor();
	const n = await rows.count();
	assert.ok(n > 0 && n <= saved.count, `${n} rows of ${saved.count}`);
	await shot(page, 'segments-members-en');
	const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('customers-segment-export-csv').click()]);
	const csv = (await readFile(await file.path(), 'utf8')).replace(/^\uFEFF/, '').trimEnd().split(/\r?\n/);
	assert.equal(csv.length, 1 + saved.count);

	// A member's profile: lifetime value (realized + expected) and suggestions.
	await rows.first().click();
	await page.waitForURL(/\/customers\/\d+$/);
	const cid = Number(new URL(page.url()).pathname.split('/').pop());
	const value = await api(token, 'GET', `/api/v1/customers/${cid}/value`);
	const recs = await api(token, 'GET', `/api/v1/customers/${cid}/recommendations?limit=5`);
	await page.getByTestId('customers-profile-clv').waitFor();
	const clvText = await page.getByTestId('customers-profile-clv').textContent();
	assert.equal(clvText.replace(/[^0-9]/g, ''), String(value.clv), `${clvText} vs ${value.clv} fen`);
	if (recs.items.length) await page.getByTestId(`customers-profile-rec-${recs.items[0].product_id}`).waitFor();
	else await page.getByTestId('customers-profile-recommendations').locator('.el-empty').waitFor();
	await page.getByTestId('customers-profile-value-tip').hover();
	await page.locator('.el-popper').filter({ hasText: 'realized' }).waitFor();
	await shot(page, 'segments-customer-card-en');
	assertNoConsoleErrors(page);
	await page.context().close();
});

test('a store manager\'s segment in Chinese: list, editor, members, delete', async () => {
	const token = await srv.login('manager01', DEMO_PASSWORD);
	const seg = await api(token, 'POST', '/api/v1/segments', { name: '本店高价值客户', description: '周末活动前短信提醒', filter: { rfm_segments: ['champions', 'loyal'], consent: ['sms'] } });
	assert.equal(seg.store_id, 1);
	const page = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	await page.goto(srv.url + '/customers/segments');
	await page.getByTestId(`customers-segment-members-${seg.id}`).waitFor();
	await shot(page, 'segments-list-zh-CN');

	await page.getByTestId(`customers-segment-edit-${seg.id}`).click();
	await page.waitForURL(`**/customers/segments/${seg.id}/edit`);
	const count = (await api(token, 'GET', `/api/v1/segments/${seg.id}`)).count;
	await until(async () => (await shown(page, 'customers-segment-count')) === count, { message: `the editor's count ${count}` });
	assert.equal(await page.getByTestId('customers-segment-name').inputValue(), seg.name);
	await shot(page, 'segments-editor-zh-CN');

	await page.goto(srv.url + `/customers/segments/${seg.id}`);
	await until(async () => (await shown(page, 'customers-segment-members-count')) === count, { message: `members count ${count}` });
	await shot(page, 'segments-members-zh-CN');

	const first = (await api(token, 'GET', `/api/v1/segments/${seg.id}/members?limit=1`)).items[0];
	if (first) {
		await page.goto(srv.url + `/customers/${first.id}`);
		await page.getByTestId('customers-profile-clv').waitFor();
		await page.getByTestId('customers-profile-recommendations').locator('li, .el-empty').first().waitFor();
		await shot(page, 'segments-customer-card-zh-CN');
	}

	await page.goto(srv.url + '/customers/segments');
	await page.getByTestId(`customers-segment-delete-${seg.id}`).click();
	await confirmBox(page, 'segments-delete-zh-CN');
	await until(async () => (await srv.api('GET', `/api/v1/segments/${seg.id}`, { token })).status === 404, { message: 'the segment was not deleted' });
	await page.getByTestId('customers-segment-page').locator('.el-empty').waitFor();
	assertNoConsoleErrors(page);
	await page.context().close();
});
