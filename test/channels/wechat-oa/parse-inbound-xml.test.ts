import { describe, expect, it } from 'vitest';
import { parseInboundXml } from '../../../src/channels/wechat-oa/parse-inbound-xml';

// Examples A–C are WECHAT.md §2's, verbatim; the rest follow its field table.
const A = `<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName>
<FromUserName><![CDATA[oMEMBER_openid_001]]></FromUserName>
<CreateTime>1767225600</CreateTime><MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[查积分]]></Content><MsgId>24086087575195331</MsgId></xml>`;
const B = `<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName>
<FromUserName><![CDATA[oFRIEND_openid_777]]></FromUserName>
<CreateTime>1767225700</CreateTime><MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_ref_K7MX9Q]]></EventKey>
<Ticket><![CDATA[gQH47joAAAAAAAAAASxodHRw...]]></Ticket></xml>`;
const C = `<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName>
<FromUserName><![CDATA[oFOLLOWER_openid_555]]></FromUserName>
<CreateTime>1767225800</CreateTime><MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[ref_K7MX9Q]]></EventKey>
<Ticket><![CDATA[gQH47joAAAAAAAAAASxodHRw...]]></Ticket></xml>`;

const head = (from: string, type: string) =>
  `<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1767225900</CreateTime><MsgType><![CDATA[${type}]]></MsgType>`;
const evt = (name: string, rest = '') =>
  `${head('oU1', 'event')}<Event><![CDATA[${name}]]></Event>${rest}</xml>`;
const common = { ToUserName: 'gh_0a1b2c3d4e5f', FromUserName: 'oU1', CreateTime: '1767225900' };

describe('parseInboundXml: accepted shapes', () => {
  it.each([
    [
      'A: text, MsgId above 2^53 kept exact',
      A,
      {
        kind: 'text',
        ToUserName: 'gh_0a1b2c3d4e5f',
        FromUserName: 'oMEMBER_openid_001',
        CreateTime: '1767225600',
        MsgType: 'text',
        Content: '查积分',
        MsgId: '24086087575195331',
      },
    ],
    [
      'B: subscribe through a parametric QR',
      B,
      {
        kind: 'event.subscribe',
        ToUserName: 'gh_0a1b2c3d4e5f',
        FromUserName: 'oFRIEND_openid_777',
        CreateTime: '1767225700',
        MsgType: 'event',
        Event: 'subscribe',
        EventKey: 'qrscene_ref_K7MX9Q',
        Ticket: 'gQH47joAAAAAAAAAASxodHRw...',
      },
    ],
    [
      'C: SCAN by an existing follower',
      C,
      {
        kind: 'event.SCAN',
        ToUserName: 'gh_0a1b2c3d4e5f',
        FromUserName: 'oFOLLOWER_openid_555',
        CreateTime: '1767225800',
        MsgType: 'event',
        Event: 'SCAN',
        EventKey: 'ref_K7MX9Q',
        Ticket: 'gQH47joAAAAAAAAAASxodHRw...',
      },
    ],
    [
      'text with leading zeros, spaces and a newline in CDATA kept as sent',
      `${head('oU1', 'text')}<Content><![CDATA[ 0123 \n 查 ]]></Content><MsgId>00000000000000000001</MsgId></xml>`,
      { kind: 'text', ...common, MsgType: 'text', Content: ' 0123 \n 查 ', MsgId: '00000000000000000001' },
    ],
    [
      'voice with recognition',
      `${head('oU1', 'voice')}<MediaId><![CDATA[m]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[我有多少分]]></Recognition><MsgId>1</MsgId></xml>`,
      {
        kind: 'voice',
        ...common,
        MsgType: 'voice',
        MediaId: 'm',
        Format: 'amr',
        Recognition: '我有多少分',
        MsgId: '1',
      },
    ],
    [
      'location message: coordinates, scale and label dropped by the schema',
      `${head('oU1', 'location')}<Location_X>31.230416</Location_X><Location_Y>121.473701</Location_Y><Scale>15</Scale><Label><![CDATA[人民大道200号]]></Label><MsgId>7</MsgId></xml>`,
      { kind: 'location', ...common, MsgType: 'location', MsgId: '7' },
    ],
    [
      'LOCATION event: latitude and longitude dropped by the schema',
      evt(
        'LOCATION',
        '<Latitude>31.230416</Latitude><Longitude>121.473701</Longitude><Precision>65.0</Precision>',
      ),
      { kind: 'event.LOCATION', ...common, MsgType: 'event', Event: 'LOCATION' },
    ],
    [
      'TEMPLATESENDJOBFINISH reads MsgID (capital D)',
      evt(
        'TEMPLATESENDJOBFINISH',
        '<MsgID>9007199254740993</MsgID><Status><![CDATA[failed: system failed]]></Status>',
      ),
      {
        kind: 'event.TEMPLATESENDJOBFINISH',
        ...common,
        MsgType: 'event',
        Event: 'TEMPLATESENDJOBFINISH',
        MsgID: '9007199254740993',
        Status: 'failed: system failed',
      },
    ],
    [
      'subscribe with an empty EventKey (ordinary follow)',
      evt('subscribe', '<EventKey><![CDATA[]]></EventKey>'),
      { kind: 'event.subscribe', ...common, MsgType: 'event', Event: 'subscribe', EventKey: '' },
    ],
    [
      'unknown MsgType: unsupported, common fields still checked',
      `${head('oU1', 'video')}<MediaId><![CDATA[m]]></MediaId><MsgId>2</MsgId></xml>`,
      { kind: 'unsupported', ...common, MsgType: 'video' },
    ],
    [
      'unknown event: unsupported',
      evt(
        'scancode_push',
        '<EventKey><![CDATA[k]]></EventKey><ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo>',
      ),
      { kind: 'unsupported', ...common, MsgType: 'event', Event: 'scancode_push' },
    ],
  ])('%s', (_name, xml, expected) => {
    expect(parseInboundXml(xml)).toEqual({ ok: true, inbound: expected });
  });

  it('keeps unknown extra fields out without failing (WeChat adds fields over time)', () => {
    const xml = A.replace(
      '</xml>',
      '<MsgDataId>123</MsgDataId><Idx>1</Idx><SomethingNew>x</SomethingNew></xml>',
    );
    const parsed = parseInboundXml(xml);
    expect(parsed.ok && parsed.inbound.kind).toBe('text');
    expect(JSON.stringify(parsed)).not.toContain('SomethingNew');
  });
});

