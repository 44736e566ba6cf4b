import { describe, expect, it } from 'vitest';
import { welcomeGrant } from '../../../src/rules/welcome-grant';
import { program, programWith, shanghai } from './builders';

describe('welcome grant (RULES.md §5)', () => {
  it('1,000 points expiring like any lot, and a free basic maintenance voucher valid 30 days', () => {
    expect(welcomeGrant('m-1', shanghai('2026-03-14T10:00'), program)).toEqual({
      points: { amount: 1_000, expiresAt: new Date('2029-03-31T23:59:59.999+08:00'), key: 'welcome:m-1' },
      voucher: {
        name: '免费基础保养券',
        expiresAt: new Date('2026-04-13T23:59:59.999+08:00'),
        key: 'welcome-voucher:m-1',
      },
    });
  });

  it('gives nothing the program switches off', () => {
    const none = programWith({ welcome: { points: 0, voucher: null } });
    expect(welcomeGrant('m-1', shanghai('2026-03-14T10:00'), none)).toEqual({ points: null, voucher: null });
  });
});
