import { describe, expect, it } from 'vitest';
import { defaultProgram } from '../../../src/config/default-program';
import { parseProgram } from '../../../src/config/parse-program';
import { programToInput } from '../../../src/config/program-to-input';
import { labelProgramPath, PROGRAM_LABELS } from '../../../src/console/ui/program-labels';
import type { ProgramFile } from '../../../src/console/ui/types';
import { diffValues } from '../../../src/services/program-version-service';

/** Every leaf path of a program file, positions as `[n]`. */
function leaves(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, `${path}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => leaves(item, path ? `${path}.${key}` : key));
  return [path];
}

const pattern = (path: string, chosen: RegExp[]) =>
  chosen.reduce((p, re) => p.replace(re, (_m, head: string) => `${head}*`), path.replace(/\[\d+\]/g, '[]'));
const CHOSEN = [/^(categories\.)[^.]+/, /^(care\.templates\.)[^.]+/, /^(care\.templates\.\*\.fields\.)[^.]+/];

const base = programToInput(defaultProgram);
/** The default program with every optional part filled in: what a program file may also set. */
const full = parseProgram(
  {
    ...base,
    catalogue: [
      ...base.catalogue,
      {
        id: 'limited',
        name: '限量礼品',
        cost: 100,
        validityDays: 30,
        perMemberLimit: { count: 2, period: 'month' },
        storeIds: ['main'],
      },
    ],
    care: {
      ...base.care,
      templates: {
        birthday: { templateId: 'tpl-birthday', fields: { thing1: '{name}' } },
        maintenanceDue: { templateId: 'tpl-m', fields: { thing1: '{plate}' } },
        insuranceRenewal: { templateId: 'tpl-i', fields: { thing1: '{plate}' } },
        inspectionDue: { templateId: 'tpl-n', fields: { thing1: '{plate}' } },
        pointsExpiring: { templateId: 'tpl-p', fields: { thing1: '{expiringPoints}' } },
        voucherExpiring: { templateId: 'tpl-v', fields: { thing1: '{voucherName}' } },
      },
    },
    marketing: { ...base.marketing, massSend: { batchSize: 100, perMinute: 10, settleSeconds: 60 } },
  },
  'test',
);
const fullFile = programToInput(full) as unknown as ProgramFile;

describe('the program label table', () => {
  it('has words for every leaf of the default program and of its optional parts', () => {
    const paths = [...leaves(programToInput(defaultProgram)), ...leaves(fullFile)];
    const missing = [...new Set(paths.map((p) => pattern(p, CHOSEN).replace(/\[\]$/, '')))].filter(
      (p) => !PROGRAM_LABELS[p],
    );
    expect(missing).toEqual([]);
  });

  it('reads every leaf in words, each differently, with the item named from the program', () => {
    const paths = leaves(fullFile).filter((p) => !p.startsWith('care.templates.') || !p.includes('.fields.'));
    const labels = paths.map((p) => labelProgramPath(p, fullFile));
    for (const [i, label] of labels.entries()) {
      // Words, not keys: no ASCII letters (the template field keys of the MP admin aside).
      expect(label, paths[i]).not.toMatch(/[A-Za-z]/);
    }
    expect(new Set(labels).size).toBe(labels.length);
  });

  it.each([
    ['marketing.quietHours.end', '营销消息免打扰 · 结束时间'],
    ['marketing.caps.perDay', '营销消息上限 · 每人每天'],
    ['tiers[1].threshold', '银卡 · 年度积分门槛'],
    ['categories.maintenance.rate', '保养 · 每消费 1 元积分'],
    ['stores[0].phone', '本店 · 门店电话'],
    ['catalogue[0].cost', '免费洗车 · 所需积分'],
    ['catalogue[6].storeIds[0]', '限量礼品 · 可用门店（第 1 项）'],
    ['catalogue[6].perMemberLimit.count', '限量礼品 · 每人兑换限制 · 次数'],
    ['care.maintenanceDue.daysBefore[1]', '保养到期提醒 · 提前几天提醒（第 2 项）'],
    ['care.maintenanceDue.daysBefore', '保养到期提醒 · 提前几天提醒'],
    ['care.templates.birthday', '模板消息「生日祝福」'],
    ['care.templates.birthday.templateId', '生日祝福 · 模板消息 · 模板编号'],
    ['care.templates.birthday.fields.thing1', '生日祝福 · 模板消息 · 字段内容（thing1）'],
    ['tiers[9].name', '第 10 个等级 · 等级名称'],
    ['stores', '门店列表'],
    ['stores[0].booking.capacityPerSlot', '本店 · 预约 · 每个时段可接车辆数'],
    ['bookings.services[1].freeMaintenance', '维修 · 可用免费保养抵扣'],
    ['bookings.closedDates[0]', '服务预约 · 全部门店休息日（第 1 项）'],
    // A path newer than the console: its nearest parent in words, the rest as it is.
    ['marketing.newSetting.limit', '营销消息 · newSetting · limit'],
  ])('%s → %s', (path, label) => {
    expect(labelProgramPath(path, fullFile)).toBe(label);
  });

  it('names a new category from the changed program', () => {
    const after = {
      ...fullFile,
      categories: { ...fullFile.categories, wash: { name: '洗车', rate: 1, pendingDays: 0 } },
    };
    expect(labelProgramPath('categories.wash', fullFile, after)).toBe('消费类别「洗车」');
  });

  it('a quiet-hours change is one change, in words', () => {
    const after = structuredClone(fullFile);
    after.marketing!.quietHours.end = '08:00';
    const changes = diffValues(fullFile, after);
    expect(changes.map((c) => labelProgramPath(c.path, fullFile))).toEqual(['营销消息免打扰 · 结束时间']);
  });
});
