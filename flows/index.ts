import type { Flow } from '../src/conversation/flow-schema';
import { balanceFlow } from './balance.flow';
import { complaintFlow } from './complaint.flow';
import { bookingFlow } from './booking.flow';
import { benefitsFlow } from './benefits.flow';
import { eraseFlow } from './erase.flow';
import { historyFlow } from './history.flow';
import { humanFlow } from './human.flow';
import { missingPointsFlow } from './missing-points.flow';
import { myBookingsFlow } from './my-bookings.flow';
import { myCarFlow } from './my-car.flow';
import { myVouchersFlow } from './my-vouchers.flow';
import { programFaqFlow } from './program-faq.flow';
import { redeemFlow } from './redeem.flow';
import { referralFlow } from './referral.flow';
import { serviceRatingFlow } from './service-rating.flow';
import { signupFlow } from './signup.flow';
import { storesFlow } from './stores.flow';
import { subscribeFlow } from './subscribe.flow';
import { unsubscribeFlow } from './unsubscribe.flow';
import { whyFlow } from './why.flow';

/** Every flow the assistant runs, one per intent (help/menu is the runtime's own). */
export const allFlows: readonly Flow[] = [
  balanceFlow,
  historyFlow,
  whyFlow,
  redeemFlow,
  referralFlow,
  unsubscribeFlow,
  subscribeFlow,
  eraseFlow,
  signupFlow,
  missingPointsFlow,
  myCarFlow,
  serviceRatingFlow,
  humanFlow,
  myVouchersFlow,
  storesFlow,
  complaintFlow,
  programFaqFlow,
  bookingFlow,
  myBookingsFlow,
  benefitsFlow,
];
