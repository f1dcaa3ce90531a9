// Meetings, routines and checklists against the small demo: a store manager
// records a meeting with sales01 attending and an action item for them (the
// server makes a task of it, shown on the meeting with its status, done once
// the task is); sets up a weekly routine with a checklist; creates a task
// with a checklist and ticks an item in its drawer. Screenshots in zh-CN and
// en at 1366×768.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, newPage, login, fill, shot, until, assertNoConsoleErrors, DEMO_PASSWORD } from './lib/harness.mjs';

const srv = useApp({ demo: 'small' });

async function api(token, method, path, body) {
	const r = await srv.api(method, path, { token, body });
	assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
	return r.body;
}

function day(days) {
	return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

/** Picks an option of an el-select and closes its dropdown by clicking the dialog's title. */
async function pick(page, dialog, select, option) {
	await page.getByTestId(select).click();
	await page.getByTestId(option).click();
	await page.getByTestId(dialog).locator('.el-dialog__title').click();
}

test('a meeting with an action item makes a task; a routine; a checklist item ticked', async () => {
	const token = await srv.login('manager01', DEMO_PASSWORD);
	const salesId = (await api(await srv.login('sales01', DEMO_PASSWORD), 'GET', '/api/v1/me')).id;
	const page = await newPage(srv.browser, { locale: 'zh-CN' });
	await login(page, srv.url, 'manager01', DEMO_PASSWORD);

	// The meeting, with sales01 attending and an action item for them.
	await page.goto(srv.url + '/staff/meetings');
	await page.getByTestId('meetings-meeting-page').waitFor();
	await page.getByTestId('meetings-create').click();
	await page.getByTestId('meeting-form-dialog').waitFor();
	await fill(page, 'meeting-form-title', '周一晨会 E2E');
	await pick(page, 'meeting-form-dialog', 'meeting-form-attendees', 'meeting-form-attendee-sales01');
	await fill(page, 'meeting-form-notes', '本周重点：秋冬新品陈列；会员招募目标 30 人。');
	await page.getByTestId('meeting-form-add-action').click();
	await fill(page, 'meeting-form-action-title-0', '更换橱窗陈列');
	await pick(page, 'meeting-form-dialog', 'meeting-form-action-who-0', 'meeting-form-action-who-0-sales01');
	await fill(page, 'meeting-form-action-due-0', day(3));
	await page.keyboard.press('Enter');
	await page.getByTestId('meeting-form-dialog').locator('.el-dialog__title').click();
	await shot(page, 'staff-meeting-form-zh');
	await page.getByTestId('meeting-form-save').click();
	await page.waitForURL(/\/staff\/meetings\/\d+$/);
	const id = Number(/(\d+)$/.exec(page.url())[1]);
	const status = page.getByTestId('meeting-action-status-0');
	await status.waitFor();
	assert.equal(await status.getAttribute('data-status'), 'open');
	const meeting = await api(token, 'GET', `/api/v1/meetings/${id}`);
	assert.deepEqual(meeting.attendee_ids, [salesId]);
	assert.equal(meeting.actions.length, 1);
	const task = await api(token, 'GET', `/api/v1/tasks/${meeting.actions[0].task_id}`);
	assert.equal(task.kind, 'action');
	assert.equal(task.meeting_id, id);
	assert.equal(task.assignee_id, salesId);
	assert.equal(task.title, '更换橱窗陈列');
	await shot(page, 'staff-meeting-zh');

	// The task done: the meeting says so.
	await api(token, 'PATCH', `/api/v1/tasks/${task.id}`, { status: 'done' });
	await page.reload();
	await until(async () => (await status.getAttribute('data-status').catch(() => null)) === 'done', { message: 'the action did not show done' });
	await page.goto(srv.url + '/staff/meetings');
	await page.getByTestId('meetings-meeting-table').getByText('周一晨会 E2E').waitFor();
	await shot(page, 'staff-meetings-zh');

	// A weekly routine with a checklist, for sales01.
	await page.goto(srv.url + '/customers/tasks');
	await page.locator('#tab-routines').click();
	await page.getByTestId('task-routine-create').click();
	await page.getByTestId('task-routine-dialog').waitFor();
	await fill(page, 'task-routine-title', '每周盘点 E2E');
	await pick(page, 'task-routine-dialog', 'task-routine-assignee', 'task-routine-assignee-sales01');
	await page.getByTestId('task-routine-checklist-add').click();
	await fill(page, 'task-routine-checklist-0', '盘点鞋类');
	await page.getByTestId('task-routine-checklist-add').click();
	await fill(page, 'task-routine-checklist-1', '核对差异并上报');
	await shot(page, 'staff-routine-form-zh');
	await page.getByTestId('task-routine-save').click();
	await page.getByTestId('task-routine-table').getByText('每周盘点 E2E').waitFor();
	const routines = await api(token, 'GET', '/api/v1/task-recurrences?limit=100');
	const routine = routines.items.find((r) => r.title === '每周盘点 E2E');
	assert.ok(routine, 'the routine was saved');
	assert.equal(routine.rule, 'weekly');
	assert.equal(routine.weekday, 1);
	assert.equal(routine.assignee_id, salesId);
	assert.deepEqual(routine.checklist, ['盘点鞋类', '核对差异并上报']);
	await shot(page, 'staff-routines-zh');

	// A task with a checklist, one item ticked in its drawer.
	await page.locator('#tab-tasks').click();
	await page.getByTestId('customers-task-create').click();
	await page.getByTestId('customers-task-dialog').waitFor();
	await fill(page, 'customers-task-title', '新品到货验收 E2E');
	await page.getByTestId('task-form-checklist-add').click();
	await fill(page, 'task-form-checklist-0', '核对送货单');
	await page.getByTestId('task-form-checklist-add').click();
	await fill(page, 'task-form-checklist-1', '上架并贴价签');
	await shot(page, 'staff-task-form-checklist-zh');
	await page.getByTestId('customers-task-save').click();
	await page.getByTestId('customers-task-dialog').waitFor({ state: 'hidden' });
	const mine = await api(token, 'GET', '/api/v1/tasks?mine=true&status=open&limit=100');
	const made = mine.items.find((x) => x.title === '新品到货验收 E2E');
	assert.ok(made, 'the task was made');
	assert.deepEqual(made.checklist.map((c) => [c.text, c.done]), [['核对送货单', false], ['上架并贴价签', false]]);
	await page.getByTestId(`customers-task-checklist-${made.id}`).click();
	await page.getByTestId('task-checklist').waitFor();
	await page.getByTestId(`task-checklist-item-${made.checklist[0].id}`).click();
	await until(async () => (await api(token, 'GET', `/api/v1/tasks/${made.id}`)).checklist[0].done === true, { message: 'the item was not ticked' });
	await page.getByTestId('task-checklist').getByText('1/2').waitFor();
	await shot(page, 'staff-task-checklist-zh');
	assertNoConsoleErrors(page);

	// The same screens in English.
	const en = await newPage(srv.browser, { locale: 'en' });
	await login(en, srv.url, 'manager01', DEMO_PASSWORD);
	await en.goto(srv.url + `/staff/meetings/${id}`);
	await en.getByTestId('meeting-action-status-0').waitFor();
	await shot(en, 'staff-meeting-en');
	await en.goto(srv.url + '/staff/meetings');
	await en.getByTestId('meetings-meeting-table').getByText('周一晨会 E2E').waitFor();
	await shot(en, 'staff-meetings-en');
	await en.getByTestId('meetings-create').click();
	await en.getByTestId('meeting-form-dialog').waitFor();
	await en.getByTestId('meeting-form-add-action').click();
	await shot(en, 'staff-meeting-form-en');
	await en.getByTestId('meeting-form-cancel').click();
	await en.goto(srv.url + '/customers/tasks');
	await en.locator('#tab-routines').click();
	await en.getByTestId('task-routine-table').getByText('每周盘点 E2E').waitFor();
	await shot(en, 'staff-routines-en');
	await en.locator('#tab-tasks').click();
	await en.getByTestId(`customers-task-checklist-${made.id}`).click();
	await en.getByTestId('task-checklist').getByText('1/2').waitFor();
	await shot(en, 'staff-task-checklist-en');
	assertNoConsoleErrors(en);
});
