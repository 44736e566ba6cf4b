import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
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
 * 未理解的消息 in Chromium on the real runtime: what members wrote and the assistant did not
 * understand, masked, with the closest intents; narrowed by store; exported as an examples file;
 * not offered to a store key.
 */
const program = parseProgram(
  deepMerge(defaultProgramInput, {
    stores: [
      { id: 'main', name: '本店' },
      { id: 'east', name: '东区店' },
    ],
  }),
);
let api: ApiHarness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: () => string[];

beforeAll(async () => {
  api = await startApiHarness({ now: '2026-11-25T10:00:00+08:00', program });
  browser = await launchChromium();
  const sim = api.runtime.bot!.simulator!;
  await api.insertMember({ openid: sim.memberId('e2e-main'), homeStoreId: 'main' });
  await api.insertMember({ openid: sim.memberId('e2e-east'), homeStoreId: 'east' });
  await sim.say('e2e-main', '嗯嗯啊啊 13812345678');
  api.setNow('2026-11-25T10:05:00+08:00');
  await sim.say('e2e-east', '我叫吴小红 呜呜呜呜呜');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

afterEach(async () => {
  expect(problems()).toEqual([]);
  await context?.close();
});

async function openConsole(key: string): Promise<void> {
  context = await consoleContext(browser, { forAxe: true });
  page = await context.newPage();
  problems = watchProblems(page);
  await signIn(page, api.url, key);
}

describe('未理解的消息', () => {
  it('lists masked messages with the closest intents, narrows by store, exports an examples file', async () => {
    await openConsole(testKeys.marketing);
    await page.getByRole('link', { name: '未理解的消息', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('未理解的消息');
    const table = page.getByRole('table', { name: '未理解的消息，最新的在前' });
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    const rows = await table.getByRole('row').allInnerTexts();
    expect(rows[1]).toContain('我叫吴** 呜呜呜呜呜');
    expect(rows[1]).toContain('东区店');
    expect(rows[2]).toContain('嗯嗯啊啊 138****5678');
    expect(rows[2]).toMatch(/（[a-z_]+）\d+%/);
    expect(rows.join('\n')).not.toContain('13812345678');
    await expectAccessible(page, 'misunderstood messages');
    await screenshot(page, 'misunderstood');

    await page.getByLabel('门店').selectOption('main');
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    expect(await table.innerText()).toContain('嗯嗯啊啊');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出示例文件' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^misunderstood-\d{4}-\d{2}-\d{2}\.txt$/);
    const text = readFileSync((await download.path())!, 'utf8');
    const lines = text.split('\n').filter((line) => line && !line.startsWith('#'));
    expect(lines).toEqual(['嗯嗯啊啊 138****5678']);
    expect(text).toContain('# 最接近：');
  }, 60_000);

  it('is not offered to a store key, and answers 没有权限 when typed', async () => {
    await openConsole(testKeys.store);
    const links = await page.getByRole('navigation', { name: '主导航' }).getByRole('link').allInnerTexts();
    expect(links).not.toContain('未理解的消息');
    await page.goto(`${api.url}/console#/misunderstood`);
    await expect.poll(() => page.locator('main').innerText()).toContain('没有权限');
  }, 30_000);
});
