import { describe, expect, it } from 'vitest';
import { allFlows } from '../../../flows';
import { runtimeCopy } from '../../../flows/copy/zh-CN';
import type { EffectResults } from '../../../src/conversation/effect';
import { type RunContext, runStep } from '../../../src/conversation/run-step';
import type { Session } from '../../../src/conversation/session';
import { intentModel } from '../../../src/services/intent-examples';

/** 预约's questions asked only when needed, driven through the pure `runStep`. */
const ctx: RunContext = {
  member: { id: 'm1', name: '王先生' },
  timeZone: 'Asia/Shanghai',
  today: { year: 2026, month: 12, day: 8 },
  stores: [],
  messageId: 'msg-1',
  flows: allFlows,
  copy: runtimeCopy,
  classify: (text) => intentModel().classify(text),
};
const T0 = new Date('2026-12-08T02:00:00Z');

const services = [
  { id: 'maintenance', name: '保养', freeMaintenance: true },
  { id: 'repair', name: '维修', freeMaintenance: false },
];
function options(
  change: Partial<Extract<EffectResults['load_booking_options'], { ok: true }>>,
): EffectResults['load_booking_options'] {
  return {
    ok: true,
    cars: [{ plate: '沪A12345', model: null }],
    stores: [{ id: 'main', name: '本店', services }],
    freeMaintenanceLeft: 0,
    suggested: null,
    ...change,
  };
}

/** 预约, then the options the service would answer: the replies and the effect asked next. */
function start(value: EffectResults['load_booking_options']) {
  const started = runStep(null, { type: 'text', text: '预约' }, ctx, T0);
  expect(started.effects).toEqual([{ type: 'load_booking_options' }]);
  return runStep(
    started.session,
    { type: 'effect_result', result: { type: 'load_booking_options', value } },
    ctx,
    T0,
  );
}

const say = (session: Session, text: string) => runStep(session, { type: 'text', text }, ctx, T0);

describe('预约 asks only what it must', () => {
  it('asks the store when several take bookings (in the order given: home store first)', () => {
    const two = start(
      options({
        stores: [
          { id: 'east', name: '东区店', services },
          { id: 'main', name: '本店', services: [services[1]!] },
        ],
      }),
    );
    expect(two.replies.map((r) => r.text)).toEqual(['去哪家门店？回复序号：\n1. 东区店\n2. 本店']);
    const chosen = say(two.session, '2');
    expect(chosen.replies.map((r) => r.text)).toEqual(['本店可以预约这些服务，回复序号：\n1. 维修']);
  });

  it('with a suggested service the store offers, goes straight to the days for the suggested car', () => {
    const suggested = start(
      options({
        cars: [
          { plate: '沪A12345', model: null },
          { plate: '沪B54321', model: null },
        ],
        suggested: { serviceId: 'maintenance', plate: '沪B54321' },
      }),
    );
    expect(suggested.replies).toEqual([]);
    expect(suggested.session.flow?.data).toMatchObject({ plate: '沪B54321', serviceId: 'maintenance' });
    expect(suggested.effects).toEqual([
      { type: 'load_booking_days', storeId: 'main', serviceId: 'maintenance' },
    ]);
  });

  it('a suggestion the chosen store does not offer still asks the service', () => {
    const two = start(
      options({
        stores: [
          { id: 'main', name: '本店', services },
          { id: 'east', name: '东区店', services: [services[1]!] },
        ],
        suggested: { serviceId: 'maintenance', plate: null },
      }),
    );
    expect(say(two.session, '2').replies.map((r) => r.text)).toEqual([
      '东区店可以预约这些服务，回复序号：\n1. 维修',
    ]);
  });

  it('without a car with a plate, or with bookings off, says what to do instead', () => {
    expect(start({ ok: false, reason: 'no_car' }).replies.map((r) => r.text)).toEqual([
      '预约前需要先登记爱车的车牌。回复「我的车」填写车牌，再回复「预约」。',
    ]);
    expect(start({ ok: false, reason: 'bookings_off' }).session.flow).toBeNull();
  });
});
