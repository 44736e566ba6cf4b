import { dayBoundary, formatDate, fromLocalInput, toLocalInput } from './format';
import type { Campaign, CampaignTemplate } from './types';

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

/**
 * A holiday template over the form: its name, texts and bonus, and the server's proposal for the
 * holiday's next occurrence — the send time (a few days before, 10:00) and a promotion window
 * over the holiday period.
 */
export function applyTemplate(form: CampaignForm, template: CampaignTemplate): CampaignForm {
  const { proposal } = template;
  const window = proposal.window;
  return {
    ...form,
    name: template.name,
    text: template.text,
    genericText: template.genericText,
    bonusPoints: String(template.suggestedBonusPoints),
    startAt: toLocalInput(new Date(proposal.startAt)),
    windowOn: window !== null,
    ...(window
      ? {
          windowStartsAt: toLocalInput(new Date(window.startsAt)),
          windowEndsAt: toLocalInput(new Date(window.endsAt)),
          multiplier: String(window.multiplier),
        }
      : {}),
  };
}

/** A saved campaign (a draft being edited) as the form shows it. */
export function formFromCampaign(campaign: Campaign, now: Date): CampaignForm {
  const a = campaign.audience;
  const day = (value: string | null) => (value ? formatDate(value) : '');
  const count = (value: number | null) => (value === null ? '' : String(value));
  const empty = emptyCampaignForm(now);
  return {
    name: campaign.name,
    startAt: toLocalInput(new Date(campaign.startAt)),
    tiers: a.tiers ?? [],
    tags: (a.tags ?? []).join('，'),
    birthdayMonth: a.birthdayMonth === null ? '' : String(a.birthdayMonth),
    vehicleModel: a.vehicleModel ?? '',
    minPoints: count(a.minPoints),
    maxPoints: count(a.maxPoints),
    lastVisitAfter: day(a.lastVisitAfter),
    lastVisitBefore: day(a.lastVisitBefore),
    signedUpAfter: day(a.signedUpAfter),
    signedUpBefore: day(a.signedUpBefore),
    text: campaign.text,
    // The API stores the text itself when no separate mass-send text was written.
    genericText:
      campaign.genericText === null || campaign.genericText === campaign.text ? '' : campaign.genericText,
    bonusPoints: String(campaign.bonusPoints),
    windowOn: campaign.window !== null,
    windowStartsAt: campaign.window ? toLocalInput(new Date(campaign.window.startsAt)) : empty.windowStartsAt,
    windowEndsAt: campaign.window ? toLocalInput(new Date(campaign.window.endsAt)) : empty.windowEndsAt,
    multiplier: campaign.window ? String(campaign.window.multiplier) : empty.multiplier,
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
