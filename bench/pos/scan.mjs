// scan.mjs: scan-to-line on the browser till. Drives the real POS in Debian's
// Chromium against `tersa serve` on the small demo, types barcodes as a
// scanner does (keys a few ms apart, then Enter, with no field focused) and
// times, inside the page, from the Enter key to the new cart line on screen.
// Online (the server decodes the code) and offline (the till's cache).
// Every scan adds a new product, so the cart grows to BENCH_SCANS lines.
import { startServer, launch, newPage, login, DEMO_PASSWORD } from '../../web/tests/e2e/lib/harness.mjs';

const N = Number(process.env.BENCH_SCANS ?? 40);

function stats(ms) {
	const s = [...ms].sort((a, b) => a - b);
	const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
	return { n: s.length, p50: q(0.5), p95: q(0.95), max: s[s.length - 1] };
}

const fmt = (x) => `${x.toFixed(1)} ms`;

async function scanAll(page, codes) {
	// Listeners in the page: the Enter's time, and the time a new line appears.
	await page.evaluate(() => {
		const w = window;
		w.__scan = { enter: 0, lines: 0, took: [] };
		new MutationObserver(() => {
			const n = document.querySelectorAll('[data-testid^="pos-line-"]').length;
			if (n > w.__scan.lines) {
				w.__scan.lines = n;
				w.__scan.took.push(performance.now() - w.__scan.enter);
			}
		}).observe(document.body, { childList: true, subtree: true });
	});
	// A scan whose keys arrive too far apart (a busy machine delays them) is
	// read as typing, not as a scan: it is counted as missed and scanned again.
	let missed = 0;
	for (const [i, code] of codes.entries()) {
		for (let attempt = 0; ; attempt++) {
			await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
			await page.keyboard.type(code, { delay: 8 });
			// The clock starts just before the Enter is sent (the till's own
			// key handler may stop the event), so the figure errs on the high side.
			await page.evaluate(() => (window.__scan.enter = performance.now()));
			await page.keyboard.press('Enter');
			try {
				await page.locator(`[data-testid="pos-line-${i}"]`).waitFor({ state: 'attached', timeout: 3000 });
				break;
			} catch (e) {
				if (attempt === 2) {
					const n = await page.locator('[data-testid^="pos-line-"]').count();
					await page.screenshot({ path: '/tmp/scanfail.png' });
					throw new Error(`scan ${i} (${code}) made no line three times (${n} lines)`, { cause: e });
				}
				missed++;
				// Let the till's key buffer time out before the next try.
				await page.waitForTimeout(300);
			}
		}
	}
	if (missed) console.log(`  (${missed} scan(s) read as typing and repeated)`);
	return page.evaluate(() => window.__scan.took);
}

const srv = await startServer({ demo: 'small' });
const browser = await launch();
try {
	const token = await srv.login('admin', srv.adminPassword);
	const r = await srv.api('GET', `/api/v1/products?limit=${Math.min(500, 4 * N)}`, { token });
	// Items sold by the piece: a weighed item asks the cashier for its weight.
	const codes = r.body.items
		.filter((p) => p.active && p.unit !== 'kg' && /^\d{8,13}$/.test(p.barcode ?? ''))
		.map((p) => p.barcode);
	if (codes.length < 2 * N) throw new Error(`only ${codes.length} products with a barcode`);

	const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	await page.goto(srv.url + '/pos');
	await page.getByTestId('pos-barcode').waitFor();
	// The till caches the catalog for offline selling; wait for it.
	await page.getByText(/价格更新于|Prices as of/).first().waitFor({ timeout: 60000 });

	const online = stats(await scanAll(page, codes.slice(0, N)));
	await page.getByTestId('pos-clear').click();
	await page.locator('.el-message-box .el-button--primary').click().catch(() => {});
	await page.locator('[data-testid="pos-line-0"]').waitFor({ state: 'detached', timeout: 10000 });

	await page.context().setOffline(true);
	const offline = stats(await scanAll(page, codes.slice(N, 2 * N)));

	console.log(`scan-to-line, ${N} scans each, Chromium ${browser.version()} headless, 1280x800, small demo:`);
	for (const [name, s] of [['online (server decodes)', online], ['offline (till cache)', offline]])
		console.log(`  ${name.padEnd(24)} p50 ${fmt(s.p50)}  p95 ${fmt(s.p95)}  max ${fmt(s.max)}  (goal < 50 ms)`);
} finally {
	await browser.close();
	await srv.stop();
}
