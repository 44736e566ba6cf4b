import { normalizeText } from './normalize-text';

/** Words that work anywhere, whatever a flow is waiting for. */
export type GlobalCommand = 'cancel' | 'back' | 'continue';

const COMMANDS = new Map<string, GlobalCommand>(
  (
    [
      ['取消', 'cancel'],
      ['算了', 'cancel'],
      ['退出', 'cancel'],
      ['不要了', 'cancel'],
      ['不办了', 'cancel'],
      ['结束', 'cancel'],
      ['cancel', 'cancel'],
      ['q', 'cancel'],
      ['返回', 'back'],
      ['上一步', 'back'],
      ['back', 'back'],
      ['继续', 'continue'],
      ['接着', 'continue'],
    ] as const
  ).map(([word, command]) => [normalizeText(word), command]),
);

/** A whole message that is a global command, or null. */
export function matchCommand(text: string): GlobalCommand | null {
  return COMMANDS.get(normalizeText(text)) ?? null;
}

const LEADING_CANCEL = /^\s*(算了|不要了|不办了|取消)[\s\p{P}]*(.+)$/su;

/**
 * 「算了，查下积分」: a cancel word followed by something else is the member giving up the current
 * question for a new request; returns the request (`查下积分`), or null.
 */
export function requestAfterCancel(text: string): string | null {
  const match = LEADING_CANCEL.exec(text);
  const rest = match?.[2]?.trim();
  return rest && matchCommand(rest) === null ? rest : null;
}
