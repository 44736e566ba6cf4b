import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';
import type { DeliveryRecord } from '../../src/data/models/delivery-model';
import type { VehicleRecord } from '../../src/data/models/member-model';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { type FakeWechatApi, startFakeWechatApi } from '../helpers/fake-wechat-api';
import { waitFor } from '../helpers/wait-for';

/**
 * Care messages with the program's WeChat templates (`care.templates`), end to end: the nightly
 * care step enqueues them, delivery sends them outside the 48-hour window as template messages to
 * the fake WeChat API, with the fields rendered per member and `client_msg_id` = the delivery key.
 */
let h: ApiHarness;
let fake: FakeWechatApi;
const TEMPLATE_SEND = '/cgi-bin/message/template/send';
const CUSTOM = '/cgi-bin/message/custom/send';

beforeAll(async () => {
  fake = await startFakeWechatApi();
  fake.addTemplate('tpl-birthday');
  fake.addTemplate('tpl-insurance');
  h = await startApiHarness({
    now: '2027-02-27T10:00:00+08:00',
    program: parseProgram(
      deepMerge(defaultProgramInput, {
        care: {
          templates: {
            birthday: {
              templateId: 'tpl-birthday',
              fields: { thing1: '{name}', time2: '{date}', thing3: '生日快乐，本月到店消费享双倍积分' },
            },
            insuranceRenewal: {
              templateId: 'tpl-insurance',
              fields: { car_number1: '{plate}', time2: '{date}', thing3: '{name}，到店续保享积分' },
            },
          },
        },
      }),
    ),
    env: {
      CHANNEL: 'simulator',
      WECHAT_APP_ID: fake.appId,
      WECHAT_APP_SECRET: fake.appSecret,
      WECHAT_API_BASE: fake.url,
    },
  });
});

afterAll(async () => {
  await h?.stop();
  await fake?.close();
});

const vehicle = (fields: Partial<VehicleRecord>): VehicleRecord => ({
  plate: null,
  model: null,
  mileageKm: null,
  mileageReportedAt: null,
  insuranceEndsOn: null,
  inspectionDueOn: null,
  lastServiceAt: null,
  lastServiceKm: null,
  ...fields,
});

async function member(facts: Parameters<ApiHarness['insertMember']>[0], follows = true) {
  const openid = `o_${randomBytes(10).toString('hex')}`;
  const record = await h.insertMember({ ...facts, openid });
  if (follows) fake.follow(openid);
  return { id: record._id, name: record.name, openid };
}

async function settled(key: string): Promise<DeliveryRecord> {
  return waitFor(
    async () => {
      const record = await h.runtime.services.delivery.find(key);
      return record && ['sent', 'skipped', 'failed', 'held'].includes(record.status) ? record : undefined;
    },
    15_000,
    `delivery ${key} to settle`,
  );
}

const callsFor = (path: string, openid: string) => fake.callsTo(path).filter((c) => c.body.touser === openid);

describe('care messages with program templates', () => {
  it('sends birthday and insurance reminders outside the window as templates; a kind without one is skipped', async () => {
    const birthday = await member({ birthday: { month: 2, day: 27, year: 1990 } });
    // Without a plate: a plate such as 沪A12345 in the care key is refused by delivery's key
    // pattern today (letters, digits, `:_-.` only), a gap outside templates.
    const insured = await member({
      vehicles: [vehicle({ insuranceEndsOn: '2027-03-29', inspectionDueOn: '2027-03-29' })],
    });
    // Our record says the window is open, WeChat says it is not (45015): the template still goes.
    const stale = await member({ birthday: { month: 2, day: 27, year: 1985 } });
    await h.runtime.services.delivery.noteInbound(stale.id, new Date('2027-02-27T09:00:00+08:00'));
    // No longer follows at WeChat (43004): skipped as unfollowed, as without templates.
    const gone = await member({ birthday: { month: 2, day: 27, year: 1980 } }, false);

    const counts = await h.runtime.services.care.runDaily(new Date('2027-02-27T00:30:00+08:00'));
    expect(counts.invalid).toBe(0);

    const birthdayKey = `care:birthday:${birthday.id}:2027`;
    expect(await settled(birthdayKey)).toMatchObject({ status: 'sent', channel: 'template' });
    const [birthdayCall, ...again] = callsFor(TEMPLATE_SEND, birthday.openid);
    expect(again).toHaveLength(0);
    expect(birthdayCall?.body).toEqual({
      touser: birthday.openid,
      template_id: 'tpl-birthday',
      client_msg_id: birthdayKey,
      data: {
        thing1: { value: birthday.name },
        time2: { value: '2027年2月27日' },
        thing3: { value: '生日快乐，本月到店消费享双倍积分' },
      },
    });

    const insuranceKey = `care:insurance_renewal:${insured.id}:vehicle-0:2027-03-29:30`;
    expect(await settled(insuranceKey)).toMatchObject({ status: 'sent', channel: 'template' });
    expect(callsFor(TEMPLATE_SEND, insured.openid)[0]?.body).toMatchObject({
      template_id: 'tpl-insurance',
      client_msg_id: insuranceKey,
      data: {
        // No plate on record: a dash, so the field is never empty.
        car_number1: { value: '—' },
        time2: { value: '2027年3月29日' },
        thing3: { value: `${insured.name}，到店续保享积分` },
      },
    });
    // Annual inspection has no template in this program: outside the window it is skipped.
    expect(await settled(`care:inspection_due:${insured.id}:vehicle-0:2027-03-29:30`)).toMatchObject({
      status: 'skipped',
      reason: 'no_template',
    });
    expect(callsFor(TEMPLATE_SEND, insured.openid)).toHaveLength(1);

    expect(await settled(`care:birthday:${stale.id}:2027`)).toMatchObject({
      status: 'sent',
      channel: 'template',
    });
    expect(callsFor(CUSTOM, stale.openid).map((c) => c.errcode)).toEqual([45015]);
    expect(callsFor(TEMPLATE_SEND, stale.openid).map((c) => c.errcode)).toEqual([0]);

    expect(await settled(`care:birthday:${gone.id}:2027`)).toMatchObject({
      status: 'skipped',
      reason: 'unfollowed',
      errcode: 43004,
    });
    expect(
      (await h.runtime.services.db.delivery.states.findById(gone.id).lean())?.unfollowedAt,
    ).toBeInstanceOf(Date);

    // The nightly step run again sends nothing twice.
    const rerun = await h.runtime.services.care.runDaily(new Date('2027-02-27T00:45:00+08:00'));
    expect(rerun.enqueued).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(callsFor(TEMPLATE_SEND, birthday.openid)).toHaveLength(1);
  });
});
