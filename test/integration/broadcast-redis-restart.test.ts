import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BroadcastRig, startBroadcastRig } from '../helpers/broadcast-rig';
import { waitFor } from '../helpers/wait-for';

/**
 * QUALITY.md: Redis restarted in the middle of a broadcast (AOF): the broadcast completes and
 * nobody gets the campaign twice, counted at the fake WeChat API. A worker process (`--role
 * worker`) and the web runtime ride out the outage on their own (reconnects, BullMQ's stalled-job
 * check, the delivery records' claims); redis-server is SIGKILLed and started again on the same
 * port from its AOF by the embedded supervisor.
 */
const MEMBERS = 10_000;
let rig: BroadcastRig;

beforeAll(async () => {
  rig = await startBroadcastRig({ members: MEMBERS });
}, 60_000);

afterAll(async () => {
  await rig?.stop();
}, 30_000);

describe('Redis restarted mid-broadcast', () => {
  it('completes the broadcast with every member messaged exactly once', async () => {
    await rig.startWorker();
    const id = await rig.broadcast();
    await waitFor(() => rig.received().size >= MEMBERS / 5, 60_000, 'a fifth of the sends', 20);
    await rig.killRedis();
    const atRestart = rig.received().size;
    expect(atRestart).toBeLessThan(MEMBERS);

    const counts = await rig.settled(id, 120_000);
    expect(counts).toEqual({ sent: MEMBERS });
    const received = rig.received();
    expect([...received].filter(([, n]) => n > 1)).toEqual([]);
    expect(rig.audience.filter((m) => received.get(m.openid) !== 1)).toEqual([]);
    console.info(`broadcast-redis-restart: redis killed after ${atRestart} sends; all ${MEMBERS} sent once`);
  }, 150_000);
});
