import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
 * A marketing colleague prepares the 春节 campaign in December from the staff console in Chromium,
 * on the real runtime (embedded MongoDB, redis-server, BullMQ workers, the simulator channel): the
 * template proposes next February's dates, a window moved off the holiday is warned about, and the
 * draft is edited before it is scheduled.
 */
let api: ApiHarness;
let browser: Browser;
let page: Page;
let problems: () => string[];
const TAG = `cny-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  api = await startApiHarness({ now: '2026-12-07T15:20:00+08:00' });
  for (let i = 0; i < 2; i++) {
    const record = await api.insertMember({
      openid: `o_${randomBytes(8).toString('hex')}`,
      marketingConsent: true,
    });
    await api.runtime.services.db.members.updateOne({ _id: record._id }, { $set: { tags: [TAG] } });
  }
  browser = await launchChromium();
  page = await (await consoleContext(browser, { forAxe: true })).newPage();
  problems = watchProblems(page);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

const warnings = () => page.getByTestId('campaign-warnings');

describe('the staff console: a holiday campaign prepared in December', () => {
  let id = '';

  it('the 春节 template proposes next February, and a window off the holiday is warned about', async () => {
    await signIn(page, api.url, testKeys.marketing);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('营销活动');
    await page.getByRole('link', { name: '新建活动' }).click();

    const template = page.getByRole('button', { name: /春节问候/ });
    await expect.poll(() => template.innerText()).toContain('2027年2月6日');
    await template.click();
    await expect.poll(() => page.getByLabel('开始发送时间').inputValue()).toBe('2027-01-31T10:00');
    expect(await page.getByTestId('template-proposal').innerText()).toBe(
      '下一个春节：2027年2月6日（2027年2月5日至2027年2月11日）。已建议 2027-01-31 10:00 发送，2 倍积分覆盖节日期间，可按需修改。',
    );
    expect(await page.getByLabel('加倍开始').inputValue()).toBe('2027-02-05T00:00');
    expect(await page.getByLabel('加倍结束').inputValue()).toBe('2027-02-12T00:00');
    expect(await page.getByLabel('消息（可含个人信息）').inputValue()).toContain('特赠您 {bonusPoints}');
    await page.getByLabel('标签').fill(TAG);

    // The samples say how many points the campaign gives.
    await expect
      .poll(() => page.locator('.samples li').first().innerText(), { timeout: 10_000 })
      .toMatch(/^会员\d+您好！新春将至，感谢您一年来的信任与陪伴，特赠您 188 积分。/);
    expect(await warnings().count()).toBe(0);

    // The window moved to this week no longer covers 春节: a visible warning, not a refusal.
    await page.getByLabel('加倍开始').fill('2026-12-07T16:00');
    await page.getByLabel('加倍结束').fill('2026-12-14T16:00');
    await expect
      .poll(() => warnings().innerText(), { timeout: 10_000 })
      .toContain(
        '消息提到春节（2027年2月5日至2027年2月11日），但积分加倍时段是 2026年12月7日 16:00 至 2026年12月14日 16:00，没有覆盖春节。',
      );
    await screenshot(page, 'campaign-editor-holiday-warning');
    await expectAccessible(page, 'campaign editor with a warning');

    await page.getByRole('button', { name: '保存为草稿' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('春节问候');
    id = new URL(page.url()).hash.split('/')[2]!;
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect((await api.get(`/api/v1/campaigns/${id}`, 'marketing')).body.window).toMatchObject({
      startsAt: '2026-12-07T08:00:00.000Z',
    });
  }, 60_000);

  it('edits the draft: the form opens with what was saved, the changes are saved, then it is scheduled', async () => {
    await page.getByRole('link', { name: '编辑' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('编辑活动');
    await expect.poll(() => page.getByLabel('活动名称').inputValue()).toBe('春节问候');
    expect(await page.getByLabel('标签').inputValue()).toBe(TAG);
    expect(await page.getByLabel('加倍开始').inputValue()).toBe('2026-12-07T16:00');
    expect(await page.getByLabel('每位接收人赠送积分').inputValue()).toBe('188');
    await expect.poll(() => warnings().innerText(), { timeout: 10_000 }).toContain('没有覆盖春节');

    await page.getByLabel('活动名称').fill('2027 春节问候');
    await page.getByLabel('加倍开始').fill('2027-02-05T00:00');
    await page.getByLabel('加倍结束').fill('2027-02-11T23:59');
    await page.getByLabel('每位接收人赠送积分').fill('288');
    await expect.poll(() => warnings().count(), { timeout: 10_000 }).toBe(0);
    await expect
      .poll(() => page.locator('.samples li').first().innerText(), { timeout: 10_000 })
      .toContain('特赠您 288 积分');
    await screenshot(page, 'campaign-edit-draft');
    await page.getByRole('button', { name: '保存修改' }).click();

    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('2027 春节问候');
    expect(new URL(page.url()).hash).toBe(`#/campaigns/${id}`);
    const saved = (await api.get(`/api/v1/campaigns/${id}`, 'marketing')).body;
    expect(saved).toMatchObject({
      status: 'draft',
      name: '2027 春节问候',
      bonusPoints: 288,
      audience: { tags: [TAG] },
      startAt: '2027-01-31T02:00:00.000Z',
      window: { startsAt: '2027-02-04T16:00:00.000Z', endsAt: '2027-02-11T15:59:00.000Z', multiplier: 2 },
    });

    await page.getByRole('button', { name: '安排发送' }).click();
    await page.getByRole('button', { name: '确认安排' }).click();
    await expect.poll(() => page.locator('.page-header').innerText()).toContain('已安排');
    expect(await page.getByRole('link', { name: '编辑' }).count()).toBe(0);
    // The edit address of a scheduled campaign says why it cannot be edited.
    await page.goto(`${api.url}/console#/campaigns/${id}/edit`);
    await expect
      .poll(() => page.locator('.alert').innerText())
      .toBe('活动「2027 春节问候」已经安排发送，不能再修改；如需调整，请先取消后新建。');
    expect(problems()).toEqual([]);
  }, 60_000);
});
