import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookingRecord } from '../../src/data/models/booking-model';
import type { DeliveryRecord } from '../../src/data/models/delivery-model';
import { newVehicle } from '../../src/services/new-vehicle';
import { type SimulatorChat, startSimulatorChat } from '../helpers/simulator-chat';
import { waitFor } from '../helpers/wait-for';

/**
 * The dealership's loop in one member's story (issue 12, "done when"): a maintenance-due reminder
 * → 预约 in chat with a free maintenance chosen → the store's board shows the booking → staff check
 * the car in → the free maintenance is used once → 查积分 and 权益 show one fewer. Through the real
 * path: simulator puppet → Wechaty bot → conversation service; the care run and delivery through
 * BullMQ on the embedded Redis; the staff API over HTTP with the store's key; mongoose on the
 * embedded MongoDB-wire server. (The board's buttons drive the same API in Chromium:
 * test/e2e/console-bookings.e2e.test.ts.)
 */
const NOW = '2026-12-08T10:00:00+08:00'; // a Tuesday
let chat: SimulatorChat;
beforeAll(async () => {
  chat = await startSimulatorChat({ now: NOW });
});
afterAll(() => chat?.stop());

const services = () => chat.api.runtime.services;
const at = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`);

describe('from a maintenance reminder to a used free maintenance', () => {
  it('books in chat, is checked in on the board, uses one free maintenance once, and 查积分 shows it', async () => {
    const key = chat.newKey('loop');
    const plate = '沪F77001';
    const m = await chat.insertMember(key, {
      vehicles: [
        {
          ...newVehicle(plate, '途观L'),
          lastServiceAt: at('2026-06-15', '10:00'),
          maintenanceDueOn: '2026-12-15',
          maintenanceDueBy: 'date' as const,
        },
      ],
    });

    // Before: two free maintenances this membership year, none used (and the chat window is open).
    expect(await chat.say(key, '查积分')).toContain('本会员年可享免费基础保养 2 次，还未使用。');

    // The reminder goes out and says how to book.
    await services().care.runDaily(at('2026-12-08', '00:30'));
    const reminder = await waitFor(
      async () => {
        const record = await services()
          .db.delivery.deliveries.findOne({ _id: { $regex: `^care:maintenance_due:${m._id}:` } })
          .lean<DeliveryRecord>();
        return record && record.status !== 'queued' && record.status !== 'sending' ? record : undefined;
      },
      10_000,
      'maintenance reminder',
    );
    expect(reminder.status).toBe('sent');
    expect(reminder.text).toContain('回复「预约」');

    // 预约 starts with 保养 chosen: day, slot, mileage, free maintenance, confirm.
    expect(await chat.say(key, '预约')).toContain(`预约保养（${plate}，本店），请选择日期：`);
    expect(await chat.say(key, '2')).toContain('12月9日 周三可约的时间：\n1. 08:30');
    await chat.say(key, '1');
    expect(await chat.say(key, '跳过')).toBe(
      '您本会员年还有 2 次免费保养，这次要使用吗？回复「要」或「不要」。',
    );
    await chat.say(key, '要');
    const done = await chat.say(key, '确认');
    const [booking] = await services().db.bookings.bookings.find({ memberId: m._id }).lean<BookingRecord[]>();
    expect(booking).toMatchObject({
      status: 'booked',
      day: '2026-12-09',
      time: '08:30',
      useFreeMaintenance: true,
    });
    expect(done).toContain(`预约成功！预约号 ${booking!.number}`);
    expect(done).toContain('本次使用免费保养 1 次，到店时核销。');

    // The next morning the store's board lists it under 08:30.
    chat.api.setNow(at('2026-12-09', '08:25'));
    const board = await chat.api.get('/api/v1/bookings/board?storeId=main&date=2026-12-09', 'store');
    expect(board.status).toBe(200);
    const row = board.body.bookings.find((b: { id: string }) => b.id === booking!._id);
    expect(row).toMatchObject({ time: '08:30', plate, useFreeMaintenance: true, freeMaintenanceUse: null });

    // 到店: the check-in uses the free maintenance; a second tap is a duplicate and uses nothing more.
    const checkIn = await chat.api.post(
      `/api/v1/bookings/${booking!._id}/check-in`,
      { requestId: 'desk-1' },
      'store',
    );
    expect(checkIn.status).toBe(200);
    expect(checkIn.body.booking).toMatchObject({ status: 'checked_in', freeMaintenanceUse: 'used' });
    const again = await chat.api.post(
      `/api/v1/bookings/${booking!._id}/check-in`,
      { requestId: 'desk-2' },
      'store',
    );
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);

    const benefits = await chat.api.get(`/api/v1/members/${m._id}/benefits`, 'store');
    expect(benefits.status).toBe(200);
    const free = benefits.body.benefits.find(
      (b: { benefitId: string }) => b.benefitId === 'free_maintenance',
    );
    expect(free).toMatchObject({ allowance: 2, used: 1, left: 1 });
    expect(free.uses).toHaveLength(1);
    expect(free.uses[0]).toMatchObject({
      status: 'used',
      source: { kind: 'booking', bookingId: booking!._id, bookingNumber: booking!.number },
    });

    // The member sees one fewer, in 查积分 and in 权益.
    expect(await chat.say(key, '查积分')).toContain('本会员年免费基础保养已用 1 次，还剩 1 次。');
    expect(await chat.say(key, '权益')).toContain('本会员年免费基础保养已用 1 次，还剩 1 次。');
  });
});
