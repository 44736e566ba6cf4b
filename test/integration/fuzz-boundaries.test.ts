import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/data/database';
import { testKeys } from '../helpers/test-config';
import { startWechatHarness, type WechatHarness } from '../helpers/wechat-harness';
import { bigMsgId, postXml, signedQuery, textXml, uniqueOpenid } from '../helpers/wechat-webhook-client';

/**
 * QUALITY.md: 10,000 malformed, oversized and wrongly signed webhook bodies and API payloads →
 * no crash, only 4xx, no data changed, memory flat. Inputs come from fast-check with a fixed seed,
 * so a failure names its input and repeats.
 */
const TOKEN = 'fuzztoken';
const SEED = 20_261_125;
const WEBHOOK_CASES = 5_000;
const API_CASES = 5_000;
const CONCURRENCY = 8;

let h: WechatHarness;
let db: Database;
let memberId: string;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

beforeAll(async () => {
  h = await startWechatHarness({ WECHAT_TOKEN: TOKEN });
  db = h.api.runtime.services.db;
  memberId = (await h.api.insertMember())._id;
});
afterAll(async () => {
  await h?.stop();
});

/** What a bad input must not change. */
async function snapshot(): Promise<Record<string, unknown>> {
  return {
    members: await db.members.countDocuments(),
    member: await db.members.findById(memberId).lean(),
    transactions: await db.transactions.countDocuments(),
    ledger: await db.ledger.countDocuments(),
    rewards: await db.rewards.find({}).sort({ _id: 1 }).lean(),
    redemptions: await db.redemptions.countDocuments(),
    vouchers: await db.vouchers.countDocuments(),
    deliveries: await db.delivery.deliveries.countDocuments(),
    campaigns: await db.campaigns.countDocuments(),
    inbound: (await h.jobs()).length,
  };
}

interface Case {
  describe: string;
  send: () => Promise<number>;
}

/** Runs the cases `CONCURRENCY` at a time; returns the ones that did not answer 4xx. */
async function runAll(cases: Case[]): Promise<string[]> {
  const wrong: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) {
        const item = cases[next++]!;
        const status = await item.send();
        if (status < 400 || status >= 500) wrong.push(`${status} ← ${item.describe.slice(0, 160)}`);
      }
    }),
  );
  return wrong;
}

// ---- webhook inputs: each one invalid by construction ----------------------------------------

const garbage = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom(
    '',
    ' ',
    '<xml>',
    '</xml>',
    '<xml><xml></xml>',
    '<?xml version="1.0"?>',
    '<![CDATA[',
    '&amp;',
  ),
);

