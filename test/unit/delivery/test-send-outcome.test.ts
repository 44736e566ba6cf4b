import { describe, expect, it } from 'vitest';
import { describeTestSend, type TestDeliveryState } from '../../../src/delivery/test-send-outcome';

const who = { memberId: 'm1', name: '张伟', key: 'campaign-test:c1:m1:1' };
const record = (extra: Partial<TestDeliveryState>): TestDeliveryState => ({
  status: 'sent',
  reason: null,
  deferredUntil: null,
  errcode: null,
  errmsg: null,
  ...extra,
});
const tz = 'Asia/Shanghai';

describe('describeTestSend', () => {
  it('says what really happened, in Chinese, with what to do', () => {
    expect(describeTestSend(who, record({}), tz)).toEqual({
      ...who,
      status: 'sent',
      reason: null,
      message: '已发到该会员的微信',
      deferredUntil: null,
    });
    expect(
      describeTestSend(who, record({ status: 'skipped', reason: 'no_service_window' }), tz),
    ).toMatchObject({
      status: 'not_sent',
      reason: 'no_service_window',
      message: expect.stringContaining('请先用这个微信给公众号发一条消息'),
    });
    expect(describeTestSend(who, record({ status: 'skipped', reason: 'no_consent' }), tz).message).toBe(
      '未发送：该会员没有同意接收营销消息',
    );
    expect(
      describeTestSend(
        who,
        record({ status: 'failed', errcode: 45009, errmsg: 'api freq out of limit' }),
        tz,
      ),
    ).toMatchObject({
      status: 'failed',
      reason: 'errcode 45009',
      message: '发送失败：微信返回错误 45009（api freq out of limit），请稍后再试',
    });
    expect(describeTestSend(who, null, tz)).toMatchObject({ status: 'pending' });
  });

  it('names the local time a deferred one goes', () => {
    const until = new Date('2026-12-08T09:00:00+08:00');
    expect(describeTestSend(who, record({ status: 'deferred', deferredUntil: until }), tz)).toMatchObject({
      status: 'deferred',
      message: '已顺延至 12月8日 09:00 发送',
      deferredUntil: until,
    });
  });
});
