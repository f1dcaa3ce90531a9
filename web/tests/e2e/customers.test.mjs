// Customers against the small demo: a store manager finds a member by the
// last four digits of the phone, opens the profile, records a contact (seen
// in the contacts and on the timeline), moves an opportunity on the board by
// dragging its card (checked through the API) and merges two duplicates
// after the side-by-side check; head office exports and erases a person's
// data. Screenshots of list, profile, merge check, board and the erase
// confirmation in both languages (test-results/screens).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, newPage, login, fill, shot, until, assertNoConsoleErrors, DEMO_PASSWORD } from './lib/harness.mjs';

const srv = useApp({ demo: 'small' });

async function api(token, method, path, body) {
	const r = await srv.api(method, path, { token, body });
	assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
	return r.body;
}

/** Two profiles of one person (same name and birthday): a duplicate pair in store 1. */
async function duplicatePair(token, name) {
	const a = await api(token, 'POST', '/api/v1/customers', { name, birthday: '1990-05-06', home_store_id: 1, phone: null, tags: ['vip'] });
	const b = await api(token, 'POST', '/api/v1/customers', { name, birthday: '1990-05-06', home_store_id: 1, email: `${a.id}@example.com` });
	return [a, b];
}

async function dragCard(page, id, stage) {
	await page.getByTestId(`customers-opportunity-card-${id}`).dragTo(page.getByTestId(`customers-opportunity-column-${stage}`));
}

test('a store manager finds a member by the last four digits, adds a contact, moves a deal on the board and merges duplicates', async () => {
	const token = await srv.login('manager01', DEMO_PASSWORD);
	const list = await api(token, 'GET', '/api/v1/customers?home_store_id=1&limit=20');
	const member = list.items.find((c) => c.phone_last4);
	assert.ok(member, 'a store-1 member with a phone');
	const deal = await api(token, 'POST', '/api/v1/opportunities', { name: 'E2E 团购 corporate gifts', customer_id: member.id, store_id: 1, amount: 1234500, stage: 'lead' });
	const [dupA, dupB] = await duplicatePair(token, '测试重复');

	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);

	// The list: four digits search the last four of the phone.
	await page.goto(srv.url + '/customers');
	await fill(page, 'customers-customer-filter-search', member.phone_last4);
	const rows = page.locator('[data-testid=customers-customer-table] .el-table__body-wrapper tbody tr');
	// The search runs once typing stops: wait until only phones ending in those digits are listed.
	await until(async () => {
		const shown = await rows.allTextContents();
		return shown.length > 0 && shown.every((row) => row.includes(member.phone_last4));
	}, { message: `the list did not narrow to phones ending ${member.phone_last4}` });
	const open = page.getByTestId(`customers-customer-open-${member.id}`);
	await open.waitFor();
	await shot(page, 'customers-list-en');

	// The profile, and a contact recorded from it.
	await open.click();
	await page.waitForURL(`**/customers/${member.id}`);
	assert.equal((await page.getByTestId('customers-profile-name').textContent()).trim(), member.name);
	await page.getByTestId('customers-profile-timeline').or(page.locator('.el-tab-pane .el-empty').first()).first().waitFor();
	await shot(page, 'customers-profile-en');
	await page.locator('#tab-contacts').click();
	await page.getByTestId('customers-contact-create').click();
	await page.getByTestId('customers-contact-dialog').waitFor();
	const summary = 'Called about the autumn collection';
	await fill(page, 'customers-contact-summary', summary);
	await fill(page, 'customers-contact-outcome', 'Will visit on Saturday');
	await page.getByTestId('customers-contact-save').click();
	await page.getByTestId('customers-contact-table').getByText(summary).waitFor();
	const contacts = await api(token, 'GET', `/api/v1/customers/${member.id}/contacts`);
	assert.equal(contacts.items[0].summary, summary);
	assert.equal(contacts.items[0].channel, 'phone');
	await page.locator('#tab-timeline').click();
	await page.getByTestId('customers-profile-timeline').getByText(summary).waitFor();
	await shot(page, 'customers-profile-contact-en');

	// The board: drag the card from Lead to Proposal; the server has the new stage.
	await page.goto(srv.url + '/customers/opportunities');
	const card = page.getByTestId(`customers-opportunity-card-${deal.id}`);
	await page.getByTestId('customers-opportunity-column-lead').getByTestId(`customers-opportunity-card-${deal.id}`).waitFor();
	const before = Number(await page.getByTestId('customers-opportunity-total-proposal').getAttribute('data-value'));
	await dragCard(page, deal.id, 'proposal');
	await until(async () => (await api(token, 'GET', `/api/v1/opportunities/${deal.id}`)).stage === 'proposal', { message: 'the deal did not move to proposal' });
	await page.getByTestId('customers-opportunity-column-proposal').getByTestId(`customers-opportunity-card-${deal.id}`).waitFor();
	await until(async () => Number(await page.getByTestId('customers-opportunity-total-proposal').getAttribute('data-value')) === before + deal.amount, {
		message: 'the proposal column total did not include the deal',
	});
	assert.equal(await card.count(), 1);
	await shot(page, 'customers-board-en');

	// Duplicates: the side-by-side check, then the merge keeps the chosen profile.
	await page.goto(srv.url + '/customers/duplicates');
	const check = page.getByTestId(`customers-duplicate-check-${Math.min(dupA.id, dupB.id)}-${Math.max(dupA.id, dupB.id)}`);
	await check.click();
	await page.getByTestId('customers-merge-compare').waitFor();
	await page.getByTestId('customers-merge-keep-a').click();
	await shot(page, 'customers-merge-en');
	await page.getByTestId('customers-merge-submit').click();
	await page.locator('.el-message-box .el-button--danger').click();
	await page.getByTestId('customers-merge-dialog').waitFor({ state: 'hidden' });
	const kept = Math.min(dupA.id, dupB.id);
	const gone = Math.max(dupA.id, dupB.id);
	assert.equal((await srv.api('GET', `/api/v1/customers/${gone}`, { token })).status, 404, 'the merged-away profile is gone');
	const keptNow = await api(token, 'GET', `/api/v1/customers/${kept}`);
	assert.equal(keptNow.email, `${dupA.id}@example.com`, 'the empty e-mail of the kept profile was filled from the other');
	assertNoConsoleErrors(page);
	await page.context().close();
});

