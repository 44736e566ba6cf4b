import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookingRecord } from '../../src/data/models/booking-model';
import type { DeliveryRecord } from '../../src/data/models/delivery-model';
import type { VehicleRecord } from '../../src/data/models/member-model';
import type { Availability } from '../../src/services/bookings/booking-availability';
import { newVehicle } from '../../src/services/new-vehicle';
import { type SimulatorChat, startSimulatorChat } from '../helpers/simulator-chat';
import { waitFor } from '../helpers/wait-for';

/**
 * 预约 and 我的预约 through Wechaty (simulator puppet → bot → conversation → booking service on
 * the embedded MongoDB): a full booking, a slot taken between showing and choosing, a member with
 * two cars, moving and cancelling (the place is free again), the cut-off, and a maintenance-due
 * reminder that leads to 预约 with 保养 chosen — or is skipped when the car is already booked.
 * The default program: one store (本店, 400-800-1234), 08:30–17:30, 4 cars per 30 minutes, book
 * from 2 hours to 14 days ahead, change until 2 hours before.
 */
const NOW = '2026-12-08T10:00:00+08:00'; // a Tuesday
let chat: SimulatorChat;
beforeAll(async () => {
  chat = await startSimulatorChat({ now: NOW });
});
afterAll(() => chat?.stop());

