// The POS end to end on the small demo company: a sale with a member, a
// coupon, points and two tenders (scanned and typed barcodes), its return by
// receipt number, and the shift closed with its Z-report; zh-CN at 1280×800
// and English at 1366×768, with screenshots and no console errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, newPage, login, fill, shot, assertNoConsoleErrors, until, DEMO_PASSWORD } from './lib/harness.mjs';

let token;
const STORE = 1; // manager01's store

// The server, and srv.browser; then the file's own set-up.
const srv = useApp({ demo: 'small' }, async () => {
	token = await srv.login('manager01', DEMO_PASSWORD);
});

const get = async (p) => {
	const r = await srv.api('GET', p, { token });
	assert.equal(r.status, 200, `${p}: ${r.text}`);
	return r.body;
};

/** Two products of the store with barcodes and stock, the dearer first. */
async function products() {
	const stock = await get(`/api/v1/stock?store_id=${STORE}&limit=200`);
	const out = [];
	for (const s of stock.items) {
		if (s.on_hand < 5) continue;
		const p = await get(`/api/v1/products/${s.product_id}`);
		if (p.barcode && p.active && p.price >= 5000) out.push(p);
		if (out.length === 2) break;
	}
	assert.equal(out.length, 2, 'two products with stock and barcodes');
	return out;
}

/** A member of the store with points and a coupon usable on a sale of `spend`. */
async function member(spend) {
	const coupons = await get('/api/v1/coupons?status=issued&limit=200');
	for (const c of coupons.items) {
		if (!c.customer_id) continue;
		const r = await srv.api('GET', `/api/v1/customers/${c.customer_id}`, { token });
		if (r.status !== 200 || r.body.points_balance < 200 || !r.body.phone) continue;
		const look = await get(`/api/v1/coupons/lookup?code=${c.code}&store_id=${STORE}&customer_id=${c.customer_id}`);
		if (!look.usable || look.template.min_spend > spend || look.template.kind === 'gift') continue;
		return { customer: r.body, coupon: c.code };
	}
	throw new Error('no member with points and a usable coupon in the demo');
}

/** The input of a data-testid (el-input puts it on the inner input; else the input inside). */
function input(page, id) {
	return page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first();
}

async function text(page, id) {
	return (await page.getByTestId(id).textContent()).trim();
}

const fen = (s) => Math.round(Number(s.replace(/[^0-9.-]/g, '')) * 100);

