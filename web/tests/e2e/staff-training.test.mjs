// Staff training against the small demo: an administrator writes a course
// with a two-question quiz (pass mark 100 %), publishes it, makes a category
// require it and assigns it to sales01 from the course list; sales01, on a
// phone, takes the quiz, fails it (one answer wrong, shown as such), tries
// again and passes; the store manager's overdue view lists sales01 with a
// course past its due day and the days overdue. Screenshots in zh-CN and en
// at 1366×768 and the quiz at 390×844.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, newPage, login, fill, shot, until, assertNoConsoleErrors, openNav, DEMO_PASSWORD } from './lib/harness.mjs';

const srv = useApp({ demo: 'small' });

async function api(token, method, path, body) {
	const r = await srv.api(method, path, { token, body });
	assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
	return r.body;
}

/** YYYY-MM-DD `days` from today (negative: in the past). */
function day(days) {
	return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

/** Picks the option with test id `option` of the el-select with test id `select`. */
async function pick(page, select, option) {
	await page.getByTestId(select).click();
	await page.getByTestId(option).click();
}

async function answer(page, picks) {
	for (const [q, o] of picks.entries()) await page.getByTestId(`quiz-option-${q}-${o}`).click();
	await page.getByTestId('quiz-submit').click();
}

test('a course with a quiz is written, published, assigned, failed, passed, and overdue training shows on the manager view', async () => {
	const admin = await srv.login('admin', srv.adminPassword);
	const salesId = (await api(await srv.login('sales01', DEMO_PASSWORD), 'GET', '/api/v1/me')).id;
	const title = 'E2E 新品面料知识 Fabric basics';

	// The administrator writes the course in English.
	const page = await newPage(srv.browser, { locale: 'en' });
	await login(page, srv.url, 'admin', srv.adminPassword);
	await openNav(page, srv.url, 'staff', 'courses');
	await page.getByTestId('training-course-page').waitFor();
	await page.getByTestId('training-course-create').click();
	await page.getByTestId('course-editor').waitFor();
	await fill(page, 'course-editor-title', title);
	await fill(page, 'course-editor-description', 'What the new fabrics are made of and how to care for them.');
	await page.getByTestId('course-editor-add-text').click();
	await fill(page, 'course-editor-material-title-0', 'Fibres');
	await fill(page, 'course-editor-material-body-0', 'Linen breathes; wool keeps warm when wet.');
	await page.getByTestId('course-editor-add-link').click();
	await fill(page, 'course-editor-material-title-1', 'Care labels');
	await fill(page, 'course-editor-material-url-1', 'https://example.com/care');
	await fill(page, 'course-editor-pass', '100');
	await fill(page, 'course-editor-question-text-0', 'Which fibre keeps warm when wet?');
	await fill(page, 'course-editor-option-0-0', 'Linen');
	await fill(page, 'course-editor-option-0-1', 'Wool');
	await page.getByTestId('course-editor-answer-0-1').click();
	await page.getByTestId('course-editor-add-question').click();
	await fill(page, 'course-editor-question-text-1', 'Which fibre breathes best?');
	await fill(page, 'course-editor-option-1-0', 'Linen');
	await fill(page, 'course-editor-option-1-1', 'Polyester');
	await page.getByTestId('course-editor-add-option-1').click();
	await fill(page, 'course-editor-option-1-2', 'Acrylic');
	await page.getByTestId('course-editor-answer-1-0').click();
	await shot(page, 'staff-course-editor-en');
	await page.getByTestId('course-editor-publish').click();
	await until(async () => (await page.getByTestId('course-editor-status').textContent().catch(() => ''))?.includes('Published'), { message: 'the course was not published' });
	const id = Number(/\/staff\/courses\/(\d+)\/edit/.exec(page.url())?.[1]);
	assert.ok(id > 0, `editor URL ${page.url()}`);
	// A file among the materials, uploaded to the saved course.
	await page.locator('[data-testid=course-editor] input[type=file]').setInputFiles({ name: 'care-guide.txt', mimeType: 'text/plain', buffer: Buffer.from('Wash linen cold.') });
	await page.getByTestId('course-editor-material-2').waitFor();
	await page.getByTestId('course-editor-save').click();
	await until(async () => (await api(admin, 'GET', `/api/v1/courses/${id}`)).materials.length === 3, { message: 'the file was not saved among the materials' });
	const course = await api(admin, 'GET', `/api/v1/courses/${id}`);
	assert.equal(course.status, 'published');
	assert.equal(course.pass_bp, 10000);
	assert.deepEqual(course.quiz.map((q) => [q.options.length, q.answer]), [[2, 1], [3, 0]]);
	assert.deepEqual(course.materials.map((m) => m.kind), ['text', 'link', 'file']);
	const fileId = course.materials[2].file_id;
	await shot(page, 'staff-course-editor-published-en');

	// A category whose sales earn commission only after this course.
	const cat = await api(admin, 'POST', '/api/v1/categories', { name: 'E2E 新品面料', parent_id: null });
	await page.goto(srv.url + '/catalog/categories');
	await page.getByTestId(`catalog-category-rename-${cat.id}`).click();
	await page.getByTestId('catalog-category-dialog').waitFor();
	await pick(page, 'catalog-category-course', `catalog-category-course-${id}`);
	await page.getByTestId(`catalog-category-course-${id}`).waitFor({ state: 'hidden' });
	await shot(page, 'staff-category-course-en');
	await page.getByTestId('catalog-category-save').click();
	await page.getByTestId('catalog-category-dialog').waitFor({ state: 'hidden' });
	assert.equal((await api(admin, 'GET', `/api/v1/categories/${cat.id}`)).required_course_id, id);
	await page.goto(srv.url + `/staff/courses/${id}/edit`);

	// ... and assigns it to sales01 from the list, due in a week.
	await page.getByTestId('course-editor').getByRole('button', { name: 'Back' }).click();
	await page.getByTestId(`training-course-assign-${id}`).click();
	await page.getByTestId('training-assign-dialog').waitFor();
	await pick(page, 'training-assign-people', 'training-assign-person-sales01');
	await page.getByTestId('training-assign-dialog').locator('.el-dialog__title').click();
	await fill(page, 'training-assign-due', day(7));
	await page.keyboard.press('Enter');
	await page.getByTestId('training-assign-dialog').locator('.el-dialog__title').click();
	await shot(page, 'staff-course-assign-en');
	await page.getByTestId('training-assign-save').click();
	await page.getByTestId('training-assign-dialog').waitFor({ state: 'hidden' });
	const assigned = await api(admin, 'GET', `/api/v1/course-assignments?course_id=${id}&user_id=${salesId}`);
	assert.equal(assigned.items.length, 1);
	assert.equal(assigned.items[0].due_day, day(7));
	await shot(page, 'staff-courses-en');
	assertNoConsoleErrors(page);

	// A second course, already past its due day for sales01 (through the API).
	const late = await api(admin, 'POST', '/api/v1/courses', { title: 'E2E 收银规范 Till rules', kind: 'service', description: 'How the till is run.', materials: [], quiz: [{ question: 'Q', options: ['a', 'b'], answer: 0 }], pass_bp: 8000 });
	await api(admin, 'POST', `/api/v1/courses/${late.id}/publish`);
	await api(admin, 'POST', `/api/v1/courses/${late.id}/assignments`, { user_ids: [salesId], due_day: day(-5) });

	// sales01 on a phone: the course, failed once, then passed.
	const phone = await newPage(srv.browser, { locale: 'zh-CN', viewport: { width: 390, height: 844 } });
	await login(phone, srv.url, 'sales01', DEMO_PASSWORD);
	await phone.goto(srv.url + '/staff/courses');
	await phone.getByTestId(`training-course-open-${id}`).click();
	await phone.getByTestId('quiz').waitFor();
	assert.equal(await phone.getByTestId('training-material-2').locator('a').getAttribute('href'), `/api/v1/course-files/${fileId}`);
	const file = await phone.request.get(`${srv.url}/api/v1/course-files/${fileId}`);
	assert.equal(await file.text(), 'Wash linen cold.');
	await shot(phone, 'staff-course-phone-zh');
	await answer(phone, [1, 1]);
	await phone.getByTestId('quiz-failed').waitFor();
	await phone.getByTestId('quiz-right-0').waitFor();
	await phone.getByTestId('quiz-wrong-1').waitFor();
	assert.equal(await phone.getByTestId('quiz-failed').getAttribute('data-score'), '5000');
	await shot(phone, 'staff-quiz-failed-phone-zh');
	await phone.getByTestId('quiz-retry').click();
	await answer(phone, [1, 0]);
	await phone.getByTestId('quiz-passed').waitFor();
	await until(async () => (await phone.getByTestId('training-course-state').textContent())?.includes('已通过'), { message: 'the course page did not show passed' });
	await shot(phone, 'staff-quiz-passed-phone-zh');
	assertNoConsoleErrors(phone);
	const passed = await api(admin, 'GET', `/api/v1/course-assignments?course_id=${id}&user_id=${salesId}`);
	assert.equal(passed.items[0].status, 'passed');
	assert.equal(passed.items[0].best_score_bp, 10000);
	assert.equal(passed.items[0].attempts, 2);

	// sales01 at a desk, in English: the list with their state of each course.
	const desk = await newPage(srv.browser, { locale: 'en' });
	await login(desk, srv.url, 'sales01', DEMO_PASSWORD);
	await desk.goto(srv.url + '/staff/courses');
	await desk.getByTestId(`training-course-open-${late.id}`).waitFor();
	await shot(desk, 'staff-courses-sales-en');
	await desk.getByTestId(`training-course-open-${id}`).click();
	await desk.getByTestId('training-attempts').waitFor();
	await shot(desk, 'staff-course-sales-en');
	assertNoConsoleErrors(desk);

	// The store manager's overdue view: sales01 with the late course, 5 days overdue (the demo may have older ones).
	for (const locale of ['zh-CN', 'en']) {
		const mgr = await newPage(srv.browser, { locale });
		await login(mgr, srv.url, 'manager01', DEMO_PASSWORD);
		await mgr.goto(srv.url + '/staff/courses');
		await mgr.locator('#tab-overdue').click();
		await mgr.getByTestId(`assignments-overdue-days-${salesId}`).waitFor();
		const row = await mgr.getByTestId('assignments-overdue').textContent();
		assert.ok(row.includes('E2E 收银规范'), row);
		assert.ok(!row.includes(title), 'a passed course is not overdue');
		const tags = await mgr.getByTestId(`assignments-overdue-${salesId}`).allTextContents();
		const lateTag = tags.find((x) => x.includes('E2E 收银规范'));
		assert.match(lateTag ?? '', /· 5 /, tags.join(' | '));
		await shot(mgr, `staff-training-overdue-${locale === 'en' ? 'en' : 'zh'}`);
		await mgr.locator('#tab-assignments').click();
		await mgr.getByTestId('training-assignment-table').locator('tbody tr').first().waitFor();
		await shot(mgr, `staff-training-assignments-${locale === 'en' ? 'en' : 'zh'}`);
		assertNoConsoleErrors(mgr);
	}
});
