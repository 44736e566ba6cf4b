import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRecord } from '../../src/data/models/member-model';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { launchChromium } from '../helpers/chromium';
import {
  consoleContext,
  expectAccessible,
  screenshot,
  signIn,
  watchProblems,
} from '../helpers/console-browser';
import { testKeys } from '../helpers/test-config';

/**
 * The member page's free maintenances in the staff console (Chromium, store key of `main`, the real
 * runtime): used / left, 「使用一次免费保养」 with its confirm, each use listed, and the undo of the
 * last use; the page and its dialog pass axe-core.
 */
let api: ApiHarness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let member: MemberRecord;

beforeAll(async () => {
  api = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  browser = await launchChromium();
  context = await consoleContext(browser, { forAxe: true });
  page = await context.newPage();
  member = await api.insertMember({ name: '郑先生' });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

const card = () => page.locator('.card', { has: page.getByRole('heading', { name: '免费保养', level: 2 }) });
const storedUsed = async () =>
  (await api.runtime.services.db.members.findById(member._id).lean<MemberRecord>())!.tier.freeMaintenanceUsed;

describe('free maintenance on the console member page', () => {
  it('uses one after a confirm, lists it, and undoes the last use', async () => {
    const problems = watchProblems(page);
    await signIn(page, api.url, testKeys.store);
    await page.goto(`${api.url}/console#/members/${member._id}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('郑先生');
    await expect.poll(() => card().innerText()).toContain('本会员年已用 0 次，还剩 2 次');
    expect(await card().innerText()).toContain('本会员年还没有使用记录。');
    await expectAccessible(page, 'member page with free maintenance');

    // 返回 in the confirm uses nothing.
    await card().getByRole('button', { name: '使用一次免费保养' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.innerText()).toContain('本会员年还剩 2 次');
    await expectAccessible(page, 'use confirm dialog');
    await dialog.getByRole('button', { name: '返回' }).click();
    expect(await storedUsed()).toBe(0);

    await card().getByRole('button', { name: '使用一次免费保养' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '确认使用' }).click();
    await expect.poll(() => card().innerText()).toContain('本会员年已用 1 次，还剩 1 次');
    const uses = card().getByRole('list', { name: '免费保养使用记录' });
    await expect.poll(() => uses.innerText()).toContain('柜台');
    expect(await storedUsed()).toBe(1);
    await screenshot(page, 'member-free-maintenance');

    await card().getByRole('button', { name: '撤销最近一次' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '撤销' }).click();
    await expect.poll(() => card().innerText()).toContain('本会员年已用 0 次，还剩 2 次');
    await expect.poll(() => uses.innerText()).toContain('（已撤销）');
    expect(await storedUsed()).toBe(0);
    expect(await card().getByRole('button', { name: '撤销最近一次' }).count()).toBe(0);
    expect(problems()).toEqual([]);
  });

  it('marketing sees the count and the uses but no button', async () => {
    await page.evaluate('sessionStorage.clear()');
    await signIn(page, api.url, testKeys.marketing);
    await page.goto(`${api.url}/console#/members/${member._id}`);
    await expect.poll(() => card().innerText()).toContain('本会员年已用 0 次，还剩 2 次');
    expect(await card().getByRole('button').count()).toBe(0);
  });
});
