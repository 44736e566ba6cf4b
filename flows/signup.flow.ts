import { z } from 'zod';
import { defineFlow, effectStep, type FlowData } from '../src/conversation/flow-schema';
import { normalizeText } from '../src/conversation/intents/normalize-text';
import { text } from '../src/conversation/reply';
import { birthdayAnswer, mobileAnswer, nameAnswer, plateAnswer, yesNo } from './answers';
import { answerCopy, rebindCopy, signupCopy } from './copy/zh-CN';

/**
 * 入会 (RULES.md §5): name → mobile → SMS code → privacy consent → marketing consent (separate,
 * default off) → optional birthday and plate → enrol. The mobile is verified before anything is
 * created; the service checks again that this chat user verified it. A mobile that is already a
 * member's is bound to this WeChat account right after the code (re-binding): the member gave
 * consents, birthday and plate before, so nothing more is asked.
 */
export const signupFlow = defineFlow({
  id: 'signup',
  version: 2,
  intent: 'signup',
  title: '入会',
  audience: 'guest',
  start: 'name',
  steps: [
    {
      type: 'ask',
      id: 'name',
      prompt: () => [text(signupCopy.askName)],
      answer: () => nameAnswer,
      save: 'name',
      next: 'mobile',
    },
    {
      type: 'ask',
      id: 'mobile',
      prompt: (data) => [text(signupCopy.askMobile(String(data.name ?? '')))],
      answer: () => mobileAnswer,
      save: 'mobile',
      next: 'send_code',
    },
    effectStep<'send_sms_code'>({
      id: 'send_code',
      effect: (data) => ({ type: 'send_sms_code', mobile: String(data.mobile) }),
      onResult: (result, data) => {
        if (result.ok) return { replies: [text(signupCopy.codeSent(masked(data)))], next: 'code' };
        if (result.reason === 'too_soon')
          return { replies: [text(signupCopy.tooSoon(result.waitSeconds))], next: 'code' };
        const reply = result.reason === 'daily_limit' ? signupCopy.dailyLimit : signupCopy.smsUnavailable;
        return { replies: [text(reply)], next: null };
      },
    }),
    {
      type: 'ask',
      id: 'code',
      prompt: () => [text(signupCopy.askCode)],
      answer: () =>
        z.string().transform((answer, ctx) => {
          const normal = normalizeText(answer);
          if (normal === '重发' || normal === '重新发送') return 'resend';
          if (/^\d{4,8}$/.test(normal)) return normal;
          ctx.addIssue({ code: 'custom', message: answerCopy.code });
          return z.NEVER;
        }),
      save: 'code',
      next: (value) =>
        value === 'resend' ? { next: 'send_code' } : { next: 'verify', data: { code: value } },
    },
    effectStep<'verify_sms_code'>({
      id: 'verify',
      effect: (data) => ({ type: 'verify_sms_code', mobile: String(data.mobile), code: String(data.code) }),
      onResult: (result) => {
        if (result.ok) return { next: 'existing' };
        if (result.reason === 'wrong')
          return { replies: [text(signupCopy.wrongCode(result.attemptsLeft))], next: 'code' };
        const reply = result.reason === 'expired' ? signupCopy.codeExpired : signupCopy.tooManyTries;
        return { replies: [text(reply)], next: 'code' };
      },
    }),
    effectStep<'rebind_member'>({
      id: 'existing',
      effect: (data) => ({ type: 'rebind_member', mobile: String(data.mobile) }),
      onResult: (result) => {
        switch (result.status) {
          case 'rebound':
            return { replies: [text(rebindCopy.welcomeBack(result))], next: null };
          case 'not_member':
            return { next: 'privacy' };
          case 'conflict':
            return { replies: [text(rebindCopy.conflict)], next: null };
          case 'not_verified':
            return { replies: [text(signupCopy.notVerified)], next: 'mobile' };
        }
      },
    }),
    {
      type: 'ask',
      id: 'privacy',
      prompt: () => [text(signupCopy.askPrivacy)],
      answer: () => yesNo(signupCopy.privacyRequired).refine((agreed) => agreed, signupCopy.privacyRequired),
      save: 'privacyConsent',
      next: 'marketing',
    },
    {
      type: 'ask',
      id: 'marketing',
      prompt: () => [text(signupCopy.askMarketing)],
      answer: () => yesNo(),
      save: 'marketingConsent',
      next: 'birthday',
    },
    {
      type: 'ask',
      id: 'birthday',
      prompt: () => [text(signupCopy.askBirthday)],
      answer: (_data, ctx) => birthdayAnswer(ctx.today),
      save: 'birthday',
      next: 'plate',
    },
    {
      type: 'ask',
      id: 'plate',
      prompt: () => [text(signupCopy.askPlate)],
      answer: () => plateAnswer,
      save: 'plate',
      next: 'enrol',
    },
    effectStep<'enrol'>({
      id: 'enrol',
      effect: (data) => ({
        type: 'enrol',
        form: {
          name: String(data.name),
          mobile: String(data.mobile),
          privacyConsent: true,
          marketingConsent: data.marketingConsent === true,
          ...(typeof data.birthday === 'string' ? { birthday: data.birthday } : {}),
          ...(typeof data.plate === 'string' ? { plate: data.plate } : {}),
        },
      }),
      onResult: (result, data, ctx) => {
        if (result.ok) {
          return { replies: [text(signupCopy.welcome(result, String(data.name), ctx.timeZone))], next: null };
        }
        switch (result.reason) {
          case 'relinked':
            return { replies: [text(signupCopy.relinked)], next: null };
          case 'openid_linked':
            return { replies: [text(signupCopy.openidLinked)], next: null };
          case 'conflict':
            return { replies: [text(rebindCopy.conflict)], next: null };
          case 'not_verified':
            return { replies: [text(signupCopy.notVerified)], next: 'mobile' };
          case 'invalid':
            return { replies: [text(signupCopy.failed(result.message))], next: null };
        }
      },
    }),
  ],
});

function masked(data: FlowData): string {
  const mobile = String(data.mobile ?? '');
  return `${mobile.slice(0, 3)}****${mobile.slice(7)}`;
}
