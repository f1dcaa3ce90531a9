// Campaigns against the small demo: head office builds a campaign end to
// end in English (segment with its live count, messages in both languages
// previewed for a real member, submit, start, members, a cost line, the
// results and the XLSX export, complete); the demo's completed campaign
// with its planted effect shows the uplift and its interval as the API
// computes them; a store manager's campaign in Chinese: the editor's
// checks, a draft with an A/B test, its start and decision, the list, a
// member's message language.
// Screenshots at 1366×768 in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { useApp, newPage, login, fill, shot, until, confirmBox, assertNoConsoleErrors, DEMO_PASSWORD } from './lib/harness.mjs';

const srv = useApp({ demo: 'small' });

async function api(token, method, path, body) {
	const r = await srv.api(method, path, { token, body });
	assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
	return r.body;
}

/** The number an el-statistic shows (digits only), or null for "—". */
async function shown(page, testid) {
	const text = await page.getByTestId(testid).locator('.el-statistic__content').first().textContent();
	const digits = text.replace(/[^0-9]/g, '');
	return digits ? Number(digits) : null;
}

/** Opens the select carrying `testid` and picks the option showing `text`. */
async function choose(page, testid, text) {
	await page.getByTestId(testid).click();
	await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
}

/** Waits until no message toast shows (they would cover the screenshot). */
async function quiet(page) {
	await until(async () => (await page.locator('.el-message').count()) === 0, { timeout: 8000, message: 'the toasts did not go' });
}

async function status(page) {
	return (await page.getByTestId('marketing-campaign-status').textContent()).trim();
}

