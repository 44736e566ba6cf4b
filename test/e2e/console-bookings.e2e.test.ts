import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import type { BookingRecord } from '../../src/data/models/booking-model';
import type { MemberRecord } from '../../src/data/models/member-model';
import { newVehicle } from '../../src/services/new-vehicle';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { launchChromium } from '../helpers/chromium';
import { consoleContext, expectAccessible, screenshot, signIn } from '../helpers/console-browser';
import { testKeys } from '../helpers/test-config';

/**
 * 预约, the store's board, in Chromium on the real runtime: a store key (store `main`) on a tablet
 * at the service desk (1024×768, then held upright at 768×1024) sees its store's day, checks a car
 * in with a double tap (one change), confirms one, marks a no-show, is told plainly when a booking
 * changed behind its back (409), cancels with a reason, moves one to another slot and takes a
 * phone booking; an admin switches stores; marketing only looks. axe-core on every screen.
 */
const booking = defaultProgramInput.stores[0]!.booking;
const program = parseProgram(
  {
    ...defaultProgramInput,
    stores: [
      { ...defaultProgramInput.stores[0]!, booking },
      { id: 'north', name: '北区店', booking },
    ],
  },
  'console bookings test program',
);
const NOW = '2026-12-08T08:00:00+08:00'; // a Tuesday, before opening
const TODAY = '2026-12-08';
const TOMORROW = '2026-12-09';
const LANDSCAPE = { width: 1024, height: 768 };
const PORTRAIT = { width: 768, height: 1024 };
const slot = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`).toISOString();

let api: ApiHarness;
let browser: Browser;
let page: Page;
let serial = 0;
const ids: Record<string, string> = {};
const plates: Record<string, string> = {};
const mobiles: Record<string, string> = {};

const db = () => api.runtime.services.db;
const heading = (p: Page = page) => p.getByRole('heading', { level: 1 }).innerText();
const row = (plate: string, p: Page = page): Locator =>
  p.getByTestId('booking-row').filter({ hasText: plate });
const status = (plate: string) => row(plate).locator('.badge').innerText();
const counts = async (p: Page = page) => {
  const values = await p.locator('dl.stats dd').allInnerTexts();
  return values.map((v) => v.split('\n')[0]);
};
const record = async (key: string) =>
  (await db().bookings.bookings.findById(ids[key]).lean<BookingRecord>())!;

async function seed(
  key: string,
  name: string,
  storeId: string,
  day: string,
  time: string,
  mileageKm?: number,
) {
  const plate = `浙A${String(30_000 + serial++)}`;
  const member: MemberRecord = await api.insertMember({ name, vehicles: [newVehicle(plate, '迈腾')] });
  const res = await api.post('/api/v1/bookings', {
    requestId: `seed-${key}`,
    memberId: member._id,
    plate,
    storeId,
    serviceId: key === 'repair' ? 'repair' : 'maintenance',
    slotStart: slot(day, time),
    ...(mileageKm ? { mileageKm } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  ids[key] = res.body.booking.id;
  plates[key] = plate;
  mobiles[key] = member.mobile!;
}

beforeAll(async () => {
  api = await startApiHarness({ now: NOW, program });
  await seed('arrive', '王建国', 'main', TODAY, '10:00', 35_200);
  await seed('confirm', '李娜', 'main', TODAY, '10:30');
  await seed('noshow', '赵敏', 'main', TODAY, '11:00');
  await seed('stale', '钱多多', 'main', TODAY, '13:00');
  await seed('cancel', '孙丽', 'main', TODAY, '15:00');
  await seed('repair', '周杰', 'main', TODAY, '16:00');
  await seed('north', '吴磊', 'north', TODAY, '10:00');
  // A member who phones in: found by plate on 新建预约.
  const caller = await api.insertMember({ name: '郑爽', vehicles: [newVehicle('浙B88888', '途观L')] });
  ids.caller = caller._id;

  browser = await launchChromium();
  page = await (await consoleContext(browser, { viewport: LANDSCAPE, forAxe: true })).newPage();
  await signIn(page, api.url, testKeys.store);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

describe('the staff console: the booking board (预约)', () => {
  it('shows a store key its own store’s day, today’s arrivals first, with counts', async () => {
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '预约' }).click();
    await expect.poll(() => heading()).toBe('预约');
    await expect.poll(() => page.getByTestId('board-day').innerText()).toBe('12月8日 周二（今天）');
    // The store is fixed for a store key: named, not chosen.
    expect(await page.getByLabel('门店').count()).toBe(0);
    expect(await page.locator('.board__store').innerText()).toBe('门店：本店');
    expect(await counts()).toEqual(['6', '0', '0', '0']);
    // Another store's booking is not on this board.
    expect(await row(plates.north!).count()).toBe(0);

    const first = await row(plates.arrive!).innerText();
    expect(first).toContain('10:00');
    expect(first).toContain('王建国');
    expect(first).toContain(`${mobiles.arrive!.slice(0, 3)}****${mobiles.arrive!.slice(7)}`);
    expect(first).not.toContain(mobiles.arrive!);
    expect(first).toContain('保养');
    expect(first).toContain('35,200 公里');
    expect(await status(plates.arrive!)).toBe('已预约');
    expect(await row(plates.repair!).innerText()).toContain('维修');
    expect(await row(plates.arrive!).getByRole('button').allInnerTexts()).toEqual([
      '确认',
      '改期',
      '到店',
      '未到店',
      '取消',
    ]);
    await expectAccessible(page, 'booking board');
    await screenshot(page, 'bookings-board-1024x768');
  });

  it('checks a car in: a double tap makes one change; the counts and the order follow', async () => {
    await row(plates.arrive!).getByRole('button', { name: '到店', exact: true }).dblclick();
    await expect.poll(() => status(plates.arrive!)).toBe('已到店');
    expect(await counts()).toEqual(['5', '1', '0', '0']);
    const history = (await record('arrive')).history.filter((e) => e.action === 'check_in');
    expect(history).toHaveLength(1);
    expect(history[0]!.requestId).toMatch(/^board-/);
    // Today: those still to come first, then those arrived.
    expect(await page.locator('.board__section-title').allInnerTexts()).toEqual(['待到店', '已到店']);
    expect(await row(plates.arrive!).getByRole('button').count()).toBe(0);
    expect(await page.getByRole('list', { name: '已到店 10:00' }).innerText()).toContain(plates.arrive!);
  });

  it('confirms one and marks another as a no-show after asking', async () => {
    await row(plates.confirm!).getByRole('button', { name: '确认', exact: true }).click();
    await expect.poll(() => status(plates.confirm!)).toBe('已确认');
    expect((await record('confirm')).status).toBe('confirmed');

    await row(plates.noshow!).getByRole('button', { name: '未到店', exact: true }).click();
    const ask = page.getByRole('dialog', { name: '标记未到店' });
    await expectAccessible(page, 'no-show confirmation');
    await ask.getByRole('button', { name: '标记未到店' }).click();
    await expect.poll(() => status(plates.noshow!)).toBe('未到店');
    expect(await counts()).toEqual(['4', '1', '1', '0']);
    expect(await page.locator('.board__section-title').allInnerTexts()).toEqual([
      '待到店',
      '已到店',
      '未到店和已取消',
    ]);
  });

  it('says so plainly when a booking changed behind the board (409), and shows its state now', async () => {
    // Someone else marked it a no-show meanwhile; this board still offers 到店.
    expect((await api.post(`/api/v1/bookings/${ids.stale}/no-show`, {}, 'store')).status).toBe(200);
    await row(plates.stale!).getByRole('button', { name: '到店', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('board-error').innerText())
      .toBe(`${plates.stale}：这条预约当前为「未到店」，不能进行此操作。已刷新为最新状态。`);
    await expect.poll(() => status(plates.stale!)).toBe('未到店');
    expect((await record('stale')).status).toBe('no_show');
  });

  it('cancels only with a reason', async () => {
    await row(plates.cancel!).getByRole('button', { name: '取消', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `取消预约：${plates.cancel}` });
    await dialog.getByRole('button', { name: '确认取消' }).click();
    await expect.poll(() => dialog.locator('.field__error').innerText()).toBe('请填写取消原因');
    expect((await record('cancel')).status).toBe('booked');
    await expectAccessible(page, 'cancel dialog');
    await screenshot(page, 'bookings-cancel-1024x768', { fullPage: false });
    await dialog.getByLabel('取消原因').fill('客户临时出差，下周再约');
    await dialog.getByRole('button', { name: '确认取消' }).dblclick();
    await expect.poll(() => status(plates.cancel!)).toBe('已取消');
    expect(await row(plates.cancel!).innerText()).toContain('取消原因：客户临时出差，下周再约');
    const saved = await record('cancel');
    expect(saved.history.filter((e) => e.action === 'cancel')).toEqual([
      expect.objectContaining({ reason: '客户临时出差，下周再约' }),
    ]);
    expect(await counts()).toEqual(['2', '1', '2', '1']);
  });

  it('moves a booking to another slot picked from the free ones', async () => {
    await row(plates.repair!).getByRole('button', { name: '改期', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `改期：${plates.repair}` });
    await dialog.getByRole('radio', { name: /16:30/ }).check();
    await expectAccessible(page, 'move dialog');
    await dialog.getByRole('button', { name: '确认改期' }).click();
    await expect.poll(() => row(plates.repair!).locator('.booking-row__time').innerText()).toBe('16:30');
    const moved = await record('repair');
    expect(moved.time).toBe('16:30');
    expect(
      await db().bookings.seats.countDocuments({
        storeId: 'main',
        slotStart: new Date(slot(TODAY, '16:00')),
      }),
    ).toBe(0);
    expect(
      await db().bookings.seats.countDocuments({
        storeId: 'main',
        slotStart: new Date(slot(TODAY, '16:30')),
      }),
    ).toBe(1);
  });

  it('takes a phone booking: member by plate, service, day, a slot with room, mileage and a note', async () => {
    await page.getByRole('link', { name: '新建预约' }).click();
    await expect.poll(() => heading()).toBe('新建预约');
    await page.getByLabel('会员手机号或车牌号').fill('浙b 88888');
    await page.getByRole('button', { name: '查找会员' }).click();
    await expect.poll(() => page.getByTestId('booking-member').innerText()).toContain('郑爽');
    expect(await page.getByLabel('车辆').inputValue()).toBe('浙B88888');
    await page.getByLabel('服务').selectOption({ label: '年检代办' });
    await page.getByLabel('日期').selectOption(TOMORROW);
    await page.getByRole('radio', { name: /09:00/ }).check();
    await page.getByLabel('当前里程（公里）').fill('12,800');
    await page.getByLabel('备注').fill('客户要求代步车');
    await expectAccessible(page, 'new booking');
    await screenshot(page, 'bookings-new-1024x768');
    await page.getByRole('button', { name: '确认预约' }).dblclick();

    // Back on the board, on the booking's day.
    await expect.poll(() => page.getByTestId('board-day').innerText()).toBe('12月9日 周三');
    const phoned = await row('浙B88888').innerText();
    expect(phoned).toContain('09:00');
    expect(phoned).toContain('年检代办');
    expect(phoned).toContain('12,800 公里');
    expect(phoned).toContain('备注：客户要求代步车');
    expect(phoned).toContain('电话预约');
    const made = await db().bookings.bookings.find({ memberId: ids.caller }).lean<BookingRecord[]>();
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      storeId: 'main',
      serviceId: 'inspection',
      mileageKm: 12_800,
      note: '客户要求代步车',
    });
    // Prev/next day: back to today, whose board is as left.
    await page.getByRole('button', { name: '前一天' }).click();
    await expect.poll(() => page.getByTestId('board-day').innerText()).toBe('12月8日 周二（今天）');
    expect(await counts()).toEqual(['2', '1', '2', '1']);
  });

  it('fits a tablet held upright (768×1024): no sideways scrolling, large tap targets', async () => {
    const upright = await (await consoleContext(browser, { viewport: PORTRAIT, forAxe: true })).newPage();
    await signIn(upright, api.url, testKeys.store);
    await upright.goto(`${api.url}/console#/bookings`);
    await expect.poll(() => upright.getByTestId('booking-row').count()).toBe(6);
    expect(await upright.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      PORTRAIT.width,
    );
    const buttons = row(plates.confirm!, upright).getByRole('button');
    expect(await buttons.count()).toBe(4);
    for (const box of await Promise.all((await buttons.all()).map((b) => b.boundingBox()))) {
      expect(box!.height).toBeGreaterThanOrEqual(44);
    }
    await expectAccessible(upright, 'booking board upright');
    await screenshot(upright, 'bookings-board-768x1024');
    await upright.context().close();
  });

  it('lets an admin switch stores, and marketing look without acting', async () => {
    const admin = await (await consoleContext(browser, { viewport: LANDSCAPE, forAxe: true })).newPage();
    await signIn(admin, api.url, testKeys.admin);
    await admin.goto(`${api.url}/console#/bookings`);
    await expect.poll(() => admin.getByTestId('booking-row').count()).toBe(6);
    await admin.getByLabel('门店').selectOption({ label: '北区店' });
    await expect.poll(() => admin.getByTestId('booking-row').count()).toBe(1);
    // Admin sees the full mobile, as on the member page.
    expect(await row(plates.north!, admin).innerText()).toContain(mobiles.north!);
    expect(admin.url()).toContain('store=north');
    await expectAccessible(admin, 'booking board (admin)');
    await admin.context().close();

    const marketing = await (await consoleContext(browser)).newPage();
    await signIn(marketing, api.url, testKeys.marketing);
    await marketing.goto(`${api.url}/console#/bookings?store=north`);
    await expect.poll(() => marketing.getByTestId('booking-row').count()).toBe(1);
    expect(await marketing.locator('main').getByRole('button', { name: '到店' }).count()).toBe(0);
    expect(await marketing.getByRole('link', { name: '新建预约' }).count()).toBe(0);
    await marketing.goto(`${api.url}/console#/bookings/new`);
    await expect.poll(() => marketing.getByRole('alert').innerText()).toContain('没有权限');
    await marketing.context().close();
  });
});
