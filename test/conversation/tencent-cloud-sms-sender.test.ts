import { createHash, createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TencentCloudSmsSender } from '../../src/services/sms/tencent-cloud-sms-sender';

const SECRET_ID = 'AKIDtestsecretid';
const SECRET_KEY = 'testsecretkey0123456789';
const NOW = new Date('2026-11-25T02:00:00Z');

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  signatureValid: boolean;
}

/**
 * A fake of Tencent Cloud's SendSms endpoint on loopback: it checks the TC3-HMAC-SHA256 signature
 * the way the service documents it (written out here independently of the sender) and answers
 * like the real API.
 */
function fakeTencentSms(received: Received[]): Server {
  return createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      const timestamp = String(req.headers['x-tc-timestamp']);
      const date = new Date(Number(timestamp) * 1000).toISOString().slice(0, 10);
      const hash = (text: string) => createHash('sha256').update(text).digest('hex');
      const canonical = `POST\n/\n\ncontent-type:${req.headers['content-type']}\nhost:${req.headers.host}\nx-tc-action:${String(req.headers['x-tc-action']).toLowerCase()}\n\ncontent-type;host;x-tc-action\n${hash(raw)}`;
      const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/sms/tc3_request\n${hash(canonical)}`;
      let key: Buffer | string = `TC3${SECRET_KEY}`;
      for (const part of [date, 'sms', 'tc3_request']) key = createHmac('sha256', key).update(part).digest();
      const signature = createHmac('sha256', key).update(toSign).digest('hex');
      const expected = `TC3-HMAC-SHA256 Credential=${SECRET_ID}/${date}/sms/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=${signature}`;
      const signatureValid = req.headers.authorization === expected;
      const body = JSON.parse(raw) as { PhoneNumberSet: string[] };
      received.push({ headers: req.headers, body, signatureValid });
      res.setHeader('content-type', 'application/json');
      if (!signatureValid) {
        res.end(
          JSON.stringify({
            Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'bad' }, RequestId: 'r1' },
          }),
        );
        return;
      }
      const limited = body.PhoneNumberSet[0] === '+8613800000000';
      res.end(
        JSON.stringify({
          Response: {
            SendStatusSet: [
              {
                Code: limited ? 'LimitExceeded.PhoneNumberDailyLimit' : 'Ok',
                Message: limited ? 'limit' : 'send success',
                PhoneNumber: body.PhoneNumberSet[0],
              },
            ],
            RequestId: 'r2',
          },
        }),
      );
    });
  });
}

const received: Received[] = [];
let server: Server;
let apiBase: string;

beforeAll(async () => {
  server = fakeTencentSms(received);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const sender = (secretKey = SECRET_KEY) =>
  new TencentCloudSmsSender(
    {
      secretId: SECRET_ID,
      secretKey,
      sdkAppId: '1400000001',
      signName: '车主会员',
      templateId: '123456',
      apiBase,
    },
    () => NOW,
  );

describe('TencentCloudSmsSender (SendSms, TC3-HMAC-SHA256) against a fake', () => {
  it('sends a correctly signed SendSms with the code and its validity', async () => {
    await sender().sendCode('13912345678', '482913', 5);
    const call = received.at(-1)!;
    expect(call.signatureValid).toBe(true);
    expect(call.headers['x-tc-action']).toBe('SendSms');
    expect(call.headers['x-tc-version']).toBe('2021-01-11');
    expect(call.headers['x-tc-timestamp']).toBe(String(NOW.getTime() / 1000));
    expect(call.body).toEqual({
      PhoneNumberSet: ['+8613912345678'],
      SmsSdkAppId: '1400000001',
      SignName: '车主会员',
      TemplateId: '123456',
      TemplateParamSet: ['482913', '5'],
    });
  });

  it('throws when the API refuses the signature', async () => {
    await expect(sender('wrong-key').sendCode('13912345678', '482913', 5)).rejects.toThrow(
      'AuthFailure.SignatureFailure',
    );
  });

  it('throws when the message is not sent (a per-number limit)', async () => {
    await expect(sender().sendCode('13800000000', '482913', 5)).rejects.toThrow('PhoneNumberDailyLimit');
  });
});
