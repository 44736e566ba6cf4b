import { describe, expect, it } from 'vitest';
import { parseInboundXml } from '../../../src/channels/wechat-oa/parse-inbound-xml';
import { toInboundMessage } from '../../../src/channels/wechat-oa/to-inbound-message';

/** MASSSENDJOBFINISH as WeChat documents it (nested copyright results included), into a report. */
const report = (msgId: string, status: string, counts = '') =>
  `<xml><ToUserName><![CDATA[gh_0a1b2c3d4e5f]]></ToUserName><FromUserName><![CDATA[mphelper]]></FromUserName>` +
  `<CreateTime>1767225900</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[MASSSENDJOBFINISH]]></Event>` +
  `<MsgID>${msgId}</MsgID><Status><![CDATA[${status}]]></Status>${counts}` +
  '<CopyrightCheckResult><Count>0</Count><ResultList></ResultList><CheckState>1</CheckState></CopyrightCheckResult></xml>';
const counts =
  '<TotalCount>100</TotalCount><FilterCount>80</FilterCount><SentCount>75</SentCount><ErrorCount>5</ErrorCount>';

describe('MASSSENDJOBFINISH', () => {
  it('reads MsgID exactly, the status and the counts, into a mass-send report', () => {
    const parsed = parseInboundXml(report('9007199254740993', 'send success', counts));
    expect(parsed.ok).toBe(true);
    const translated = parsed.ok ? toInboundMessage(parsed.inbound) : null;
    expect(translated).toEqual({
      handled: true,
      message: {
        id: 'evt:mphelper:1767225900:MASSSENDJOBFINISH:9007199254740993',
        channel: 'wechat',
        accountId: 'gh_0a1b2c3d4e5f',
        userId: 'mphelper',
        channelMessageId: null,
        sentAt: '2026-01-01T00:05:00.000Z',
        content: {
          type: 'mass_send_report',
          sentMessageId: '9007199254740993',
          status: 'send success',
          totalCount: 100,
          filterCount: 80,
          sentCount: 75,
          errorCount: 5,
        },
      },
    });
  });

  it('keeps two jobs that end in the same second apart, and takes a report without FilterCount', () => {
    const without = counts.replace('<FilterCount>80</FilterCount>', '');
    const ids = ['1000001625', '1000001626'].map((id) => {
      const parsed = parseInboundXml(report(id, 'err(10001)', without));
      const translated = parsed.ok ? toInboundMessage(parsed.inbound) : null;
      expect(translated?.handled && translated.message.content).toMatchObject({
        filterCount: null,
        status: 'err(10001)',
      });
      return translated?.handled ? translated.message.id : '';
    });
    expect(new Set(ids).size).toBe(2);
  });

  it('rejects a report without its counts or with a non-numeric MsgID', () => {
    expect(parseInboundXml(report('1', 'send success')).ok).toBe(false);
    expect(parseInboundXml(report('abc', 'send success', counts)).ok).toBe(false);
  });
});