test('head office: a campaign from a segment to its results, in English', async () => {
	const token = await srv.login('headoffice', DEMO_PASSWORD);
	const seg = await api(token, 'POST', '/api/v1/segments', { name: 'SMS members', filter: { consent: ['sms'] } });
	const segCount = (await api(token, 'GET', `/api/v1/segments/${seg.id}`)).count;
	assert.ok(segCount > 20, `the demo has SMS members (${segCount})`);
	const template = (await api(token, 'GET', '/api/v1/coupon-templates?active=true&limit=50')).items[0];

	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
	await page.goto(srv.url + '/marketing/campaigns');
	for (const c of (await api(token, 'GET', '/api/v1/campaigns')).items)
		await page.getByTestId('marketing-campaign-table').locator('tbody tr', { hasText: c.name }).waitFor();
	await page.getByTestId('marketing-campaign-create').click();
	await page.waitForURL('**/marketing/campaigns/new');

	// Nothing filled: the checks name each field.
	await page.getByTestId('marketing-campaign-save').click();
	await page.getByTestId('marketing-campaign-messages-error').waitFor();
	await until(async () => (await page.locator('.el-form-item__error').count()) >= 2, { message: 'name and segment are marked' });

	await fill(page, 'marketing-campaign-name', 'Weekend comeback');
	await fill(page, 'marketing-campaign-goal', 'Bring SMS members back before the weekend');
	await choose(page, 'marketing-campaign-segment', 'SMS members');
	await until(async () => (await shown(page, 'marketing-campaign-segment-count')) === segCount, { message: `the segment count did not show ${segCount}` });
	if (template) await choose(page, 'marketing-campaign-coupon', template.name);
	await fill(page, 'marketing-campaign-body-A-zh-CN', '{name}，周末回来看看：{coupon}');
	await fill(page, 'marketing-campaign-body-A-en', 'Hello {name}, come back this weekend: {coupon}');

	// Saved as a draft and previewed for a real member, in both languages.
	await page.getByTestId('marketing-campaign-save-preview').click();
	await page.waitForURL(/\/marketing\/campaigns\/\d+\/edit$/);
	const id = Number(new URL(page.url()).pathname.split('/')[3]);
	// The coupon is a sample code until it is issued (a new one each time): compared up to it.
	const pv = await api(token, 'GET', `/api/v1/campaigns/${id}/preview?variant=A&lang=en`);
	const en = `Hello ${pv.customer_name}, come back this weekend: `;
	assert.ok(pv.body.startsWith(en), pv.body);
	await until(async () => ((await page.getByTestId('marketing-campaign-preview-en').textContent()) ?? '').includes(en), { message: 'the English preview' });
	const zh = `${pv.customer_name}，周末回来看看：`;
	await until(async () => ((await page.getByTestId('marketing-campaign-preview-zh-CN').textContent()) ?? '').includes(zh), { message: 'the Chinese preview' });
	await shot(page, 'marketing-campaign-editor-en');

	await page.getByTestId('marketing-campaign-save').click();
	await page.waitForURL(new RegExp(`/marketing/campaigns/${id}$`));
	assert.equal(await status(page), 'Draft');
	await page.getByTestId('marketing-campaign-preview-en').waitFor();
	await shot(page, 'marketing-campaign-draft-en');

	// Submit (no approval threshold: scheduled), then start by hand.
	await page.getByTestId('marketing-campaign-submit').click();
	await until(async () => (await status(page)) === 'Scheduled', { message: 'not scheduled' });
	await page.getByTestId('marketing-campaign-start').click();
	await confirmBox(page);
	await until(async () => (await status(page)) === 'Running', { message: 'not running' });
	const running = await api(token, 'GET', `/api/v1/campaigns/${id}`);
	assert.equal(running.counts.members, running.counts.target + running.counts.control);
	assert.ok(running.counts.target > 0);
	await until(async () => (await shown(page, 'marketing-campaign-count-members')) === running.counts.members, { message: 'members count' });
	assert.equal(await shown(page, 'marketing-campaign-count-control'), running.counts.control);
	await quiet(page);
	await shot(page, 'marketing-campaign-running-en');

	// Members: the frozen list, control members held out.
	await page.getByRole('tab', { name: 'Members' }).click();
	const rows = page.getByTestId('marketing-campaign-member-table').locator('tbody tr');
	await rows.first().waitFor();
	assert.ok((await rows.count()) > 0);
	if (running.counts.control > 0) {
		await choose(page, 'marketing-campaign-member-filter-grp', 'Control');
		await until(async () => (await page.getByTestId('marketing-campaign-member-table').locator('tbody tr').first().textContent())?.includes('Held out'), { message: 'control rows' });
	}
	await shot(page, 'marketing-campaign-members-en');

	// A cost line.
	await page.getByRole('tab', { name: 'Costs' }).click();
	await fill(page, 'marketing-campaign-cost-label', 'SMS fees');
	await fill(page, 'marketing-campaign-cost-amount', '120.50');
	await page.getByTestId('marketing-campaign-cost-add').click();
	await page.getByTestId('marketing-campaign-cost-table').locator('tbody tr', { hasText: 'SMS fees' }).waitFor();
	await until(async () => (await api(token, 'GET', `/api/v1/campaigns/${id}`)).cost_total === 12050, { message: 'the cost total' });
	await quiet(page);
	await shot(page, 'marketing-campaign-costs-en');

	// Results: the groups side by side as the API computes them, the verdict, the error bars, the export.
	await page.getByRole('tab', { name: 'Results' }).click();
	await page.getByTestId('marketing-campaign-verdict').waitFor();
	const res = await api(token, 'GET', `/api/v1/campaigns/${id}/results`);
	assert.equal((await page.getByTestId('marketing-campaign-target-members').textContent()).replace(/[^0-9]/g, ''), String(res.groups.target.members));
	assert.equal((await page.getByTestId('marketing-campaign-control-members').textContent()).replace(/[^0-9]/g, ''), String(res.groups.control.members));
	const verdict = await page.getByTestId('marketing-campaign-verdict').textContent();
	const c = res.uplift.conversion;
	if (res.verdict === 'too_early' || !c) assert.match(verdict, /Too early/);
	else if (res.groups.target.converted + res.groups.control.converted === 0) assert.match(verdict, /Nobody in either group has bought yet/);
	else if (c.lo <= 0 && c.hi >= 0) assert.match(verdict, /No measurable effect yet/);
	await shot(page, 'marketing-campaign-results-en');
	const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('marketing-campaign-results-export').click()]);
	assert.match(file.suggestedFilename(), /\.xlsx$/);
	assert.ok((await stat(await file.path())).size > 0);

	await page.getByTestId('marketing-campaign-complete').click();
	await confirmBox(page);
	await until(async () => (await status(page)) === 'Completed', { message: 'not completed' });

	await page.goto(srv.url + '/marketing/campaigns');
	await page.getByTestId('marketing-campaign-table').locator('tbody tr', { hasText: 'Weekend comeback' }).waitFor();
	await shot(page, 'marketing-campaigns-en');
	assertNoConsoleErrors(page);
	await page.context().close();
});

