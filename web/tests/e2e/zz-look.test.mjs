import { test } from 'node:test';
import { useApp, newPage, login, shot, DEMO_PASSWORD } from './lib/harness.mjs';
const srv = useApp({ demo: 'small' });
test('look', async () => {
	for (const [user, pw, vp, path, name] of [
		['sales01', DEMO_PASSWORD, { width: 390, height: 844 }, '/staff/me', 'look-me-phone'],
		['manager01', DEMO_PASSWORD, { width: 1366, height: 768 }, '/pos', 'look-pos'],
		['manager01', DEMO_PASSWORD, { width: 1366, height: 768 }, '/staff/targets', 'look-targets'],
	]) {
		const page = await newPage(srv.browser, { locale: 'zh-CN', viewport: vp });
		await login(page, srv.url, user, pw);
		await page.goto(srv.url + path);
		await page.waitForTimeout(2500);
		await shot(page, name);
		console.log(name, page.consoleErrors.slice(0, 5));
		await page.context().close();
	}
});