test('head office sees the screens in Chinese, exports a person’s data and erases it after the confirmation', async () => {
	const token = await srv.login('headoffice', DEMO_PASSWORD);
	const manager = await srv.login('manager01', DEMO_PASSWORD);
	const person = await api(manager, 'POST', '/api/v1/customers', { name: '注销测试', phone: '13812345678', home_store_id: 1, tags: ['测试'] });
	await duplicatePair(manager, '重复客户乙');
	const page = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);

	await page.goto(srv.url + '/customers');
	await fill(page, 'customers-customer-filter-search', '5678');
	await page.getByTestId(`customers-customer-open-${person.id}`).waitFor();
	await shot(page, 'customers-list-zh-CN');

	await page.goto(srv.url + '/customers/opportunities');
	await page.locator('[data-testid^=customers-opportunity-card-]').first().waitFor();
	await shot(page, 'customers-board-zh-CN');

	await page.goto(srv.url + '/customers/duplicates');
	await page.locator('[data-testid^=customers-duplicate-check-]').first().click();
	await page.getByTestId('customers-merge-compare').waitFor();
	await shot(page, 'customers-merge-zh-CN');
	await page.getByTestId('customers-merge-cancel').click();

	await page.goto(srv.url + `/customers/${person.id}`);
	await page.getByTestId('customers-profile-name').waitFor();
	await shot(page, 'customers-profile-zh-CN');
	const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('customers-profile-export').click()]);
	const data = JSON.parse(await (await import('node:fs/promises')).readFile(await file.path(), 'utf8'));
	assert.equal(data.profile.id, person.id);

	await page.getByTestId('customers-profile-erase').click();
	const dialog = page.getByTestId('customers-erase-dialog');
	await dialog.waitFor();
	const text = await dialog.textContent();
	assert.match(text, /无法撤销/, 'says it cannot be undone');
	assert.match(text, /为账务保留/, 'says what is kept for the books');
	assert.ok(await page.getByTestId('customers-erase-confirm').isDisabled(), 'erase waits for the tick');
	await page.getByTestId('customers-erase-understand').click();
	await shot(page, 'customers-erase-zh-CN');
	await page.getByTestId('customers-erase-confirm').click();
	await page.waitForURL('**/customers');
	assert.equal((await srv.api('GET', `/api/v1/customers/${person.id}`, { token })).status, 404, 'the erased customer answers 404');
	assertNoConsoleErrors(page);

	// The erase confirmation in English too.
	const en = await newPage(srv.browser, { locale: 'en' });
	await login(en, srv.url, 'headoffice', DEMO_PASSWORD);
	const other = await api(manager, 'POST', '/api/v1/customers', { name: 'Erase Preview', home_store_id: 1 });
	await en.goto(srv.url + `/customers/${other.id}`);
	await en.getByTestId('customers-profile-erase').click();
	await en.getByTestId('customers-erase-dialog').waitFor();
	await shot(en, 'customers-erase-en');
	assert.match(await en.getByTestId('customers-erase-dialog').textContent(), /cannot be undone/);
	assertNoConsoleErrors(en);
});
