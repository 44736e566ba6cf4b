import { describe, expect, it } from 'vitest';
import { editDistance } from '../../../src/conversation/intents/edit-distance';
import { matchCommand } from '../../../src/conversation/intents/match-command';
import { matchClickKey, matchIntent } from '../../../src/conversation/intents/match-intent';

describe('matchIntent (loose: nothing in progress)', () => {
  it.each([
    ['查积分', 'balance'],
    ['我有多少分', 'balance'],
    ['我还有多少积分？', 'balance'],
    ['积分余额', 'balance'],
    ['jf', 'balance'],
    ['JF', 'balance'],
    ['积份', 'balance'],
    ['查 积分！', 'balance'],
    ['１', 'balance'],
    ['我的等级', 'balance'],
    ['明细', 'history'],
    ['积分明细', 'history'],
    ['mx', 'history'],
    ['明系', 'history'],
    ['为什么', 'why'],
    ['这笔积分怎么算的', 'why'],
    ['为啥这么少', 'why'],
    ['积分兑换', 'redeem'],
    ['能换什么礼品', 'redeem'],
    ['4', 'redeem'],
    ['推荐有礼', 'referral'],
    ['我要邀请好友', 'referral'],
    ['退订', 'unsubscribe'],
    ['TD', 'unsubscribe'],
    ['订阅', 'subscribe'],
    ['恢复订阅', 'subscribe'],
    ['注销', 'erase'],
    ['删除我的数据', 'erase'],
    ['入会', 'signup'],
    ['我想成为会员', 'signup'],
    ['积分没到账', 'missing_points'],
    ['上周保养的积分没到账', 'missing_points'],
    ['我的车', 'my_car'],
    ['转人工', 'human'],
    ['帮助', 'help'],
    ['菜单', 'help'],
    ['?', 'help'],
    ['你好', 'help'],
  ])('%s → %s', (text, intent) => {
    expect(matchIntent(text)).toBe(intent);
  });

  it.each(['', '   ', '今天天气不错', '13812345678', '沪A12345', '0', '10', '张三'])(
    'no intent in %j',
    (text) => {
      expect(matchIntent(text)).toBeNull();
    },
  );
});

describe('matchIntent (strict: a flow waits for an answer)', () => {
  it.each([
    ['查积分', 'balance'],
    ['jf', 'balance'],
    ['帮助', 'help'],
    ['明细', 'history'],
  ])('a whole keyword %s still interrupts → %s', (text, intent) => {
    expect(matchIntent(text, { mode: 'strict' })).toBe(intent);
  });

  it.each(['1', '2', '我有多少分', '积份', '王先生', '是'])('%j is an answer, not a command', (text) => {
    expect(matchIntent(text, { mode: 'strict' })).toBeNull();
  });
});

describe('matchCommand', () => {
  it.each([
    ['取消', 'cancel'],
    ['算了', 'cancel'],
    ['退出。', 'cancel'],
    ['返回', 'back'],
    ['上一步', 'back'],
    ['继续', 'continue'],
    ['取消订阅', null],
    ['查积分', null],
  ])('%s → %s', (text, command) => {
    expect(matchCommand(text)).toBe(command);
  });
});

describe('matchClickKey', () => {
  it.each([
    ['MENU_BALANCE', 'balance'],
    ['menu_redeem', 'redeem'],
    ['MY_CAR', 'my_car'],
    ['REFERRAL', 'referral'],
    ['SOMETHING_ELSE', null],
  ])('%s → %s', (key, intent) => {
    expect(matchClickKey(key)).toBe(intent);
  });
});

describe('editDistance', () => {
  it.each([
    ['积分', '积份', 1],
    ['积分', '积分', 0],
    ['查积分', '积分', 1],
    ['abc', 'xyz', 2],
  ])('%s ↔ %s = %i (limit 1 caps at 2)', (a, b, distance) => {
    expect(editDistance(a, b, 1)).toBe(distance);
  });
});
