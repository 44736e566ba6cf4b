/** The image of a parametric QR code; no token needed. The ticket is base64 and must be encoded. */
export function showQrCodeUrl(ticket: string): string {
  return `https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`;
}
