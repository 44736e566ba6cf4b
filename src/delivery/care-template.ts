import type { Program } from '../config/program-schema';
import type { CareKind, CareMessage } from '../rules/care-due';
import type { DeliveryRequestInput } from './delivery-request';

export type CareTemplates = NonNullable<Program['care']['templates']>;

/** The program's template of each service care kind (win-back is marketing: never a template). */
const templateOf: Partial<Record<CareKind, keyof CareTemplates>> = {
  birthday: 'birthday',
  maintenance_due: 'maintenanceDue',
  insurance_renewal: 'insuranceRenewal',
  inspection_due: 'inspectionDue',
  points_expiring: 'pointsExpiring',
  voucher_expiring: 'voucherExpiring',
};

/**
 * The care message's delivery request with its WeChat template, when the program configures one
 * for its kind (`care.templates`): outside the 48-hour window a service message then goes as that
 * template (with `client_msg_id` = the delivery key) instead of being skipped (`no_template`).
 * Care facts in the field texts (`{plate}`, `{voucherName}`, `{voucherCode}`) are written in here;
 * member placeholders stay for delivery to fill when it sends. Marketing never gets a template
 * (WeChat allows templates for service notifications only). Pure.
 */
export function withCareTemplate(
  request: DeliveryRequestInput,
  message: CareMessage,
  templates: CareTemplates | undefined,
): DeliveryRequestInput {
  if (message.category !== 'service') return request;
  const name = templateOf[message.kind];
  const template = name ? templates?.[name] : undefined;
  if (!template) return request;
  const fields = Object.fromEntries(
    Object.entries(template.fields).map(([field, text]) => [field, writeFacts(text, message.facts)]),
  );
  const date = message.facts.date;
  // A birthday's words carry no date, but its template may show the day.
  const needsDate =
    Object.values(fields).some((text) => text.includes('{date}')) &&
    !request.values?.date &&
    typeof date === 'string';
  return {
    ...request,
    template: { id: template.templateId, fields },
    ...(needsDate ? { values: { ...request.values, date } } : {}),
  };
}

const factPattern = /\{(plate|voucherName|voucherCode)\}/g;

function writeFacts(text: string, facts: CareMessage['facts']): string {
  const written = text.replace(factPattern, (_whole, name: string) => {
    const value = name === 'plate' ? facts.plate : name === 'voucherName' ? facts.voucherName : facts.code;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  });
  // A field may not be empty (WeChat rejects the send): a missing plate shows as a dash.
  return written.trim() === '' ? '—' : written;
}
