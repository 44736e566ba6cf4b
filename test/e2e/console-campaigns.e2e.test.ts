import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { launchChromium } from '../helpers/chromium';
import { consoleContext, screenshot, signIn, watchProblems } from '../helpers/console-browser';
import { testKeys } from '../helpers/test-config';

/**
 * A marketing colleague runs a campaign from the staff console in Chromium, on the real runtime
 * (embedded MongoDB, redis-server, BullMQ workers, the simulator channel, whose sender logs the
 * messages and counts them as sent), with the services' clock at 10:00 Beijing time.
 */
let api: ApiHarness;
let browser: Browser;
let page: Page;
const TAG = `spring-${randomBytes(3).toString('hex')}`;
let staffOpenid: string;
let staffMobile: string;
let staffId: string;
let problems: () => string[];

beforeAll(async () => {
  // Mass sends assembled as soon as the fan-out ends (no settle wait), so the campaign completes here.
  api = await startApiHarness({
    now: '2026-11-25T10:00:00+08:00',
    program: parseProgram(deepMerge(defaultProgramInput, { marketing: { massSend: { settleSeconds: 0 } } })),
  });
  const db = api.runtime.services.db;
  // Four members tagged for the campaign: two chatted an hour ago (customer-service window open),
  // one did not (mass send), one never agreed to marketing messages (skipped).
  const member = async (consent: boolean, chatted: boolean) => {
    const record = await api.insertMember({
      openid: `o_${randomBytes(8).toString('hex')}`,
      marketingConsent: consent,
    });
    await db.members.updateOne({ _id: record._id }, { $set: { tags: [TAG] } });
    if (chatted)
      await api.runtime.services.delivery.noteInbound(record._id, new Date(api.now().getTime() - 3_600_000));
    return record;
  };
  await member(true, true);
  await member(true, true);
  await member(true, false);
  await member(false, false);
  // A colleague's own account for the test send, outside the audience.
  staffOpenid = `o_staff_${randomBytes(4).toString('hex')}`;
  const staff = await api.insertMember({ openid: staffOpenid, marketingConsent: true });
  staffMobile = staff.mobile!;
  staffId = staff._id;
  browser = await launchChromium();
  page = await (await consoleContext(browser)).newPage();
  problems = watchProblems(page);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

describe('the staff console: a campaign from a template to completion', () => {
  it('creates from the 春节 template, previews the audience and cost, schedules, and shows the live counts', async () => {
    await signIn(page, api.url, testKeys.marketing);
    // Marketing lands on the campaigns list.
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('营销活动');
    await page.getByRole('link', { name: '新建活动' }).click();

    await page.getByRole('button', { name: /春节问候/ }).click();
    await expect.poll(() => page.getByLabel('活动名称').inputValue()).toBe('春节问候');
    expect(await page.getByLabel('消息（可含个人信息）').inputValue()).toContain('{name}您好');
    expect(await page.getByLabel('每位接收人赠送积分').inputValue()).toBe('188');
    await page.getByLabel('开始发送时间').fill('2026-11-25T10:00');
    await page.getByLabel('标签').fill(TAG);

    // The preview answers for the audience as typed: 4 members, 3 who may receive marketing,
    // 3 × 188 points = 564 points = ¥5.64; samples rendered for real recipients.
    await expect.poll(() => page.getByTestId('audience-size').innerText(), { timeout: 10_000 }).toBe('4 人');
    expect(await page.getByTestId('recipients').innerText()).toBe('3 人');
    expect(await page.getByTestId('liability').innerText()).toBe('¥5.64');
    await expect.poll(() => page.locator('.samples li').count()).toBe(3);
    expect(await page.locator('.samples li').first().innerText()).toMatch(/^会员\d+您好！新春将至/);
    await screenshot(page, 'campaign-editor');
    // What a person sees first (the README's picture, docs/console.png, is a copy of this one).
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'campaign-editor-window', { fullPage: false });

    await page.getByRole('button', { name: '保存为草稿' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('春节问候');
    expect(await page.locator('.page-header').innerText()).toContain('草稿');
    const id = new URL(page.url()).hash.split('/')[2]!;
    expect(id).toMatch(/^[0-9a-f]{24}$/);

    // A test send to a colleague picked by mobile, who never wrote to the account: WeChat allows no
    // message to them, and the page says so and what to do, instead of claiming it was delivered.
    await page.getByLabel('测试接收人').fill(staffMobile);
    await page.getByRole('list', { name: '匹配的会员' }).getByRole('button').click();
    await page.getByRole('button', { name: '发送测试' }).click();
    const results = page.getByTestId('test-results');
    await expect.poll(() => results.innerText()).toContain('未发送');
    expect(await results.innerText()).toContain('48 小时内没有给公众号发过消息');
    expect(await page.getByText('测试消息没有发出').count()).toBeGreaterThan(0);
    // They write to the account; the test, sent again, reaches them now, whatever the hour.
    await api.runtime.services.delivery.noteInbound(staffId, api.now());
    await page.getByRole('button', { name: '发送测试' }).click();
    await expect.poll(() => results.innerText()).toContain('已发到该会员的微信');
    expect(await results.innerText()).toContain('已发送');
    await expect.poll(() => page.getByText('测试消息已发送 1 人').count()).toBeGreaterThan(0);
    await screenshot(page, 'campaign-test-send');
    // Two more join the audience before it goes: one who never chatted (a mass send needs two
    // openids, so the earlier one is not alone), and one who already had today's marketing
    // message: theirs waits for 09:00.
    const quiet = await api.insertMember({
      openid: `o_${randomBytes(8).toString('hex')}`,
      marketingConsent: true,
    });
    await api.runtime.services.db.members.updateOne({ _id: quiet._id }, { $set: { tags: [TAG] } });
    const capped = await api.insertMember({
      openid: `o_${randomBytes(8).toString('hex')}`,
      marketingConsent: true,
    });
    await api.runtime.services.db.members.updateOne({ _id: capped._id }, { $set: { tags: [TAG] } });
    await api.runtime.services.delivery.noteInbound(capped._id, new Date(api.now().getTime() - 3_600_000));
    await api.runtime.services.db.delivery.states.updateOne(
      { _id: capped._id },
      {
        $set: {
          marketingDayKey: '2026-11-25',
          marketingDay: 1,
          marketingMonthKey: '2026-11',
          marketingMonth: 1,
          massMonth: 0,
        },
      },
    );

    await page.getByRole('button', { name: '安排发送' }).click();
    await page.getByRole('button', { name: '确认安排' }).click();

    // The page refreshes itself while messages go out: everything but the deferred one is sent
    // (the mass send too), and the campaign stays 发送中, saying who waits until when.
    const waiting = page.getByTestId('progress-waiting');
    await expect.poll(() => page.getByTestId('count-sent').innerText(), { timeout: 20_000 }).toBe('4');
    await expect.poll(() => waiting.innerText(), { timeout: 10_000 }).toContain('1 人顺延至 11月26日 09:00');
    expect(await page.locator('.page-header').innerText()).toContain('发送中');
    expect(await page.getByTestId('count-deferred').innerText()).toBe('1');
    expect(await page.getByTestId('count-bonus').innerText()).toBe('4');
    await screenshot(page, 'campaign-deferred');

    // 09:00 the next day the deferred message goes, its bonus with it: now the campaign is done.
    api.setNow('2026-11-26T09:00:00+08:00');
    expect(await api.runtime.services.delivery.deliver(`campaign:${id}:${capped._id}`)).toMatchObject({
      status: 'sent',
    });
    await page.reload();
    await expect
      .poll(() => page.locator('.page-header').innerText(), { timeout: 20_000 })
      .toContain('已完成');
    expect(await page.getByTestId('count-sent').innerText()).toBe('5');
    expect(await page.getByTestId('count-targeted').innerText()).toBe('6');
    expect(await page.getByTestId('count-mass').innerText()).toBe('0');
    expect(await page.getByTestId('count-deferred').innerText()).toBe('0');
    expect(await page.getByTestId('count-skipped').innerText()).toBe('1');
    expect(await page.getByTestId('count-bonus').innerText()).toBe('5');
    expect(await page.getByTestId('progress-waiting').count()).toBe(0);
    expect(await page.getByRole('table', { name: '未发送原因' }).innerText()).toContain('未同意接收营销消息');
    await screenshot(page, 'campaign-completed');

    // The console showed what the API holds.
    const held = await api.get(`/api/v1/campaigns/${id}`, 'marketing');
    expect(held.body).toMatchObject({
      status: 'completed',
      counts: {
        targeted: 6,
        sent: 5,
        massPending: 0,
        deferred: 0,
        skipped: { no_consent: 1 },
        bonusCredited: 5,
      },
    });

    // The list shows it with its counters.
    await page.getByRole('link', { name: '返回活动列表' }).click();
    const row = page.getByRole('row').filter({ hasText: '春节问候' });
    await expect.poll(() => row.innerText()).toContain('已完成');
    expect(await row.innerText()).toContain('188 积分 / 人');
    await screenshot(page, 'campaigns');
  }, 60_000);

  it('shows the campaign funnel report as a chart and a table, and downloads it as CSV', async () => {
    await page.getByRole('link', { name: '报表', exact: true }).click();
    await page.getByRole('link', { name: /营销活动触达漏斗/ }).click();
    const table = page.getByRole('table', { name: '营销活动触达漏斗数据' });
    await expect.poll(() => table.innerText()).toContain('春节问候');
    // Drawn by Chart.js under the page's CSP (scripts and styles from this server only).
    await expect
      .poll(() => page.evaluate<number>("document.querySelector('canvas')?.width ?? 0"))
      .toBeGreaterThan(100);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载 CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^campaign-funnel-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('春节问候');
    await screenshot(page, 'report-campaign-funnel');
    expect(problems()).toEqual([]);
  }, 30_000);
});