test('the demo campaign: the planted effect, its interval and the verdict in words, in both languages', async () => {
	const token = await srv.login('headoffice', DEMO_PASSWORD);
	const demo = (await api(token, 'GET', '/api/v1/campaigns?status=completed')).items[0];
	assert.ok(demo, 'the demo has a completed campaign');
	const res = await api(token, 'GET', `/api/v1/campaigns/${demo.id}/results`);
	const c = res.uplift.conversion;
	assert.equal(res.verdict, 'effect');
	assert.ok(c.lo > 0, `the interval excludes zero (${c.lo}..${c.hi})`);
	const pts = (v) => `${(v * 100).toFixed(1)} pts`;

	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
	await page.goto(srv.url + `/marketing/campaigns/${demo.id}?tab=results`);
	const verdict = page.getByTestId('marketing-campaign-verdict');
	await verdict.waitFor();
	assert.equal((await verdict.textContent()).trim(), `It worked: ${pts(c.diff)} more of the target bought than of the control group (95% interval ${pts(c.lo)} to ${pts(c.hi)}).`);
	assert.ok((await page.getByTestId('marketing-campaign-uplift-conversion').textContent()).includes(`95%: ${pts(c.lo)} – ${pts(c.hi)}`));
	await page.getByTestId('marketing-campaign-uplift-chart').locator('canvas').waitFor();
	await page.getByTestId('marketing-campaign-daily-chart').locator('canvas').waitFor();
	// Messages that failed: "send to those missed" offers them.
	if (demo.counts.failed > 0) assert.match(await page.getByTestId('marketing-campaign-resend').textContent(), new RegExp(`\\(${demo.counts.failed}\\)`));
	await page.waitForTimeout(400);
	await shot(page, 'marketing-campaign-demo-results-en');
	assertNoConsoleErrors(page);
	await page.context().close();

	const zh = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(zh, srv.url, 'headoffice', DEMO_PASSWORD);
	await zh.goto(srv.url + `/marketing/campaigns/${demo.id}?tab=results`);
	await zh.getByTestId('marketing-campaign-verdict').waitFor();
	assert.match(await zh.getByTestId('marketing-campaign-verdict').textContent(), /^活动有效/);
	await zh.getByTestId('marketing-campaign-uplift-chart').locator('canvas').waitFor();
	await zh.waitForTimeout(400);
	await shot(zh, 'marketing-campaign-demo-results-zh-CN');
	await zh.getByRole('tab', { name: '概览' }).click();
	await zh.getByTestId('marketing-campaign-preview-zh-CN').locator('.body').waitFor();
	await shot(zh, 'marketing-campaign-demo-overview-zh-CN');
	assertNoConsoleErrors(zh);
	await zh.context().close();
});