test('a sale with a member, a coupon, points and two tenders; its return; the shift closed', async () => {
	const [a, b] = await products();
	const { customer, coupon } = await member(a.price + b.price);
	const page = await newPage(srv.browser, { locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	await page.goto(srv.url + '/pos');
	await page.getByTestId('pos-pay').waitFor();
	await shot(page, 'pos-empty-zh-CN-1280');

	// A scan (fast keys ending in Enter, whatever has focus) and a typed barcode.
	// The scanner's keys arrive back to back: sent from inside the page (so a
	// busy test machine cannot stretch the gaps), as a browser delivers them
	// to the focused phone field (each key not stopped goes into its value).
	await input(page, 'pos-customer-phone').focus();
	await page.evaluate((code) => {
		const el = document.activeElement;
		for (const key of [...code, 'Enter']) {
			const ev = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
			el.dispatchEvent(ev);
			if (key !== 'Enter' && !ev.defaultPrevented) {
				el.value += key;
				el.dispatchEvent(new Event('input', { bubbles: true }));
			}
		}
	}, a.barcode);
	await until(async () => (await page.locator('[data-testid^="pos-line-"]').count()) === 1, { message: 'scanned line' });
	await until(async () => (await input(page, 'pos-customer-phone').inputValue()) === '', { message: 'the scan left nothing in the phone field' });
	await fill(page, 'pos-barcode', b.barcode);
	await input(page, 'pos-barcode').press('Enter');
	await until(async () => (await page.locator('[data-testid^="pos-line-"]').count()) === 2, { message: 'typed line' });

	// The member, their coupon and 100 points.
	await fill(page, 'pos-customer-phone', customer.phone);
	await input(page, 'pos-customer-phone').press('Enter');
	await page.getByTestId('pos-customer').getByText(customer.name).waitFor();
	await fill(page, 'pos-coupon', coupon);
	await input(page, 'pos-coupon').press('Enter');
	await fill(page, 'pos-points', '100');
	await input(page, 'pos-points').press('Enter');

	// The total on screen is the server's.
	const body = {
		store_id: STORE, register: '1', customer_id: customer.id, coupon_codes: [coupon], points_redeemed: 100,
		lines: [{ product_id: a.id, quantity: 1 }, { product_id: b.id, quantity: 1 }],
	};
	const pv = await srv.api('POST', '/api/v1/sales/preview', { token, body });
	assert.equal(pv.status, 200, pv.text);
	const points = pv.body.payments.filter((p) => p.method === 'points').reduce((s, p) => s + p.amount, 0);
	assert.ok(points > 0, 'points pay part of the sale');
	assert.ok(pv.body.lines.some((l) => l.discounts.some((d) => d.source === 'coupon')), 'the coupon applies');
	const due = pv.body.total - points;
	await until(async () => fen(await text(page, 'pos-total')) === due, { message: `pos-total ${due}` });
	await shot(page, 'pos-cart-zh-CN-1280');

	// Pay: card for all but ¥50, the rest in cash with a ¥100 note.
	await page.getByTestId('pos-pay').click();
	await page.getByTestId('pos-tender-card').click();
	const card = due - 5000;
	await fill(page, 'pos-tender-amount', (card / 100).toFixed(2));
	await input(page, 'pos-tender-amount').press('Enter');
	await page.getByTestId('pos-tender-cash').click();
	await fill(page, 'pos-tender-amount', '100');
	await input(page, 'pos-tender-amount').press('Enter');
	const store = await get(`/api/v1/stores/${STORE}`);
	const cashDue = 5000 - (5000 % store.cash_rounding);
	await until(async () => fen(await text(page, 'pos-change')) === 10000 - cashDue, { message: 'change due' });
	await shot(page, 'pos-payment-zh-CN-1280');
	// A double tap sends one sale.
	await page.getByTestId('pos-complete').dblclick();
	await page.getByTestId('pos-result-number').waitFor();
	const number = await text(page, 'pos-result-number');
	assert.match(number, /^S\d+-\d{8}-\d{4}$/);
	await page.getByTestId('pos-next-sale').click();
	assert.equal(await text(page, 'pos-last-receipt-number'), number);

	const sales = await get(`/api/v1/sales?store_id=${STORE}&customer_id=${customer.id}&limit=10`);
	const mine = sales.items.filter((s) => s.number === number);
	assert.equal(mine.length, 1, 'the sale was recorded once');
	const sale = await get(`/api/v1/sales/${mine[0].id}`);
	assert.equal(sale.points_redeemed, 100);
	assert.deepEqual(sale.payments.map((p) => p.method).sort(), ['card', 'cash', 'points']);
	assert.equal(sale.total, pv.body.total);
	const after = await get(`/api/v1/coupons?code=${coupon}`);
	assert.equal(after.items[0].status, 'redeemed');

	// Return one unit of the first line by its receipt number, to cash.
	await page.getByTestId('pos-return').click();
	await fill(page, 'pos-return-number', number);
	await input(page, 'pos-return-number').press('Enter');
	const line = sale.lines[0];
	await fill(page, `pos-return-qty-${line.id}`, '1');
	await input(page, `pos-return-qty-${line.id}`).press('Tab');
	await fill(page, 'pos-return-reason', 'e2e');
	await shot(page, 'pos-return-zh-CN-1280');
	await page.getByTestId('pos-return-submit').click();
	await until(async () => (await get(`/api/v1/sales/${sale.id}`)).returns.length === 1, { message: 'the return' });
	const back = await get(`/api/v1/sales/${sale.id}`);
	assert.equal(back.status, 'partially_returned');
	await page.keyboard.press('Escape');

	// Close the shift with the counted cash: the Z-report.
	const open = await get(`/api/v1/shifts?store_id=${STORE}&status=open&register=1`);
	await page.getByTestId('pos-shift').click();
	if (!open.items.length) {
		await page.getByTestId('shift-open').click();
		await page.getByTestId('pos-shift').click();
	}
	await page.getByTestId('shift-close').waitFor();
	await fill(page, 'shift-counted-cash', '1000');
	await page.getByTestId('shift-close').click();
	await page.getByTestId('shift-z-report').waitFor();
	await shot(page, 'pos-zreport-zh-CN-1280');
	const closed = await get(`/api/v1/shifts?store_id=${STORE}&status=open&register=1`);
	assert.equal(closed.items.length, 0, 'no open shift left');
	assertNoConsoleErrors(page);
	await page.context().close();
});

test('English at 1366×768: cart with a member, payment, return and shift screens', async () => {
	const [a, b] = await products();
	const page = await newPage(srv.browser, { locale: 'en', viewport: { width: 1366, height: 768 } });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);
	await page.goto(srv.url + '/pos');
	await page.getByTestId('pos-pay').waitFor();
	await fill(page, 'pos-barcode', a.barcode);
	await input(page, 'pos-barcode').press('Enter');
	await fill(page, 'pos-barcode', b.barcode);
	await input(page, 'pos-barcode').press('Enter');
	const { customer } = await member(a.price + b.price);
	await fill(page, 'pos-customer-phone', customer.phone);
	await input(page, 'pos-customer-phone').press('Enter');
	await page.getByTestId('pos-customer').getByText(customer.name).waitFor();
	await until(async () => fen(await text(page, 'pos-total')) > 0, { message: 'a total' });
	await page.waitForTimeout(400); // the preview settles before the picture
	await shot(page, 'pos-cart-en-1366');
	await page.getByTestId('pos-pay').click();
	await page.getByTestId('pos-tender-cash').click();
	await shot(page, 'pos-payment-en-1366');
	await page.keyboard.press('Escape');
	await page.getByTestId('pos-return').click();
	const last = await get(`/api/v1/sales?store_id=${STORE}&limit=1`);
	await fill(page, 'pos-return-number', last.items[0].number);
	await input(page, 'pos-return-number').press('Enter');
	await page.getByTestId('pos-return-submit').waitFor();
	await page.waitForTimeout(300);
	await shot(page, 'pos-return-en-1366');
	await page.keyboard.press('Escape');
	await page.getByTestId('pos-shift').click();
	await page.waitForTimeout(300);
	await shot(page, 'pos-shift-en-1366');
	assertNoConsoleErrors(page);
	await page.context().close();
});
