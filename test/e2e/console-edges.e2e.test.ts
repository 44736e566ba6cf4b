import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionRecord } from '../../src/data/models/transaction-model';
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
 * The console's rough edges of a dealer's first week, in Chromium on the real runtime: amounts
 * typed as people write them and the time of a purchase, test recipients picked by mobile, the
 * points-missing queue with names and proposed points, and the program check in words.
 */
let api: ApiHarness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: () => string[];

beforeAll(async () => {
  api = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

afterEach(async () => {
  expect(problems()).toEqual([]);
  await context?.close();
});

async function openConsole(key: string, options: { clockAt?: string; forAxe?: boolean } = {}): Promise<void> {
  const { clockAt, forAxe = false } = options;
  context = await consoleContext(browser, { forAxe });
  if (clockAt) await context.clock.install({ time: new Date(clockAt) });
  page = await context.newPage();
  problems = watchProblems(page);
  await signIn(page, api.url, key);
}

const heading = () => page.getByRole('heading', { level: 1 }).innerText();

describe('console edges', () => {
  it('records 「¥1,234.56」 as 123,456 fen at the moment of 记录消费, unless the time was edited', async () => {
    const member = await api.insertMember({ name: '钱女士', mobile: '13711112468' });
    await openConsole(testKeys.store, { clockAt: '2026-11-25T10:00:00+08:00' });
    await page.goto(`${api.url}/console#/members/${member._id}`);
    await expect.poll(heading).toBe('钱女士');
    const time = page.getByLabel('消费时间');
    expect(await time.inputValue()).toBe('2026-11-25T10:00');

    // The page stays open 25 minutes before the purchase is recorded.
    await page.getByLabel('金额（元）').fill('¥1,234.56');
    await context.clock.fastForward('25:00');
    await page.getByRole('button', { name: '记录消费' }).click();
    const result = page.getByTestId('transaction-result');
    await expect.poll(() => result.innerText()).toContain('¥1,234.56');
    const first = await api.runtime.services.db.transactions
      .findOne({ memberId: member._id })
      .lean<TransactionRecord>();
    expect(first!.amountFen).toBe(123_456);
    const at = new Date(first!.occurredAt).getTime();
    expect(at).toBeGreaterThanOrEqual(new Date('2026-11-25T10:25:00+08:00').getTime());
    expect(at).toBeLessThan(new Date('2026-11-25T10:26:00+08:00').getTime());
    // The field moved on with the clock; the next purchase starts from now again.
    expect(await time.inputValue()).toBe('2026-11-25T10:25');
    await screenshot(page, 'edges-transaction');

    // A time staff type is the time recorded; full-width digits and a thousands separator too.
    await page.getByLabel('金额（元）').fill('￥２，０００');
    await time.fill('2026-11-24T16:30');
    expect(await page.locator('main').innerText()).toContain('按填写的时间记录');
    await context.clock.fastForward('10:00');
    await page.getByRole('button', { name: '记录消费' }).click();
    await expect.poll(() => result.innerText()).toContain('¥2,000.00');
    const second = await api.runtime.services.db.transactions
      .findOne({ memberId: member._id, amountFen: 200_000 })
      .lean<TransactionRecord>();
    expect(new Date(second!.occurredAt).toISOString()).toBe('2026-11-24T08:30:00.000Z');

    // Not an amount: refused on the page with an example, nothing recorded.
    await page.getByLabel('金额（元）').fill('12,34');
    await page.getByRole('button', { name: '记录消费' }).click();
    await expect.poll(() => page.locator('.field__error').first().innerText()).toContain('¥1,234.56');
    expect(await api.runtime.services.db.transactions.countDocuments({ memberId: member._id })).toBe(2);
  }, 40_000);

  it('picks a 发送测试 recipient by the last 4 digits of the mobile and sends their member id', async () => {
    const colleague = await api.insertMember({
      name: '刘测试',
      mobile: '13955557777',
      openid: `o_${randomBytes(6).toString('hex')}`,
      marketingConsent: true,
    });
    await api.insertMember({ name: '孙先生', mobile: '13688887777' });
    const created = await api.post(
      '/api/v1/campaigns',
      {
        name: '测试收件人活动',
        text: '{name}您好，周末到店有礼。',
        genericText: '周末到店有礼，欢迎光临。',
        startAt: '2026-11-26T10:00:00+08:00',
      },
      'marketing',
    );
    expect(created.status).toBe(201);
    await openConsole(testKeys.marketing, { forAxe: true });
    await page.goto(`${api.url}/console#/campaigns/${created.body.id}`);
    await expect.poll(heading).toBe('测试收件人活动');

    await page.getByLabel('测试接收人').fill('7777');
    const matches = page.getByRole('list', { name: '匹配的会员' });
    await expect.poll(() => matches.getByRole('button').count()).toBe(2);
    // Name, masked mobile and tier tell the two apart.
    expect(await matches.innerText()).toContain('刘测试 · 139****7777 · 铜卡');
    expect(await matches.innerText()).toContain('孙先生 · 136****7777 · 铜卡');
    await matches.getByRole('button', { name: /刘测试/ }).click();
    const chips = page.getByRole('list', { name: '已选会员' });
    await expect.poll(() => chips.innerText()).toContain('刘测试 · 139****7777');
    expect(await matches.getByRole('button', { name: /刘测试/ }).isDisabled()).toBe(true);
    await expectAccessible(page, 'test recipients picked');
    await screenshot(page, 'edges-test-recipient');

    const [request, response] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith(`/campaigns/${created.body.id}/test`)),
      page.waitForResponse((r) => r.url().endsWith(`/campaigns/${created.body.id}/test`)),
      page.getByRole('button', { name: '发送测试' }).click(),
    ]);
    expect(request.postDataJSON()).toEqual({ memberIds: [colleague._id] });
    expect(response.status()).toBe(200);
    const answer = (await response.json()) as { results: { memberId: string }[]; notFound: string[] };
    expect(answer.results.map((s) => s.memberId)).toEqual([colleague._id]);
    await expect.poll(() => page.getByTestId('test-results').innerText()).toContain('刘测试');
    expect(answer.notFound).toEqual([]);

    // A chip comes off with its button.
    await page.getByRole('button', { name: '移除 刘测试' }).click();
    await expect.poll(() => chips.count()).toBe(0);
  }, 40_000);

  it('shows the reporter and the proposed points in the 积分补录 queue, pre-filled and editable', async () => {
    const member = await api.insertMember({ name: '陈女士', mobile: '13766668888' });
    const opened = await api.post(
      `/api/v1/members/${member._id}/missing-points`,
      { date: '2026-11-20', amountFen: 123_456, note: '保养积分没到账' },
      'store',
    );
    expect(opened.status).toBe(201);
    await openConsole(testKeys.store, { forAxe: true });
    await page.goto(`${api.url}/console#/missing-points`);
    const queue = page.getByRole('table', { name: '待处理的积分未到账报告' });
    const row = queue.getByRole('row').filter({ hasText: '保养积分没到账' });
    await expect.poll(() => row.innerText()).toContain('陈女士');
    const text = await row.innerText();
    expect(text).toContain('137****8888');
    expect(text).not.toContain('查看会员');
    expect(text).toContain('1,357 积分');
    expect(text).toContain('按保养计算');
    await screenshot(page, 'edges-missing-points');

    await row.getByRole('button', { name: '补录' }).click();
    const dialog = page.getByRole('dialog', { name: '补录积分' });
    const points = dialog.getByLabel('补录积分');
    expect(await points.inputValue()).toBe('1357');
    expect(await dialog.getByTestId('proposal-explanation').innerText()).toContain('保养消费 ¥1,234.56');
    await expectAccessible(page, 'resolve dialog with a proposal');
    // Another kind of purchase proposes its own figure; staff may still change it.
    await dialog.getByLabel('按哪类消费计算').selectOption('vehicle');
    await expect.poll(() => points.inputValue()).toBe('135');
    await dialog.getByLabel('按哪类消费计算').selectOption('maintenance');
    await expect.poll(() => points.inputValue()).toBe('1357');
    await points.fill('1400');
    await dialog.getByLabel('补录原因').fill('核对保养工单，补录积分');
    await dialog.getByRole('button', { name: '确认补录' }).click();
    await expect.poll(() => queue.getByRole('row').filter({ hasText: '保养积分没到账' }).count()).toBe(0);
    const ledger = await api.get(`/api/v1/members/${member._id}/ledger`, 'store');
    expect(ledger.body.entries[0]).toMatchObject({ type: 'adjust', points: 1_400 });
  }, 40_000);

  it('shows messages in the 方案 summary and a program change check in words, each change once', async () => {
    await openConsole(testKeys.admin);
    await page.goto(`${api.url}/console#/program`);
    const messages = page.getByTestId('message-settings');
    await expect.poll(() => messages.innerText()).toContain('21:00 至次日 09:00');
    const summary = await messages.innerText();
    expect(summary).toContain('每人每天 1 条，每月 4 条');
    expect(summary).toContain('每天 09:00');
    const care = page.getByRole('list', { name: '关怀消息' });
    expect(await care.getByRole('listitem').count()).toBe(7);
    expect(await care.getByRole('listitem').filter({ hasText: '生日祝福' }).innerText()).toContain('开启');
    expect(await care.innerText()).toContain('保养到期前 7 天和当天');

    const file = (await api.get('/api/v1/program', 'admin')).body.file;
    file.marketing.quietHours.end = '08:00';
    file.marketing.caps.perDay = 2;
    file.care.birthday.enabled = false;
    file.care.maintenanceDue.daysBefore = [14, 0];
    await page.getByText('全部配置（JSON，高级）').click();
    await page.getByLabel('方案配置（JSON）').fill(JSON.stringify(file, null, 2));
    await page.getByRole('button', { name: '检查修改' }).click();
    const changes = page.getByRole('table', { name: '将修改的数值' });
    await expect.poll(() => changes.getByRole('row').count()).toBe(5);
    const rows = await changes.getByRole('row').allInnerTexts();
    const labels = rows.slice(1).map((r) => r.split('\t')[0]!.trim());
    expect(labels).toEqual([
      '生日祝福 · 开关',
      '保养到期提醒 · 提前几天提醒（第 1 项）',
      '营销消息上限 · 每人每天',
      '营销消息免打扰 · 结束时间',
    ]);
    const table = await changes.innerText();
    // No raw key anywhere in the table.
    expect(table).not.toMatch(/[a-zA-Z]+\.[a-zA-Z]+/);
    expect(rows[1]).toContain('开启');
    expect(rows[1]).toContain('关闭');
    expect(rows[4]).toContain('09:00');
    expect(rows[4]).toContain('08:00');
    await screenshot(page, 'edges-program-check');
  }, 40_000);
});
