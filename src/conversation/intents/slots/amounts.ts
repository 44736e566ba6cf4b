import { NUMBER_SOURCE, parseNumber } from './numbers';

/** A number found in a message: its value and where it was. */
export interface NumberMatch {
  value: number;
  index: number;
  length: number;
}

const MAX_YUAN = 99_999_999;
const MAX_KM = 2_000_000;

const KM_UNIT = '(?:公里|千米|km|kms|kilometers?)';
const MONEY_UNIT = '(?:元|块|圆|rmb|yuan)';
const ABOUT = '(?:多|来|左右)?';
/** 「两千多」「一千来块」: not an amount to file (mileage may be rough: it is confirmed first). */
const APPROXIMATE = '(?:多|来|左右|几)';

/** Words after which a plain number is money (「消费了1200」「花了 一千二」「金额 1,280」). */
const MONEY_CONTEXT =
  /(?:消费|花了|花费|付了|付款|支付|刷了|交了|金额|一共|总共|共计|合计|价格|价钱|费用|多少钱|收了我|收了)/;
/** Words that make a plain number a mileage (「里程更新一下 三万二」「表显 32000」). */
const MILEAGE_CONTEXT = /(?:里程|公里数|表显|跑了|开了|行驶|行程|码表)/;

function numbersIn(text: string, pattern: RegExp, valueGroup = 1): NumberMatch[] {
  const found: NumberMatch[] = [];
  for (const match of text.matchAll(pattern)) {
    const value = parseNumber(match[valueGroup]!);
    if (value !== null) found.push({ value, index: match.index, length: match[0].length });
  }
  return found;
}

/** Yuan → fen, when it is a positive amount with at most two decimals (1,234.5 → 123450). */
function toFen(yuan: number): number | null {
  const fen = Math.round(yuan * 100);
  if (fen <= 0 || yuan > MAX_YUAN || Math.abs(fen - yuan * 100) > 1e-6) return null;
  return fen;
}

/**
 * Money, exact only (「两千多」 is none): a currency sign or unit (¥1,234.5, 1234元, 两千五百块), or with `bare` a number
 * on its own (the answer to "how much?"); otherwise a number only after a money word (消费了1200,
 * 花了一千二, 3k). Values in fen.
 */
export function findMoney(text: string, options: { bare?: boolean } = {}): NumberMatch[] {
  const marked = [
    ...numbersIn(text, new RegExp(`[¥$]\\s*(${NUMBER_SOURCE})`, 'g')),
    ...numbersIn(text, new RegExp(`(${NUMBER_SOURCE})\\s*${MONEY_UNIT}`, 'g')),
  ];
  const plain = options.bare
    ? numbersIn(text, new RegExp(`^\\s*(${NUMBER_SOURCE})\\s*$`, 'g'))
    : MONEY_CONTEXT.test(text)
      ? numbersIn(
          text,
          new RegExp(
            `(?<=${MONEY_CONTEXT.source}[了是为:：\\s]{0,3})(${NUMBER_SOURCE})(?![\\d零〇一二两三四五六七八九十百千万]|[.,]\\d|\\s*${APPROXIMATE})`,
            'g',
          ),
        )
      : [];
  return [...marked, ...plain]
    .map((match) => ({ ...match, value: toFen(match.value) }))
    .filter((match): match is NumberMatch => match.value !== null)
    .sort((a, b) => a.index - b.index);
}

/**
 * Mileage in km: a number with a km unit (3万公里, 3万2公里, 32000km, 32,000 公里), or a number of
 * at least 10 in a mileage context (里程 三万二) or, with `bare`, alone. Whole km up to 2,000,000.
 */
export function findMileage(text: string, options: { bare?: boolean } = {}): NumberMatch[] {
  const withUnit = numbersIn(text, new RegExp(`(${NUMBER_SOURCE})\\s*${ABOUT}\\s*${KM_UNIT}`, 'g'));
  const plain =
    withUnit.length > 0
      ? []
      : options.bare
        ? numbersIn(text, new RegExp(`^\\s*(${NUMBER_SOURCE})\\s*$`, 'g'))
        : MILEAGE_CONTEXT.test(text)
          ? // Not a number that another unit claims (元, 号, 月, 年, 天, 次 …).
            numbersIn(
              text,
              new RegExp(`(${NUMBER_SOURCE})(?!\\s*(?:${MONEY_UNIT}|[号日月年天次个岁点下]|[\\d.]))`, 'g'),
            ).filter((match) => match.value >= 10)
          : [];
  return [...withUnit, ...plain]
    .map((match) => ({ ...match, value: Math.round(match.value) }))
    .filter((match) => match.value >= 0 && match.value <= MAX_KM)
    .sort((a, b) => a.index - b.index);
}
