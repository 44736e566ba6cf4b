import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintenanceJobNames } from '../../src/queues/job-schemas';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { waitFor } from '../helpers/wait-for';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness({ now: '2026-11-20T10:00:00+08:00' });
});
afterAll(() => api?.stop());

describe('BullMQ queues and workers (role all)', () => {
  it('upserts the nightly run at the program hour in Asia/Shanghai, and the recovery sweep', async () => {
    const schedulers = await api.runtime.queues.maintenance.getJobSchedulers();
    expect(schedulers).toHaveLength(3);
    expect(schedulers.find((s) => s.key === 'booking-reminders')).toMatchObject({
      pattern: '*/10 * * * *',
      tz: 'Asia/Shanghai',
    });
    expect(schedulers.find((s) => s.key === 'nightly-run')).toMatchObject({
      pattern: '30 0 * * *',
      tz: 'Asia/Shanghai',
    });
    expect(schedulers.find((s) => s.key === 'recovery-sweep')).toMatchObject({ every: 300_000 });
  });

  it('runs the nightly job: pending points activate, and a second run finds nothing', async () => {
    const m = await api.insertMember();
    const earned = await api.post('/api/v1/transactions', {
      transactionId: `Q-CAR-${Date.now()}`,
      memberId: m._id,
      category: 'vehicle',
      amountFen: 1_000_000,
      occurredAt: '2026-11-20T09:00:00+08:00',
    });
    expect(earned.body.status).toBe('pending');
    const queue = api.runtime.queues.maintenance;
    const run = async () => {
      const job = await queue.add(maintenanceJobNames.nightlyRun, { at: '2026-12-05T00:30:00+08:00' });
      return waitFor(
        async () => {
          const state = await queue.getJobState(job.id!);
          return state === 'completed' ? (await queue.getJob(job.id!))?.returnvalue : undefined;
        },
        10_000,
        'the nightly job',
      );
    };
    expect(await run()).toMatchObject({ activated: 1, membersChanged: 1 });
    expect(await run()).toMatchObject({ activated: 0, membersChanged: 0 });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/jobs_total\{queue="maintenance",job="nightly-run",outcome="completed"\} 2/);
  });

  it('fails a job with a bad payload at once, without retries', async () => {
    const queue = api.runtime.queues.maintenance;
    const job = await queue.add(maintenanceJobNames.nightlyRun, { at: 'tomorrow' });
    await waitFor(async () => (await queue.getJobState(job.id!)) === 'failed', 10_000, 'the job to fail');
    const failed = await queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toContain('invalid nightly-run payload');
  });
});
