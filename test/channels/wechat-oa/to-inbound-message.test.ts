import { describe, expect, it } from 'vitest';
import { inboundMessageSchema } from '../../../src/channels/inbound-message';
import { parseInboundXml } from '../../../src/channels/wechat-oa/parse-inbound-xml';
import { toInboundMessage } from '../../../src/channels/wechat-oa/to-inbound-message';

const head = (type: string, time = 1767225600) =>
  `<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName><FromUserName><![CDATA[oU1]]></FromUserName><CreateTime>${time}</CreateTime><MsgType><![CDATA[${type}]]></MsgType>`;
const evt = (name: string, rest = '') => `${head('event')}<Event><![CDATA[${name}]]></Event>${rest}</xml>`;
const msg = (type: string, rest: string) => `${head(type)}${rest}<MsgId>24086087575195331</MsgId></xml>`;

function translate(xml: string) {
  const parsed = parseInboundXml(xml);
  if (!parsed.ok) throw new Error(parsed.detail);
  return toInboundMessage(parsed.inbound);
}

describe('toInboundMessage', () => {
  it.each([
    ['text', msg('text', '<Content><![CDATA[查积分]]></Content>'), { type: 'text', text: '查积分' }],
    [
      'image',
      msg('image', '<PicUrl><![CDATA[http://mmbiz/p.jpg]]></PicUrl><MediaId><![CDATA[M1]]></MediaId>'),
      { type: 'image', mediaId: 'M1', imageUrl: 'http://mmbiz/p.jpg' },
    ],
    [
      'voice with recognition',
      msg(
        'voice',
        '<MediaId>M2</MediaId><Format>amr</Format><Recognition><![CDATA[积分余额]]></Recognition>',
      ),
      { type: 'voice', mediaId: 'M2', format: 'amr', recognition: '积分余额' },
    ],
    [
      'voice without recognition',
      msg('voice', '<MediaId>M2</MediaId><Format>speex</Format><Recognition><![CDATA[]]></Recognition>'),
      { type: 'voice', mediaId: 'M2', format: 'speex', recognition: null },
    ],
    [
      'link',
      msg('link', '<Title>4S 店活动</Title><Description>d</Description><Url>https://example.com/a</Url>'),
      { type: 'link', title: '4S 店活动', url: 'https://example.com/a' },
    ],
    [
      'location message → only "location received"',
      msg(
        'location',
        '<Location_X>31.2</Location_X><Location_Y>121.4</Location_Y><Scale>15</Scale><Label>x</Label>',
      ),
      { type: 'location_received', origin: 'shared' },
    ],
  ])('message: %s', (_name, xml, content) => {
    expect(translate(xml)).toEqual({
      handled: true,
      message: {
        id: 'msg:24086087575195331',
        channel: 'wechat',
        accountId: 'gh_0a1b2c3d4e5f',
        userId: 'oU1',
        channelMessageId: '24086087575195331',
        sentAt: '2026-01-01T00:00:00.000Z',
        content,
      },
    });
  });

  it.each([
    [
      'subscribe via referral QR',
      evt('subscribe', '<EventKey>qrscene_ref_K7MX9Q</EventKey><Ticket>t</Ticket>'),
      { type: 'follow', scene: 'ref_K7MX9Q' },
    ],
    ['subscribe, ordinary', evt('subscribe'), { type: 'follow', scene: null }],
    ['subscribe, empty EventKey', evt('subscribe', '<EventKey></EventKey>'), { type: 'follow', scene: null }],
    [
      'subscribe, bare prefix',
      evt('subscribe', '<EventKey>qrscene_</EventKey>'),
      { type: 'follow', scene: null },
    ],
    ['unsubscribe', evt('unsubscribe', '<EventKey></EventKey>'), { type: 'unfollow' }],
    [
      'SCAN keeps the scene as is',
      evt('SCAN', '<EventKey>ref_K7MX9Q</EventKey><Ticket>t</Ticket>'),
      { type: 'scan', scene: 'ref_K7MX9Q' },
    ],
    ['CLICK', evt('CLICK', '<EventKey>MENU_POINTS</EventKey>'), { type: 'menu_click', key: 'MENU_POINTS' }],
    [
      'VIEW',
      evt('VIEW', '<EventKey>https://example.com/h5</EventKey><MenuId>9</MenuId>'),
      { type: 'menu_view', url: 'https://example.com/h5' },
    ],
    [
      'LOCATION',
      evt('LOCATION', '<Latitude>31.2</Latitude><Longitude>121.4</Longitude>'),
      { type: 'location_received', origin: 'reported' },
    ],
    [
      'TEMPLATESENDJOBFINISH success',
      evt('TEMPLATESENDJOBFINISH', '<MsgID>9007199254740993</MsgID><Status>success</Status>'),
      { type: 'delivery_report', sentMessageId: '9007199254740993', status: 'delivered', detail: 'success' },
    ],
    [
      'TEMPLATESENDJOBFINISH user block',
      evt('TEMPLATESENDJOBFINISH', '<MsgID>1</MsgID><Status>failed:user block</Status>'),
      { type: 'delivery_report', sentMessageId: '1', status: 'blocked', detail: 'failed:user block' },
    ],
    [
      'TEMPLATESENDJOBFINISH system failure',
      evt('TEMPLATESENDJOBFINISH', '<MsgID>1</MsgID><Status>failed: system failed</Status>'),
      { type: 'delivery_report', sentMessageId: '1', status: 'failed', detail: 'failed: system failed' },
    ],
  ])('event: %s', (_name, xml, content) => {
    const result = translate(xml);
    const event = /<Event><!\[CDATA\[(\w+)\]\]><\/Event>/.exec(xml)![1];
    expect(result).toEqual({
      handled: true,
      message: {
        id: `evt:oU1:1767225600:${event}`,
        channel: 'wechat',
        accountId: 'gh_0a1b2c3d4e5f',
        userId: 'oU1',
        channelMessageId: null,
        sentAt: '2026-01-01T00:00:00.000Z',
        content,
      },
    });
    if (result.handled) expect(inboundMessageSchema.parse(result.message)).toEqual(result.message);
  });

  it.each([
    ['an unknown MsgType', `${head('video')}<MsgId>1</MsgId></xml>`, 'unsupported video'],
    ['an unknown event', evt('scancode_push'), 'unsupported event/scancode_push'],
    ['a SCAN without a scene', evt('SCAN', '<EventKey></EventKey>'), 'SCAN without a scene'],
  ])('ignores %s with a reason', (_name, xml, reason) => {
    expect(translate(xml)).toEqual({ handled: false, reason });
  });

  it('never carries coordinates or an address', () => {
    const shared = translate(
      msg(
        'location',
        '<Location_X>31.230416</Location_X><Location_Y>121.473701</Location_Y><Scale>15</Scale><Label>人民大道</Label>',
      ),
    );
    const reported = translate(
      evt(
        'LOCATION',
        '<Latitude>31.230416</Latitude><Longitude>121.473701</Longitude><Precision>65</Precision>',
      ),
    );
    const text = JSON.stringify([shared, reported]);
    for (const leaked of ['31.23', '121.47', '人民大道', '65']) expect(text).not.toContain(leaked);
  });
});
