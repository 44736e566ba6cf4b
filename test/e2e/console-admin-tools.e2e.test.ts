import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { launchChromium } from '../helpers/chromium';
import { consoleContext, expectAccessible, screenshot, signIn } from '../helpers/console-browser';
import { testKeys } from '../helpers/test-config';

/**
 * The console's admin and marketing tools in Chromium on the real runtime: an admin erases (注销)
 * a member behind a typed confirmation; a marketing key creates a reward, reading the API's
 * validation messages by the fields, and cannot reach the counter's new screens.
 */
let api: ApiHarness;
let browser: Browser;
let memberId = '';
let welcomeCode = '';

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).innerText();

beforeAll(async () => {
  api = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  const enrolled = await api.post(
    '/api/v1/members',
    { name: '王芳', mobile: '13600136000', plate: '粤B99999', privacyConsent: true, marketingConsent: true },
    'store',
  );
  memberId = enrolled.body.member.id;
  welcomeCode = enrolled.body.welcome.voucher.code;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

describe('the staff console: erase a member, create a reward', () => {
  it('lets an admin erase a member only after typing the name (or 注销)', async () => {
    const page = await (await consoleContext(browser, { forAxe: true })).newPage();
    await signIn(page, api.url, testKeys.admin);
    await page.goto(`${api.url}/console#/members/${memberId}`);
    await expect.poll(() => heading(page)).toBe('王芳');
    await page.getByRole('button', { name: '注销会员' }).click();

    const dialog = page.getByRole('dialog', { name: '注销会员：王芳' });
    expect(await dialog.innerText()).toContain('注销不能撤销');
    const confirm = dialog.getByRole('button', { name: '确认注销' });
    const typed = dialog.getByLabel('请输入会员姓名「王芳」或「注销」以确认');
    expect(await confirm.isDisabled()).toBe(true);
    await typed.fill('王');
    expect(await confirm.isDisabled()).toBe(true);
    await typed.press('Enter');
    // Enter on a half-typed name does nothing either.
    expect((await api.get(`/api/v1/members/${memberId}`)).status).toBe(200);
    await typed.fill('注销');
    expect(await confirm.isDisabled()).toBe(false);
    await typed.fill('王芳');
    expect(await confirm.isDisabled()).toBe(false);
    await expectAccessible(page, 'erase dialog');
    await screenshot(page, 'erase-member', { fullPage: false });
    await confirm.click();

    await expect.poll(() => heading(page)).toBe('会员已注销');
    expect(await page.getByTestId('erased').innerText()).toContain('2026-11-25 10:00');
    await expectAccessible(page, 'member erased');
    await screenshot(page, 'member-erased');

    const record = await api.runtime.services.db.members.findById(memberId).lean();
    expect(record).toMatchObject({ status: 'erased', name: null, mobile: null, vehicles: [] });
    expect((await api.get(`/api/v1/members/${memberId}`)).status).toBe(404);
    expect((await api.get(`/api/v1/vouchers/${welcomeCode}`)).body.status).toBe('cancelled');
  }, 30_000);

  it('lets a marketing key create a reward, with the API messages next to the fields', async () => {
    const page = await (await consoleContext(browser, { forAxe: true })).newPage();
    await signIn(page, api.url, testKeys.marketing);
    await page.getByRole('link', { name: '礼品', exact: true }).click();
    await expect.poll(() => heading(page)).toBe('礼品目录');
    await page.getByRole('link', { name: '新建礼品' }).click();
    await expect.poll(() => heading(page)).toBe('新建礼品');

    // An id that exists, an id the API cannot take, and a validity beyond ten years.
    await page.getByLabel('礼品编号').fill('car-wash');
    await page.getByLabel('礼品名称').fill('免费轮胎检测');
    await page.getByLabel('所需积分').fill('800');
    await page.getByLabel('券有效期（天）').fill('30');
    await page.getByRole('button', { name: '保存礼品' }).click();
    await expect
      .poll(() => page.locator('.field__error').allInnerTexts())
      .toEqual(['已有编号为 car-wash 的礼品']);

    await page.getByLabel('礼品编号').fill('Tyre Check');
    await page.getByLabel('券有效期（天）').fill('5000');
    await page.getByRole('button', { name: '保存礼品' }).click();
    await expect
      .poll(() => page.locator('.field__error').allInnerTexts())
      .toEqual(['rewardId 须为小写字母、数字和 - 组成', '有效期最长 3650 天（10 年）']);
    await expectAccessible(page, 'new reward with errors');
    await screenshot(page, 'reward-new-errors');

    await page.getByLabel('礼品编号').fill('tyre-check');
    await page.getByLabel('券有效期（天）').fill('60');
    await page.getByLabel('库存').fill('50');
    await page.getByLabel('每人兑换限制').selectOption({ label: '每月' });
    await page.getByLabel('限兑次数').fill('1');
    await page.getByLabel('最低等级').selectOption({ label: '银卡及以上' });
    await page.getByRole('button', { name: '保存礼品' }).click();

    await expect.poll(() => heading(page)).toBe('礼品目录');
    const row = page
      .getByRole('table', { name: '礼品目录' })
      .getByRole('row')
      .filter({ hasText: '免费轮胎检测' });
    await expect.poll(() => row.innerText()).toContain('每月限 1 次');
    const rewards = await api.get('/api/v1/rewards', 'marketing');
    expect(rewards.body.rewards.find((r: { id: string }) => r.id === 'tyre-check')).toMatchObject({
      id: 'tyre-check',
      name: '免费轮胎检测',
      cost: 800,
      stock: 50,
      reserved: 0,
      perMemberLimit: { count: 1, period: 'month' },
      minTier: 'silver',
      validityDays: 60,
      storeIds: null,
      active: true,
    });
  }, 30_000);

  it('keeps the counter screens from a marketing key: hidden, and 没有权限 when typed', async () => {
    const page = await (await consoleContext(browser, { forAxe: true })).newPage();
    await signIn(page, api.url, testKeys.marketing);
    const links = await page.getByRole('navigation', { name: '主导航' }).getByRole('link').allInnerTexts();
    expect(links).toContain('服务评价');
    expect(links).not.toContain('回电');
    expect(links).not.toContain('核销');

    // Marketing reads the per-store rating summary only.
    await page.getByRole('link', { name: '服务评价' }).click();
    await expect.poll(() => heading(page)).toBe('服务评价');
    await expect.poll(() => page.getByRole('heading', { name: '各门店汇总' }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: '待处理的低分提醒' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: '全部评价' }).count()).toBe(0);
    await expectAccessible(page, 'feedback summary for marketing');

    const other = await api.post(
      '/api/v1/members',
      { name: '赵磊', mobile: '13500135000', privacyConsent: true },
      'store',
    );
    await page.goto(`${api.url}/console#/members/${other.body.member.id}`);
    await expect.poll(() => heading(page)).toBe('赵磊');
    expect(await page.getByRole('link', { name: '兑换礼品' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '注销会员' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^作废/ }).count()).toBe(0);

    for (const [hash, section] of [
      [`/members/${other.body.member.id}/redeem`, '兑换礼品'],
      ['/callbacks', '回电'],
    ] as const) {
      await page.goto(`${api.url}/console#${hash}`);
      await expect.poll(() => heading(page)).toBe('没有权限');
      expect(await page.getByRole('alert').innerText()).toContain(`没有权限使用「${section}」`);
    }
    // And the API behind them says the same.
    expect((await api.get('/api/v1/callbacks', 'marketing')).status).toBe(403);
    expect((await api.get('/api/v1/feedback', 'marketing')).status).toBe(403);
    expect(
      (
        await api.post(
          `/api/v1/members/${other.body.member.id}/redemptions`,
          { rewardId: 'car-wash', requestId: 'marketing-1' },
          'marketing',
        )
      ).status,
    ).toBe(403);
    expect((await api.post(`/api/v1/members/${other.body.member.id}/erase`, {}, 'store')).status).toBe(403);
  }, 30_000);
});
