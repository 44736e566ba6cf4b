import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { launchChromium } from '../helpers/chromium';
import { consoleContext, expectAccessible, screenshot, signIn } from '../helpers/console-browser';
import { givePoints } from '../helpers/give-points';
import { testKeys } from '../helpers/test-config';

/**
 * The front desk's other work in the staff console (Chromium, store key of store `main`, the real
 * runtime): redeem a reward for a member at the counter — a double click and a lost answer each
 * redeem once —, a refusal read in Chinese, cancel vouchers from the member's page and from 核销
 * with the points coming back, handle a low-rating alert and mark a callback request done. Each
 * new screen passes axe-core and is kept as a screenshot.
 */
let api: ApiHarness;
let browser: Browser;
let page: Page;
let memberId = '';
let raterId = '';
const RATER_MOBILE = '13900139000';

const db = () => api.runtime.services.db;
const heading = () => page.getByRole('heading', { level: 1 }).innerText();
const available = async () =>
  (await api.get(`/api/v1/members/${memberId}`, 'store')).body.balance.available as number;

beforeAll(async () => {
  api = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  const services = api.runtime.services;
  const enrolled = await api.post(
    '/api/v1/members',
    { name: '张伟', mobile: '13800138000', privacyConsent: true },
    'store',
  );
  memberId = enrolled.body.member.id;
  // 1,000 welcome points + 4,100 − the limited gift below (100) = 5,000: enough for 免费洗车
  // (1,500) and then 品牌车载香氛 (3,000), never for 四轮定位 (8,000).
  await givePoints(db(), services.program.current(), memberId, 4_100, api.now());
  // A gift of one per person, already taken once: the counter's attempt is refused with the limit.
  await api.post(
    '/api/v1/rewards',
    {
      id: 'limited-gift',
      name: '限量纪念钥匙扣',
      cost: 100,
      validityDays: 30,
      perMemberLimit: { count: 1, period: 'lifetime' },
    },
    'marketing',
  );
  const seeded = await api.post(
    `/api/v1/members/${memberId}/redemptions`,
    { rewardId: 'limited-gift', requestId: 'seed-limited-1' },
    'store',
  );
  expect(seeded.status).toBe(201);

  // Another member rated a maintenance visit 1 分 (an alert) with a comment, and asked for a call.
  const rater = await api.post(
    '/api/v1/members',
    { name: '李娜', mobile: RATER_MOBILE, privacyConsent: true },
    'store',
  );
  raterId = rater.body.member.id;
  await api.post(
    '/api/v1/transactions',
    {
      transactionId: 'DMS-2001',
      memberId: raterId,
      category: 'maintenance',
      amountFen: 88_000,
      occurredAt: '2026-11-22T09:30:00+08:00',
    },
    'store',
  );
  // Served three days ago: the follow-up job may already have asked; asking again changes nothing.
  expect(['asked', 'duplicate']).toContain((await services.feedback.ask('DMS-2001')).status);
  expect(await services.feedback.recordRating(raterId, 1)).toMatchObject({ ok: true, alerted: true });
  await services.feedback.recordComment(raterId, 'DMS-2001', '等了两个小时才修好');
  await services.callbacks.open({
    requestKey: 'msg:callback-test-1',
    memberId: raterId,
    storeId: 'main',
    note: null,
    recentMessages: [
      { text: '保养等太久了', at: new Date('2026-11-25T09:40:00+08:00') },
      { text: '人工', at: new Date('2026-11-25T09:41:00+08:00') },
    ],
  });
  await services.complaints.open({
    requestKey: 'chat:complaint-test-1',
    memberId: raterId,
    storeId: 'main',
    text: '洗车把座椅弄湿了，没人道歉',
    recentMessages: [{ text: '洗车把座椅弄湿了，没人道歉', at: new Date('2026-11-25T09:45:00+08:00') }],
  });

  browser = await launchChromium();
  page = await (await consoleContext(browser, { forAxe: true })).newPage();
  await signIn(page, api.url, testKeys.store);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

describe('the staff console: the rest of the front desk', () => {
  it('redeems a reward at the counter: a double click on 确认兑换 issues exactly one voucher', async () => {
    const nav = page.getByRole('navigation', { name: '主导航' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual([
      '会员',
      '预约',
      '核销',
      '回电',
      '服务评价',
      '积分补录',
      '礼品',
      '方案',
    ]);
    await page.goto(`${api.url}/console#/members/${memberId}`);
    await expect.poll(heading).toBe('张伟');
    // The counter may redeem and cancel, never erase.
    expect(await page.getByRole('button', { name: '注销会员' }).count()).toBe(0);
    await page.getByRole('link', { name: '兑换礼品' }).click();
    await expect.poll(heading).toBe('兑换礼品');
    expect(await page.getByTestId('redeem-balance').innerText()).toBe('5,000 积分');

    const offers = page.getByRole('list', { name: '可兑换的礼品' });
    const offer = (name: string) => offers.getByRole('listitem').filter({ hasText: name });
    await expect.poll(() => offer('四轮定位').innerText()).toContain('积分不足，还差 3,000 积分');
    expect(await offer('钻石专享 机场接送').innerText()).toContain('需要钻石卡及以上会员');
    expect(await offer('四轮定位').getByRole('button').count()).toBe(0);
    // What each reward asks: cost, stock, limit, tier.
    const fragrance = await offer('品牌车载香氛').innerText();
    expect(fragrance).toContain('3,000 积分');
    expect(fragrance).toContain('剩 200 份');
    expect(await offer('限量纪念钥匙扣').innerText()).toContain('每人累计限 1 次');
    await expectAccessible(page, 'redeem');
    await screenshot(page, 'redeem');

    await offers.getByRole('button', { name: '兑换免费洗车' }).click();
    const dialog = page.getByRole('dialog', { name: '确认兑换：免费洗车' });
    expect(await dialog.innerText()).toContain('扣除 1,500 积分');
    await expectAccessible(page, 'redeem confirmation');
    await screenshot(page, 'redeem-confirm', { fullPage: false });
    // Two clicks in one task, as a quick double tap on a tablet: the second arrives before the
    // button re-renders as disabled, so only the page itself can keep it from redeeming again.
    const posts: string[] = [];
    const countPost = (request: { method(): string; url(): string }) => {
      if (request.method() === 'POST' && request.url().endsWith('/redemptions')) posts.push(request.url());
    };
    page.on('request', countPost);
    await dialog.getByRole('button', { name: '确认兑换' }).evaluate((button) => {
      const target = button as unknown as { click(): void };
      target.click();
      target.click();
    });

    await expect.poll(heading).toBe('兑换成功');
    const code = await page.getByTestId('redeemed-voucher').innerText();
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    expect(await page.locator('.voucher-issued').innerText()).toContain('当前可用 3,500 积分');
    page.off('request', countPost);
    expect(posts).toHaveLength(1);
    await expectAccessible(page, 'redeemed voucher');
    await screenshot(page, 'redeem-voucher');

    expect(await db().vouchers.countDocuments({ memberId, rewardId: 'car-wash' })).toBe(1);
    expect(await db().redemptions.countDocuments({ memberId, rewardId: 'car-wash' })).toBe(1);
    expect(await available()).toBe(3_500);
  }, 30_000);

  it('retries a confirmation whose answer was lost with the same request id: still one voucher', async () => {
    await page.getByRole('button', { name: '继续兑换' }).click();
    await expect.poll(() => page.getByTestId('redeem-balance').innerText()).toBe('3,500 积分');

    // The limit the server keeps is answered in Chinese, with the limit.
    await page.getByRole('button', { name: '兑换限量纪念钥匙扣' }).click();
    const limited = page.getByRole('dialog', { name: '确认兑换：限量纪念钥匙扣' });
    await limited.getByRole('button', { name: '确认兑换' }).click();
    await expect
      .poll(() => limited.getByTestId('redeem-error').innerText())
      .toBe('已达兑换上限（每人限 1 次），这次不能再兑换');
    await screenshot(page, 'redeem-refused', { fullPage: false });
    await limited.getByRole('button', { name: '返回' }).click();

    // The server redeems, but the answer never reaches the browser (a dropped connection).
    const bodies: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/redemptions'))
        bodies.push(request.postData() ?? '');
    });
    let lost = false;
    await page.route('**/api/v1/members/*/redemptions', async (route) => {
      if (lost) return route.continue();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.getByRole('button', { name: '兑换品牌车载香氛' }).click();
    const dialog = page.getByRole('dialog', { name: '确认兑换：品牌车载香氛' });
    await dialog.getByRole('button', { name: '确认兑换' }).click();
    await expect.poll(() => dialog.getByTestId('redeem-error').innerText()).toContain('不会重复扣分');
    await dialog.getByRole('button', { name: '确认兑换' }).click();
    await expect.poll(heading).toBe('兑换成功');
    expect(await page.locator('.voucher-issued').innerText()).toContain('没有重复扣分');
    await page.unroute('**/api/v1/members/*/redemptions');

    expect(bodies).toHaveLength(2);
    expect(JSON.parse(bodies[0]!).requestId).toBe(JSON.parse(bodies[1]!).requestId);
    expect(await db().vouchers.countDocuments({ memberId, rewardId: 'car-fragrance' })).toBe(1);
    expect(await available()).toBe(500);
  }, 30_000);

  it("cancels a voucher from the member's list and another on the 核销 page, the points coming back", async () => {
    const fragranceCode = await page.getByTestId('redeemed-voucher').innerText();
    await page.getByRole('link', { name: '返回会员详情' }).click();
    await expect.poll(heading).toBe('张伟');
    const vouchers = page.getByRole('table', { name: '优惠券' });
    await vouchers.getByRole('button', { name: /^作废免费洗车/ }).click();
    const confirm = page.getByRole('dialog', { name: '作废券：免费洗车' });
    await expectAccessible(page, 'cancel voucher confirmation');
    await confirm.getByRole('button', { name: '确认作废' }).click();
    await expect
      .poll(() => page.getByTestId('member-voucher-answer').innerText())
      .toMatch(/^券码 [A-Z0-9]{8} 已作废，1,500 积分已退回会员账户。当前可用 2,000 积分。$/);
    await expect.poll(() => page.getByTestId('balance-available').innerText()).toBe('2,000 积分');
    await expect
      .poll(() => vouchers.getByRole('row').filter({ hasText: '免费洗车' }).innerText())
      .toContain('已作废');

    await page.getByRole('link', { name: '核销', exact: true }).click();
    await page.getByLabel('券码').fill(fragranceCode);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.voucher').innerText()).toContain('可使用');
    await page.getByRole('button', { name: '作废' }).click();
    await page
      .getByRole('dialog', { name: '作废券：品牌车载香氛' })
      .getByRole('button', { name: '确认作废' })
      .click();
    await expect
      .poll(() => page.getByTestId('voucher-answer').innerText())
      .toContain('3,000 积分已退回会员账户，礼品已放回库存');
    await expect.poll(() => page.locator('.voucher h2').innerText()).toContain('已作废');
    expect(await page.getByRole('button', { name: '确认核销' }).count()).toBe(0);
    await expectAccessible(page, 'voucher cancelled');
    await screenshot(page, 'voucher-cancelled');

    const cancelled = await db().vouchers.find({ memberId, status: 'cancelled' }).lean();
    expect(cancelled.map((v) => v.rewardId).sort()).toEqual(['car-fragrance', 'car-wash']);
    expect(await available()).toBe(5_000);
  }, 30_000);

  it('handles a low-rating alert: listed first with the comment, then marked handled', async () => {
    await page.getByRole('link', { name: '服务评价' }).click();
    await expect.poll(heading).toBe('服务评价');
    const alerts = page.getByRole('table', { name: /待处理的低分提醒/ });
    await expect.poll(() => alerts.innerText()).toContain('等了两个小时才修好');
    const row = await alerts.getByRole('row').filter({ hasText: '李娜' }).innerText();
    expect(row).toContain('1 分');
    expect(row).toContain('保养');
    // A store key sees the mobile masked here (the callback list is where it is in full).
    expect(row).toContain('139****9000');
    const summary = page.getByRole('table', { name: '各门店服务评价汇总' });
    await expect.poll(() => summary.innerText()).toContain('本店');
    await expectAccessible(page, 'feedback');
    await screenshot(page, 'feedback');

    await alerts.getByRole('button', { name: '标记已处理：李娜' }).click();
    await expect.poll(() => page.getByText('没有待处理的低分提醒。').count()).toBe(1);
    await expect
      .poll(() => page.getByRole('table', { name: /全部服务评价/ }).innerText())
      .toContain('已处理');
    const record = await db().followUp.feedback.findById('DMS-2001').lean();
    expect(record?.handledAt).not.toBeNull();
    expect(record?.handledBy).toMatchObject({ role: 'store', storeId: 'main' });
  }, 30_000);

  it('lists a complaint beside the rating alerts and marks it handled', async () => {
    await page.getByRole('link', { name: '服务评价' }).click();
    await expect.poll(heading).toBe('服务评价');
    const complaints = page.getByRole('table', { name: /待处理的投诉/ });
    await expect.poll(() => complaints.innerText()).toContain('洗车把座椅弄湿了，没人道歉');
    expect(await complaints.innerText()).toContain('139****9000');
    await expectAccessible(page, 'feedback with a complaint');
    await complaints.getByRole('button', { name: '标记已处理：李娜 的投诉' }).click();
    await expect.poll(() => page.getByText('没有待处理的投诉。').count()).toBe(1);
    const stored = await db().followUp.complaints.findOne({ requestKey: 'chat:complaint-test-1' }).lean();
    expect(stored?.handledBy).toMatchObject({ role: 'store', storeId: 'main' });
  }, 30_000);

  it('shows a callback request with the full number and recent messages, and marks it done', async () => {
    await page.getByRole('link', { name: '回电' }).click();
    await expect.poll(heading).toBe('回电请求');
    const open = page.getByRole('list', { name: '待回电的请求' });
    await expect.poll(() => open.innerText()).toContain('李娜');
    const card = await open.innerText();
    expect(card).toContain(RATER_MOBILE);
    expect(card).toContain('保养等太久了');
    expect(await open.getByRole('link', { name: RATER_MOBILE }).getAttribute('href')).toBe(
      `tel:${RATER_MOBILE}`,
    );
    await expectAccessible(page, 'callbacks');
    await screenshot(page, 'callbacks');

    await open.getByRole('button', { name: '已回电：李娜' }).click();
    await expect.poll(() => page.getByText('没有待回电的请求。').count()).toBe(1);
    await page.getByLabel('显示').selectOption('done');
    await expect.poll(() => page.getByRole('list', { name: '已回电的请求' }).innerText()).toContain('已回电');
    const done = await db().followUp.callbacks.findOne({ memberId: raterId }).lean();
    expect(done?.status).toBe('done');

    // A store key typing the address of a marketing screen is told it has no permission.
    await page.goto(`${api.url}/console#/rewards/new`);
    await expect.poll(heading).toBe('没有权限');
    expect(await page.getByRole('alert').innerText()).toContain('没有权限使用「新建礼品」');
  }, 30_000);

  it("shows the member's WeChat binding history, and a second move within 30 days as a callback alert", async () => {
    const enrolled = await api.post(
      '/api/v1/members',
      { name: '王芳', mobile: '13700137000', privacyConsent: true },
      'store',
    );
    const id = enrolled.body.member.id as string;
    // Bound in chat after joining at the counter, then taken over twice by other WeChat accounts.
    const { links } = api.runtime.services;
    for (const openid of ['wx-first-account', 'wx-second-account', 'wx-third-account']) {
      expect(await links.bindVerified(id, openid, 'chat')).toMatchObject({ ok: true });
    }
    await page.goto(`${api.url}/console#/members/${id}`);
    await expect.poll(heading).toBe('王芳');
    const bindings = page.getByRole('table', { name: /微信绑定记录/ });
    await expect.poll(() => bindings.getByRole('row').count()).toBe(4);
    const rows = await bindings.getByRole('row').allInnerTexts();
    expect(rows[1]).toContain('验证手机号绑定');
    expect(rows[1]).toContain('公众号');
    expect(rows[2]).toContain('换绑到新微信');
    expect(rows[3]).toContain('换绑到新微信');
    // The accounts are tags of their hashes: the second row's new account is the third row's old one.
    const tags = await bindings
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].slice(2, 4).map((td) => td.textContent)),
      );
    expect(tags[0]![0]).toBe('—');
    expect(tags[1]![0]).toBe(tags[0]![1]);
    expect(tags[2]![0]).toBe(tags[1]![1]);
    expect(await page.locator('body').innerText()).not.toContain('wx-third-account');
    await expectAccessible(page, 'member-bindings');
    await screenshot(page, 'member-bindings');

    await page.getByRole('link', { name: '回电' }).click();
    await expect.poll(heading).toBe('回电请求');
    await page.getByLabel('显示').selectOption('open');
    const open = page.getByRole('list', { name: '待回电的请求' });
    await expect.poll(() => open.innerText()).toContain('王芳');
    const card = await open.getByRole('listitem').filter({ hasText: '王芳' }).innerText();
    expect(card).toContain('换绑提醒');
    expect(card).toContain(
      '30 天内第 2 次换绑微信（2026年11月25日、2026年11月25日），请联系会员核实是否本人操作。',
    );
    expect(card).toContain('13700137000');
    await expectAccessible(page, 'callbacks-rebind-alert');
  }, 30_000);
});
