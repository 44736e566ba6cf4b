import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { launchChromium } from '../helpers/chromium';
import { consoleContext, screenshot, signIn } from '../helpers/console-browser';
import { testKeys } from '../helpers/test-config';

/**
 * A cashier's day at the counter in the staff console (Chromium, store key of store `main`, the
 * real runtime): sign in with the keyboard, enrol a customer, find them, record a purchase and a
 * refund, and verify the welcome voucher once — a second verify is refused with the used answer.
 */
let api: ApiHarness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const MOBILE = '13700001234';
const OTHER_MOBILE = '13700005678';
let voucherCode = '';

beforeAll(async () => {
  api = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  browser = await launchChromium();
  context = await consoleContext(browser);
  page = await context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

const heading = () => page.getByRole('heading', { level: 1 }).innerText();
/** The label of the focused form control ('' when the focus is on no labelled control). */
const focusedLabel = () =>
  page.evaluate<string>(
    `(() => { const id = document.activeElement?.id; return id ? document.querySelector('label[for="' + id + '"]')?.textContent ?? '' : ''; })()`,
  );
/** The text of the focused element (a link or a button). */
const focusedText = () => page.evaluate<string>(`document.activeElement?.textContent ?? ''`);

describe('the staff console at the counter', () => {
  it('signs in and enrols a customer with the keyboard only', async () => {
    await page.goto(`${api.url}/console`);
    // A wrong key is answered in Chinese and nothing is kept.
    await expect.poll(focusedLabel).toBe('员工密钥');
    await page.keyboard.type('not-a-real-key-000000');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('员工密钥不正确');
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
    await screenshot(page, 'sign-in-error');

    await page.keyboard.press('Control+A');
    await page.keyboard.type(testKeys.store);
    await page.keyboard.press('Enter');
    // A store key lands on the member search with the search field focused; no campaign menu.
    await expect.poll(heading).toBe('会员查询');
    await expect.poll(focusedLabel).toBe('手机号或车牌号');
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

    // Tab from the search to 办理入会 (header action comes first in the page), Enter follows it.
    await page.keyboard.press('Shift+Tab');
    await expect.poll(focusedText).toBe('办理入会');
    await page.keyboard.press('Enter');
    await expect.poll(heading).toBe('办理入会');
    await expect.poll(focusedLabel).toMatch(/^姓名/);
    await page.keyboard.type('李女士');
    await page.keyboard.press('Tab');
    await page.keyboard.type(MOBILE);
    await page.keyboard.press('Tab'); // 生日
    await page.keyboard.type('1990-05-20');
    await page.keyboard.press('Tab'); // 推荐码
    await page.keyboard.press('Tab'); // 车牌号
    await page.keyboard.press('Tab'); // 车型
    await page.keyboard.press('Tab'); // 隐私政策
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab'); // 营销消息
    await page.keyboard.press('Tab'); // 办理入会
    await expect.poll(focusedText).toBe('办理入会');
    await page.keyboard.press('Enter');

    await expect.poll(heading).toBe('入会成功');
    voucherCode = await page.getByTestId('welcome-voucher').innerText();
    expect(voucherCode).toMatch(/^[A-Z0-9]{8}$/);
    expect(await page.locator('.card').innerText()).toContain('入会礼：1,000 积分');
    await screenshot(page, 'enrolled');

    // The next customer, with a car; the same mobile again is refused with a link to the member.
    await page.getByRole('button', { name: '继续办理' }).click();
    await page.getByLabel('姓名').fill('王先生');
    await page.getByLabel('手机号').fill(MOBILE);
    await page.getByLabel(/隐私政策/).check();
    await page.getByRole('button', { name: '办理入会' }).last().click();
    await expect.poll(() => page.getByRole('alert').allInnerTexts()).toContain('该手机号已是会员');
    expect(await page.getByRole('link', { name: '查看这位已有会员' }).count()).toBe(1);
    await page.getByLabel('手机号').fill(OTHER_MOBILE);
    await page.getByLabel('车牌号').fill('沪a·12345');
    await page.getByLabel('车型').fill('Model Y');
    await page.getByRole('button', { name: '办理入会' }).last().click();
    await expect.poll(heading).toBe('入会成功');
  }, 40_000);

  it('finds the member by mobile and by plate, records a purchase and refunds it', async () => {
    await page.getByRole('link', { name: '会员', exact: true }).click();
    await page.getByLabel('手机号或车牌号').fill(MOBILE);
    await page.keyboard.press('Enter');
    const results = page.getByRole('table', { name: /查询结果/ });
    await expect.poll(() => results.innerText()).toContain('李女士');
    // Store staff see the mobile masked.
    expect(await results.innerText()).toContain('137****1234');
    await page.getByLabel('手机号或车牌号').fill('沪a 12345');
    await page.keyboard.press('Enter');
    await expect.poll(() => results.innerText()).toContain('王先生');
    expect(await results.innerText()).toContain('沪A12345');
    await screenshot(page, 'members');

    // Back to the first customer, with the keyboard: the search, Tab to the result, Enter.
    await page.getByLabel('手机号或车牌号').fill(MOBILE);
    await page.keyboard.press('Enter');
    await expect.poll(() => results.innerText()).toContain('李女士');
    await page.keyboard.press('Tab'); // 查询
    await page.keyboard.press('Tab'); // the results region (it scrolls sideways on a narrow screen)
    await page.keyboard.press('Tab'); // the member's link
    await page.keyboard.press('Enter');
    await expect.poll(heading).toBe('李女士');
    expect(await page.getByTestId('balance-available').innerText()).toBe('1,000 积分');

    await page.getByLabel('消费类别').selectOption({ label: '保养' });
    await page.getByLabel('金额（元）').fill('680');
    await page.getByLabel('消费时间').fill('2026-11-25T09:30');
    const transactionId = await page.getByLabel('单号', { exact: true }).inputValue();
    expect(transactionId).toMatch(/^POS-\d{14}-[A-Z0-9]{1,4}$/);
    await page.getByRole('button', { name: '记录消费' }).click();
    const result = page.getByTestId('transaction-result');
    await expect.poll(() => result.innerText()).toContain('保养 ¥680.00');
    const recorded = await api.get(`/api/v1/members?mobile=${MOBILE}`, 'store');
    const member = recorded.body.members[0];
    const earned = member.balance.available - 1000;
    expect(earned).toBeGreaterThan(0);
    expect(await result.innerText()).toContain(`获得 ${earned.toLocaleString('en-US')} 积分`);
    await expect
      .poll(() => page.getByTestId('balance-available').innerText())
      .toBe(`${member.balance.available.toLocaleString('en-US')} 积分`);
    const ledger = page.getByRole('table', { name: /积分明细/ });
    await expect.poll(() => ledger.innerText()).toContain('消费积分');
    await screenshot(page, 'member');

    // Refund from the ledger row: the points are taken back.
    await ledger
      .getByRole('row')
      .filter({ hasText: '消费积分' })
      .getByRole('button', { name: '退款' })
      .click();
    const dialog = page.getByRole('dialog', { name: `退款：${transactionId}` });
    await dialog.getByLabel('退款原因').fill('客户取消保养');
    await dialog.getByRole('button', { name: '确认退款' }).click();
    await expect.poll(() => page.getByTestId('balance-available').innerText()).toBe('1,000 积分');
    await expect.poll(() => ledger.innerText()).toContain('退款扣回');
    const after = await api.get(`/api/v1/members/${member.id}/ledger`, 'store');
    expect(after.body.entries[0]).toMatchObject({ type: 'refund', transactionId, points: -earned });
  }, 30_000);

  it('verifies the welcome voucher once; a second verify elsewhere is refused as already used', async () => {
    // Two cashiers look the code up at the same time (two tabs, each signed in).
    const other = await context.newPage();
    await signIn(other, api.url, testKeys.store);
    for (const tab of [page, other]) {
      await tab.goto(`${api.url}/console#/vouchers`);
      await tab.getByLabel('券码').fill(voucherCode.toLowerCase());
      await tab.keyboard.press('Enter');
      await expect.poll(() => tab.locator('.voucher').innerText()).toContain('可使用');
    }
    expect(await page.locator('.voucher').innerText()).toContain('李女士');
    expect(await page.locator('.voucher').innerText()).toContain('137****1234');
    await screenshot(page, 'voucher-lookup');

    await page.getByRole('button', { name: '确认核销' }).click();
    await expect
      .poll(() => page.getByTestId('voucher-answer').innerText())
      .toContain('已核销「免费基础保养券」');
    await screenshot(page, 'voucher-verified');

    // The other tab still shows the button; the server refuses and says when and where it was used.
    await other.getByRole('button', { name: '确认核销' }).click();
    await expect.poll(() => other.getByTestId('voucher-answer').innerText()).toMatch(/这张券已于.+核销/);
    await expect.poll(() => other.locator('.voucher').innerText()).toContain('已核销');
    expect(await other.getByRole('button', { name: '确认核销' }).count()).toBe(0);
    await screenshot(other, 'voucher-refused');

    // Looking it up again answers "used", and an unknown code is answered plainly.
    await page.getByLabel('券码').fill(voucherCode);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('voucher-answer').innerText()).toContain('不能再次使用');
    await page.getByLabel('券码').fill('ZZZZ9999');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByRole('alert').first().innerText())
      .toContain('没有券码为 ZZZZ9999 的券');

    const voucher = await api.get(`/api/v1/vouchers/${voucherCode}`, 'store');
    expect(voucher.body).toMatchObject({ status: 'used', usedStoreId: 'main' });
  }, 30_000);
});
