import type { EffectResults } from '../../src/conversation/effect';
import { formatInteger } from '../../src/rules/format-zh';

/** 投诉: sorry first, one question at most, then who calls back and by when. */
export const complaintCopy = {
  askWhat: '很抱歉让您不满意。请说说发生了什么，我马上转给门店负责人（不想提交了回复「取消」）。',
  tooShort: '请用一两句话说说发生了什么',
  tooLong: '请控制在 500 字以内',
  recorded: ({ callBackWithinHours, store }: EffectResults['record_complaint']) =>
    `已记下您的投诉，非常抱歉给您带来不好的体验。${store.name}的负责人会在 ${formatInteger(callBackWithinHours)} 小时内给您回电${store.phone ? `；着急的话也可以直接拨打 ${store.phone}` : ''}。回复「菜单」看看我还能帮您做什么。`,
  guest: (store: EffectResults['load_store_contact']) =>
    `很抱歉让您不满意。请直接联系${store.name}的负责人：${store.phone ? `电话 ${store.phone}` : '请到店反映'}${store.hours ? `（${store.hours}）` : ''}，我们会尽快处理。回复「菜单」看看我能帮您做什么。`,
};