/** A valid message cut short, with a required field dropped, or with a field of the wrong shape. */
const brokenMessage = fc
  .tuple(
    fc.nat(),
    fc.constantFrom('cut', 'drop', 'msgid', 'type', 'nest', 'dtd'),
    fc.string({ maxLength: 40 }),
  )
  .map(([n, how, junk]) => {
    const valid = textXml(uniqueOpenid('oFUZZ'), bigMsgId(), '查积分');
    switch (how) {
      case 'cut':
        return valid.slice(0, n % (valid.length - 1));
      case 'drop': {
        const tags = ['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'MsgId'];
        const tag = tags[n % tags.length]!;
        return valid.replace(new RegExp(`<${tag}>.*?</${tag}>`, 's'), '');
      }
      case 'msgid':
        return valid.replace(/<MsgId>\d+<\/MsgId>/, `<MsgId>x${junk.replace(/[<&]/g, '')}</MsgId>`);
      case 'type':
        return valid.replace(/<MsgType>.*?<\/MsgType>/s, '<MsgType><a>text</a></MsgType>');
      case 'nest':
        return `<xml>${valid}</xml>`;
      default:
        return `<!DOCTYPE xml [<!ENTITY e "${junk.replace(/["<&%]/g, '')}">]>${valid}`;
    }
  });

function webhookCases(): Case[] {
  const rng = { seed: SEED, numRuns: WEBHOOK_CASES };
  const kinds = fc.sample(fc.nat(99), rng);
  const bodies = fc.sample(fc.oneof(garbage, brokenMessage), rng);
  return kinds.map((kind, i) => {
    const body = bodies[i]!;
    if (kind < 10) {
      // Over the 64 KB limit (built when sent, so the cases hold no large strings).
      return {
        describe: `oversized ${body.length + 66_000}`,
        send: async () => (await post(body + 'x'.repeat(66_000))).status,
      };
    }
    if (kind < 30) {
      // A valid message with a wrong or missing signature.
      const valid = textXml(uniqueOpenid('oFUZZ'), bigMsgId());
      const signature = kind < 20 ? body.slice(0, 40) || 'bad' : null;
      return {
        describe: `signature ${JSON.stringify(signature)}`,
        send: async () => (await postXml(h.api.url, signedQuery({ token: TOKEN, signature }), valid)).status,
      };
    }
    return { describe: `body ${JSON.stringify(body)}`, send: async () => (await post(body)).status };
  });
}

const post = (body: string) => postXml(h.api.url, signedQuery({ token: TOKEN }), body);

// ---- staff API inputs ------------------------------------------------------------------------

const json = fc.jsonValue({ maxDepth: 3 });
const injection = fc.constantFrom({ $gt: '' }, { $ne: null }, { $where: '1' }, [{ $gt: '' }]);

function apiCases(): Case[] {
  const rng = { seed: SEED + 1, numRuns: API_CASES };
  const valid: Record<string, Record<string, unknown>> = {
    '/api/v1/transactions': {
      transactionId: 'fuzz-t',
      memberId,
      category: 'maintenance',
      amountFen: 10_000,
      occurredAt: '2026-11-25T10:00:00+08:00',
    },
    '/api/v1/members': { name: '模糊', mobile: '13800000000', privacyConsent: true },
    '/api/v1/campaigns': { name: '模糊', text: '你好', startAt: '2026-12-01T10:00:00+08:00' },
    '/api/v1/rewards': { id: 'fuzz-reward', name: '模糊', cost: 100, validityDays: 30 },
    [`/api/v1/members/${memberId}/redemptions`]: { rewardId: 'car-wash', requestId: 'fuzz-r' },
  };
  const paths = Object.keys(valid);
  const picks = fc.sample(fc.tuple(fc.nat(), fc.nat(99), json, injection, fc.string({ maxLength: 80 })), rng);
  return picks.map(([n, kind, value, operator, text]) => {
    const path = paths[n % paths.length]!;
    const base = valid[path]!;
    const field = Object.keys(base)[n % Object.keys(base).length]!;
    if (kind < 40) {
      // A valid body with one field replaced by an operator (anywhere, even nested in an array).
      const body = { ...base, [field]: operator };
      return { describe: `${path} ${JSON.stringify(body)}`, send: () => apiPost(path, JSON.stringify(body)) };
    }
    if (kind < 55) {
      // A valid body with an extra `$` key, which strict schemas and the injection guard refuse.
      const body = { ...base, [`$${field}`]: value };
      return { describe: `${path} ${JSON.stringify(body)}`, send: () => apiPost(path, JSON.stringify(body)) };
    }
    if (kind < 80) {
      // A valid body with one field of another shape (a random JSON value that is not a string
      // or number fitting the schema is refused; those that could fit are replaced by an array).
      const odd = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
      const body = { ...base, [field]: odd ? [value] : value };
      return { describe: `${path} ${JSON.stringify(body)}`, send: () => apiPost(path, JSON.stringify(body)) };
    }
    if (kind < 88) return { describe: `${path} text ${text}`, send: () => apiPost(path, `{${text}`) };
    if (kind < 92) {
      return {
        describe: `${path} oversized`,
        send: () => apiPost(path, JSON.stringify({ ...base, note: 'x'.repeat(300_000) })),
      };
    }
    if (kind < 96)
      return { describe: `${path} no key`, send: () => apiPost(path, JSON.stringify(base), null) };
    return {
      describe: `${path} wrong key ${text}`,
      send: () => apiPost(path, JSON.stringify(base), `not-a-key-${text.replace(/[^\x21-\x7e]/g, '')}`),
    };
  });
}

async function apiPost(path: string, body: string, key: string | null = testKeys.admin): Promise<number> {
  const res = await fetch(`${h.api.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

describe('10,000 bad inputs (QUALITY.md)', () => {
  it('are each answered 4xx, change nothing, and leave memory flat', async () => {
    const before = await snapshot();
    const webhook = webhookCases();
    const api = apiCases();
    // A warm-up of the same code paths, so the memory baseline includes compiled code and caches.
    expect(await runAll([...webhook.slice(0, 500), ...api.slice(0, 500)])).toEqual([]);
    const heapBefore = heapAfterGc();

    expect(await runAll(webhook)).toEqual([]);
    expect(await runAll(api)).toEqual([]);

    const grownMb = (heapAfterGc() - heapBefore) / 1024 / 1024;
    console.log(`fuzz: heap grew ${grownMb.toFixed(1)} MB`);
    expect(grownMb).toBeLessThan(16);
    expect(await snapshot()).toEqual(before);
    expect((await fetch(`${h.api.url}/healthz`)).status).toBe(200);
  }, 240_000);
});
