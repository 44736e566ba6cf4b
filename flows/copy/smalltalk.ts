import type { SmalltalkTopic } from '../../src/conversation/smalltalk';

/**
 * Small talk (你好, 谢谢, 在吗, 好的, 再见, 哈哈, 👍): a short answer that fits what was said, then
 * the menu hint. Guests are pointed to 入会 where a member is pointed to 查积分.
 */
export function smalltalkReply(topic: SmalltalkTopic | null, isMember: boolean): string {
  const next = isMember
    ? '回复「菜单」看我能帮您做什么。'
    : '回复「入会」加入会员，或回复「菜单」看我能帮您做什么。';
  switch (topic) {
    case 'greeting':
      return `您好！我是会员小助手，${next}`;
    case 'thanks':
      return `不客气！还有需要随时找我，${next}`;
    case 'present':
      return `在的！有什么可以帮您？${next}`;
    case 'ok':
      return `好的。还有需要随时找我，${next}`;
    case 'bye':
      return `再见，祝您用车愉快！需要时${next}`;
    case 'laugh':
      return `😄 很高兴能帮到您！${next}`;
    case 'like':
      return `谢谢您的认可！${next}`;
    case null:
      return isMember
        ? '您好，我在的！想查积分回复「查积分」，回复「菜单」看我能帮您做什么。'
        : '您好，我在的！回复「入会」加入会员，或回复「菜单」看我能帮您做什么。';
  }
}
