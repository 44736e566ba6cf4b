/** The kinds of small talk that get their own answer (anything else gets the general one). */
export type SmalltalkTopic = 'greeting' | 'thanks' | 'present' | 'ok' | 'bye' | 'laugh' | 'like';

const WORDS: Readonly<Record<SmalltalkTopic, readonly string[]>> = {
  greeting: [
    '你好',
    '您好',
    '你好呀',
    '你好啊',
    '您好呀',
    'hi',
    'hello',
    '嗨',
    '哈喽',
    '早',
    '早上好',
    '中午好',
    '下午好',
    '晚上好',
  ],
  thanks: ['谢谢', '谢谢你', '谢谢您', '谢谢啦', '多谢', '感谢', '谢了', '3q', 'thx', 'thanks', 'thankyou'],
  present: ['在吗', '在么', '在嘛', '在不在', '有人吗', '有人在吗', '在不'],
  ok: [
    '好的',
    '好',
    '好滴',
    '好哒',
    'ok',
    'okay',
    '嗯',
    '嗯嗯',
    '知道了',
    '收到',
    '明白',
    '明白了',
    '行',
    '可以',
  ],
  bye: ['再见', '拜拜', '拜', 'bye', 'byebye', '88', '回头见'],
  laugh: ['哈哈', '呵呵', '嘿嘿', '嘻嘻', 'hh', 'hhh', '😂', '😄', '😁', '🤣'],
  like: ['👍', '👌', '🙏', '💪', '赞', '点赞', '棒', '真棒', '厉害', 'good', 'nice'],
};

const TOPIC_OF = new Map<string, SmalltalkTopic>();
for (const [topic, words] of Object.entries(WORDS) as [SmalltalkTopic, readonly string[]][]) {
  for (const word of words) TOPIC_OF.set(word, topic);
}

/**
 * What a whole message of small talk is (pure): 「谢谢！」 → thanks, 「在吗？」 → present,
 * 「哈哈哈」 → laugh, 「👍👍」 → like; null for anything else, including longer sentences.
 * Punctuation, spaces, repeats and the particles 呀/啊/哦/哈 at the end do not change the topic.
 */
export function smalltalkTopic(text: string): SmalltalkTopic | null {
  const plain = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}~～]+/gu, '')
    .replace(/\uFE0F/g, '');
  if (!plain) return null;
  const exact = TOPIC_OF.get(plain);
  if (exact) return exact;
  if (/^[哈呵嘿嘻]{2,}$/u.test(plain)) return 'laugh';
  if (/^(?:😂|😄|😁|🤣)+$/u.test(plain)) return 'laugh';
  if (/^(?:👍|👌|🙏|💪)+$/u.test(plain)) return 'like';
  const trimmed = plain.replace(/[呀啊哦哈呢]+$/u, '');
  if (trimmed !== plain && trimmed) return TOPIC_OF.get(trimmed) ?? null;
  // 谢谢谢谢, 好的好的, 拜拜拜拜: the same word twice.
  const half = plain.slice(0, plain.length / 2);
  if (plain.length % 2 === 0 && half + half === plain) return TOPIC_OF.get(half) ?? null;
  return null;
}