test('a store manager\'s campaign in Chinese: the editor, a draft, its start, the list', async () => {
	const token = await srv.login('manager01', DEMO_PASSWORD);
	const seg = await api(token, 'POST', '/api/v1/segments', { name: '本店会员', filter: {} });
	const page = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	await page.goto(srv.url + '/marketing/campaigns/new');
	await fill(page, 'marketing-campaign-name', '店庆短信');
	await choose(page, 'marketing-campaign-segment', '本店会员');
	await page.getByTestId('marketing-campaign-segment-count').waitFor();
	await fill(page, 'marketing-campaign-body-A-zh-CN', '{name}您好，店庆优惠等您来：{coupon}，积分 {points}');
	// Variant B in Chinese only while A is in Chinese only: fine; in English too: named.
	await page.getByTestId('marketing-campaign-add-variant').click();
	await fill(page, 'marketing-campaign-body-B-zh-CN', '{name}，本周末到{store}领取礼品');
	await fill(page, 'marketing-campaign-body-B-en', 'Only in English {nmae}');
	await page.locator('text=不是变量').waitFor();
	await page.getByTestId('marketing-campaign-save').click();
	await page.getByTestId('marketing-campaign-messages-error').waitFor();
	await shot(page, 'marketing-campaign-editor-error-zh-CN');
	await fill(page, 'marketing-campaign-body-B-en', '');
	// Half the target in the A/B test, decided tomorrow (or now, by hand).
	await fill(page, 'marketing-campaign-ab', '50');
	await page.getByTestId('marketing-campaign-ab').locator('input').press('Tab');
	const tomorrow = new Date(Date.now() + 86400000 + 8 * 3600000).toISOString().slice(0, 10);
	await fill(page, 'marketing-campaign-ab-decide', `${tomorrow} 10:00`);
	await page.getByTestId('marketing-campaign-ab-decide').locator('input').press('Enter');
	await page.getByTestId('marketing-campaign-save').click();
	await page.waitForURL(/\/marketing\/campaigns\/\d+$/);
	const id = Number(new URL(page.url()).pathname.split('/').pop());
	const c = await api(token, 'GET', `/api/v1/campaigns/${id}`);
	assert.equal(c.store_id, 1);
	assert.equal(c.segment_id, seg.id);
	assert.deepEqual(c.messages.map((m) => `${m.variant}/${m.lang}`).sort(), ['A/zh-CN', 'B/zh-CN']);
	assert.equal(c.ab_pct, 50);
	assert.equal(c.ab_decide_at, `${tomorrow}T02:00:00Z`);
	await page.getByTestId('marketing-campaign-preview-zh-CN').waitFor();
	assert.equal(await status(page), '草稿');
	await quiet(page);
	await shot(page, 'marketing-campaign-draft-zh-CN');

	await page.getByTestId('marketing-campaign-submit').click();
	await until(async () => (await status(page)) === '已排期', { message: 'not scheduled' });
	await page.getByTestId('marketing-campaign-start').click();
	await confirmBox(page, 'marketing-campaign-start-zh-CN');
	await until(async () => (await status(page)) === '进行中', { message: 'not running' });
	// Decided now: nobody has bought yet, so no variant wins and the rest get A.
	await page.getByTestId('marketing-campaign-decide').click();
	await confirmBox(page);
	await until(async () => (await api(token, 'GET', `/api/v1/campaigns/${id}`)).ab_winner === 'A', { message: 'the A/B test was not decided' });
	await until(async () => /没有版本胜出/.test((await page.getByTestId('marketing-campaign-winner').textContent()) ?? ''), { message: 'the decision in words' });
	assert.equal(await page.getByTestId('marketing-campaign-decide').count(), 0);
	await page.getByRole('tab', { name: '效果' }).click();
	await page.getByTestId('marketing-campaign-verdict').waitFor();
	await quiet(page);
	await shot(page, 'marketing-campaign-results-zh-CN');
	await page.getByRole('tab', { name: '成员' }).click();
	await page.getByTestId('marketing-campaign-member-table').locator('tbody tr').first().waitFor();
	await shot(page, 'marketing-campaign-members-zh-CN');

	await page.goto(srv.url + '/marketing/campaigns');
	await page.getByTestId('marketing-campaign-table').locator('tbody tr', { hasText: '店庆短信' }).waitFor();
	await shot(page, 'marketing-campaigns-zh-CN');

	// A member's messages in English: the customer form keeps the language.
	const member = (await api(token, 'GET', `/api/v1/campaigns/${id}/members?limit=1`)).items[0];
	await page.goto(srv.url + `/customers/${member.customer_id}`);
	await page.getByTestId('customers-profile-edit').click();
	await page.getByTestId('customers-customer-lang').getByText('English').click();
	await shot(page, 'marketing-customer-lang-zh-CN');
	await page.getByTestId('customers-customer-save').click();
	await until(async () => (await api(token, 'GET', `/api/v1/customers/${member.customer_id}`)).lang === 'en', { message: 'the language was not saved' });
	assertNoConsoleErrors(page);
	await page.context().close();
});
