import { z } from 'zod';

/**
 * One message to the member, channel-neutral: text, optionally with a link or an image. URLs with
 * the `chezhu:` scheme are placeholders the channel fills (`chezhu:qr/<scene>` → its QR image).
 */
export const replySchema = z.strictObject({
  text: z.string().min(1),
  linkUrl: z.string().optional(),
  imageUrl: z.string().optional(),
});
export type Reply = z.infer<typeof replySchema>;

export function text(value: string): Reply {
  return { text: value };
}
