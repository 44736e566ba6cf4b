import { careDeliveryRequest } from '../delivery/care-copy';
import { withCareTemplate } from '../delivery/care-template';
import type { CareMessage } from '../rules/care-due';
import { voucherExpiresAt } from '../rules/voucher-expiry';
import type { CareScanCounts, CareScanService } from './care-scan-service';
import type { DeliveryService } from './delivery-service';
import type { ServiceContext } from './service-context';
import type { VoucherService } from './voucher-service';

export interface CareRunCounts {
  scans: CareScanCounts;
  enqueued: number;
  duplicates: number;
  invalid: number;
  giftVouchers: number;
  /** Recorded as skipped without sending (`already_booked`). */
  skipped: number;
}

/**
 * The care step of the nightly run: scan who is due today, give Gold and Diamond members their
 * birthday gift voucher (once a year, by its source key), and hand every message to the delivery
 * queue under its deterministic key — so running the step twice sends nothing twice.
 */
export class CareService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly scans: CareScanService,
    private readonly vouchers: VoucherService,
    private readonly delivery: DeliveryService,
  ) {}

  async runDaily(now: Date): Promise<CareRunCounts> {
    const counts = { enqueued: 0, duplicates: 0, invalid: 0, giftVouchers: 0, skipped: 0 };
    const scans = await this.scans.scan(now, async (message) => {
      if (message.kind === 'birthday' && message.facts.giftVoucher === true) {
        await this.giveBirthdayGift(message, now);
        counts.giftVouchers++;
      }
      const request = withCareTemplate(
        careDeliveryRequest(message),
        message,
        this.ctx.program.current().care.templates,
      );
      if (message.skipReason) {
        const skipped = await this.delivery.recordSkipped(request, message.skipReason);
        if (skipped.ok && skipped.status === 'enqueued') counts.skipped++;
        return;
      }
      const outcome = await this.delivery.enqueue(request);
      if (!outcome.ok) {
        counts.invalid++;
        this.ctx.logger.error(
          { key: message.key, issues: outcome.issues },
          'care message rejected by delivery',
        );
      } else if (outcome.status === 'duplicate') counts.duplicates++;
      else counts.enqueued++;
    });
    return { scans, ...counts };
  }

  private async giveBirthdayGift(message: CareMessage, now: Date): Promise<void> {
    const program = this.ctx.program.current();
    const gift = program.care.birthdayGiftVoucher;
    const year = message.key.split(':').at(-1);
    await this.vouchers.issue({
      sourceKey: `birthday-voucher:${message.memberId}:${year}`,
      memberId: message.memberId,
      name: gift.name,
      kind: 'birthday',
      expiresAt: voucherExpiresAt(now, gift.validityDays, program.timezone),
    });
  }
}
