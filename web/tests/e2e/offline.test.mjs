// The till keeps selling offline: sales made while the network is down wait in
// the IndexedDB outbox, survive a reload (the service worker serves the app
// shell, the cashier stays signed in on /pos), and reach the server exactly
// once each when it comes back; a shift cannot be closed while they wait.
// Needs the POS screen (testids of COMMON.md) and a server that takes
// `apply_promotions` (offline sales send `apply_promotions: false`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, newPage, login, fill, shot, assertNoConsoleErrors, DEMO_PASSWORD } from './lib/harness.mjs';

let token;
let storeId;
let products;

// Offline on purpose: Chromium logs each request the page makes while the
// network is cut (the sync's probes) as a console error.
const OFFLINE_NOISE = [/net::ERR_INTERNET_DISCONNECTED/, /Failed to fetch/];

// The server, and srv.browser; then the file's own set-up.
const srv = useApp({ demo: 'small' }, async () => {
	token = await srv.login('manager01', DEMO_PASSWORD);
	const me = await srv.api('GET', '/api/v1/me', { token });
	storeId = me.body.store_ids[0];
	const p = await srv.api('GET', '/api/v1/products?active=true&limit=50', { token });
	products = p.body.items.filter((x) => x.barcode && x.price > 0).slice(0, 3);
	assert.equal(products.length, 3);
});

