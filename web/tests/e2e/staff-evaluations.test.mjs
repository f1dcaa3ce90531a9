// Evaluations against the small demo: head office writes a template whose
// weights must sum to 100 (English); a store manager's evaluation of a
// salesperson: the salesperson scores themselves and submits (Chinese) and
// does not see the manager's part; the manager does not see the self part,
// scores, adds an improvement action and publishes (English); then both
// parts show to both, with the weighted score, the action as a task and
// the next evaluation scheduled. Screenshots at 1366×768 in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, newPage, login, fill, shot, until, confirmBox, assertNoConsoleErrors, DEMO_PASSWORD } from './lib/harness.mjs';

const srv = useApp({ demo: 'small' });

async function api(token, method, path, body) {
	const r = await srv.api(method, path, { token, body });
	assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
	return r.body;
}

/** YYYY-MM-DD of a Date in Shanghai. */
function day(d) {
	return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}
/** The first and last day of last month (a period that has ended, so the evaluation is open). */
function lastMonth() {
	const [y, m] = day(new Date()).split('-').map(Number);
	const first = new Date(Date.UTC(m === 1 ? y - 1 : y, m === 1 ? 11 : m - 2, 1));
	const last = new Date(Date.UTC(y, m - 1, 0));
	return [first.toISOString().slice(0, 10), last.toISOString().slice(0, 10)];
}

/** Clicks star n (1..5) of the el-rate carrying testid. */
async function rate(page, testid, n) {
	await page.getByTestId(testid).locator('.el-rate__item').nth(n - 1).click();
}

async function quiet(page) {
	await until(async () => (await page.locator('.el-message').count()) === 0, { timeout: 8000, message: 'the toasts did not go' });
}

test('head office: a template per role, its weights summing to 100, in English', async () => {
	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
	await page.goto(srv.url + '/staff/evaluations/templates');
	await page.getByTestId('staff-evaluation-template-page').waitFor();
	await page.getByTestId('staff-evaluation-template-create').click();
	await page.getByTestId('evaluation-template-dialog').waitFor();
	await fill(page, 'evaluation-template-name', 'Floor sales review');
	for (const [i, name, w] of [[0, 'Selling', 60], [1, 'Service', 30]]) {
		await page.getByTestId('evaluation-template-add').click();
		await fill(page, `evaluation-template-criterion-${i}`, name);
		await fill(page, `evaluation-template-weight-${i}`, w);
		await page.getByTestId(`evaluation-template-weight-${i}`).locator('input').blur();
	}
	await until(async () => (await page.getByTestId('evaluation-template-sum').textContent()).includes('90'), { message: 'the sum shows 90' });
	await page.getByTestId('evaluation-template-save').click();
	await page.locator('.el-form-item__error', { hasText: 'sum to 100' }).waitFor();
	await shot(page, 'staff-evaluation-template-en');
	await fill(page, 'evaluation-template-weight-1', 40);
	await page.getByTestId('evaluation-template-weight-1').locator('input').blur();
	await page.getByTestId('evaluation-template-save').click();
	await page.getByTestId('evaluation-template-dialog').waitFor({ state: 'hidden' });
	await page.getByTestId('staff-evaluation-template-table').locator('tbody tr', { hasText: 'Floor sales review' }).waitFor();

	const token = await srv.login('headoffice', DEMO_PASSWORD);
	const tpl = (await api(token, 'GET', '/api/v1/evaluation-templates?limit=200')).items.find((t) => t.name === 'Floor sales review');
	assert.deepEqual(tpl.criteria.map((c) => [c.key, c.weight]), [['selling', 60], ['service', 40]]);
	await quiet(page);
	await shot(page, 'staff-evaluation-templates-en');
	assertNoConsoleErrors(page);
});

