import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { launchChromium } from '../helpers/chromium';
import { consoleContext, expectAccessible, screenshot, signIn, TABLET } from '../helpers/console-browser';
import { testKeys } from '../helpers/test-config';
import { waitFor } from '../helpers/wait-for';

/**
 * Every page of the staff console in Chromium on the real runtime: what a store key may not reach
 * (navigation, page and API), each page checked by axe-core (no serious or critical violation)
 * and kept as a screenshot, the work of the points-missing queue and the reward catalogue, and the
 * tablet layout.
 */
let api: ApiHarness;
let browser: Browser;
let memberId = '';
let campaignId = '';
let voucherCode = '';

beforeAll(async () => {
  api = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  const enrolled = await api.post(
    '/api/v1/members',
    {
      name: '张伟',
      mobile: '13800138000',
      plate: '粤B12345',
      model: '凯美瑞',
      privacyConsent: true,
      marketingConsent: true,
    },
    'store',
  );
  memberId = enrolled.body.member.id;
  voucherCode = enrolled.body.welcome.voucher.code;
  for (let i = 0; i < 3; i++)
    await api.insertMember({ openid: `o_${randomBytes(6).toString('hex')}`, marketingConsent: true });
  await api.post(
    '/api/v1/transactions',
    {
      transactionId: 'DMS-1001',
      memberId,
      category: 'maintenance',
      amountFen: 128_000,
      occurredAt: '2026-11-24T15:00:00+08:00',
    },
    'store',
  );
  for (const note of ['保养后没收到积分', '买配件的积分没到账']) {
    const opened = await api.post(
      `/api/v1/members/${memberId}/missing-points`,
      { date: '2026-11-20', amountFen: 45_600, note },
      'store',
    );
    expect(opened.status).toBe(201);
  }
  const created = await api.post(
    '/api/v1/campaigns',
    {
      name: '双十一会员专享',
      text: '{name}您好！双十一到店享三倍积分，您当前有 {points}。',
      genericText: '双十一到店享三倍积分，欢迎到店。',
      bonusPoints: 100,
      startAt: '2026-11-25T10:00:00+08:00',
    },
    'marketing',
  );
  campaignId = created.body.id;
  await api.post(`/api/v1/campaigns/${campaignId}/schedule`, {}, 'marketing');
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

async function open(page: Page, hash: string, heading: string): Promise<void> {
  await page.goto(`${api.url}/console#${hash}`);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe(heading);
}

describe('the staff console pages', () => {
  it('shows a store key no campaigns or reports: no menu entry, no permission on the page, 403 from the API', async () => {
    const page = await (await consoleContext(browser)).newPage();
    await signIn(page, api.url, testKeys.store);
    const nav = page.getByRole('navigation', { name: '主导航' });
    const links = await nav.getByRole('link').allInnerTexts();
    expect(links).not.toContain('活动');
    expect(links).not.toContain('报表');

    for (const [hash, section] of [
      ['/campaigns', '活动'],
      [`/campaigns/${campaignId}`, '活动'],
      ['/reports', '报表'],
    ] as const) {
      await open(page, hash, '没有权限');
      expect(await page.getByRole('alert').innerText()).toContain(`没有权限使用「${section}」`);
    }
    await screenshot(page, 'no-permission');

    // The API behind those pages refuses the key as well.
    for (const path of [
      '/api/v1/campaigns',
      `/api/v1/campaigns/${campaignId}`,
      '/api/v1/campaigns/templates',
    ]) {
      const res = await api.get(path, 'store');
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe('当前角色无权执行此操作');
    }
    expect((await api.post('/api/v1/campaigns/preview', {}, 'store')).status).toBe(403);

    // The reward catalogue is read-only for the counter.
    await open(page, '/rewards', '礼品目录');
    await expect.poll(() => page.getByRole('table', { name: '礼品目录' }).innerText()).toContain('免费洗车');
    expect(await page.getByRole('button', { name: /编辑/ }).count()).toBe(0);
    // Signing out forgets the key: a reload asks for it again.
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('员工后台登录');
  }, 30_000);

  it('passes axe-core on every page (laptop) and keeps a screenshot of each', async () => {
    const page = await (await consoleContext(browser, { forAxe: true })).newPage();
    await page.goto(`${api.url}/console`);
    await page.getByLabel('员工密钥').waitFor();
    await expectAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in');
    await signIn(page, api.url, testKeys.admin);

    await open(page, '/campaigns', '营销活动');
    await expect
      .poll(() => page.getByRole('table', { name: '活动列表' }).innerText())
      .toContain('双十一会员专享');
    await expectAccessible(page, 'campaigns');

    await open(page, '/campaigns/new', '新建活动');
    await page.getByRole('button', { name: /中秋问候/ }).click();
    await expect
      .poll(() => page.getByTestId('audience-size').innerText(), { timeout: 10_000 })
      .toMatch(/^\d+ 人$/);
    await expectAccessible(page, 'campaign editor');

    // Its audience handed over, the mass send goes out (what the batcher does after its settle
    // period, a minute by default); the campaign is complete once every message has its outcome.
    await waitFor(
      async () => (await api.get(`/api/v1/campaigns/${campaignId}`, 'marketing')).body.fannedOutAt,
      15_000,
      'the campaign to be handed over',
    );
    await api.runtime.services.massSend.assembleSource(`campaign:${campaignId}`);
    await open(page, `/campaigns/${campaignId}`, '双十一会员专享');
    await expect
      .poll(() => page.locator('.page-header').innerText(), { timeout: 15_000 })
      .toContain('已完成');
    await expectAccessible(page, 'campaign detail');
    await screenshot(page, 'campaign-detail');

    await open(page, '/members?q=粤B12345', '会员查询');
    await expect.poll(() => page.getByRole('table', { name: /查询结果/ }).innerText()).toContain('张伟');
    // An admin sees the full mobile.
    expect(await page.getByRole('table', { name: /查询结果/ }).innerText()).toContain('13800138000');
    await expectAccessible(page, 'member search');

    await open(page, `/members/${memberId}`, '张伟');
    await expect.poll(() => page.getByRole('table', { name: /积分明细/ }).innerText()).toContain('DMS-1001');
    await expectAccessible(page, 'member detail');
    await screenshot(page, 'member-detail');

    await open(page, '/members/new', '办理入会');
    await expectAccessible(page, 'enrol');
    await page.getByRole('button', { name: '办理入会' }).last().click();
    await expect.poll(() => page.locator('.field__error').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'enrol with errors');
    await screenshot(page, 'enrol-errors');

    await open(page, `/vouchers/${voucherCode}`, '优惠券核销');
    await expect.poll(() => page.locator('.voucher').innerText()).toContain('可使用');
    await expectAccessible(page, 'vouchers');
    await screenshot(page, 'vouchers');

    await open(page, '/reports', '报表');
    for (const title of ['会员等级分布', '每周新增会员', '每周积分发放与消耗', '积分负债']) {
      await page.getByRole('link', { name: new RegExp(title) }).click();
      await expect.poll(() => page.locator('.report-head h2').innerText()).toBe(title);
      await expect.poll(() => page.getByRole('table', { name: `${title}数据` }).count()).toBe(1);
    }
    expect(await page.locator('canvas').count()).toBe(1);
    await expectAccessible(page, 'reports');
    await screenshot(page, 'reports');
  }, 60_000);

  it('works the points-missing queue and edits a reward, with dialogs that pass axe-core', async () => {
    const page = await (await consoleContext(browser, { forAxe: true })).newPage();
    await signIn(page, api.url, testKeys.admin);

    await open(page, '/missing-points', '积分补录');
    const queue = page.getByRole('table', { name: '待处理的积分未到账报告' });
    await expect.poll(() => queue.getByRole('row').count()).toBe(3);
    await expectAccessible(page, 'missing points');
    await screenshot(page, 'missing-points');

    await queue
      .getByRole('row')
      .filter({ hasText: '保养后没收到积分' })
      .getByRole('button', { name: '补录' })
      .click();
    const resolve = page.getByRole('dialog', { name: '补录积分' });
    // Pre-filled with the program's proposal; emptied, it is refused like the missing reason.
    expect(await resolve.getByLabel('补录积分').inputValue()).not.toBe('');
    await resolve.getByLabel('补录积分').fill('');
    await resolve.getByRole('button', { name: '确认补录' }).click();
    await expect.poll(() => resolve.getByRole('alert').count()).toBe(2);
    await expectAccessible(page, 'resolve dialog with errors');
    await screenshot(page, 'missing-points-resolve');
    await resolve.getByLabel('补录积分').fill('456');
    await resolve.getByLabel('补录原因').fill('核对 DMS 工单，补录保养积分');
    await resolve.getByRole('button', { name: '确认补录' }).click();
    await expect.poll(() => queue.getByRole('row').count()).toBe(2);

    await queue.getByRole('button', { name: '驳回' }).click();
    const reject = page.getByRole('dialog', { name: '驳回报告' });
    await reject.getByLabel('驳回原因').fill('配件消费不参与积分');
    await reject.getByRole('button', { name: '确认驳回' }).click();
    await expect.poll(() => page.getByText('没有待处理的报告。').count()).toBe(1);
    const ledger = await api.get(`/api/v1/members/${memberId}/ledger`, 'admin');
    expect(ledger.body.entries[0]).toMatchObject({ type: 'adjust', points: 456 });

    await open(page, '/rewards', '礼品目录');
    const catalogue = page.getByRole('table', { name: '礼品目录' });
    await catalogue.getByRole('button', { name: '编辑品牌车载香氛' }).click();
    const edit = page.getByRole('dialog', { name: '编辑礼品：品牌车载香氛' });
    await expectAccessible(page, 'reward dialog');
    await screenshot(page, 'reward-edit');
    await edit.getByLabel('库存').fill('150');
    await edit.getByLabel('每人兑换限制').selectOption({ label: '每月' });
    await edit.getByLabel('限兑次数').fill('2');
    await edit.getByRole('button', { name: '保存' }).click();
    await expect
      .poll(() => catalogue.getByRole('row').filter({ hasText: '品牌车载香氛' }).innerText())
      .toContain('每月限 2 次');
    const rewards = await api.get('/api/v1/rewards', 'admin');
    expect(rewards.body.rewards.find((r: { id: string }) => r.id === 'car-fragrance')).toMatchObject({
      stock: 150,
      perMemberLimit: { count: 2, period: 'month' },
    });
    await expectAccessible(page, 'rewards');
    await screenshot(page, 'rewards');
  }, 40_000);

  it('folds the layout for a tablet: navigation across the top, forms in one column', async () => {
    const page = await (await consoleContext(browser, { viewport: TABLET, forAxe: true })).newPage();
    await signIn(page, api.url, testKeys.admin);
    await open(page, `/members/${memberId}`, '张伟');
    const nav = await page.getByRole('navigation', { name: '主导航' }).boundingBox();
    const main = await page.locator('main').boundingBox();
    expect(nav!.width).toBeGreaterThan(TABLET.width - 20);
    expect(main!.y).toBeGreaterThan(nav!.y + nav!.height - 1);
    // Nothing makes the page scroll sideways.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      TABLET.width,
    );
    await expectAccessible(page, 'member detail on a tablet');
    await screenshot(page, 'tablet-member-detail');

    await open(page, '/campaigns/new', '新建活动');
    await page.getByRole('button', { name: /春节问候/ }).click();
    await expect
      .poll(() => page.getByTestId('audience-size').innerText(), { timeout: 10_000 })
      .toMatch(/^\d+ 人$/);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      TABLET.width,
    );
    await screenshot(page, 'tablet-campaign-editor');
  }, 30_000);
});
