import type { Clock } from '../../lib/clock';
import type { SmsSender } from './sms-sender';
import { TC3_CONTENT_TYPE, tc3Authorization } from './tc3-signature';

export interface TencentCloudSmsConfig {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  /** An approved template with two parameters: the code and its validity in minutes. */
  templateId: string;
  /** `https://sms.tencentcloudapi.com` in production; a fake's URL in tests. */
  apiBase: string;
}

const ACTION = 'SendSms';
const VERSION = '2021-01-11';
const REGION = 'ap-guangzhou';
const TIMEOUT_MS = 5_000;

interface SendSmsResponse {
  Response?: {
    Error?: { Code: string; Message: string };
    SendStatusSet?: { Code: string; Message: string; PhoneNumber: string }[];
    RequestId?: string;
  };
}

/**
 * Tencent Cloud SMS, API 3.0 `SendSms` signed with TC3-HMAC-SHA256. A refusal (an API error or a
 * send status other than `Ok`) or an outage is thrown; the caller tells the member SMS is
 * unavailable. Neither the secret nor the code is logged.
 */
export class TencentCloudSmsSender implements SmsSender {
  constructor(
    private readonly config: TencentCloudSmsConfig,
    private readonly clock: Clock,
  ) {}

  async sendCode(mobile: string, code: string, ttlMinutes: number): Promise<void> {
    const payload = JSON.stringify({
      PhoneNumberSet: [`+86${mobile}`],
      SmsSdkAppId: this.config.sdkAppId,
      SignName: this.config.signName,
      TemplateId: this.config.templateId,
      TemplateParamSet: [code, String(ttlMinutes)],
    });
    const url = new URL(this.config.apiBase);
    const timestamp = Math.floor(this.clock().getTime() / 1000);
    const authorization = tc3Authorization({
      secretId: this.config.secretId,
      secretKey: this.config.secretKey,
      service: 'sms',
      host: url.host,
      action: ACTION,
      payload,
      timestamp,
    });
    const res = await fetch(`${this.config.apiBase}/`, {
      method: 'POST',
      headers: {
        authorization,
        'content-type': TC3_CONTENT_TYPE,
        host: url.host,
        'x-tc-action': ACTION,
        'x-tc-timestamp': String(timestamp),
        'x-tc-version': VERSION,
        'x-tc-region': REGION,
      },
      body: payload,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = (await res.json()) as SendSmsResponse;
    const error = body.Response?.Error;
    if (error) throw new Error(`Tencent Cloud SMS refused: ${error.Code}`);
    const status = body.Response?.SendStatusSet?.[0];
    if (status?.Code !== 'Ok')
      throw new Error(`Tencent Cloud SMS not sent: ${status?.Code ?? `HTTP ${res.status}`}`);
  }
}
