import { maskMobile } from '../lib/mask';
import { formatDateZh } from '../rules/format-zh';

/**
 * What the old WeChat account is told when its membership moves to another WeChat (a service
 * notice, not marketing): that it moved, when, and how to get it back. Pure.
 */
export function rebindNoticeText(facts: { mobile: string | null; at: Date; timeZone: string }): string {
  const account = facts.mobile ? `（手机号 ${maskMobile(facts.mobile)}）` : '';
  return `您的会员账号${account}已于${formatDateZh(facts.at, facts.timeZone)}绑定到另一个微信，这个微信不再接收会员服务。如果不是您本人操作，请回复「人工」联系门店帮您找回。`;
}
