// The settings area as an administrator on the small demo: a GBK CSV of
// customers with one bad row goes through the import wizard (a column
// matched by hand, the dry run names the bad line, the fixed file applies
// and the customers are there); a user is created with a store assignment;
// the dialogs and the audit drawer in both languages (test-results/screens).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useApp, newPage, login, fill, shot, until, assertNoConsoleErrors, confirmBox } from './lib/harness.mjs';

const srv = useApp({ demo: 'small' });
const gbk = (s) => execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: Buffer.from(s) });
const tag = String(Date.now()).slice(-6);
const phone = (n) => `199${tag}${String(n).padStart(2, '0')}`;

/** Picks the option whose text is `text` in the el-select carrying testid. */
async function choose(page, testid, text) {
	await page.getByTestId(testid).click();
	const opt = page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: new RegExp(`^${text}$`) }).first();
	await opt.click();
}

test('import a GBK CSV of customers: a column matched by hand, the bad line named, the fixed file applied', async () => {
	const page = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(page, srv.url, 'admin', srv.adminPassword);
	await page.goto(srv.url + '/settings/import');
	await page.getByTestId('settings-import-kind-customers').waitFor();
	await shot(page, 'settings-import-kind-zh-CN');
	await page.getByTestId('settings-import-kind-customers').click();
	await page.getByTestId('settings-import-upload').waitFor();
	

	// 联系电话 is no header the server knows: it is matched to the phone by hand.
	const rows = (bad) =>
		`姓名,联系电话,生日\n` +
		`导入甲${tag},${phone(1)},1990-05-17\n` +
		`导入乙${tag},${bad ? '12345' : phone(2)},\n` +
		`导入丙${tag},${phone(3)},1988-01-02\n`;
	const upload = (testid, content) =>
		page.getByTestId(testid).locator('input[type=file]').setInputFiles({ name: 'customers-gbk.csv', mimeType: 'text/csv', buffer: gbk(content) });
	await upload('settings-import-upload', rows(true));
	await page.getByTestId('settings-import-columns').waitFor();
	const matched = await page.getByTestId('settings-import-columns').locator('tbody tr').allTextContents();
	assert.equal(matched.length, 3);
	assert.match(matched[0], /姓名/);
	await choose(page, 'settings-import-field-1', '手机号');
	await shot(page, 'settings-import-columns-matched-zh-CN');
	await page.getByTestId('settings-import-check').click();

	// The dry run names line 3 (the header is line 1) and its column.
	const errors = page.getByTestId('settings-import-errors');
	await errors.waitFor();
	const errText = await errors.locator('tbody tr').allTextContents();
	assert.equal(errText.length, 1, errText.join('\n'));
	assert.match(errText[0], /^3联系电话/);
	await shot(page, 'settings-import-badline-zh-CN');
	const none = await srv.api('GET', `/api/v1/customers?q=${encodeURIComponent(`导入甲${tag}`)}`, { token: await srv.login('admin', srv.adminPassword) });
	assert.equal(none.body.items.length, 0, 'a dry run writes nothing');

	// The fixed file, same columns: checked again with the same matches, then applied.
	await upload('settings-import-reupload', rows(false));
	await page.getByTestId('settings-import-apply').waitFor();
	await shot(page, 'settings-import-checked-zh-CN');
	await page.getByTestId('settings-import-apply').click();
	await confirmBox(page);
	await page.getByTestId('settings-import-result').waitFor();
	await shot(page, 'settings-import-done-zh-CN');

	const token = await srv.login('admin', srv.adminPassword);
	for (const [name, p] of [[`导入甲${tag}`, phone(1)], [`导入乙${tag}`, phone(2)], [`导入丙${tag}`, phone(3)]]) {
		const r = await srv.api('GET', `/api/v1/customers?q=${encodeURIComponent(name)}`, { token });
		assert.equal(r.status, 200);
		assert.equal(r.body.items.length, 1, name);
		assert.equal(r.body.items[0].phone, p);
	}
	const jia = (await srv.api('GET', `/api/v1/customers?q=${encodeURIComponent(`导入甲${tag}`)}`, { token })).body.items[0];
	assert.equal(jia.birthday, '1990-05-17');
	assertNoConsoleErrors(page);
});

