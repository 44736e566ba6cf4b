import { maskMobile } from './mask';

// Province abbreviations that start a mainland plate (粤B·D12345), so 「我A12345」 is left alone.
const PLATE =
  /([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼])([A-HJ-NP-Za-hj-np-z])[\s·•.-]?[A-Za-z0-9]{5,6}(?![A-Za-z0-9])/gu;
// ID-card numbers (17 digits and a digit or X), bank cards, order numbers, dates written as digits:
// any run of six or more digits. A masked mobile (138****5678) no longer has such a run.
const LONG_DIGITS = /\d{6,}[Xx]?/g;
const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;
// A name the member gives (我叫王小明, 名字是李四, 我姓张): the surname stays, the rest is starred.
const NAME = /(我叫|叫我|名字[是叫]|姓名[是:：]?\s*|我姓)(\p{Script=Han})(\p{Script=Han}{0,3})/gu;

/**
 * A member's chat message as staff may see it for review (PIPL): mobiles as `138****5678`,
 * plates as `粤B·*****`, six or more digits in a row (ID numbers, cards, orders) and e-mail
 * addresses starred, a name the member states reduced to its surname (`我叫王**`). The words
 * around them stay, so the message can still be labelled as an example.
 */
export function maskChatText(text: string): string {
  return maskMobile(text)
    .replace(EMAIL, '***@***')
    .replace(PLATE, (_plate, province: string, letter: string) => `${province}${letter.toUpperCase()}·*****`)
    .replace(LONG_DIGITS, (digits) => '*'.repeat(digits.length))
    .replace(
      NAME,
      (_all, lead: string, surname: string, rest: string) => `${lead}${surname}${'*'.repeat(rest.length)}`,
    );
}