const services = () => chat.api.runtime.services;
const at = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`);
let plates = 0;
const newPlate = (prefix = '沪A') => `${prefix}${String(12_000 + ++plates)}`;

async function member(key: string, vehicles: VehicleRecord[] = [newVehicle(newPlate(), '途观L')]) {
  return chat.insertMember(key, { vehicles });
}

async function freeAt(day: string, hhmm: string): Promise<number> {
  const open = (await services().bookings.availability('main', 'maintenance', day, 1)) as Availability;
  return open.days[0]!.slots.find((slot) => slot.time === hhmm)?.free ?? 0;
}

/** Fills a slot to capacity with other members' bookings made by staff. */
async function fill(day: string, hhmm: string): Promise<void> {
  while ((await freeAt(day, hhmm)) > 0) {
    const plate = newPlate('苏E');
    const other = await chat.api.insertMember({ vehicles: [newVehicle(plate, null)] });
    const outcome = await services().bookings.create({
      requestId: `fill-${plate}`,
      member: { id: other._id },
      plate,
      storeId: 'main',
      serviceId: 'repair',
      slotStart: at(day, hhmm),
      mileageKm: null,
      actor: { channel: 'staff', role: 'store', storeId: null },
    });
    expect(outcome.ok).toBe(true);
  }
}

const bookingsOf = (memberId: string) =>
  services().db.bookings.bookings.find({ memberId }).sort({ createdAt: 1 }).lean<BookingRecord[]>();

describe('预约', () => {
  it('books from 预约 to the confirmation: service, day with places left, slot, mileage, free maintenance', async () => {
    const key = chat.newKey('book');
    const m = await member(key);
    const plate = m.vehicles[0]!.plate!;
    expect(await chat.say(key, '预约')).toBe(
      '本店可以预约这些服务，回复序号：\n1. 保养\n2. 维修\n3. 钣喷\n4. 续保咨询\n5. 年检代办',
    );
    const days = await chat.say(key, '1');
    expect(days).toContain(
      `预约保养（${plate}，本店），请选择日期：\n1. 12月8日 周二（余 44 位）\n2. 12月9日 周三（余 72 位）`,
    );
    expect(days).toContain('7. 12月14日 周一（余 72 位）\n回复序号选择。');
    const slots = await chat.say(key, '2');
    expect(slots).toContain('12月9日 周三可约的时间：\n1. 08:30（余 4 位）\n2. 09:00（余 4 位）');
    expect(slots).toContain('18. 17:00（余 4 位）\n回复序号选择，回复「返回」换一天。');
    expect(await chat.say(key, '第一个')).toContain('请回复时间前面的序号。请再试一次');
    expect(await chat.say(key, '1')).toBe('现在的里程大约多少公里？（例如 35000）不清楚请回复「跳过」。');
    expect(await chat.say(key, '35,000 公里')).toBe(
      '您本会员年还有 2 次免费保养，这次要使用吗？回复「要」或「不要」。',
    );
    expect(await chat.say(key, '要')).toBe(
      `请确认预约：\n服务：保养（使用免费保养 1 次）\n车辆：${plate}，35,000 公里\n门店：本店\n时间：12月9日 周三 08:30\n回复「确认」预约，或回复「不了」。`,
    );
    const done = await chat.say(key, '确认');
    const [booking] = await bookingsOf(m._id);
    expect(booking).toMatchObject({
      status: 'booked',
      plate,
      storeId: 'main',
      serviceId: 'maintenance',
      day: '2026-12-09',
      time: '08:30',
      mileageKm: 35_000,
      useFreeMaintenance: true,
      channel: 'member',
    });
    expect(done).toBe(
      `预约成功！预约号 ${booking!.number}\n12月9日 周三 08:30，保养（${plate}）\n本店：上海市浦东新区示例路 88 号（电话 400-800-1234）\n本次使用免费保养 1 次，到店时核销。\n回复「我的预约」可改期或取消。`,
    );
    expect(await freeAt('2026-12-09', '08:30')).toBe(3);
    // The same car cannot hold two open bookings on one day: a clear answer with what to do next.
    await chat.say(key, '预约');
    await chat.say(key, '2');
    await chat.say(key, '2');
    await chat.say(key, '3');
    await chat.say(key, '跳过');
    const again = await chat.say(key, '确认');
    expect(again).toBe(
      `没能预约：${plate} 在 2026-12-09 已有预约，可改约或取消后再约。如需帮助请致电 400-800-1234。回复「预约」重新选择，或回复「我的预约」查看已有预约。`,
    );
    expect(await bookingsOf(m._id)).toHaveLength(1);
  });

  it('is keyed by the 预约 that started it: a confirmation retried from the same session books once', async () => {
    const key = chat.newKey('retry');
    const m = await member(key);
    await chat.say(key, '预约');
    await chat.say(key, '2');
    await chat.say(key, '2');
    await chat.say(key, '5');
    await chat.say(key, '跳过');
    // The session as it stood before 确认 (as if the turn that booked had never saved its end).
    const redis = chat.api.runtime.redis;
    const before = await redis.get(chat.sessionKey(key));
    expect(before).not.toBeNull();
    const first = await chat.say(key, '确认');
    expect(first).toContain('预约成功！');
    await redis.set(chat.sessionKey(key), before!, 'PX', 600_000);
    expect(await chat.say(key, '确认')).toBe(first);
    expect(await bookingsOf(m._id)).toEqual([expect.objectContaining({ status: 'booked', time: '10:30' })]);
  });

  it('routes 预约保养, 约个时间做保养, 我要修车 to 预约 and 改预约, 取消预约 to 我的预约', async () => {
    const key = chat.newKey('words');
    await member(key);
    for (const words of ['预约保养', '约个时间做保养', '我要修车', 'yy']) {
      expect(await chat.say(key, words), words).toContain('本店可以预约这些服务');
      await chat.say(key, '取消');
    }
    for (const words of ['改预约', '取消预约', '我的预约']) {
      expect(await chat.say(key, words), words).toBe('您现在没有待到店的预约。回复「预约」约个时间。');
    }
    expect(await chat.say(key, '菜单')).toContain(
      '预约保养、维修：回复「预约」\n改期或取消预约：回复「我的预约」',
    );
  });

  it('a slot taken between showing and choosing is answered with the nearest free ones', async () => {
    const key = chat.newKey('full');
    const m = await member(key);
    await chat.say(key, '预约');
    await chat.say(key, '1');
    expect(await chat.say(key, '3')).toContain('12月10日 周四可约的时间：\n1. 08:30（余 4 位）');
    await chat.say(key, '1');
    await chat.say(key, '跳过');
    await chat.say(key, '不要');
    await fill('2026-12-10', '08:30');
    expect(await chat.say(key, '确认')).toBe(
      '这个时间刚刚约满了。离它最近的空位：\n1. 12月10日 周四 09:00\n2. 12月10日 周四 09:30\n3. 12月10日 周四 10:00\n回复序号选择，回复「换一天」重新选日期。',
    );
    expect(await bookingsOf(m._id)).toEqual([]);
    const done = await chat.say(key, '1');
    expect(done).toContain('预约成功！');
    expect(done).toContain('12月10日 周四 09:00，保养');
    expect(await bookingsOf(m._id)).toEqual([
      expect.objectContaining({ status: 'booked', time: '09:00', useFreeMaintenance: false }),
    ]);
  });

  it('a member with two cars chooses the car first (by number or plate)', async () => {
    const key = chat.newKey('cars');
    const [first, second] = [newPlate(), newPlate('沪B')];
    const m = await member(key, [newVehicle(first, '途观L'), newVehicle(second, null)]);
    expect(await chat.say(key, '预约')).toBe(`为哪辆车预约？回复序号：\n1. ${first}（途观L）\n2. ${second}`);
    expect(await chat.say(key, '3')).toContain('请回复车辆前面的序号');
    expect(await chat.say(key, second)).toContain('本店可以预约这些服务');
    expect(await chat.say(key, '2')).toContain(`预约维修（${second}，本店），请选择日期：`);
    await chat.say(key, '4');
    await chat.say(key, '10:00');
    expect(await chat.say(key, '跳过')).toContain(
      `服务：维修\n车辆：${second}\n门店：本店\n时间：12月11日 周五 10:00`,
    );
    expect(await chat.say(key, '确认')).toContain('预约成功！');
    expect(await bookingsOf(m._id)).toEqual([
      expect.objectContaining({ plate: second, serviceId: 'repair', day: '2026-12-11', time: '10:00' }),
    ]);
  });
});

describe('我的预约', () => {
  it('moves a booking (the old place is free again at once) and cancels it (its place too)', async () => {
    const key = chat.newKey('mine');
    const m = await member(key);
    await chat.say(key, '预约');
    await chat.say(key, '1');
    await chat.say(key, '5');
    await chat.say(key, '1');
    await chat.say(key, '跳过');
    await chat.say(key, '不要');
    await chat.say(key, '确认');
    const [booked] = await bookingsOf(m._id);
    expect(await freeAt('2026-12-12', '08:30')).toBe(3);

    const listed = await chat.say(key, '我的预约');
    expect(listed).toBe(
      `您的预约：${booked!.number} 12月12日 周六 08:30 保养（${booked!.plate}，本店）\n要改期还是取消？回复「改期」或「取消预约」。`,
    );
    expect(await chat.say(key, '改期')).toContain(`预约保养（${booked!.plate}，本店），请选择日期：`);
    await chat.say(key, '6');
    const moved = await chat.say(key, '1');
    expect(moved).toBe(
      `已改期！预约号 ${booked!.number}\n新时间：12月13日 周日 08:30，保养（${booked!.plate}，本店）\n回复「我的预约」可再改期或取消。`,
    );
    expect(await freeAt('2026-12-12', '08:30')).toBe(4);
    expect(await freeAt('2026-12-13', '08:30')).toBe(3);

    await chat.say(key, '取消预约');
    expect(await chat.say(key, '取消预约')).toBe(
      '确认取消 12月13日 周日 08:30 的保养预约吗？回复「确认」或「不了」。',
    );
    expect(await chat.say(key, '确认')).toBe(
      `已取消预约 ${booked!.number}（12月13日 周日 08:30）。回复「预约」可以重新约时间。`,
    );
    expect(await freeAt('2026-12-13', '08:30')).toBe(4);
    expect(await bookingsOf(m._id)).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    expect(await chat.say(key, '我的预约')).toBe('您现在没有待到店的预约。回复「预约」约个时间。');
  });

  it('改期 into a slot taken meanwhile: the nearest free ones, and the booking keeps its place until moved', async () => {
    const key = chat.newKey('move-full');
    const m = await member(key);
    await chat.say(key, '预约');
    await chat.say(key, '2');
    await chat.say(key, '6');
    await chat.say(key, '5'); // 12月13日 10:30
    await chat.say(key, '跳过');
    expect(await chat.say(key, '确认')).toContain('12月13日 周日 10:30，维修');
    await chat.say(key, '我的预约');
    await chat.say(key, '改期');
    await chat.say(key, '4');
    expect(await chat.say(key, '返回')).toContain('请选择日期');
    expect(await chat.say(key, '4')).toContain('12月11日 周五可约的时间');
    await fill('2026-12-11', '08:30');
    expect(await chat.say(key, '1')).toBe(
      '这个时间刚刚约满了。离它最近的空位：\n1. 12月11日 周五 09:00\n2. 12月11日 周五 09:30\n3. 12月11日 周五 10:00\n回复序号选择，回复「换一天」重新选日期。',
    );
    expect(await bookingsOf(m._id)).toEqual([expect.objectContaining({ day: '2026-12-13', time: '10:30' })]);
    expect(await chat.say(key, '2')).toContain('新时间：12月11日 周五 09:30，维修');
    expect(await bookingsOf(m._id)).toEqual([
      expect.objectContaining({ status: 'booked', day: '2026-12-11', time: '09:30' }),
    ]);
  });

  it('with several bookings asks which one first', async () => {
    const key = chat.newKey('several');
    const [a, b] = [newPlate(), newPlate('沪C')];
    await member(key, [newVehicle(a, null), newVehicle(b, null)]);
    for (const [car, day] of [
      ['1', '6'],
      ['2', '7'],
    ] as const) {
      await chat.say(key, '预约');
      await chat.say(key, car);
      await chat.say(key, '2');
      await chat.say(key, day);
      await chat.say(key, '3');
      await chat.say(key, '跳过');
      expect(await chat.say(key, '确认')).toContain('预约成功！');
    }
    const listed = await chat.say(key, '我的预约');
    expect(listed).toMatch(
      /^您的预约：\n1\. B\d{8} 12月13日 周日 09:30 维修（沪A\d+，本店）\n2\. B\d{8} 12月14日 周一 09:30 维修（沪C\d+，本店）\n回复序号选择要改期或取消的预约。$/,
    );
    expect(await chat.say(key, '2')).toContain('12月14日 周一 09:30 维修');
    await chat.say(key, '取消');
  });

  it('取消预约 after the cut-off is refused with the store phone; the booking stays', async () => {
    const key = chat.newKey('late');
    const m = await member(key);
    const outcome = await services().bookings.create({
      requestId: `late-${m._id}`,
      member: { id: m._id },
      plate: m.vehicles[0]!.plate!,
      storeId: 'main',
      serviceId: 'maintenance',
      slotStart: at('2026-12-08', '13:00'),
      mileageKm: null,
      actor: { channel: 'member', role: null, storeId: null },
    });
    expect(outcome.ok).toBe(true);
    chat.api.setNow('2026-12-08T11:30:00+08:00');
    try {
      expect(await chat.say(key, '取消预约')).toContain('12月8日 周二 13:00 保养');
      expect(await chat.say(key, '取消预约')).toBe(
        '预约开始前 2 小时内不能在线改期或取消，请致电门店 400-800-1234。回复「门店」查看门店信息。',
      );
      expect(await bookingsOf(m._id)).toEqual([expect.objectContaining({ status: 'booked' })]);
    } finally {
      chat.api.setNow(NOW);
    }
  });
});

describe('care reminders lead to 预约', () => {
  /** A car whose maintenance is due a week from today (the 7-days-before reminder is today's). */
  const dueCar = () => ({
    ...newVehicle(newPlate('沪F'), null),
    lastServiceAt: at('2026-06-15', '10:00'),
    maintenanceDueOn: '2026-12-15',
    maintenanceDueBy: 'date' as const,
  });
  const reminderOf = (memberId: string) =>
    waitFor(
      async () => {
        const record = await services()
          .db.delivery.deliveries.findOne({ _id: { $regex: `^care:maintenance_due:${memberId}:` } })
          .lean<DeliveryRecord>();
        return record && record.status !== 'queued' && record.status !== 'sending' ? record : undefined;
      },
      10_000,
      'maintenance reminder',
    );

  it('a maintenance-due reminder says 回复「预约」, and 预约 then starts at the day with 保养 chosen', async () => {
    const key = chat.newKey('remind');
    const m = await member(key, [dueCar()]);
    const plate = m.vehicles[0]!.plate!;
    await chat.say(key, '查积分'); // inside the chat window
    await services().care.runDaily(at('2026-12-08', '00:30'));
    const reminder = await reminderOf(m._id);
    expect(reminder.status).toBe('sent');
    expect(reminder.text).toContain('回复「预约」在线约时间。');
    expect(await chat.say(key, '预约')).toMatch(
      new RegExp(`^预约保养（${plate}，本店），请选择日期：\\n1\\. 12月8日 周二（余 \\d+ 位）`),
    );
    await chat.say(key, '2');
    await chat.say(key, '4');
    await chat.say(key, '跳过');
    await chat.say(key, '不要');
    expect(await chat.say(key, '确认')).toContain('预约成功！');
    // Once booked, the next 预约 asks for the service again.
    expect(await chat.say(key, '预约')).toContain('本店可以预约这些服务');
  });

  it('is not sent for a car with an open 保养 booking: recorded as skipped (already_booked)', async () => {
    const key = chat.newKey('covered');
    const m = await member(key, [dueCar()]);
    const outcome = await services().bookings.create({
      requestId: `covered-${m._id}`,
      member: { id: m._id },
      plate: m.vehicles[0]!.plate!,
      storeId: 'main',
      serviceId: 'maintenance',
      slotStart: at('2026-12-14', '15:00'),
      mileageKm: null,
      actor: { channel: 'member', role: null, storeId: null },
    });
    expect(outcome.ok).toBe(true);
    await chat.say(key, '查积分');
    const counts = await services().care.runDaily(at('2026-12-08', '00:30'));
    expect(counts.skipped).toBeGreaterThanOrEqual(1);
    const reminder = await reminderOf(m._id);
    expect(reminder).toMatchObject({ status: 'skipped', reason: 'already_booked', sentAt: null });
  });
});
