import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { launchChromium } from '../helpers/chromium';
import { consoleContext, expectAccessible, screenshot, signIn } from '../helpers/console-browser';
import { testKeys } from '../helpers/test-config';

/**
 * The program and member-import screens in Chromium on the real runtime: an admin checks a program
 * change (the values it alters, or its problems), publishes it and every page sees the new
 * version; an admin uploads a member list and reads the per-row report; marketing reads the
 * program but can neither change it nor import.
 */
let api: ApiHarness;
let browser: Browser;

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).innerText();

async function open(page: Page, hash: string, title: string) {
  await page.goto(`${api.url}/console#${hash}`);
  await expect.poll(() => heading(page)).toBe(title);
}

beforeAll(async () => {
  api = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

describe('the staff console: program and member import', () => {
  it('lets an admin check a program change, see its problems, and publish it', async () => {
    const page = await (await consoleContext(browser, { forAxe: true })).newPage();
    await signIn(page, api.url, testKeys.admin);
    await page.getByRole('link', { name: '方案', exact: true }).click();
    await expect.poll(() => heading(page)).toBe('会员方案');
    const tiers = page.getByRole('table', { name: '会员等级' });
    await expect.poll(() => tiers.innerText()).toContain('银卡');
    expect(await tiers.innerText()).toContain('10,000 积分');
    expect(await page.locator('.page-header').innerText()).toContain('版本 2026-11-default');
    await expectAccessible(page, 'program');

    // The whole file is under 全部配置, closed at first.
    expect(await page.getByLabel('方案配置（JSON）').isVisible()).toBe(false);
    await page.getByText('全部配置（JSON，高级）').click();
    const editor = page.getByLabel('方案配置（JSON）');
    const publish = page.getByRole('button', { name: '发布', exact: true });
    expect(await publish.isDisabled()).toBe(true);

    // Broken JSON is caught before anything is sent; a program the server refuses lists why.
    await editor.fill('{ "welcome": ');
    await page.getByRole('button', { name: '检查修改' }).click();
    await expect.poll(() => page.getByRole('alert').first().innerText()).toContain('JSON 格式有误');
    await editor.fill('{ "welcome": { "points": -5 } }');
    await page.getByRole('button', { name: '检查修改' }).click();
    await expect
      .poll(() => page.getByRole('list', { name: '方案问题' }).innerText())
      .toContain('welcome.points');
    expect(await publish.isDisabled()).toBe(true);

    // Broken JSON hides the common settings; the file as it is brings them back.
    expect(await page.locator('main').innerText()).toContain('常用设置才会显示');
    const file = (await api.get('/api/v1/program', 'admin')).body.file;
    file.categories.maintenance.rate = 1.5;
    await editor.fill(JSON.stringify(file, null, 2));
    // One number in the JSON (保养 rate above), one in the common settings: the check lists both.
    const silver = page.getByLabel('银卡 年度积分门槛');
    await silver.fill('12000x');
    expect(await page.locator('.field__error').first().innerText()).toContain('请填写整数');
    await silver.fill('12000');
    expect(JSON.parse(await editor.inputValue()).tiers[1].threshold).toBe(12_000);
    expect(await page.getByLabel('保养', { exact: true }).inputValue()).toBe('1.5');
    await page.getByRole('button', { name: '检查修改' }).click();
    const changes = page.getByRole('table', { name: '将修改的数值' });
    await expect.poll(() => changes.getByRole('row').count()).toBe(3);
    const text = await changes.innerText();
    expect(text).toContain('银卡 · 年度积分门槛');
    expect(text).toContain('保养 · 每消费 1 元积分');
    expect(text).toContain('12,000');
    expect(text).not.toContain('tiers[1].threshold');
    expect(text).not.toContain('categories.maintenance.rate');
    expect(await publish.isDisabled()).toBe(false);
    await expectAccessible(page, 'program checked');
    await screenshot(page, 'program-check');
    // Checking stored nothing.
    expect((await api.get('/api/v1/program', 'store')).body.version).toBe('2026-11-default');

    // Editing after the check takes the publish away until checked again.
    await editor.press('End');
    await editor.type(' ');
    expect(await publish.isDisabled()).toBe(true);
    await page.getByRole('button', { name: '检查修改' }).click();
    await expect.poll(() => publish.isDisabled()).toBe(false);

    await publish.click();
    const dialog = page.getByRole('dialog', { name: '发布新方案' });
    expect(await dialog.innerText()).toContain('将修改 2 项');
    await dialog.getByRole('button', { name: '发布' }).click();
    await expect.poll(() => page.locator('.page-header').innerText()).toContain('版本 2026-11-25.1');
    await expect.poll(() => tiers.innerText()).toContain('12,000 积分');
    const inForce = (await api.get('/api/v1/program', 'store')).body;
    expect(inForce.version).toBe('2026-11-25.1');
    expect(inForce.file.tiers[1].threshold).toBe(12_000);
    expect(inForce.file.categories.maintenance.rate).toBe(1.5);
  }, 60_000);

  it('imports a member list and reports every row that needs attention', async () => {
    await api.post(
      '/api/v1/members',
      { name: '老会员', mobile: '13700137000', privacyConsent: true },
      'store',
    );
    const page = await (await consoleContext(browser, { forAxe: true })).newPage();
    await signIn(page, api.url, testKeys.admin);
    await page.getByRole('link', { name: '会员导入', exact: true }).click();
    await expect.poll(() => heading(page)).toBe('会员导入');
    await expectAccessible(page, 'import');

    // Without a file the form does not submit (the file input is required).
    await page.getByRole('button', { name: '导入' }).click();
    expect(
      await page
        .getByLabel('会员名单文件')
        .evaluate((input) => (input as unknown as { validity: { valid: boolean } }).validity.valid),
    ).toBe(false);

    const csv = [
      '姓名,手机号,车牌,期初积分,积分获得日期',
      '李雷,13800001111,粤B12345,1200,2026-06-01',
      '韩梅梅,1380000,,,',
      '老会员,13700137000,,,',
      '李雷,13800001111,,,',
    ].join('\n');
    await page.getByLabel('会员名单文件').setInputFiles({
      name: 'members.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    await page.getByRole('button', { name: '导入' }).click();
    const result = page.locator('dl[aria-label="导入结果"]');
    await expect.poll(() => result.innerText()).toContain('新建会员');
    const figures = await result.innerText();
    expect(figures).toMatch(/名单行数\s*4/);
    expect(figures).toMatch(/新建会员\s*1/);
    expect(figures).toMatch(/已是会员\s*2/);
    expect(figures).toMatch(/未导入\s*1/);
    expect(figures).toContain('1,200 积分');
    const rows = page.getByRole('table', { name: '需要处理的行' });
    const text = await rows.innerText();
    expect(text).toContain('手机号');
    expect(text).toContain('该手机号已是会员');
    expect(text).toContain('与第 2 行手机号重复');
    expect(await rows.getByRole('link', { name: '查看会员' }).count()).toBe(1);
    await expectAccessible(page, 'import result');
    await screenshot(page, 'member-import');

    const found = await api.get('/api/v1/members?mobile=13800001111', 'admin');
    expect(found.body.members).toHaveLength(1);
    expect(found.body.members[0]).toMatchObject({ name: '李雷' });
  }, 60_000);

  it('shows marketing the program read-only and no import', async () => {
    const page = await (await consoleContext(browser)).newPage();
    await signIn(page, api.url, testKeys.marketing);
    const links = await page.getByRole('navigation', { name: '主导航' }).getByRole('link').allInnerTexts();
    expect(links).toContain('方案');
    expect(links).not.toContain('会员导入');
    await open(page, '/program', '会员方案');
    await expect.poll(() => page.getByRole('table', { name: '积分规则' }).innerText()).toContain('保养');
    expect(await page.getByRole('heading', { name: '修改方案' }).count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain('方案由管理员修改');
    await open(page, '/import', '没有权限');
    expect((await api.post('/api/v1/program/check', {}, 'marketing')).status).toBe(403);
  }, 30_000);
});
