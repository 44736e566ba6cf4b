import { describe, expect, it } from 'vitest';
import { inviterLabel } from '../../../src/rules/inviter-label';

/** How a friend's welcome names the inviter: never the full name or mobile. */
describe('inviterLabel', () => {
  it.each([
    ['a salutation as typed', '王先生', '王先生'],
    ['a two-character surname salutation', '欧阳小姐', '欧阳小姐'],
    ['张老师', ' 张老师 ', '张老师'],
    ['a full name keeps the surname only', '王小明', '王**'],
    ['a two-character name', '李娜', '李*'],
    ['a compound surname', '欧阳娜娜', '欧阳**'],
    ['a three-character name starting like a compound surname', '司马光', '司马*'],
  ])('%s', (_case, name, label) => {
    expect(inviterLabel({ name, mobile: '13812345678' })).toBe(label);
  });

  it.each([
    ['a nickname', '小王子Tony'],
    ['Latin letters', 'Tony'],
    ['a generated name with digits', '会员12'],
    ['a name too long to be a Chinese name', '王小明大明'],
    ['no name', null],
  ])('falls back to the masked mobile for %s', (_case, name) => {
    expect(inviterLabel({ name, mobile: '13812345678' })).toBe('138****5678');
  });

  it('is null with neither a usable name nor a mobile (an erased member keeps neither)', () => {
    expect(inviterLabel({ name: 'Tony', mobile: null })).toBeNull();
    expect(inviterLabel({ name: null, mobile: '12345' })).toBeNull();
  });
});
