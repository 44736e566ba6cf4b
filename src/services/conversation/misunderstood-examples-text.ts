import type { MisunderstoodMessage } from './misunderstood-messages';

/**
 * Misunderstood messages as a text file in the intent examples' format (one message a line, `#`
 * for comments), grouped under the closest intent's file name, so staff can cut each line into
 * `src/conversation/intents/examples/<intent>.txt` (or `none.txt`). Repeats are listed once; a
 * line break inside a message becomes a space, and a leading `#` is dropped (it would be a comment).
 */
export function misunderstoodExamplesText(
  messages: readonly MisunderstoodMessage[],
  heading: string,
): string {
  const groups = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const message of messages) {
    const line = message.text
      .replace(/\s+/g, ' ')
      .replace(/^#+\s*/, '')
      .trim();
    if (!line || seen.has(line)) continue;
    seen.add(line);
    const intent = message.closest[0]?.intent ?? 'none';
    groups.set(intent, [...(groups.get(intent) ?? []), line]);
  }
  const out = [
    `# ${heading}`,
    '# 每行一条会员原话（已遮盖个人信息）。按真实意思剪切到 src/conversation/intents/examples/<意图>.txt，',
    '# 没有意义或不该办理的放进 none.txt；下面按模型认为最接近的意图分组，仅供参考。',
  ];
  for (const intent of [...groups.keys()].sort()) {
    out.push('', `# 最接近：${intent}.txt`, ...groups.get(intent)!);
  }
  return `${out.join('\n')}\n`;
}