test('self, then manager, then publish: each part hidden from the other until published', async () => {
	const hq = await srv.login('headoffice', DEMO_PASSWORD);
	const tpl = await api(hq, 'POST', '/api/v1/evaluation-templates', {
		name: '导购季度评估', role: 'sales', cadence_months: 3, active: true,
		criteria: [{ key: 'selling', name: '销售技巧', weight: 60 }, { key: 'service', name: '服务', weight: 40 }],
	});
	const mgr = await srv.login('manager01', DEMO_PASSWORD);
	const sales = (await api(mgr, 'GET', '/api/v1/staff?q=sales01')).items.find((p) => p.username === 'sales01');
	assert.ok(sales, 'manager01 sees sales01');
	const [from, to] = lastMonth();

	// The manager starts it from the list (English): person, template, period, due day.
	const mp = await newPage(srv.browser, { locale: 'en' });
	await login(mp, srv.url, 'manager01', DEMO_PASSWORD);
	await mp.goto(srv.url + '/staff/evaluations');
	await mp.getByTestId('staff-evaluation-create').click();
	await mp.getByTestId('evaluation-new-dialog').waitFor();
	await mp.getByTestId('evaluation-new-save').click();
	await until(async () => (await mp.locator('.el-dialog .el-form-item__error').count()) === 4, { message: 'the four fields are marked' });
	await mp.getByTestId('evaluation-new-person').click();
	await mp.locator('.el-select-dropdown__item:visible', { hasText: sales.display_name }).first().click();
	await mp.getByTestId('evaluation-new-template').click();
	await mp.locator('.el-select-dropdown__item:visible', { hasText: '导购季度评估' }).first().click();
	const range = mp.locator('.el-dialog .el-range-input');
	await range.nth(0).fill(from);
	await range.nth(1).fill(to);
	await range.nth(1).press('Enter');
	const due = day(new Date(Date.now() + 7 * 864e5));
	await fill(mp, 'evaluation-new-due', due);
	await mp.getByTestId('evaluation-new-due').press('Enter');
	await mp.getByTestId('evaluation-new-dialog').locator('.el-dialog__title').click(); // closes the pickers
	await shot(mp, 'staff-evaluation-new-en');
	await mp.getByTestId('evaluation-new-save').click();
	await mp.waitForURL(/\/staff\/evaluations\/\d+$/);
	const created = await api(mgr, 'GET', `/api/v1/evaluations/${Number(new URL(mp.url()).pathname.split('/').pop())}`);
	assert.equal(created.status, 'open');
	assert.deepEqual([created.user_id, created.template.id, created.period_from, created.period_to, created.due_day], [sales.id, tpl.id, from, to, due]);

	// The salesperson, in Chinese: their list, the manager's part locked, scores and submit.
	const sp = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(sp, srv.url, 'sales01', DEMO_PASSWORD);
	await sp.goto(srv.url + '/staff/evaluations');
	await sp.getByTestId('staff-evaluation-table').locator('tbody tr', { hasText: '导购季度评估' }).click();
	await sp.waitForURL(`**/staff/evaluations/${created.id}`);
	await sp.getByTestId('evaluation-form').waitFor();
	await sp.getByTestId('evaluation-manager-hidden').waitFor();
	await sp.getByTestId('evaluation-kpis').waitFor();
	await rate(sp, 'evaluation-self-selling', 4);
	await rate(sp, 'evaluation-self-service', 5);
	await fill(sp, 'evaluation-self-comment', '本季度连带销售提高了。');
	await shot(sp, 'staff-evaluation-self-zh');
	await sp.getByTestId('evaluation-self-submit').click();
	await confirmBox(sp);
	await sp.getByTestId('evaluation-self-comment-text').waitFor();
	assert.equal(await sp.getByTestId('evaluation-self-submit').count(), 0, 'submitted: no second submit');
	const selfSeen = await api(await srv.login('sales01', DEMO_PASSWORD), 'GET', `/api/v1/evaluations/${created.id}`);
	assert.deepEqual(selfSeen.self.scores, { selling: 4, service: 5 });

	// The manager, in English: the self part is locked; scores, an action, save, publish.
	await mp.goto(srv.url + '/staff/evaluations');
	await mp.getByTestId('staff-evaluation-table').locator('tbody tr', { hasText: '导购季度评估' }).waitFor();
	await quiet(mp);
	await shot(mp, 'staff-evaluations-team-en');
	await mp.goto(srv.url + `/staff/evaluations/${created.id}`);
	await mp.getByTestId('evaluation-form').waitFor();
	assert.equal(await mp.getByTestId('evaluation-self-selling').count(), 0, 'the self scores are hidden from the manager');
	assert.equal(await mp.getByTestId('evaluation-self-comment-text').count(), 0, 'the self comment is hidden from the manager');
	assert.ok(await mp.getByTestId('evaluation-publish').isDisabled(), 'publish waits for the manager part');
	await rate(mp, 'evaluation-manager-selling', 3);
	await rate(mp, 'evaluation-manager-service', 5);
	await fill(mp, 'evaluation-manager-comment', 'Good with customers; work on add-on sales.');
	await mp.getByTestId('evaluation-action-add').click();
	await fill(mp, 'evaluation-action-0-title', 'Shadow the top seller for two shifts');
	await mp.getByTestId('evaluation-manager-save').click();
	await until(async () => !(await mp.getByTestId('evaluation-publish').isDisabled()), { message: 'publish is enabled once the manager part is saved' });
	await quiet(mp);
	await shot(mp, 'staff-evaluation-manager-en');

	// Saved but not published: the salesperson still does not see it.
	await sp.reload();
	await sp.getByTestId('evaluation-manager-hidden').waitFor();
	assert.equal(await sp.getByTestId('evaluation-manager-comment-text').count(), 0);

	await mp.getByTestId('evaluation-publish').click();
	await confirmBox(mp, 'staff-evaluation-publish-en');
	await until(async () => (await mp.getByTestId('evaluation-status').textContent()).includes('Published'), { message: 'published' });
	await mp.getByTestId('evaluation-self-comment-text').filter({ hasText: '连带销售' }).waitFor();
	assert.match(await mp.getByTestId('evaluation-score').textContent(), /3\.80/);

	// Published: the salesperson sees the manager's scores, comment and action.
	await sp.reload();
	await sp.getByTestId('evaluation-manager-comment-text').filter({ hasText: 'add-on sales' }).waitFor();
	assert.equal(await sp.getByTestId('evaluation-manager-hidden').count(), 0);
	await sp.getByTestId('evaluation-actions').filter({ hasText: 'Shadow the top seller' }).waitFor();
	await quiet(sp);
	await shot(sp, 'staff-evaluation-published-zh');

	const after = await api(mgr, 'GET', `/api/v1/evaluations/${created.id}`);
	assert.equal(after.status, 'published');
	assert.ok(after.next_id, 'the next evaluation is scheduled');
	const next = await api(mgr, 'GET', `/api/v1/evaluations/${after.next_id}`);
	assert.equal(next.status, 'scheduled');
	const tasks = (await api(mgr, 'GET', `/api/v1/tasks?assignee_id=${sales.id}&limit=100`)).items;
	assert.ok(tasks.some((t) => t.evaluation_id === created.id && t.title === 'Shadow the top seller for two shifts'), 'the action became a task');

	await sp.goto(srv.url + '/staff/evaluations');
	await sp.getByTestId('staff-evaluation-table').locator('tbody tr', { hasText: '3.80' }).waitFor();
	await quiet(sp);
	await shot(sp, 'staff-evaluations-mine-zh');
	assertNoConsoleErrors(sp);
	assertNoConsoleErrors(mp);
});
