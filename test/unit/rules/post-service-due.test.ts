import { describe, expect, it } from 'vitest';
import { defaultProgram } from '../../../src/config/default-program';
import { decidePostServiceFollowUp } from '../../../src/rules/post-service-due';

const at = (iso: string) => new Date(iso);

describe('decidePostServiceFollowUp', () => {
  it('maintenance: 3 local days later at 09:00 Shanghai, even for a service just before midnight', () => {
    const late = decidePostServiceFollowUp(
      { category: 'maintenance', occurredAt: at('2026-11-18T23:50:00+08:00') },
      at('2026-11-18T23:55:00+08:00'),
      defaultProgram,
    );
    expect(late).toEqual({
      schedule: true,
      dueAt: at('2026-11-21T09:00:00+08:00'),
      delayMs: at('2026-11-21T09:00:00+08:00').getTime() - at('2026-11-18T23:55:00+08:00').getTime(),
    });
    // 17:00 UTC on the 18th is already the 19th in Shanghai.
    const utc = decidePostServiceFollowUp(
      { category: 'repair', occurredAt: at('2026-11-18T17:00:00Z') },
      at('2026-11-18T17:05:00Z'),
      defaultProgram,
    );
    expect(utc.schedule && utc.dueAt).toEqual(at('2026-11-22T09:00:00+08:00'));
  });

  it('no follow-up for parts, when disabled, or for a transaction reported weeks late', () => {
    const now = at('2026-11-18T10:00:00+08:00');
    expect(decidePostServiceFollowUp({ category: 'parts', occurredAt: now }, now, defaultProgram)).toEqual({
      schedule: false,
      reason: 'category',
    });
    const disabled = {
      ...defaultProgram,
      care: { ...defaultProgram.care, postService: { ...defaultProgram.care.postService, enabled: false } },
    };
    expect(decidePostServiceFollowUp({ category: 'maintenance', occurredAt: now }, now, disabled)).toEqual({
      schedule: false,
      reason: 'disabled',
    });
    expect(
      decidePostServiceFollowUp(
        { category: 'maintenance', occurredAt: at('2026-10-01T10:00:00+08:00') },
        now,
        defaultProgram,
      ),
    ).toEqual({ schedule: false, reason: 'stale' });
    // Reported a day late: asked at once (delay 0), not skipped.
    const late = decidePostServiceFollowUp(
      { category: 'maintenance', occurredAt: at('2026-11-14T10:00:00+08:00') },
      now,
      defaultProgram,
    );
    expect(late).toMatchObject({ schedule: true, delayMs: 0 });
  });
});
