import { afterEach, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../../src/channels/bot';
import type { ConversationHandler } from '../../src/channels/conversation-handler';
import type { InboundMessage } from '../../src/channels/inbound-message';
import { SimulatorPuppet } from '../../src/channels/simulator/simulator-puppet';
import { chooseBot } from '../../src/channels/start-channel-bot';
import { parseEnv } from '../../src/config/env';
import { createLogger } from '../../src/lib/logger';
import { startApiHarness } from '../helpers/api-harness';

const logger = createLogger('silent');

describe('which bot a process runs', () => {
  it.each([
    ['simulator', null, 'all', { kind: 'simulator' }],
    ['simulator', null, 'web', { kind: 'simulator' }],
    ['simulator', null, 'worker', null],
    ['wechat', null, 'all', { kind: 'wechat' }],
    ['wechat', null, 'worker', { kind: 'wechat' }],
    // The webhook hands messages to its own process's bot for passive replies.
    ['wechat', null, 'web', { kind: 'wechat' }],
    ['simulator', 'wechaty-puppet-service', 'all', { kind: 'named', name: 'wechaty-puppet-service' }],
    ['simulator', 'wechaty-puppet-service', 'web', null],
  ] as const)('CHANNEL=%s WECHATY_PUPPET=%s role %s → %j', (channel, wechatyPuppet, role, expected) => {
    expect(chooseBot({ channel, wechatyPuppet }, role)).toEqual(expected);
  });

  it('reads WECHATY_PUPPET as a puppet package name, never alongside the official account', () => {
    expect(parseEnv({ WECHATY_PUPPET: '@juzi/wechaty-puppet-service' }).wechatyPuppet).toBe(
      '@juzi/wechaty-puppet-service',
    );
    expect(parseEnv({}).wechatyPuppet).toBeNull();
    expect(() => parseEnv({ WECHATY_PUPPET: 'left-pad' })).toThrow(
      /WECHATY_PUPPET must be the npm name of a Wechaty puppet/,
    );
    expect(() =>
      parseEnv({
        CHANNEL: 'wechat',
        WECHAT_APP_ID: 'wx0123456789abcdef',
        WECHAT_APP_SECRET: 's',
        WECHAT_TOKEN: 'tok123',
        SMS_PROVIDER: 'dev',
        WECHATY_PUPPET: 'wechaty-puppet-service',
      }),
    ).toThrow(/WECHATY_PUPPET cannot be used with CHANNEL=wechat/);
  });
});

describe('simulator puppet', () => {
  let bot: Bot | undefined;
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  const seen: InboundMessage[] = [];
  const scripted: ConversationHandler = async (inbound) => {
    seen.push(inbound);
    if (inbound.content.type === 'follow') return [{ text: `欢迎！场景 ${inbound.content.scene}` }];
    if (inbound.content.type !== 'text') return [];
    if (inbound.content.text === '慢') await new Promise((r) => setTimeout(r, 100));
    return [{ text: `收到：${inbound.content.text}` }, { text: '还有什么可以帮您？' }];
  };

  async function start() {
    const simulator = new SimulatorPuppet();
    bot = await startBot({ puppet: { kind: 'simulator', puppet: simulator }, handler: scripted, logger });
    return simulator;
  }

  it('plays a member: each line resolves with the replies to it, and the chat is kept for polling', async () => {
    const sim = await start();
    seen.length = 0;
    expect((await sim.say('zhang', '查积分')).map((l) => l.text)).toEqual([
      '收到：查积分',
      '还有什么可以帮您？',
    ]);
    expect(seen[0]).toMatchObject({
      channel: 'simulator',
      userId: sim.memberId('zhang'),
      content: { type: 'text', text: '查积分' },
    });
    const chat = sim.chat('zhang');
    expect(chat.map((l) => [l.from, l.text])).toEqual([
      ['member', '查积分'],
      ['assistant', '收到：查积分'],
      ['assistant', '还有什么可以帮您？'],
    ]);
    expect(sim.chat('zhang', chat[0]!.seq).map((l) => l.text)).toEqual([
      '收到：查积分',
      '还有什么可以帮您？',
    ]);
    await expect(sim.say('no spaces please', 'x')).rejects.toThrow(/invalid member key/);
  });

  it('carries a follow through a referral QR as a follow with its scene', async () => {
    const sim = await start();
    seen.length = 0;
    expect((await sim.follow('li', 'ref_X')).map((l) => l.text)).toEqual(['欢迎！场景 ref_X']);
    expect(seen).toEqual([
      expect.objectContaining({
        channel: 'simulator',
        userId: sim.memberId('li'),
        content: { type: 'follow', scene: 'ref_X' },
      }),
    ]);
  });

  it('keeps each member’s replies apart and in order when two members talk at once', async () => {
    const sim = await start();
    const [a1, b1, a2] = await Promise.all([
      sim.say('a', '慢'),
      sim.say('b', '你好'),
      sim.say('a', '第二句'),
    ]);
    expect(a1.map((l) => l.text)).toEqual(['收到：慢', '还有什么可以帮您？']);
    expect(b1.map((l) => l.text)).toEqual(['收到：你好', '还有什么可以帮您？']);
    expect(a2.map((l) => l.text)).toEqual(['收到：第二句', '还有什么可以帮您？']);
    expect(sim.chat('a').map((l) => l.text)).toEqual([
      '慢',
      '收到：慢',
      '还有什么可以帮您？',
      '第二句',
      '收到：第二句',
      '还有什么可以帮您？',
    ]);
  });
});

describe('any other Wechaty puppet by name', () => {
  it('resolves an installed puppet package and tags its messages `wechaty`', async () => {
    const bot = await startBot({
      puppet: { kind: 'named', name: 'wechaty-puppet-mock' },
      handler: scripted(),
      logger,
    });
    try {
      expect(bot.channel).toBe('wechaty');
      expect(bot.puppet.name()).toMatch(/wechaty-puppet-mock/);
    } finally {
      await bot.stop();
    }
  });
  const scripted = (): ConversationHandler => async () => [];
});

describe('the runtime’s bot', () => {
  it('runs the simulator channel through the conversation service', async () => {
    const api = await startApiHarness();
    try {
      const simulator = api.runtime.bot?.simulator;
      expect(simulator).toBeTruthy();
      const replies = (await simulator!.say('wang', '查积分')).map((l) => l.text).join('\n');
      // Not a member yet: the assistant offers to sign up.
      expect(replies).toContain('入会');
    } finally {
      await api.stop();
    }
  });
});
