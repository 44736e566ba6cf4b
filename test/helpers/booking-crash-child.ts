/**
 * A process that dies mid-booking: it connects to the MongoDB at argv[2], starts the booking in
 * argv[3] (JSON) through the real BookingService, and SIGKILLs itself at the step named in argv[4]
 * (`afterIntent`, `afterSeat` or `afterNewSeat` for a move of the booking in argv[5]). Nothing
 * after that point runs: no catch, no finally, no flush. Used by test/integration/booking-kill.test.ts.
 */
import { defaultProgram } from '../../src/config/default-program';
import { createDatabase } from '../../src/data/database';
import { connectMongo } from '../../src/data/mongo-connection';
import { createLogger } from '../../src/lib/logger';
import { BookingService, type BookingFaults } from '../../src/services/bookings/booking-service';
import { fixedProgram } from '../../src/services/program-source';

const [uri, inputJson, point, moveTo] = process.argv.slice(2);
if (!uri || !inputJson || !point)
  throw new Error('usage: booking-crash-child <uri> <input json> <fault point> [move to]');
const input = JSON.parse(inputJson);
const mongo = await connectMongo(uri, 'chezhu');
const now = new Date(input.now);
const ctx = {
  db: createDatabase(mongo.connection),
  program: fixedProgram(defaultProgram),
  clock: () => now,
  logger: createLogger('silent'),
};
const die = () => {
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL is delivered at once; this never resolves, so nothing after the fault point runs.
  return new Promise<void>(() => {});
};
const faults: BookingFaults = { [point]: die };
const bookings = new BookingService(ctx, faults);
const actor = { channel: 'staff' as const, role: 'admin', storeId: null };
if (moveTo) {
  await bookings.move(input.bookingId, { requestId: input.requestId, slotStart: new Date(moveTo), actor });
} else {
  await bookings.create({ ...input, slotStart: new Date(input.slotStart), actor });
}
// Reaching here means the fault point was never hit: the test fails on this exit code.
process.exit(3);
