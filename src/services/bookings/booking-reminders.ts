import { bookingReminderRequest } from '../../bookings/booking-notices';
import { bookingReminderDue, reminderScanDay } from '../../bookings/booking-reminders';
import { openStatuses } from '../../bookings/booking-transitions';
import type { BookingRecord } from '../../data/models/booking-model';
import type { ServiceContext } from '../service-context';
import type { NoticeSink } from './booking-notices';

export interface ReminderRunCounts {
  /** Tomorrow's open bookings read. */
  read: number;
  /** Due now and handed to delivery (a repeat is a duplicate there and sends nothing). */
  due: number;
  invalid: number;
}

const BATCH = 500;

/**
 * The day-before reminders, run by the `booking-reminders` job scheduler (every 10 minutes): reads
 * tomorrow's open bookings (one indexed query on the day), lets the pure rule decide which are due at
 * `now`, and hands each to delivery under `booking:reminder:<id>:<slot>` — so every run after the
 * reminder time finds the same keys and sends nothing twice, and a moved booking gets a new key.
 */
export class BookingReminders {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly enqueue: NoticeSink,
  ) {}

  async run(now: Date): Promise<ReminderRunCounts> {
    const counts: ReminderRunCounts = { read: 0, due: 0, invalid: 0 };
    const program = this.ctx.program.current();
    const config = program.bookings;
    if (!config?.reminder.enabled) return counts;
    const cursor = this.ctx.db.bookings.bookings
      .find({ day: reminderScanDay(now, program.timezone), status: { $in: openStatuses } })
      .lean<BookingRecord[]>()
      .cursor({ batchSize: BATCH });
    for await (const booking of cursor) {
      counts.read++;
      if (!bookingReminderDue(booking, config, program.timezone, now)) continue;
      counts.due++;
      const request = bookingReminderRequest(booking, program);
      const outcome = await this.enqueue(request);
      if (!outcome.ok) {
        counts.invalid++;
        this.ctx.logger.error({ key: request.key, outcome }, 'booking reminder refused by delivery');
      }
    }
    return counts;
  }
}
