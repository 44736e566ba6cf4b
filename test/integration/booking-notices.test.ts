import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import type { DeliveryRecord } from '../../src/data/models/delivery-model';
import { newVehicle } from '../../src/services/new-vehicle';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { type FakeWechatApi, startFakeWechatApi } from '../helpers/fake-wechat-api';
import { waitFor } from '../helpers/wait-for';

/**
 * Reminders and notices about a booking, end to end: bookings through the staff API, the
 * `booking-reminders` job on the real BullMQ maintenance queue (real redis-server) with the
 * harness clock, delivery jobs sending to the fake WeChat API on loopback — customer-service text
 * inside the member's window, the `bookingReminder` template outside it.
 */
let h: ApiHarness;
let fake: FakeWechatApi;
const CUSTOM = '/cgi-bin/message/custom/send';
const TEMPLATE_SEND = '/cgi-bin/message/template/send';

beforeAll(async () => {
  fake = await startFakeWechatApi();
  fake.addTemplate('tpl-booking');
  h = await startApiHarness({
    now: '2026-12-08T08:00:00+08:00', // a Tuesday
    program: parseProgram(
      deepMerge(defaultProgramInput, {
        care: {
          templates: {
            bookingReminder: {
              templateId: 'tpl-booking',
              fields: {
                thing1: '{service}',
                time2: '{date} {time}',
                thing3: '{store}',
                car_number4: '{plate}',
              },
            },
          },
        },
      }),
    ),
    env: {
      CHANNEL: 'simulator',
      WECHAT_APP_ID: fake.appId,
      WECHAT_APP_SECRET: fake.appSecret,
      WECHAT_API_BASE: fake.url,
    },
  });
});
afterAll(async () => {
  await h?.stop();
  await fake?.close();
});