test('a user is created with a store assignment; password reset and deactivation ask first', async () => {
	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'admin', srv.adminPassword);
	await page.goto(srv.url + '/settings/users');
	await page.getByTestId('settings-user-create').click();
	await page.getByTestId('settings-user-dialog').waitFor();
	const username = `clerk${tag}`;
	await fill(page, 'settings-user-username', username);
	await fill(page, 'settings-user-name', `Clerk ${tag}`);
	await fill(page, 'settings-user-password', 'A-long-passw0rd-2026');
	await choose(page, 'settings-user-role', 'Store manager');
	const token = await srv.login('admin', srv.adminPassword);
	const store2 = (await srv.api('GET', '/api/v1/stores/2', { token })).body;
	await choose(page, 'settings-user-stores', `${store2.code} ${store2.name}`);
	await page.keyboard.press('Escape'); // close the multi-select's list, not the dialog
	await shot(page, 'settings-user-form-filled-en');
	await page.getByTestId('settings-user-save').click();
	await page.getByTestId('settings-user-dialog').waitFor({ state: 'hidden' });

	const r = await srv.api('GET', `/api/v1/users?store_id=2&q=${username}`, { token });
	assert.equal(r.body.items.length, 1, 'the new user is assigned to store 2');
	const user = r.body.items[0];
	assert.equal(user.role, 'store_manager');
	assert.deepEqual(user.store_ids, [2]);
	// the list filtered by store 2 shows them
	await page.getByTestId(`settings-user-edit-${user.id}`).waitFor();

	await page.getByTestId(`settings-user-password-${user.id}`).click();
	await page.getByTestId('settings-password-dialog').waitFor();
	await shot(page, 'settings-user-password-reset-en');
	await page.getByTestId('settings-password-cancel').click();

	await page.getByTestId(`settings-user-deactivate-${user.id}`).click();
	await page.locator('.el-message-box').waitFor();
	assert.match(await page.locator('.el-message-box').textContent(), /signed out on every device/);
	await shot(page, 'settings-user-deactivate-en');
	await confirmBox(page);
	await until(async () => (await srv.api('GET', `/api/v1/users/${user.id}`, { token })).body.active === false, { message: 'the user was not deactivated' });
	assertNoConsoleErrors(page);
});

test('the store form, the roles, the audit drawer, the import steps and the user dialogs in both languages', async () => {
	for (const locale of ['zh-CN', 'en']) {
		const page = await newPage(srv.browser, { locale });
		await login(page, srv.url, 'admin', srv.adminPassword);
		await page.goto(srv.url + '/settings/stores');
		await page.getByTestId('settings-store-edit-1').click();
		await page.getByTestId('settings-store-dialog').waitFor();
		await shot(page, `settings-store-form-${locale}`);
		await page.getByTestId('settings-store-cancel').click();

		await page.goto(srv.url + '/settings/roles');
		await page.getByTestId('settings-roles-sales-SALES_WRITE').waitFor();
		assert.equal(await page.getByTestId('settings-roles-sales-USERS_WRITE').count(), 0, 'a sales assistant may not change users');
		await shot(page, `settings-roles-${locale}`);

		// a change with a before and an after: the last update of a user
		const token = await srv.login('admin', srv.adminPassword);
		const changed = (await srv.api('GET', '/api/v1/audit?entity=user&limit=100', { token })).body.items.find((a) => a.action === 'update');
		assert.ok(changed, 'an update of a user is in the audit log');
		await page.goto(srv.url + '/settings/audit');
		await page.getByTestId(`settings-audit-open-${changed.id}`).click();
		await page.getByTestId('settings-audit-diff').waitFor();
		await page.getByTestId('settings-audit-drawer').locator('.el-descriptions').waitFor();
		await shot(page, `settings-audit-drawer-${locale}`);

		// the wizard's steps up to the dry run's errors (nothing is applied here)
		await page.goto(srv.url + '/settings/import');
		await page.getByTestId('settings-import-kind-suppliers').click();
		await shot(page, `settings-import-file-${locale}`);
		await page.getByTestId('settings-import-upload').locator('input[type=file]')
			.setInputFiles({ name: 'suppliers.csv', mimeType: 'text/csv', buffer: gbk(`供应商编码,供应商名称,到货天数\nX${tag},甲,5\nX${tag},乙,abc\n`) });
		await page.getByTestId('settings-import-columns').waitFor();
		await shot(page, `settings-import-columns-${locale}`);
		await page.getByTestId('settings-import-check').click();
		await page.getByTestId('settings-import-errors').waitFor();
		await shot(page, `settings-import-errors-${locale}`);

		await page.goto(srv.url + '/settings/users');
		await page.getByTestId('settings-user-create').click();
		await page.getByTestId('settings-user-dialog').waitFor();
		await shot(page, `settings-user-form-${locale}`);
		await page.getByTestId('settings-user-cancel').click();
		await page.getByTestId('settings-user-password-1').click();
		await page.getByTestId('settings-password-dialog').waitFor();
		await shot(page, `settings-user-password-${locale}`);
		await page.getByTestId('settings-password-cancel').click();
		assertNoConsoleErrors(page);
		await page.context().close();
	}
});
