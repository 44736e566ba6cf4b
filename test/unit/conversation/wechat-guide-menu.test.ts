import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchClickKey } from '../../../src/conversation/intents/match-intent';

/**
 * The guide to connecting a real official account lists menu CLICK keys and an example
 * `menu/create` body for operators to paste: every key there must start a flow, and the example
 * must fit WeChat's menu limits (3 buttons of ≤ 4 characters, ≤ 5 under each of ≤ 8).
 */
const doc = readFileSync(new URL('../../../docs/wechat.md', import.meta.url), 'utf8');
const guide = doc.slice(doc.indexOf('## Connecting a real official account'));

interface Button {
  type?: string;
  name: string;
  key?: string;
  sub_button?: Button[];
}

describe('docs/wechat.md: connecting a real official account', () => {
  it('has the guide', () => {
    expect(guide).toContain('https://<your host>/wechat');
    expect(guide).toContain('IP白名单');
  });

  it('lists only CLICK keys that start a flow', () => {
    const table = guide.slice(guide.indexOf('| key | starts |'), guide.indexOf('Any other key'));
    const keys = [...table.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]!);
    expect(keys.length).toBeGreaterThanOrEqual(20);
    for (const key of keys) expect(matchClickKey(key), key).not.toBeNull();
  });

  it('has an example menu whose keys all start the flow they are named for, within WeChat’s limits', () => {
    const block = /```json\n([\s\S]*?)\n\s*```/.exec(guide)?.[1];
    const menu = JSON.parse(block!) as { button: Button[] };
    expect(menu.button.length).toBeLessThanOrEqual(3);
    const intents: Record<string, string | null> = {};
    for (const top of menu.button) {
      expect([...top.name].length, top.name).toBeLessThanOrEqual(4);
      const leaves = top.sub_button ?? [top];
      expect(leaves.length).toBeLessThanOrEqual(5);
      for (const leaf of leaves) {
        if (top.sub_button) expect([...leaf.name].length, leaf.name).toBeLessThanOrEqual(8);
        expect(leaf.type).toBe('click');
        intents[leaf.name] = matchClickKey(leaf.key!);
      }
    }
    expect(intents).toEqual({
      查积分: 'balance',
      积分明细: 'history',
      积分兑换: 'redeem',
      推荐有礼: 'referral',
      积分没到账: 'missing_points',
      入会: 'signup',
      我的车: 'my_car',
      人工服务: 'human',
      退订活动消息: 'unsubscribe',
      帮助: 'help',
    });
  });
});
