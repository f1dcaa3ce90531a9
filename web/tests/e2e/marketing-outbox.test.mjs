// Marketing sending screens against the small demo. An administrator reads
// on the gateway cards what is still to configure, sets up the SMS gateway
// (a signed web hook this test receives), sends a test message, is stopped
// by a wrong SMTP address, and sets the marketing rules. Head office, in
// Chinese, builds a welcome journey of two steps; the journeys job enrols
// two new members and queues their messages; the outbox shows why each
// waits or failed (a WeChat gateway that always answers 503 runs out of
// retries: a dead letter), and sending a dead letter again queues it anew.
// Screenshots in both languages at 1366×768.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { useApp, newPage, login, fill, shot, until, openNav, assertNoConsoleErrors, DEMO_PASSWORD, ROOT } from './lib/harness.mjs';

// Retries follow each other at once (the backoff base is a test setting, see docs/operations.md).
process.env.TERSA_OUTBOX_BACKOFF_MS = '1';

const hook = { calls: [], url: '' };
const srv = useApp({ demo: 'small' }, async () => {
	// The provider's web hook: /ok accepts (with a reference), /fail is down.
	const server = createServer((req, res) => {
		let body = '';
		req.setEncoding('utf8');
		req.on('data', (d) => (body += d));
		req.on('end', () => {
			hook.calls.push({ path: req.url, headers: req.headers, body });
			if (req.url === '/ok') {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ ref: `r-${hook.calls.length}` }));
			} else {
				res.writeHead(503);
				res.end('down for maintenance');
			}
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	server.unref();
	hook.url = `http://127.0.0.1:${server.address().port}`;
});

const BIN = process.env.TERSA_BIN ? path.resolve(process.env.TERSA_BIN) : path.join(ROOT, 'build/tersa');
/** Runs a background job now on the server's database (`tersa job run NAME`). */
async function job(name) {
	await promisify(execFile)(BIN, ['job', 'run', name, '--db', srv.db], { env: { ...process.env, TERSA_PWHASH: 'min' } });
}

async function api(token, method, p, body) {
	const r = await srv.api(method, p, { token, body });
	assert.ok(r.status < 300, `${method} ${p}: ${r.status} ${r.text}`);
	return r.body;
}

/** The gateway of `channel` as the API answers it. */
async function gateway(token, channel) {
	return (await api(token, 'GET', '/api/v1/marketing/gateways')).items.find((g) => g.channel === channel);
}

test('an administrator sees what each gateway still needs, sets up SMS, sends a test message and sets the marketing rules', async () => {
	const token = await srv.login('admin', srv.adminPassword);
	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'admin', srv.adminPassword);
	await openNav(page, srv.url, 'marketing', 'settings');

	// Nothing is set up: each card says so, and names what is missing.
	await page.getByTestId('marketing-gateway-sms-card').waitFor();
	assert.equal((await page.getByTestId('marketing-gateway-sms-state').textContent()).trim(), 'Not set up');
	assert.match(await page.getByTestId('marketing-gateway-sms-missing').textContent(), /Still to configure: Web hook URL and Signing secret\./);
	assert.match(await page.getByTestId('marketing-gateway-email-missing').textContent(), /SMTP server, Sender address, and the public address/);
	assert.match(await page.getByTestId('marketing-gateway-wechat-summary').textContent(), /WeChat messages wait in the outbox/);
	await page.getByTestId('marketing-settings-no-url').waitFor();
	await shot(page, 'marketing-settings-empty-en');

	// SMS through the web hook, with its signing secret, switched on.
	await fill(page, 'marketing-gateway-sms-url', `${hook.url}/ok`);
	await fill(page, 'marketing-gateway-sms-secret', 'sms-signing-key');
	await fill(page, 'marketing-gateway-sms-rate', '30');
	await page.getByTestId('marketing-gateway-sms-enabled').click();
	await page.getByTestId('marketing-gateway-sms-save').click();
	await until(async () => (await page.getByTestId('marketing-gateway-sms-state').textContent()).trim() === 'Ready', { message: 'the SMS card did not become ready' });
	const sms = await gateway(token, 'sms');
	assert.deepEqual([sms.enabled, sms.configured, sms.has_secret, sms.config.url, sms.rate_per_minute, sms.missing], [true, true, true, `${hook.url}/ok`, 30, []]);
	assert.match(await page.getByTestId('marketing-gateway-sms-summary').textContent(), /at most 30 a minute/);
	assert.equal(await page.getByTestId('marketing-gateway-sms-secret').inputValue(), '', 'the secret is never shown');

	// A test message reaches the hook, signed with the secret.
	await fill(page, 'marketing-gateway-sms-test-to', '13800000000');
	await page.getByTestId('marketing-gateway-sms-test').click();
	const result = page.getByTestId('marketing-gateway-sms-test-result');
	await result.waitFor();
	assert.match(await result.textContent(), /Test message sent[\s\S]*sent to 13800000000/);
	// Once SMS is ready the server's own sender may deliver the demo's queued
	// messages to the same hook: the test message is the one to this number.
	const call = hook.calls.find((c) => c.path === '/ok' && JSON.parse(c.body).to === '13800000000');
	assert.ok(call, 'the hook was called with the test message');
	const ts = call.headers['x-tersa-timestamp'];
	assert.equal(call.headers['x-tersa-signature'], 'sha256=' + createHmac('sha256', 'sms-signing-key').update(`${ts}.${call.body}`).digest('hex'));

	// An SMTP address without its scheme is refused beside the field, before anything is sent.
	await fill(page, 'marketing-gateway-email-smtp_url', 'mail.example.com');
	await fill(page, 'marketing-gateway-email-from_address', 'news@example.com');
	await page.getByTestId('marketing-gateway-email-save').click();
	const bad = page.getByTestId('marketing-gateway-email-card').locator('.el-form-item__error').first();
	await bad.waitFor();
	assert.match(await bad.textContent(), /smtp:\/\//);
	assert.deepEqual((await gateway(token, 'email')).config, {}, 'nothing was saved');
	await page.getByTestId('marketing-gateway-email-card').scrollIntoViewIfNeeded();
	await shot(page, 'marketing-settings-gateways-en');

	// The rules: approval above ¥5,000, a 5 % holdout, the public address.
	await fill(page, 'marketing-settings-threshold', '5000');
	await fill(page, 'marketing-settings-holdout', '5');
	await page.getByTestId('marketing-settings-holdout').locator('input').press('Tab');
	await fill(page, 'marketing-settings-public-url', 'https://shop.example.com/');
	await page.getByTestId('marketing-settings-save').click();
	await until(async () => (await api(token, 'GET', '/api/v1/marketing/settings')).public_url === 'https://shop.example.com', { message: 'the settings were not saved' });
	const s = await api(token, 'GET', '/api/v1/marketing/settings');
	assert.deepEqual([s.approval_threshold, s.holdout_pct, s.quiet_start, s.quiet_end], [500000, 5, '21:00', '08:00']);
	await page.getByTestId('marketing-settings-no-url').waitFor({ state: 'detached' });
	// With the public address, email misses only its own fields.
	await until(async () => !/public address/.test(await page.getByTestId('marketing-gateway-email-missing').textContent()), { message: 'the email card still asks for the public address' });
	await shot(page, 'marketing-settings-en');
	assertNoConsoleErrors(page);
	await page.context().close();
});

test('head office builds a welcome journey in Chinese; the outbox shows why messages wait, a dead letter and sending it again', async () => {
	const admin = await srv.login('admin', srv.adminPassword);
	const token = await srv.login('headoffice', DEMO_PASSWORD);
	// WeChat goes to a hook that is down: every try fails.
	await api(admin, 'PUT', '/api/v1/marketing/gateways/wechat', { enabled: true, config: { url: `${hook.url}/fail` }, secret: 'wechat-key', rate_per_minute: 600 });
	await api(admin, 'PUT', '/api/v1/marketing/gateways/sms', { enabled: false, config: { url: `${hook.url}/ok` }, rate_per_minute: 60 });

	const page = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
	await openNav(page, srv.url, 'marketing', 'journeys');
	await page.getByTestId('marketing-journeys-create').click();
	await page.waitForURL('**/marketing/journeys/new');
	await fill(page, 'marketing-journey-name', '欢迎新会员');
	assert.equal((await page.getByTestId('marketing-journey-trigger').textContent()).trim(), '客户加入时');
	// Step 1: an SMS at once, in both languages.
	await fill(page, 'marketing-journey-step-0-body-zh-CN', '{name}，欢迎加入！');
	await page.getByTestId('marketing-journey-step-0').getByRole('tab', { name: '英文' }).click();
	await fill(page, 'marketing-journey-step-0-body-en', 'Welcome, {name}!');
	// Step 2: WeChat, without a message yet: refused beside the step.
	await page.getByTestId('marketing-journey-add-step').click();
	await page.getByTestId('marketing-journey-step-1-channel').getByText('微信').click();
	await fill(page, 'marketing-journey-step-1-delay', '0');
	await page.getByTestId('marketing-journey-save').click();
	const err = page.getByTestId('marketing-journey-step-1').locator('.el-form-item__error');
	await err.waitFor();
	assert.match(await err.textContent(), /至少用一种语言填写消息/);
	await fill(page, 'marketing-journey-step-1-body-zh-CN', '{name}，您的会员号已绑定微信。');
	await page.getByTestId('marketing-journey-save').click();
	await page.waitForURL(/\/marketing\/journeys\/\d+$/);
	const id = Number(new URL(page.url()).pathname.split('/').pop());
	const saved = await api(token, 'GET', `/api/v1/journeys/${id}`);
	assert.deepEqual(
		saved.steps.map((s) => [s.step_no, s.delay_days, s.channel, Object.keys(s.messages).sort()]),
		[
			[1, 0, 'sms', ['en', 'zh-CN']],
			[2, 0, 'wechat', ['zh-CN']],
		],
	);
	assert.equal(saved.steps[0].messages.en.body, 'Welcome, {name}!');
	await page.getByTestId('marketing-journey-enrollments-empty').waitFor();
	await shot(page, 'marketing-journey-editor-zh-CN');

	// Two new members who agreed to SMS and WeChat; the job enrols them and queues both steps.
	const members = [];
	for (const [name, phone] of [['林小雨', '13900000001'], ['周明', '13900000002']])
		members.push(await api(token, 'POST', '/api/v1/customers', { name, phone, consent_sms: true, consent_wechat: true, consent_source: 'store' }));
	await until(async () => {
		await job('journeys');
		return (await api(token, 'GET', `/api/v1/journeys/${id}`)).stats.messages === 4;
	}, { timeout: 30000, interval: 500, message: 'the journey did not queue 2 × 2 messages' });

	// SMS is switched off: its messages wait, saying so. WeChat tries until it gives up.
	const mine = async (q) => (await api(token, 'GET', `/api/v1/outbox?source=journey&source_id=${id}${q}`)).items;
	await until(async () => {
		await job('outbox');
		const rows = await mine('');
		return rows.length === 4 && rows.filter((r) => r.dead).length === 2 && rows.filter((r) => r.channel === 'sms').every((r) => r.reason === 'the sms gateway is disabled');
	}, { timeout: 60000, interval: 300, message: 'the messages did not reach their states' });
	const dead = (await mine('&dead=true')).sort((a, b) => a.id - b.id);
	assert.equal(dead.length, 2);
	assert.ok(dead.every((r) => r.channel === 'wechat' && r.status === 'failed' && r.attempts === 6), JSON.stringify(dead));

	// The outbox, from the journey's page: its messages, the reasons on screen.
	await page.reload();
	await page.getByTestId('marketing-journey-stats').waitFor();
	await page.getByTestId('marketing-journey-outbox').click();
	await page.waitForURL(`**/marketing/outbox?source=journey&source_id=${id}`);
	await until(async () => /旅程：欢迎新会员/.test(await page.getByTestId('marketing-outbox-filter-source-id').textContent()), { message: 'the filter names the journey' });
	const table = page.getByTestId('marketing-outbox-table');
	await until(async () => (await table.locator('tbody tr').count()) === 4, { message: 'the outbox does not show the 4 journey messages' });
	const smsRow = (await mine('&channel=sms'))[0];
	assert.match(await page.getByTestId(`marketing-outbox-status-${smsRow.id}`).textContent(), /排队中[\s\S]*短信网关已关闭/);
	assert.match(await page.getByTestId(`marketing-outbox-status-${dead[0].id}`).textContent(), /已放弃[\s\S]*网关返回 HTTP 503（第 6 次；已放弃）/);
	assert.equal(await page.getByTestId(`marketing-outbox-retry-${smsRow.id}`).count(), 0, 'a queued message is not sent again');
	await shot(page, 'marketing-outbox-zh-CN');

	// Dead letters only; the message in the drawer; sent again.
	await page.getByTestId('marketing-outbox-filter-dead').click();
	await until(async () => (await table.locator('tbody tr').count()) === 2, { message: 'the dead-letter filter' });
	await page.getByTestId(`marketing-outbox-open-${dead[0].id}`).click();
	const drawer = page.getByTestId('marketing-outbox-drawer');
	await drawer.waitFor();
	await page.waitForTimeout(400); // the drawer slides in; the screenshot waits for it
	assert.match(await page.getByTestId('marketing-outbox-body').textContent(), /(林小雨|周明)，您的会员号已绑定微信。/);
	await shot(page, 'marketing-outbox-detail-zh-CN');
	await page.getByTestId('marketing-outbox-drawer-retry').click();
	await until(async () => {
		const r = (await mine('&channel=wechat')).find((x) => x.id === dead[0].id);
		return r && !r.dead && r.attempts < 6;
	}, { message: 'the dead letter was not queued again' });
	await until(async () => (await table.locator('tbody tr').count()) === 1, { message: 'the list did not follow' });

	// The journeys and the settings as head office reads them in Chinese.
	await openNav(page, srv.url, 'marketing', 'journeys');
	await page.getByTestId('marketing-journeys-table').getByText('欢迎新会员', { exact: true }).waitFor();
	await shot(page, 'marketing-journeys-zh-CN');
	await openNav(page, srv.url, 'marketing', 'settings');
	await page.getByTestId('marketing-gateway-wechat-card').waitFor();
	await page.locator('.el-loading-mask').first().waitFor({ state: 'detached' }).catch(() => {});
	assert.equal((await page.getByTestId('marketing-gateway-wechat-state').textContent()).trim(), '已就绪');
	assert.equal((await page.getByTestId('marketing-gateway-sms-state').textContent()).trim(), '已关闭');
	await shot(page, 'marketing-settings-zh-CN');
	assertNoConsoleErrors(page);
	await page.context().close();
});

test('the outbox and journeys in English, read by head office; a store manager reads the journeys', async () => {
	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'headoffice', DEMO_PASSWORD);
	await openNav(page, srv.url, 'marketing', 'journeys');
	await page.getByTestId('marketing-journeys-table').locator('tbody tr').first().waitFor();
	assert.match(await page.getByTestId('marketing-journeys-table').textContent(), /When a customer joins/);
	await shot(page, 'marketing-journeys-en');
	await page.getByTestId('marketing-journeys-table').locator('tbody tr').first().click();
	await page.getByTestId('marketing-journey-stats').waitFor();
	await page.getByTestId('marketing-journey-enrollments-table').locator('tbody tr').first().waitFor();
	await shot(page, 'marketing-journey-editor-en');
	await openNav(page, srv.url, 'marketing', 'outbox');
	await page.getByTestId('marketing-outbox-table').locator('tbody tr').first().waitFor();
	await shot(page, 'marketing-outbox-en');
	// Head office reads the gateways but does not change them.
	await openNav(page, srv.url, 'marketing', 'settings');
	await page.getByTestId('marketing-gateway-wechat-card').waitFor();
	await page.locator('.el-loading-mask').first().waitFor({ state: 'detached' }).catch(() => {});
	assert.equal(await page.getByTestId('marketing-gateway-wechat-save').count(), 0);
	await shot(page, 'marketing-settings-readonly-en');
	assertNoConsoleErrors(page);
	await page.context().close();

	// A store manager reads the journeys: nothing to create, change or delete.
	const mgr = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(mgr, srv.url, 'manager01', DEMO_PASSWORD);
	await openNav(mgr, srv.url, 'marketing', 'journeys');
	await mgr.getByTestId('marketing-journeys-table').locator('tbody tr').first().waitFor();
	assert.match(await mgr.getByTestId('marketing-journeys-page').textContent(), /旅程由总部统一设置/);
	assert.equal(await mgr.getByTestId('marketing-journeys-create').count(), 0);
	assert.equal(await mgr.locator('[data-testid^="marketing-journeys-delete-"]').count(), 0);
	assertNoConsoleErrors(mgr);
	await mgr.context().close();
});
