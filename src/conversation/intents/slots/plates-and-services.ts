import { normalizePlate } from '../../../rules/normalize-plate';
import type { ServiceKind } from './slot-types';

export interface PlateMatch {
  plate: string;
  index: number;
  length: number;
}

const PROVINCE = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const CANDIDATE = new RegExp(`[${PROVINCE}][\\sa-z0-9·•・.\\-_]{5,14}[挂学警港澳]?`, 'gi');
const SEPARATOR = /[\s·•・.\-_]/;

/**
 * Plates (沪A·12345, 沪a12345, 沪A 12345, 粤BD12345), canonical by the plate rule itself
 * (`normalizePlate`): the longest reading (8, then 7 characters) that is a plate, where the 8th
 * character is not after a space (「沪A12345 3万公里」 stays 沪A12345) and no letter or digit
 * follows right after it.
 */
export function findPlates(text: string): PlateMatch[] {
  const found: PlateMatch[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const raw = match[0];
    // The raw end of each compact length, and whether a space came just before that character.
    const ends: { end: number; afterSpace: boolean }[] = [];
    let sawSpace = false;
    for (let i = 0; i < raw.length; i++) {
      if (SEPARATOR.test(raw[i]!)) {
        sawSpace ||= /\s/.test(raw[i]!);
        continue;
      }
      ends.push({ end: i + 1, afterSpace: sawSpace });
      sawSpace = false;
    }
    for (const length of [8, 7]) {
      const at = ends[length - 1];
      if (!at || (length === 8 && at.afterSpace)) continue;
      // 「沪A123456789」: a plate is not the start of a longer run of letters and digits.
      if (/[a-z0-9]/i.test(raw[at.end] ?? '')) continue;
      const plate = normalizePlate(raw.slice(0, at.end));
      if (plate) {
        found.push({ plate, index: match.index, length: at.end });
        break;
      }
    }
  }
  return found;
}

/** Service words → the program's service ids; the first word named wins. */
const SERVICE_WORDS: readonly (readonly [ServiceKind, RegExp])[] = [
  ['body-paint', /钣喷|钣金|板金|喷漆|补漆|喷涂|烤漆/],
  ['inspection', /年检|年审|验车/],
  ['insurance', /续保|保险|车险|交强险|商业险/],
  ['maintenance', /保养|首保|机油|机滤|换油/],
  ['repair', /维修|修车|修理|修了|大修|小修/],
];

export function findService(text: string): { service: ServiceKind; index: number } | null {
  let best: { service: ServiceKind; index: number } | null = null;
  for (const [service, pattern] of SERVICE_WORDS) {
    const match = pattern.exec(text);
    if (match && (!best || match.index < best.index)) best = { service, index: match.index };
  }
  return best;
}

/** Words for each service, to find it among a program's categories by name (保养 → 保养). */
const SERVICE_NAMES: Record<ServiceKind, RegExp> = {
  maintenance: /保养/,
  repair: /维修|修理/,
  'body-paint': /钣|喷/,
  insurance: /保险|续保/,
  inspection: /年检|年审/,
};

/**
 * The id among `options` (program categories or booking services) that a service word means: the
 * same id (`maintenance`; `body_paint` for `body-paint`), else the first whose name has the word.
 */
export function serviceIdIn(
  service: ServiceKind,
  options: readonly { id: string; name: string }[],
): string | null {
  const sameId = options.find((option) => option.id.replace(/_/g, '-') === service);
  if (sameId) return sameId.id;
  return options.find((option) => SERVICE_NAMES[service].test(option.name))?.id ?? null;
}