/** Every sale of the store today, as the server has them (all pages). */
async function salesOfStore() {
	const out = [];
	let cursor = '';
	for (;;) {
		const r = await srv.api('GET', `/api/v1/sales?store_id=${storeId}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
		assert.equal(r.status, 200, r.text);
		out.push(...r.body.items);
		if (!r.body.next_cursor) return out;
		cursor = r.body.next_cursor;
	}
}

const pending = (page) => page.getByTestId('pos-pending-count');

/** Polls `fn` (in Node; the page's CSP forbids evaluating strings) until it returns true. */
async function until(fn, what, timeout = 30000) {
	const end = Date.now() + timeout;
	for (;;) {
		if (await fn().catch(() => false)) return;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

async function expectPending(page, n) {
	let last = null;
	await until(async () => (last = (await pending(page).textContent())?.trim()) === String(n), `${n} pending (shown: ${last})`);
}

/** Resolves once the till has cached the catalog of the store (before the network goes). */
async function catalogCached(page) {
	const has = () =>
		page.evaluate(
			(sid) =>
				new Promise((resolve) => {
					const rq = indexedDB.open('tersa-offline');
					rq.onsuccess = () => {
						const d = rq.result;
						if (!d.objectStoreNames.contains('catalog')) return resolve(false), d.close();
						const g = d.transaction('catalog').objectStore('catalog').get(sid);
						g.onsuccess = () => (resolve(!!g.result), d.close());
						g.onerror = () => (resolve(false), d.close());
					};
					rq.onerror = () => resolve(false);
				}),
			storeId,
		);
	await until(has, 'the catalog cache');
}

const controlled = (page) => page.evaluate(() => navigator.serviceWorker?.controller != null);

/** Signs in, opens the till and waits for the service worker to control the page. */
async function openTill(locale, tolerate = []) {
	const page = await newPage(srv.browser, { locale, viewport: { width: 1280, height: 800 }, tolerate: [...OFFLINE_NOISE, ...tolerate] });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	await page.goto(srv.url + '/pos');
	await pending(page).waitFor();
	// The first visit installs the service worker; it takes control (clientsClaim) once active.
	// On a busy machine the claim can be missed by a page that navigated meanwhile:
	// once the worker is active, a reload is always controlled (as a cashier's next visit is).
	for (let attempt = 1; ; attempt++) {
		try {
			await until(() => controlled(page), 'the service worker to control the page', 20000);
			break;
		} catch (e) {
			if (attempt === 4) throw e;
			await page.reload();
			await pending(page).waitFor();
		}
	}
	await pending(page).waitFor();
	await catalogCached(page);
	return page;
}

/** The input a testid names: the element itself, or the input inside it (el-input wrapper). */
async function inputOf(page, testid) {
	const el = page.getByTestId(testid);
	return (await el.evaluate((n) => n.tagName)) === 'INPUT' ? el : el.locator('input').first();
}

/** Rings one product by barcode and pays it in cash; returns the receipt number shown. */
async function sellOne(page, barcode) {
	await fill(page, 'pos-barcode', barcode);
	await (await inputOf(page, 'pos-barcode')).press('Enter');
	await page.getByTestId('pos-line-0').waitFor();
	await page.getByTestId('pos-pay').click();
	await page.getByTestId('pos-tender-cash').click();
	await fill(page, 'pos-tender-amount', '1000');
	await (await inputOf(page, 'pos-tender-amount')).press('Enter');
	await page.getByTestId('pos-complete').click();
	const num = page.getByTestId('pos-result-number');
	await num.waitFor();
	const text = (await num.textContent()).trim();
	await page.getByTestId('pos-next-sale').click();
	await page.getByTestId('pos-line-0').waitFor({ state: 'detached' });
	return text;
}

test('three sales made offline reach the server exactly once each, also after a reload', async () => {
	// The till's register (1) has an open shift: the demo's, or a new one.
	let shiftId;
	const open = await srv.api('GET', `/api/v1/shifts?store_id=${storeId}&status=open&register=1&limit=1`, { token });
	if (open.body.items.length) shiftId = open.body.items[0].id;
	else {
		const opened = await srv.api('POST', '/api/v1/shifts', { token, body: { store_id: storeId, register: '1', opening_cash: 0 } });
		assert.equal(opened.status, 201, opened.text);
		shiftId = opened.body.id;
	}
	const page = await openTill('zh-CN');
	const before = (await salesOfStore()).length;
	await expectPending(page, 0);

	await page.context().setOffline(true);
	const numbers = [];
	for (const p of products) numbers.push(await sellOne(page, p.barcode));
	for (const n of numbers) assert.match(n, /^OFF-[^-]+-\d{8}-\d{3}$/);
	assert.equal(new Set(numbers).size, 3, 'three different local numbers');
	await expectPending(page, 3);
	await shot(page, 'offline-pos-pending-zh-CN');

	// A shift cannot be closed while sales wait.
	await page.getByTestId('pos-shift').click();
	await page.getByTestId('shift-close').click();
	await page.locator('.el-message--warning').first().waitFor();
	await shot(page, 'offline-shift-refused-zh-CN');
	const shift = await srv.api('GET', `/api/v1/shifts/${shiftId}`, { token });
	assert.equal(shift.body.status, 'open', 'the shift stays open');
	await page.keyboard.press('Escape');

	// A reload while offline: the shell comes from the service worker, the
	// cashier is still signed in and on the till, the outbox is intact.
	await page.reload();
	assert.equal(new URL(page.url()).pathname, '/pos');
	await expectPending(page, 3);
	assert.equal((await salesOfStore()).length, before, 'nothing reached the server while offline');

	await page.context().setOffline(false);
	await expectPending(page, 0);
	const sales = await salesOfStore();
	assert.equal(sales.length, before + 3, 'each offline sale recorded once');
	assertNoConsoleErrors(page);
	await page.context().close();
});

test('sales queued before a reload are sent once, even when an answer was lost', async () => {
	const page = await openTill('en');
	const before = (await salesOfStore()).length;
	await page.context().setOffline(true);
	for (const p of products) await sellOne(page, p.barcode);
	await expectPending(page, 3);

	// Read the queued sales (their keys and bodies) as the till keeps them.
	const queued = await page.evaluate(
		() =>
			new Promise((resolve, reject) => {
				const rq = indexedDB.open('tersa-offline');
				rq.onsuccess = () => {
					const g = rq.result.transaction('outbox').objectStore('outbox').getAll();
					g.onsuccess = () => resolve(g.result.map((x) => ({ key: x.key, body: x.body })));
					g.onerror = () => reject(g.error);
				};
			}),
	);
	assert.equal(queued.length, 3);
	assert.equal(new Set(queued.map((q) => q.key)).size, 3, 'one key per sale');
	for (const q of queued) {
		assert.equal(q.body.apply_promotions, false);
		assert.ok(Date.parse(q.body.offline_at) > 0);
	}
	// The first one reached the server but its answer was lost on the way back.
	const first = await srv.api('POST', '/api/v1/sales', { token, body: queued[0].body, headers: { 'idempotency-key': queued[0].key } });
	assert.equal(first.status, 201, first.text);

	await page.reload();
	await expectPending(page, 3);
	await page.context().setOffline(false);
	await expectPending(page, 0);
	const sales = await salesOfStore();
	assert.equal(sales.length, before + 3, 'three sales, the replayed one not twice');
	assert.ok(sales.some((s) => s.id === first.body.id));
	await shot(page, 'offline-pos-synced-en');
	assertNoConsoleErrors(page);
	await page.context().close();
});

/** Puts sales in the till's outbox as submitSale keeps them (the stored format is the contract). */
async function queueRaw(page, items) {
	await page.evaluate(
		({ items, name }) =>
			new Promise((resolve, reject) => {
				const rq = indexedDB.open('tersa-offline');
				rq.onsuccess = () => {
					const tx = rq.result.transaction('outbox', 'readwrite');
					for (const it of items) tx.objectStore('outbox').add(it);
					tx.oncomplete = () => {
						rq.result.close();
						new BroadcastChannel(name).postMessage({ type: 'changed' });
						resolve();
					};
					tx.onerror = () => reject(tx.error);
				};
			}),
		{ items, name: `tersa-outbox-${storeId}` },
	);
}

for (const locale of ['zh-CN', 'en']) {
	test(`a refused sale waits for a manager and does not hold up the next one (${locale})`, async () => {
		// The refused sale is refused on purpose: Chromium logs its 422 as a console error.
		const page = await openTill(locale, [/responded with a status of 422 /]);
		const before = (await salesOfStore()).length;
		await page.context().setOffline(true);
		const at = new Date().toISOString();
		const sale = (n, lines) => ({
			key: `e2e-${locale}-${n}-${Date.now()}`,
			storeId,
			localNumber: `OFF-9-20261207-00${n}`,
			createdAt: at,
			body: { store_id: storeId, register: '9', lines, payments: [{ method: 'cash', amount: 100000 }], offline_at: at, apply_promotions: false },
			attempts: 0,
			serverErrors: 0,
			lastError: null,
			lastAttemptAt: null,
		});
		await queueRaw(page, [sale(1, [{ product_id: 987654321, quantity: 1 }]), sale(2, [{ product_id: products[0].id, quantity: 1 }])]);
		await expectPending(page, 2);

		await page.context().setOffline(false);
		await expectPending(page, 0);
		assert.equal((await salesOfStore()).length, before + 1, 'the good sale went through');
		await page.getByTestId('offline-dead-open').click();
		const table = page.getByTestId('offline-dead-table');
		await table.waitFor();
		assert.match(await table.textContent(), /OFF-9-20261207-001/);
		assert.match(await table.textContent(), /HTTP 4\d\d/);
		await shot(page, `offline-dead-letters-${locale}`);

		await table.getByRole('button', { name: locale === 'en' ? 'Discard' : '作废' }).click();
		await page.locator('.el-message-box__btns .el-button--primary').click();
		await table.waitFor({ state: 'detached' });
		await page.locator('.el-drawer .el-empty').waitFor();
		assertNoConsoleErrors(page);
		await page.context().close();
	});
}
