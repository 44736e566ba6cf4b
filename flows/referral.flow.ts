import { defineFlow, effectStep } from '../src/conversation/flow-schema';
import { referralCopy } from './copy/zh-CN';

/**
 * 推荐有礼: the member's code, a link and a QR image for the scene `ref_<code>`. The URLs are
 * placeholders (`chezhu:link/…`, `chezhu:qr/…`) the channel turns into its own link and QR image.
 */
export const referralFlow = defineFlow({
  id: 'referral',
  version: 1,
  intent: 'referral',
  title: '推荐有礼',
  audience: 'member',
  start: 'load',
  steps: [
    effectStep<'load_referral'>({
      id: 'load',
      effect: () => ({ type: 'load_referral' }),
      onResult: (value) => ({
        replies: [
          {
            text: referralCopy.share(value),
            linkUrl: `chezhu:link/${value.scene}`,
            imageUrl: `chezhu:qr/${value.scene}`,
          },
        ],
        next: null,
      }),
    }),
  ],
});
