import { normalizeMessage } from './intents/model/normalize-message';

/**
 * Words that only say "I want to complain" (我要投诉, 差评, 找你们领导), removed before deciding
 * whether a message already tells what happened. Longest first.
 */
const ASKING = [
  '我要投诉',
  '我想投诉',
  '要投诉',
  '想投诉',
  '投诉一下',
  '我要举报',
  '举报',
  '投诉',
  '给差评',
  '差评',
  '找你们领导',
  '找领导',
  '你们店',
  '你们',
  '我要',
  '我想',
  '一下',
  '可以',
  '怎么',
  '吗',
  '了',
  '的',
];
const ASKING_PATTERN = new RegExp(ASKING.join('|'), 'gu');
/** Characters of substance left that make a message a complaint in itself. */
const ENOUGH = 4;

/**
 * The complaint itself when the message that opened 投诉 already says what happened (pure):
 * 「你们店服务太差了，等了三个小时」 is recorded as written; 「我要投诉」 or 「差评」 is not (null),
 * so the flow asks 「请说说发生了什么」.
 */
export function complaintDetail(text: string): string | null {
  const trimmed = text.trim();
  const substance = normalizeMessage(trimmed).replace(ASKING_PATTERN, '');
  return [...substance].length >= ENOUGH ? trimmed : null;
}
