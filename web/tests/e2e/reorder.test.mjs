// Reorder points from the forecast in the purchasing screens, against the
// small demo: a manual line and a forecast-driven line (a daily forecast
// stored for one product, as the nightly forecast job writes it) each show
// their rule; the forecast line's popover gives the reason in words and
// figures; a service level is added and removed in its dialog. Screenshots
// of the popovers and the dialog in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useApp, newPage, login, shot, until, assertNoConsoleErrors, DEMO_PASSWORD, confirmBox } from './lib/harness.mjs';

/** Waits until the popover holding el has finished fading in. */
async function shown(el) {
	await el.waitFor({ state: 'visible' });
	await until(async () => (await el.evaluate((n) => getComputedStyle(n.closest('.el-popover')).opacity)) === '1', { message: 'the popover is shown' });
}

const srv = useApp({ demo: 'small' });
const MANUAL = 1; // product with a reorder rule set below
const FORECAST = 7; // product with a stored forecast and no rule

/** A daily forecast for store 1 × product FORECAST, in place of the job's: 14 days from today, 5 a day, σ 2. */
function storeForecast(db) {
	const now = Date.now();
	const days = [];
	for (let i = 0; i < 14; i++) days.push(new Date(now + (i - 1) * 86400000).toISOString().slice(0, 10));
	const pts = days.map((d, i) => `((SELECT id FROM forecast_series WHERE store_id = 1 AND product_id = ${FORECAST} AND grain = 'day'), ${i + 1}, '${d}', 5000, 2440, 7560, 1080, 8920)`);
	// The server's first forecast job may have stored one already: replaced.
	const mine = `store_id = 1 AND product_id = ${FORECAST} AND category_id = 0 AND grain = 'day'`;
	execFileSync('sqlite3', ['-cmd', '.timeout 10000', db,
		'BEGIN IMMEDIATE;' +
		`DELETE FROM forecast_points WHERE series_id IN (SELECT id FROM forecast_series WHERE ${mine});` +
		`DELETE FROM forecast_series WHERE ${mine};` +
		`INSERT INTO forecast_series (store_id, product_id, category_id, grain, measure, model, reason, backtest_mase_e4, history_end, fitted_at) VALUES (1, ${FORECAST}, 0, 'day', 'units', 'ETS(A,N,A)', '', 9000, '${days[0]}', ${now});` +
		`INSERT INTO forecast_points (series_id, step, period, mean, lower_80, upper_80, lower_95, upper_95) VALUES ${pts.join(',')};` +
		'COMMIT;']);
}

test('replenishment lines name their rule and reason; service levels are edited in a dialog', async () => {
	const token = await srv.login('manager01', DEMO_PASSWORD);
	const r = await srv.api('PUT', `/api/v1/stores/1/reorder-rules/${MANUAL}`, { token, body: { min: 500, max: 800, safety_stock: 50 } });
	assert.ok(r.status === 200 || r.status === 201, r.text);
	storeForecast(srv.db);
	const rep = (await srv.api('GET', '/api/v1/replenishment?store_id=1', { token })).body;
	const lines = rep.groups.flatMap((g) => g.lines);
	assert.equal(lines.find((l) => l.product_id === MANUAL)?.rule, 'manual');
	const fl = lines.find((l) => l.product_id === FORECAST);
	assert.equal(fl?.rule, 'forecast', JSON.stringify(rep));

	for (const locale of ['zh-CN', 'en']) {
		const lang = locale === 'en' ? 'en' : 'zh';
		const page = await newPage(srv.browser, { locale });
		await login(page, srv.url, 'manager01', DEMO_PASSWORD);
		await page.goto(srv.url + '/purchasing/replenishment');
		await page.getByTestId(`purchasing-replenishment-rule-${FORECAST}`).click();
		const reason = page.getByTestId(`purchasing-replenishment-reason-${FORECAST}`);
		await shown(reason);
		const text = await reason.innerText();
		// the figures of the line, as the popover words them
		assert.match(text, new RegExp(`${fl.forecast.lead_time_days}`));
		assert.match(text, /95%/);
		assert.match(text, new RegExp(fl.forecast.z.toFixed(2).replace('.', '\\.')));
		if (lang === 'en') assert.match(text, /Expected demand over \d+ days lead time/);
		await shot(page, `reorder-forecast-reason-${lang}`);
		await page.keyboard.press('Escape');
		await page.getByTestId(`purchasing-replenishment-rule-${MANUAL}`).click();
		await shown(page.getByTestId(`purchasing-replenishment-reason-${MANUAL}`));
		await shot(page, `reorder-manual-reason-${lang}`);
		await page.keyboard.press('Escape');

		// a service level for store 1, every category
		await page.getByTestId('purchasing-replenishment-levels').click();
		const dialog = page.getByTestId('purchasing-levels-dialog');
		await dialog.waitFor();
		await page.getByTestId('purchasing-levels-level').locator('input').fill('97.5');
		await page.getByTestId('purchasing-levels-save').click();
		await page.getByTestId('purchasing-levels-remove-1-0').waitFor();
		await shot(page, `reorder-levels-${lang}`);
		const saved = (await srv.api('GET', '/api/v1/service-levels', { token })).body.items;
		assert.deepEqual(saved.map((x) => [x.store_id, x.category_id, x.level]), [[1, 0, 97.5]]);
		await page.getByTestId('purchasing-levels-remove-1-0').click();
		await confirmBox(page, `reorder-levels-remove-${lang}`);
		await page.getByTestId('purchasing-levels-remove-1-0').waitFor({ state: 'detached' });
		assert.deepEqual((await srv.api('GET', '/api/v1/service-levels', { token })).body.items, []);
		assertNoConsoleErrors(page);
		await page.context().close();
	}
});
