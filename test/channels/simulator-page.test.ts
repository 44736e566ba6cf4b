import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { startFakeWechatApi } from '../helpers/fake-wechat-api';
import { waitFor } from '../helpers/wait-for';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
});

afterAll(async () => {
  await api?.stop();
});

interface Line {
  seq: number;
  from: 'member' | 'assistant';
  text: string;
  at: string;
}

interface SimulatedMember {
  key: string;
  memberId: string | null;
  name: string | null;
  referralCode: string | null;
  scene: string | null;
}

interface ErrorBody {
  error: { code: string; message: string };
}

/** The simulator API, as the page calls it: no staff key. */
async function sim<T = ErrorBody>(method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await fetch(`${api.url}/simulator/api${path}`, {
    method,
    ...(body === undefined
      ? {}
      : {
          headers: { 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function say(key: string, text: string): Promise<string> {
  const res = await sim<{ replies: Line[] }>('POST', `/members/${key}/say`, { text });
  expect(res.status).toBe(200);
  return res.body.replies.map((line) => line.text).join('\n');
}

async function listed(key: string): Promise<SimulatedMember | undefined> {
  const res = await sim<{ members: SimulatedMember[] }>('GET', '/members');
  expect(res.status).toBe(200);
  return res.body.members.find((member) => member.key === key);
}

async function latestCode(mobile: string): Promise<string> {
  const res = await sim<{ messages: { mobile: string; code: string; text: string; at: string }[] }>(
    'GET',
    '/sms',
  );
  expect(res.status).toBe(200);
  const message = res.body.messages.find((m) => m.mobile === mobile);
  expect(message?.text).toContain(message?.code);
  return message!.code;
}

/** 入会 through the simulator's API, reading the SMS code from its inbox; returns the welcome. */
async function signUp(key: string, name: string, mobile: string): Promise<string> {
  expect(await say(key, '入会')).toContain('怎么称呼您');
  expect(await say(key, name)).toContain('请输入您的手机号');
  expect(await say(key, mobile)).toContain(`验证码已发送到 ${mobile.slice(0, 3)}****${mobile.slice(7)}`);
  const code = await latestCode(mobile);
  expect(code).toMatch(/^\d{6}$/);
  expect(await say(key, code)).toContain('《会员隐私政策》');
  expect(await say(key, '同意')).toContain('节日活动和会员优惠消息');
  expect(await say(key, '不要')).toContain('您的生日是哪天');
  expect(await say(key, '跳过')).toContain('车牌号');
  return say(key, '跳过');
}

describe('simulator page', () => {
  it('is served as HTML with the chat, the menu, the member switcher and the SMS inbox', async () => {
    const res = await fetch(`${api.url}/simulator`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    // The account name comes from the program, escaped into the page.
    expect(html).toContain('<h1 id="account-name">车主会员俱乐部</h1>');
    expect(html).not.toContain('{{PROGRAM_NAME}}');
    expect(html).toContain('<label for="text" class="visually-hidden">输入消息</label>');
    expect(html).toContain('<button id="send" class="primary" type="submit">发送</button>');
    for (const quick of ['查积分', '明细', '兑换', '推荐有礼', '帮助']) {
      expect(html).toContain(`<button type="button" data-say="${quick}">${quick}</button>`);
    }
    expect(html).toContain('<button id="new-member" class="primary" type="button">新会员</button>');
    expect(html).toContain('扫描会员');
    expect(html).toContain('<ul id="sms" class="sms">');
    // The inline script at least compiles (the browser end-to-end test runs it).
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1];
    expect(script).toContain("const api = '/simulator/api';");
    expect(() => new Function(script!)).not.toThrow();
    // Self-contained: no external script, style or font.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('signs a member up through the API, with the code from the SMS inbox', async () => {
    const follow = await sim<{ replies: Line[] }>('POST', '/members/zhang/follow', {});
    expect(follow.status).toBe(200);
    expect(follow.body.replies.map((line) => line.text).join('\n')).toContain('回复「入会」即可加入会员');
    expect(await listed('zhang')).toEqual({
      key: 'zhang',
      memberId: null,
      name: null,
      referralCode: null,
      scene: null,
    });

    const welcome = await signUp('zhang', '张先生', '13912345601');
    expect(welcome).toContain('入会成功，欢迎您，张先生！');

    const member = await listed('zhang');
    expect(member?.name).toBe('张先生');
    expect(member?.memberId).toMatch(/^[0-9a-f]{24}$/);
    expect(member?.scene).toBe(`ref_${member?.referralCode}`);

    // The chat keeps both sides in order for the page to poll.
    const chat = await sim<{ lines: Line[] }>('GET', '/members/zhang/chat?after=0');
    expect(chat.status).toBe(200);
    const lines = chat.body.lines;
    expect(lines[0]?.from).toBe('assistant');
    expect(lines.filter((line) => line.from === 'member').map((line) => line.text)).toContain('张先生');
    expect(lines.at(-1)?.text).toContain('入会成功');
    const last = lines.at(-1)!.seq;
    expect((await sim<{ lines: Line[] }>('GET', `/members/zhang/chat?after=${last}`)).body.lines).toEqual([]);
  });

  it("shows messages the account pushes (a campaign's test send) in the member's chat", async () => {
    await api.insertMember({ openid: 'sim_li', name: '李女士', marketingConsent: true });
    // A message from the member opens the 48-hour customer-service window.
    await say('li', '查积分');
    const created = await api.post(
      '/api/v1/campaigns',
      {
        name: '会员日',
        text: '{name}您好，本周六会员日到店保养享双倍积分。',
        genericText: '您好，本周六会员日到店保养享双倍积分。',
        startAt: '2026-11-28T09:00:00+08:00',
      },
      'marketing',
    );
    expect(created.status).toBe(201);
    const member = await listed('li');
    const test = await api.post(
      `/api/v1/campaigns/${created.body.id}/test`,
      { memberIds: [member?.memberId] },
      'marketing',
    );
    expect(test.status).toBe(200);
    const pushed = await waitFor(
      async () => {
        const chat = await sim<{ lines: Line[] }>('GET', '/members/li/chat?after=0');
        return chat.body.lines.find((line) => line.text.includes('会员日到店保养'));
      },
      10_000,
      'the test send in the chat',
    );
    expect(pushed).toMatchObject({ from: 'assistant', text: expect.stringContaining('李女士您好') });
  });

  it("a new member scans member A's referral QR, joins, and A's referral count goes up", async () => {
    await sim('POST', '/members/referrer-a/follow', {});
    await signUp('referrer-a', '李女士', '13912345602');
    const a = (await listed('referrer-a'))!;
    expect(a.scene).toBeTruthy();
    const before = await api.get(`/api/v1/members/${a.memberId}/referrals`);
    expect(before.status).toBe(200);
    expect(before.body.friendsJoined).toBe(0);

    // A shares: the reply carries the QR placeholder the page draws.
    const share = await say('referrer-a', '推荐有礼');
    expect(share).toContain(`chezhu:qr/${a.scene}`);

    const scanned = await sim<{ replies: Line[] }>('POST', '/members/friend-b/follow', { scene: a.scene });
    expect(scanned.status).toBe(200);
    expect(scanned.body.replies.map((line) => line.text).join('\n')).toContain(
      '您的朋友李女士邀请您加入车主会员俱乐部。',
    );
    const welcome = await signUp('friend-b', '王先生', '13912345603');
    expect(welcome).toContain('入会成功，欢迎您，王先生！');
    expect(welcome).toContain('推荐奖励 500 积分。感谢朋友李女士的邀请！');

    const after = await api.get(`/api/v1/members/${a.memberId}/referrals`);
    expect(after.status).toBe(200);
    expect(after.body.friendsJoined).toBe(1);
    const b = await listed('friend-b');
    expect(b?.memberId).toBeTruthy();
    expect(b?.referralCode).not.toBe(a.referralCode);
  });

  it('answers bad requests with 400 and the error shape, and acts for nobody', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/members/zhang/say', {}],
      ['POST', '/members/zhang/say', { text: '' }],
      ['POST', '/members/zhang/say', { text: 42 }],
      ['POST', '/members/zhang/say', { text: '查积分', extra: true }],
      ['POST', '/members/zhang/say', { text: { $gt: '' } }],
      ['POST', '/members/zhang/say', '{"text":'],
      ['POST', '/members/Zhang!/say', { text: '查积分' }],
      ['POST', `/members/${'a'.repeat(33)}/say`, { text: '查积分' }],
      ['POST', '/members/zhang/follow', { scene: 'ref code' }],
      ['POST', '/members/zhang/follow', { scene: 'ref_x', channel: 'wechat' }],
      ['GET', '/members/zhang/chat?after=-1', undefined],
      ['GET', '/members/zhang/chat?after=abc', undefined],
      ['GET', '/members/zhang/chat?other=1', undefined],
    ];
    const before = (await sim<{ lines: Line[] }>('GET', '/members/zhang/chat')).body.lines.length;
    for (const [method, path, body] of cases) {
      const res = await sim(method as 'GET' | 'POST', path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error.code).toMatch(/^invalid_/);
      expect(typeof res.body.error.message).toBe('string');
    }
    expect((await sim<{ lines: Line[] }>('GET', '/members/zhang/chat')).body.lines.length).toBe(before);
    expect((await listed('Zhang!')) ?? null).toBeNull();
    const unknown = await sim('GET', '/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });
});

describe('simulator with WeChat credentials', () => {
  it('does not exist on the WeChat channel', async () => {
    const fake = await startFakeWechatApi();
    let wechat: ApiHarness | undefined;
    try {
      wechat = await startApiHarness({
        env: {
          CHANNEL: 'wechat',
          WECHAT_APP_ID: fake.appId,
          WECHAT_APP_SECRET: fake.appSecret,
          WECHAT_TOKEN: 'simtoken123',
          WECHAT_API_BASE: fake.url,
          // Even with the dev SMS sender, which keeps codes for a simulator.
          SMS_PROVIDER: 'dev',
        },
      });
      expect(wechat.runtime.bot?.simulator ?? null).toBeNull();
      for (const path of ['/simulator', '/simulator/api/members', '/simulator/api/sms']) {
        const res = await fetch(`${wechat.url}${path}`);
        expect(res.status, path).toBe(404);
      }
      const say = await fetch(`${wechat.url}/simulator/api/members/zhang/say`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: '查积分' }),
      });
      expect(say.status).toBe(404);
    } finally {
      await wechat?.stop();
      await fake.close();
    }
  });
});
