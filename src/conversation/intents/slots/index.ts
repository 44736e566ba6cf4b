/**
 * Slots: the values a member's message already gives (a date, money, a mileage, a plate, a
 * service), so a flow does not ask for them again. Pure: time and time zone are parameters.
 */
export { extractSlots, readDayAnswer, readMileageAnswer, readMoneyAnswer } from './extract-slots';
export { findDates, inThePast, isoWeekday, mondayOf } from './dates';
export { serviceIdIn } from './plates-and-services';
export type { DateSlot, ServiceKind, SlotOptions, Slots } from './slot-types';
export { serviceKinds } from './slot-types';