describe('parseInboundXml: rejected input', () => {
  it.each([
    ['not XML', 'hello', 'not_xml'],
    ['mismatched tags', '<xml><a>1</b></xml>', 'not_xml'],
    ['a DTD (entity expansion)', `<!DOCTYPE xml [<!ENTITY x "y">]>${A}`, 'not_xml'],
    ['another root', A.replaceAll('xml>', 'msg>'), 'unexpected_root'],
    ['two roots', `${A}<other/>`, 'unexpected_root'],
    ['two xml roots', `${A}<xml></xml>`, 'not_xml'],
    ['no MsgType', '<xml><ToUserName>gh_1</ToUserName></xml>', 'invalid_fields'],
    ['text without MsgId', A.replace('<MsgId>24086087575195331</MsgId>', ''), 'invalid_fields'],
    ['MsgId not digits', A.replace('24086087575195331', '2.4e16'), 'invalid_fields'],
    ['CreateTime not digits', A.replace('1767225600', '-1'), 'invalid_fields'],
    ['openid with odd characters', A.replace('oMEMBER_openid_001', 'o:evil*'), 'invalid_fields'],
    ['Content repeated', A.replace('<Content>', '<Content>x</Content><Content>'), 'invalid_fields'],
    [
      'TEMPLATESENDJOBFINISH with MsgId (lower-case d)',
      evt('TEMPLATESENDJOBFINISH', '<MsgId>1</MsgId><Status>success</Status>'),
      'invalid_fields',
    ],
    ['SCAN without EventKey', evt('SCAN'), 'invalid_fields'],
    ['unknown type with a bad openid', `${head('o u', 'video')}</xml>`, 'invalid_fields'],
  ])('%s', (_name, xml, reason) => {
    expect(parseInboundXml(xml)).toMatchObject({ ok: false, reason });
  });
});
