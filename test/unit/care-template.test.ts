import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgram } from '../../src/config/default-program';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { loadProgram } from '../../src/config/load-program';
import { parseProgram } from '../../src/config/parse-program';
import { careDeliveryRequest } from '../../src/delivery/care-copy';
import { type CareTemplates, withCareTemplate } from '../../src/delivery/care-template';
import { deliveryRequestSchema } from '../../src/delivery/delivery-request';
import type { CareMessage } from '../../src/rules/care-due';

const base = { memberId: 'm1', sendAt: new Date('2027-03-01T01:00:00Z'), category: 'service' as const };
const birthday: CareMessage = {
  ...base,
  key: 'care:birthday:m1:2027',
  kind: 'birthday',
  facts: { giftVoucher: false, date: '2027-03-01' },
};
const insurance: CareMessage = {
  ...base,
  key: 'care:insurance_renewal:m1:x:2027-03-31:30',
  kind: 'insurance_renewal',
  facts: { date: '2027-03-31', daysBefore: 30, plate: '沪A12345' },
};
const voucher: CareMessage = {
  ...base,
  key: 'care:voucher_expiring:v1:3',
  kind: 'voucher_expiring',
  facts: { voucherName: '免费洗车', code: 'ABCD2345', date: '2027-03-04', daysBefore: 3 },
};
const winBack: CareMessage = {
  ...base,
  category: 'marketing',
  key: 'care:win_back:m1:2026-09-02',
  kind: 'win_back',
  facts: { lastVisit: '2026-09-02', days: 180 },
};

const templates: CareTemplates = {
  birthday: { templateId: 'tpl-birthday', fields: { thing1: '{name}', time2: '{date}', thing3: '生日快乐' } },
  insuranceRenewal: { templateId: 'tpl-insurance', fields: { car_number1: '{plate}', time2: '{date}' } },
  inspectionDue: { templateId: 'tpl-inspection', fields: { car_number1: '{plate}', thing2: '年检提醒' } },
  voucherExpiring: {
    templateId: 'tpl-voucher',
    fields: { thing1: '{voucherName}（{voucherCode}）', time2: '{date}' },
  },
};

const programWith = (override: object) => parseProgram(deepMerge(defaultProgramInput, override));
function problemsWith(override: object): readonly string[] {
  try {
    programWith(override);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('care templates', () => {
  it('gives a service care message its kind’s template, care facts written in, member placeholders kept', () => {
    const request = withCareTemplate(careDeliveryRequest(insurance), insurance, templates);
    expect(request.template).toEqual({
      id: 'tpl-insurance',
      fields: { car_number1: '沪A12345', time2: '{date}' },
    });
    expect(withCareTemplate(careDeliveryRequest(voucher), voucher, templates).template?.fields).toEqual({
      thing1: '免费洗车（ABCD2345）',
      time2: '{date}',
    });
    expect(deliveryRequestSchema.safeParse(request).success).toBe(true);
  });

  it('adds the birthday’s date when its template shows one (the greeting itself has none)', () => {
    const request = withCareTemplate(careDeliveryRequest(birthday), birthday, templates);
    expect(request.template?.id).toBe('tpl-birthday');
    expect(request.values).toMatchObject({ date: '2027-03-01' });
    expect(deliveryRequestSchema.safeParse(request).success).toBe(true);
    expect(careDeliveryRequest(birthday).values).toBeUndefined();
  });

  it('shows a dash for a missing plate, so no field is empty', () => {
    const noPlate = { ...insurance, facts: { ...insurance.facts, plate: '' } };
    expect(
      withCareTemplate(careDeliveryRequest(noPlate), noPlate, templates).template?.fields.car_number1,
    ).toBe('—');
  });

  it('leaves messages without a configured template as they were, and never gives marketing one', () => {
    const points: CareMessage = {
      ...base,
      key: 'care:points_expiring:m1:2027-03-31:30',
      kind: 'points_expiring',
      facts: { expiringPoints: 1234, date: '2027-03-31', daysBefore: 30 },
    };
    expect(withCareTemplate(careDeliveryRequest(points), points, templates)).toEqual(
      careDeliveryRequest(points),
    );
    expect(withCareTemplate(careDeliveryRequest(birthday), birthday, undefined)).toEqual(
      careDeliveryRequest(birthday),
    );
    expect(withCareTemplate(careDeliveryRequest(winBack), winBack, templates).template).toBeNull();
  });

  it('has no template ids in the default program', () => {
    expect(defaultProgram.care.templates).toEqual({});
  });

  it('reads the example program file of docs/delivery.md', async () => {
    const program = await loadProgram(
      new URL('../fixtures/programs/care-templates.yaml', import.meta.url).pathname,
    );
    expect(program.care.templates?.birthday).toEqual({
      templateId: 'Xy3bq_birthday-Gr33t1ng',
      fields: { thing1: '{name}', thing2: '生日快乐，本月到店消费享双倍积分', time3: '{date}' },
    });
    expect(program.care.templates?.insuranceRenewal?.fields.car_number1).toBe('{plate}');
    expect(program.care.templates?.bookingReminder?.fields.time2).toBe('{date} {time}');
    expect(program.marketing.massSend).toEqual({ batchSize: 10_000, perMinute: 10, settleSeconds: 60 });
    // The rest of the program is the default's.
    expect(program.care.birthday).toEqual(defaultProgram.care.birthday);
  });

  it.each([
    [
      { birthday: { templateId: 'tpl', fields: { thing1: '{nmae}' } } },
      'care.templates.birthday.fields.thing1: uses unknown placeholder {nmae}; available here: {name}, {tier}, {points}, {date}',
    ],
    [
      { birthday: { templateId: 'tpl', fields: { number1: '{expiringPoints}' } } },
      'care.templates.birthday.fields.number1: uses unknown placeholder {expiringPoints}',
    ],
    [
      { voucherExpiring: { templateId: 'tpl', fields: { car1: '{plate}' } } },
      'care.templates.voucherExpiring.fields.car1: uses unknown placeholder {plate}',
    ],
    [
      { birthday: { templateId: 'tpl id', fields: { thing1: 'x' } } },
      'care.templates.birthday.templateId: must be',
    ],
    [
      { birthday: { templateId: 'tpl', fields: {} } },
      'care.templates.birthday.fields: must give 1 to 20 fields',
    ],
    [{ birthday: { templateId: 'tpl', fields: { '1x': 'x' } } }, 'care.templates.birthday.fields'],
    [
      { birthday: { templateId: 'tpl', fields: { thing1: '  ' } } },
      'care.templates.birthday.fields.thing1: must not be empty',
    ],
    [{ winBack: { templateId: 'tpl', fields: { thing1: 'x' } } }, 'care.templates'],
  ])('rejects a bad template (%j)', (templatesOverride, problem) => {
    const problems = problemsWith({ care: { templates: templatesOverride } });
    expect(
      problems.some((p) => p.startsWith(problem)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('rejects a mass-send batch size WeChat or the batcher cannot use', () => {
    expect(problemsWith({ marketing: { massSend: { batchSize: 10_001 } } })[0]).toMatch(
      /^marketing\.massSend\.batchSize: must be a whole number from 3 to 10000/,
    );
    expect(programWith({ marketing: { massSend: { batchSize: 3 } } }).marketing.massSend).toEqual({
      batchSize: 3,
    });
  });
});
