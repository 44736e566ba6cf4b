import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { launchChromium } from '../helpers/chromium';

// Screenshots are kept as test artefacts (ignored by git) for people to look at.
const ARTIFACTS = 'test-artifacts/simulator';

let api: ApiHarness;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  api = await startApiHarness();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 820 }, locale: 'zh-CN' });
  await page.goto(`${api.url}/simulator`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

/** Types a line into the chat like a person and waits for the assistant's answer containing `expected`. */
async function say(text: string, expected: string) {
  const replies = page.locator('#messages');
  const before = await replies.locator(':scope > *').count();
  await page.getByLabel('输入消息').fill(text);
  await page.keyboard.press('Enter');
  await expect
    .poll(async () => (await replies.locator(':scope > *').allInnerTexts()).slice(before).join('\n'), {
      timeout: 10_000,
    })
    .toContain(expected);
}

describe('the chat simulator in a browser', () => {
  it('lets a new member follow, sign up with the SMS code from the inbox and check points', async () => {
    await expect.poll(() => page.locator('#account-name').innerText()).toContain('车主会员俱乐部');
    await page.getByRole('button', { name: '新会员' }).click();
    await expect.poll(() => page.locator('#messages').innerText(), { timeout: 10_000 }).toContain('欢迎关注');

    await say('入会', '怎么称呼');
    await say('王先生', '手机号');
    await say('13912340001', '验证码已发送');
    // The dev SMS inbox panel shows the code; its button fills it in.
    const fill = page.getByRole('button', { name: /填入验证码 \d{6}/ });
    await expect.poll(() => fill.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await fill.first().click();
    const code = await page.getByLabel('输入消息').inputValue();
    expect(code).toMatch(/^\d{6}$/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#messages').innerText(), { timeout: 10_000 }).toContain('隐私政策');
    await say('同意', '优惠消息');
    await say('不要', '生日');
    await say('跳过', '车牌');
    await say('跳过', '入会成功');
    await page.screenshot({ path: `${ARTIFACTS}/signed-up.png`, fullPage: true });

    // A quick button works like typing.
    await page.getByRole('button', { name: '查积分', exact: true }).click();
    await expect
      .poll(() => page.locator('#messages').innerText(), { timeout: 10_000 })
      .toContain('1,000 积分');
    await page.screenshot({ path: `${ARTIFACTS}/balance.png`, fullPage: true });

    // The member is now in the database, linked to the simulated WeChat user.
    const found = await api.get('/api/v1/members?mobile=13912340001');
    expect(found.body.members[0]).toMatchObject({ name: '王先生', balance: { available: 1000 } });
  }, 90_000);

  it('is usable with the keyboard: the input has a label and Enter sends', async () => {
    const input = page.getByLabel('输入消息');
    await input.focus();
    await page.keyboard.type('帮助');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#messages').innerText(), { timeout: 10_000 }).toContain('积分明细');
  });
});
