import { describe, expect, it } from 'vitest';
import type { BindingRecord } from '../../../src/data/models/member-model';
import {
  bindingChange,
  movedAwayAt,
  needsRebindAlert,
  recentRebinds,
} from '../../../src/rules/member-binding';

const at = (iso: string) => new Date(iso);
const bind = (id: string, when: string, from: string | null, to: string): BindingRecord =>
  bindingChange(from, to, { id, at: at(when), channel: 'chat' })!;

describe('member binding decisions', () => {
  it('a take-over from another account is a rebind, a bind without one a relink, the same account nothing', () => {
    expect(bind('1', '2026-11-25T02:00:00Z', 'hashA', 'hashB')).toMatchObject({
      action: 'bind',
      reason: 'rebind',
      oldOpenidHash: 'hashA',
      newOpenidHash: 'hashB',
    });
    expect(bind('2', '2026-11-25T02:00:00Z', null, 'hashB').reason).toBe('relink');
    expect(bindingChange('hashB', 'hashB', { id: '3', at: new Date(), channel: 'chat' })).toBeNull();
  });

  it('alerts on the second take-over within 30 days, not on one exactly 30 days older', () => {
    const first = bind('1', '2026-10-26T02:00:00Z', 'a', 'b');
    const second = bind('2', '2026-11-25T02:00:00Z', 'b', 'c');
    const relink = bind('3', '2026-11-20T02:00:00Z', null, 'b');
    expect(needsRebindAlert([first, second], at('2026-11-25T02:00:00Z'))).toBe(false);
    expect(needsRebindAlert([first, second], at('2026-11-25T01:59:59Z'))).toBe(false);
    const third = bind('4', '2026-11-25T01:00:00Z', 'c', 'd');
    expect(
      recentRebinds([first, relink, third, second], at('2026-11-25T02:00:00Z')).map((b) => b.id),
    ).toEqual(['4', '2']);
    expect(needsRebindAlert([first, relink, third, second], at('2026-11-25T02:00:00Z'))).toBe(true);
    // Relinks (after an unfollow) are not take-overs.
    expect(needsRebindAlert([relink, second], at('2026-11-25T02:00:00Z'))).toBe(false);
  });

  it('an account moved away from knows when, until it is bound to the membership again', () => {
    const away = bind('1', '2026-11-01T02:00:00Z', 'a', 'b');
    expect(movedAwayAt([away], 'a')).toEqual(at('2026-11-01T02:00:00Z'));
    expect(movedAwayAt([away], 'b')).toBeNull();
    const back = bind('2', '2026-11-02T02:00:00Z', 'b', 'a');
    expect(movedAwayAt([away, back], 'a')).toBeNull();
    expect(movedAwayAt([away, back], 'b')).toEqual(at('2026-11-02T02:00:00Z'));
    const again = bind('3', '2026-11-03T02:00:00Z', 'a', 'c');
    expect(movedAwayAt([away, back, again], 'a')).toEqual(at('2026-11-03T02:00:00Z'));
  });
});
