import { XMLParser, XMLValidator } from 'fast-xml-parser';

// Every value stays a string: MsgId exceeds 2^53 (`Number('24086087575195331')` loses the last
// digit) and a leading zero or `+` in any other field must survive as sent. CDATA is merged into
// the text and never trimmed; tag names keep their case (`MsgId` vs `MsgID`).
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: false,
});

export type XmlFieldsResult =
  | { ok: true; fields: Record<string, unknown> }
  | { ok: false; reason: 'not_xml' | 'unexpected_root'; detail: string };

/**
 * The children of WeChat's `<xml>` root as a record: text values as strings, repeated tags as
 * arrays, nested elements as objects (the callers' schemas decide what is acceptable).
 */
export function readXmlFields(text: string): XmlFieldsResult {
  // WeChat never sends a DTD; refusing one closes entity-expansion attacks before parsing.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return { ok: false, reason: 'not_xml', detail: 'DTD not allowed' };
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { ok: false, reason: 'not_xml', detail: valid.err.msg };
  const doc: unknown = parser.parse(text);
  if (typeof doc !== 'object' || doc === null) return { ok: false, reason: 'not_xml', detail: 'empty' };
  const roots = Object.keys(doc);
  const root = (doc as Record<string, unknown>).xml;
  if (roots.length !== 1 || typeof root !== 'object' || root === null || Array.isArray(root)) {
    return { ok: false, reason: 'unexpected_root', detail: `roots: ${roots.join(',') || 'none'}` };
  }
  return { ok: true, fields: root as Record<string, unknown> };
}
