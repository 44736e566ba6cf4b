/**
 * How a friend's welcome names the member who invited them (PIPL: never a full name or mobile).
 * - A salutation the referrer gave as their name (王先生, 李女士, 欧阳小姐, 张老师, 刘总) is shown
 *   as typed: it is how they asked to be called and holds nothing beyond the surname.
 * - A Chinese name (2–4 characters) keeps only the surname, the rest masked: 王小明 → 王**,
 *   欧阳娜娜 → 欧阳**. The program records no gender, so 先生/女士 is never guessed.
 * - Anything else (a nickname, Latin letters, no name) falls back to the masked mobile
 *   138****5678, and with neither to null (the copy then says 朋友).
 */
const SALUTATION = /^\p{Script=Han}{1,2}(先生|女士|小姐|老师|总)$/u;
const CHINESE_NAME = /^\p{Script=Han}{2,4}$/u;
const MOBILE = /^(1[3-9]\d)\d{4}(\d{4})$/;
// Common two-character surnames, so 欧阳娜娜 keeps 欧阳 rather than 欧.
const COMPOUND_SURNAMES = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '令狐',
  '长孙',
  '宇文',
  '夏侯',
  '轩辕',
  '端木',
  '司徒',
  '澹台',
  '南宫',
]);

export function inviterLabel(referrer: { name: string | null; mobile: string | null }): string | null {
  const name = referrer.name?.trim() ?? '';
  if (SALUTATION.test(name)) return name;
  if (CHINESE_NAME.test(name)) {
    const chars = [...name];
    const compound = chars.length >= 3 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join(''));
    const surname = compound ? chars.slice(0, 2).join('') : chars[0]!;
    return `${surname}${'*'.repeat(chars.length - [...surname].length)}`;
  }
  const mobile = referrer.mobile?.trim() ?? '';
  const match = MOBILE.exec(mobile);
  return match ? `${match[1]}****${match[2]}` : null;
}
