/**
 * An amount in yuan as a person types it at the counter, as integer fen — exactly, from the
 * digits, never through a float. Accepted: `680`, `680.5`, `1,234.56` (thousands separators in
 * groups of three), full-width digits, commas and points (`１，２３４．５６`), a leading `¥`/`￥`
 * and a trailing `元`, spaces around. Anything else (three decimals, a minus, letters, `12,34`) is
 * not an amount: null.
 */
export function parseYuanToFen(text: string): number | null {
  const plain = halfWidth(text).trim();
  const match = /^(?:¥\s*)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?:\s*元)?$/.exec(plain);
  if (!match) return null;
  const whole = match[1]!.replaceAll(',', '').replace(/^0+(?=\d)/, '');
  // At most ¥999,999,999.99: well inside the integers a number holds exactly.
  if (whole.length > 9) return null;
  return Number(whole) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Full-width digits and ，．￥ (a Chinese input method's) as their ASCII forms; 　 as a space. */
function halfWidth(text: string): string {
  return text.replace(/[０-９，．￥\u3000]/g, (c) => {
    if (c === '，') return ',';
    if (c === '．') return '.';
    if (c === '￥') return '¥';
    if (c === '\u3000') return ' ';
    return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
  });
}
