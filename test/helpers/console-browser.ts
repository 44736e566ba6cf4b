import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Screenshots of the staff console, kept as test artefacts (git-ignored) for people to look at. */
export const CONSOLE_ARTIFACTS = 'test-artifacts/console';

export const LAPTOP = { width: 1280, height: 860 };
/** An iPad Air held upright: the narrowest layout the console promises. */
export const TABLET = { width: 820, height: 1180 };

const axePath = createRequire(import.meta.url).resolve('axe-core');

/**
 * A browser context for the console. `forAxe` lets the test inject axe-core as a script tag: the
 * console's CSP allows scripts from its own origin only, which is the point of it, so the
 * accessibility checks run in a context that bypasses it (the other tests keep the CSP on).
 */
export async function consoleContext(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; forAxe?: boolean } = {},
): Promise<BrowserContext> {
  mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
  const context = await browser.newContext({
    viewport: options.viewport ?? LAPTOP,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    bypassCSP: options.forAxe ?? false,
  });
  // A missing element fails the step with its locator instead of running into the test's timeout.
  context.setDefaultTimeout(10_000);
  return context;
}

/** Opens the console and signs in with `key` the way a person does: paste, then 登录. */
export async function signIn(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/console`);
  await page.getByLabel('员工密钥').fill(key);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('navigation', { name: '主导航' }).waitFor({ timeout: 15_000 });
}

/** The whole page, or only what the window shows (`fullPage: false`). */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  await page.screenshot({ path: `${CONSOLE_ARTIFACTS}/${name}.png`, fullPage: options.fullPage ?? true });
}

/**
 * Collects what would make a page silently broken: uncaught errors, and console errors such as a
 * Content-Security-Policy refusal (a script or style the page needed and the policy blocked).
 */
export function watchProblems(page: Page): () => string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of (4\d\d)/.test(message.text()))
      problems.push(message.text());
  });
  return () => problems;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core on the page as it is and fails on any serious or critical violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  if (!(await page.evaluate<boolean>(`'axe' in window`))) await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate<AxeViolation[]>(`
    axe.run(document, { resultTypes: ['violations'] }).then((result) =>
      result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
      })),
    )`);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${what}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}