let plates = 20_000;
let requests = 0;
const slot = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`).toISOString();

/** A member with a car, following the account; `inWindow` → they wrote to us an hour ago. */
async function member(inWindow: boolean) {
  const openid = `o_${randomBytes(10).toString('hex')}`;
  const plate = `沪B${plates++}`;
  const record = await h.insertMember({ openid, vehicles: [newVehicle(plate, '途观')] });
  fake.follow(openid);
  if (inWindow) {
    fake.userMessaged(openid);
    await h.runtime.services.delivery.noteInbound(record._id, new Date(h.now().getTime() - 3_600_000));
  }
  return { id: record._id, openid, plate };
}

async function book(m: { id: string; plate: string }, slotStart: string) {
  const res = await h.post('/api/v1/bookings', {
    requestId: `notice-${++requests}`,
    memberId: m.id,
    plate: m.plate,
    storeId: 'main',
    serviceId: 'maintenance',
    slotStart,
  });
  expect(res.status).toBe(201);
  return res.body.booking as { id: string; number: string; slotStart: string };
}

/** The `booking-reminders` job through the maintenance queue, at the harness clock. */
async function runReminderJob(): Promise<{ read: number; due: number; invalid: number }> {
  const queue = h.runtime.queues.maintenance;
  const job = await queue.add('booking-reminders', { at: h.now().toISOString() });
  return waitFor(
    async () => {
      const state = await queue.getJobState(job.id!);
      if (state === 'failed') throw new Error((await queue.getJob(job.id!))?.failedReason);
      return state === 'completed' ? (await queue.getJob(job.id!))?.returnvalue : undefined;
    },
    10_000,
    'the booking-reminders job',
  );
}

async function settled(key: string): Promise<DeliveryRecord> {
  return waitFor(
    async () => {
      const record = await h.runtime.services.delivery.find(key);
      return record && ['sent', 'skipped', 'failed', 'held'].includes(record.status) ? record : undefined;
    },
    15_000,
    `delivery ${key} to settle`,
  );
}

const reminderKey = (id: string, slotStart: string) =>
  `booking:reminder:${id}:${new Date(slotStart).getTime()}`;
const texts = (openid: string) =>
  fake
    .callsTo(CUSTOM)
    .filter((c) => c.body.touser === openid && c.errcode === 0)
    .map((c) => (c.body.text as { content: string }).content);
const templates = (openid: string) =>
  fake.callsTo(TEMPLATE_SEND).filter((c) => c.body.touser === openid && c.errcode === 0);
const keysOf = async (id: string) =>
  (
    await h.runtime.services.db.delivery.deliveries
      .find({ _id: { $regex: `^booking:[a-z_]+:${id}` } }, { _id: 1 })
      .lean<{ _id: string }[]>()
  )
    .map((r) => r._id)
    .sort();

describe('booking reminders the day before', () => {
  it('reminds once at dayBeforeAt: text inside the window, the template outside; moved → new time only; cancelled → none', async () => {
    h.setNow('2026-12-08T08:00:00+08:00');
    const inside = await member(true);
    const outside = await member(false);
    const mover = await member(true);
    const canceller = await member(true);
    const a = await book(inside, slot('2026-12-09', '10:00'));
    const b = await book(outside, slot('2026-12-09', '10:30'));
    const c = await book(mover, slot('2026-12-09', '11:00'));
    const d = await book(canceller, slot('2026-12-09', '15:00'));

    // The store moves one (with a reason) and cancels one before the reminder time.
    h.setNow('2026-12-08T12:00:00+08:00');
    const moved = await h.post(`/api/v1/bookings/${c.id}/move`, {
      requestId: 'move-c',
      slotStart: slot('2026-12-09', '14:00'),
      reason: '技师临时请假',
    });
    expect(moved.status).toBe(200);
    const cancelled = await h.post(`/api/v1/bookings/${d.id}/cancel`, { reason: '举升机检修' });
    expect(cancelled.status).toBe(200);

    h.setNow('2026-12-08T17:50:00+08:00');
    expect(await runReminderJob()).toMatchObject({ due: 0 });
    expect(await keysOf(a.id)).toEqual([]);

    h.setNow('2026-12-08T18:00:00+08:00');
    // Two runs at once (two workers): each key is enqueued and sent once.
    const [first, second] = await Promise.all([runReminderJob(), runReminderJob()]);
    expect(first.due).toBeGreaterThanOrEqual(3);
    expect(second.invalid).toBe(0);

    expect(await settled(reminderKey(a.id, a.slotStart))).toMatchObject({
      status: 'sent',
      channel: 'customer_service',
    });
    const aTexts = texts(inside.openid);
    expect(aTexts).toHaveLength(1);
    expect(aTexts[0]).toContain('明天 12月9日（周三） 10:00');
    expect(aTexts[0]).toContain(`预约号 ${a.number}`);
    expect(aTexts[0]).toMatch(/回复「我的预约」/);

    expect(await settled(reminderKey(b.id, b.slotStart))).toMatchObject({
      status: 'sent',
      channel: 'template',
    });
    expect(templates(outside.openid).map((c) => c.body)).toEqual([
      {
        touser: outside.openid,
        template_id: 'tpl-booking',
        client_msg_id: reminderKey(b.id, b.slotStart),
        data: {
          thing1: { value: '保养' },
          time2: { value: '2026年12月9日 10:30' },
          thing3: { value: expect.any(String) },
          car_number4: { value: outside.plate },
        },
      },
    ]);
    expect(texts(outside.openid)).toEqual([]);

    // The moved booking: its move notice, then a reminder for the new time only.
    const newSlot = slot('2026-12-09', '14:00');
    expect(await settled(reminderKey(c.id, newSlot))).toMatchObject({ status: 'sent' });
    expect(await keysOf(c.id)).toEqual([`booking:move:${c.id}:move-c`, reminderKey(c.id, newSlot)].sort());
    const cTexts = texts(mover.openid);
    expect(cTexts).toHaveLength(2);
    expect(cTexts.some((t) => t.includes('改到 12月9日（周三） 14:00') && t.includes('技师临时请假'))).toBe(
      true,
    );
    expect(cTexts.some((t) => t.includes('明天 12月9日（周三） 14:00'))).toBe(true);
    expect(cTexts.some((t) => t.includes('11:00') && t.startsWith('温馨提醒'))).toBe(false);

    // The cancelled booking: the store's notice with its reason, no reminder.
    expect(await keysOf(d.id)).toEqual([`booking:cancel:${d.id}`]);
    expect(await settled(`booking:cancel:${d.id}`)).toMatchObject({ status: 'sent' });
    const dTexts = texts(canceller.openid);
    expect(dTexts).toHaveLength(1);
    expect(dTexts[0]).toContain('已被门店取消');
    expect(dTexts[0]).toContain('原因：举升机检修。');
    expect(dTexts[0]).toMatch(/回复「预约」重新约时间/);

    // Later runs the same evening send nothing again.
    h.setNow('2026-12-08T18:10:00+08:00');
    await runReminderJob();
    await new Promise((r) => setTimeout(r, 300));
    expect(texts(inside.openid)).toHaveLength(1);
    expect(templates(outside.openid)).toHaveLength(1);
  });

  it('withdraws a reminder still waiting (quiet hours) when the booking is cancelled; a booking made after the reminder time gets none', async () => {
    h.setNow('2026-12-09T08:00:00+08:00');
    const m = await member(true);
    const late = await member(true);
    const booking = await book(m, slot('2026-12-10', '09:00'));
    h.setNow('2026-12-09T19:00:00+08:00');
    const lateBooking = await book(late, slot('2026-12-10', '09:30'));

    // 21:30 is in quiet hours: the reminder is deferred to 09:00 (the slot's start).
    h.setNow('2026-12-09T21:30:00+08:00');
    const counts = await runReminderJob();
    expect(counts.due).toBe(1);
    const key = reminderKey(booking.id, booking.slotStart);
    await waitFor(
      async () => (await h.runtime.services.delivery.find(key))?.status === 'deferred',
      10_000,
      'the reminder to be deferred',
    );
    expect(await keysOf(lateBooking.id)).toEqual([]);

    const cancelled = await h.post(`/api/v1/bookings/${booking.id}/cancel`, { reason: '门店停电' });
    expect(cancelled.status).toBe(200);
    expect(await h.runtime.services.delivery.find(key)).toMatchObject({
      status: 'skipped',
      reason: 'booking_changed',
    });
    h.setNow('2026-12-10T08:55:00+08:00');
    expect(await h.runtime.services.delivery.deliver(key)).toEqual({ status: 'noop', current: 'skipped' });
    expect(texts(m.openid).filter((t) => t.startsWith('温馨提醒'))).toEqual([]);
  });
});

describe('notices when the store changes a booking', () => {
  it('a no-show gets one follow-up offering a new time; a repeat sends nothing', async () => {
    h.setNow('2026-12-08T08:00:00+08:00');
    const m = await member(true);
    const booking = await book(m, slot('2026-12-11', '09:00'));
    h.setNow('2026-12-11T10:00:00+08:00');
    fake.userMessaged(m.openid);
    await h.runtime.services.delivery.noteInbound(m.id, new Date('2026-12-11T09:50:00+08:00'));
    const first = await h.post(`/api/v1/bookings/${booking.id}/no-show`, {}, 'store');
    expect(first.status).toBe(200);
    const again = await h.post(`/api/v1/bookings/${booking.id}/no-show`, {}, 'store');
    expect(again.body.duplicate).toBe(true);
    expect(await settled(`booking:no_show:${booking.id}`)).toMatchObject({ status: 'sent' });
    await new Promise((r) => setTimeout(r, 300));
    const sent = texts(m.openid);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('12月11日（周五） 09:00');
    expect(sent[0]).toMatch(/回复「预约」重新约时间。$/);
  });

  it("a member's own cancel or move in chat is not echoed back; a staff cancel needs a reason", async () => {
    h.setNow('2026-12-08T08:00:00+08:00');
    const m = await member(true);
    const booking = await book(m, slot('2026-12-12', '09:00'));
    const actor = { channel: 'member' as const, role: null, storeId: null };
    const moved = await h.runtime.services.bookings.move(booking.id, {
      requestId: 'chat-move',
      slotStart: new Date(slot('2026-12-12', '10:00')),
      actor,
    });
    expect(moved.ok).toBe(true);
    const noReason = await h.post(`/api/v1/bookings/${booking.id}/cancel`, {}, 'store');
    expect(noReason.status).toBe(400);
    const cancelled = await h.runtime.services.bookings.transition(booking.id, 'cancel', { actor });
    expect(cancelled.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(await keysOf(booking.id)).toEqual([]);
    expect(texts(m.openid)).toEqual([]);
  });

  it('a notice a crash lost after the cancel was recorded is sent by the recovery sweep, once', async () => {
    h.setNow('2026-12-08T08:00:00+08:00');
    const m = await member(true);
    const booking = await book(m, slot('2026-12-13', '09:00'));
    // The process died after the conditional update of the cancel and before its notice: the
    // record as `transition` writes it, without the listener.
    h.setNow('2026-12-08T09:00:00+08:00');
    await h.runtime.services.db.bookings.bookings.updateOne(
      { _id: booking.id },
      {
        $set: { status: 'cancelled', openDayKey: null, updatedAt: h.now() },
        $push: {
          history: {
            action: 'cancel',
            at: h.now(),
            by: { channel: 'staff', role: 'store', storeId: 'main' },
            requestId: null,
            reason: '门店装修',
            fromSlot: null,
          },
        },
      },
    );
    // Younger than a minute: maybe still being told by the live process.
    expect((await h.runtime.services.recovery.sweep()).bookingNotices).toBe(0);
    h.setNow('2026-12-08T09:02:00+08:00');
    expect((await h.runtime.services.recovery.sweep()).bookingNotices).toBe(1);
    expect(await h.runtime.services.recovery.sweep()).toMatchObject({ bookingNotices: 0 });
    expect(await settled(`booking:cancel:${booking.id}`)).toMatchObject({ status: 'sent' });
    await new Promise((r) => setTimeout(r, 300));
    const sent = texts(m.openid);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('原因：门店装修。');
    // An hour later the sweep no longer looks at it.
    h.setNow('2026-12-08T10:30:00+08:00');
    expect((await h.runtime.services.recovery.sweep()).bookingNotices).toBe(0);
  });
});
