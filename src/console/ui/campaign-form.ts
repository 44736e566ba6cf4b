import { dayBoundary, fromLocalInput, toLocalInput } from './format';
import type { CampaignTemplate } from './types';

/** The campaign form as typed (strings, as inputs hold them). */
export interface CampaignForm {
  name: string;
  startAt: string;
  tiers: string[];
  tags: string;
  birthdayMonth: string;
  vehicleModel: string;
  minPoints: string;
  maxPoints: string;
  lastVisitAfter: string;
  lastVisitBefore: string;
  signedUpAfter: string;
  signedUpBefore: string;
  text: string;
  genericText: string;
  bonusPoints: string;
  windowOn: boolean;
  windowStartsAt: string;
  windowEndsAt: string;
  multiplier: string;
}

/** The next full hour, a sensible default start. */
export function emptyCampaignForm(now: Date): CampaignForm {
  const nextHour = new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000);
  const start = toLocalInput(nextHour);
  return {
    name: '',
    startAt: start,
    tiers: [],
    tags: '',
    birthdayMonth: '',
    vehicleModel: '',
    minPoints: '',
    maxPoints: '',
    lastVisitAfter: '',
    lastVisitBefore: '',
    signedUpAfter: '',
    signedUpBefore: '',
    text: '',
    genericText: '',
    bonusPoints: '0',
    windowOn: false,
    windowStartsAt: start,
    windowEndsAt: toLocalInput(new Date(nextHour.getTime() + 7 * 86_400_000)),
    multiplier: '2',
  };
}

/** A holiday template over the form: its name, texts, bonus and promotion window from the start time. */
export function applyTemplate(form: CampaignForm, template: CampaignTemplate): CampaignForm {
  const start = fromLocalInput(form.startAt);
  const startsAt = start ? new Date(start) : new Date();
  const window = template.suggestedWindow;
  return {
    ...form,
    name: template.name,
    text: template.text,
    genericText: template.genericText,
    bonusPoints: String(template.suggestedBonusPoints),
    windowOn: window !== null,
    ...(window
      ? {
          windowStartsAt: toLocalInput(startsAt),
          windowEndsAt: toLocalInput(new Date(startsAt.getTime() + window.days * 86_400_000)),
          multiplier: String(window.multiplier),
        }
      : {}),
  };
}

/**
 * A new start time; a promotion window that began with the campaign (a template's) moves along
 * with it and keeps its length.
 */
export function moveStart(form: CampaignForm, startAt: string): CampaignForm {
  const before = fromLocalInput(form.startAt);
  const after = fromLocalInput(startAt);
  const windowStart = fromLocalInput(form.windowStartsAt);
  const windowEnd = fromLocalInput(form.windowEndsAt);
  if (!before || !after || !windowStart || !windowEnd || windowStart !== before) return { ...form, startAt };
  const shift = new Date(after).getTime() - new Date(before).getTime();
  return {
    ...form,
    startAt,
    windowStartsAt: startAt,
    windowEndsAt: toLocalInput(new Date(new Date(windowEnd).getTime() + shift)),
  };
}

export interface BuiltCampaign {
  body: Record<string, unknown>;
  /** Problems found before asking the server, by the API's field path. */
  problems: Record<string, string>;
}

const wholeNumber = (value: string) => (/^\d+$/.test(value.trim()) ? Number(value.trim()) : null);

/**
 * The request body of `POST /campaigns` (and `/preview`) from the form. Empty filters are left
 * out (the API's default: no condition); what cannot be read is reported by field path.
 */
export function buildCampaign(form: CampaignForm): BuiltCampaign {
  const problems: Record<string, string> = {};
  const audience: Record<string, unknown> = {};
  if (form.tiers.length) audience.tiers = form.tiers;
  const tags = form.tags
    .split(/[,，、\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  if (tags.length) audience.tags = tags;
  if (form.birthdayMonth) audience.birthdayMonth = Number(form.birthdayMonth);
  if (form.vehicleModel.trim()) audience.vehicleModel = form.vehicleModel.trim();
  for (const key of ['minPoints', 'maxPoints'] as const) {
    if (!form[key].trim()) continue;
    const value = wholeNumber(form[key]);
    if (value === null) problems[`audience.${key}`] = '请填写不小于 0 的整数';
    else audience[key] = value;
  }
  const days = [
    ['lastVisitAfter', false],
    ['lastVisitBefore', true],
    ['signedUpAfter', false],
    ['signedUpBefore', true],
  ] as const;
  for (const [key, end] of days) {
    if (!form[key]) continue;
    const value = dayBoundary(form[key], end);
    if (value === null) problems[`audience.${key}`] = '日期格式不正确';
    else audience[key] = value;
  }

  const body: Record<string, unknown> = { name: form.name.trim(), audience, text: form.text.trim() };
  if (form.genericText.trim()) body.genericText = form.genericText.trim();
  const bonus = form.bonusPoints.trim() ? wholeNumber(form.bonusPoints) : 0;
  if (bonus === null) problems.bonusPoints = '请填写不小于 0 的整数';
  else body.bonusPoints = bonus;
  const startAt = fromLocalInput(form.startAt);
  if (!startAt) problems.startAt = '请选择开始时间';
  else body.startAt = startAt;
  if (form.windowOn) {
    const startsAt = fromLocalInput(form.windowStartsAt);
    const endsAt = fromLocalInput(form.windowEndsAt);
    const multiplier = Number(form.multiplier);
    if (!startsAt) problems['window.startsAt'] = '请选择加倍开始时间';
    if (!endsAt) problems['window.endsAt'] = '请选择加倍结束时间';
    if (!form.multiplier.trim() || !Number.isFinite(multiplier))
      problems['window.multiplier'] = '请填写倍数，例如 2 或 1.5';
    if (startsAt && endsAt && Number.isFinite(multiplier)) body.window = { startsAt, endsAt, multiplier };
  }
  return { body, problems };
}
