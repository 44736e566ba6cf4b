import type { AppConfig } from './env';
import { redactUrl } from './redact-url';

const hidden = '***';

/**
 * The configuration as it may be logged at start-up: every secret replaced by `'***'` (or `null`
 * when it is not set, which is worth knowing), passwords removed from connection URLs, and staff
 * keys reduced to who they are for.
 */
export function redactedConfigSummary(config: AppConfig) {
  const { sms, wechat } = config;
  return {
    port: config.port,
    mongodb: config.mongodbUri === null ? 'embedded' : redactUrl(config.mongodbUri),
    redis: config.redisUrl === null ? 'embedded' : redactUrl(config.redisUrl),
    dataDir: config.dataDir,
    channel: config.channel,
    wechat: {
      appId: wechat.credentials?.appId ?? null,
      appSecret: wechat.credentials === null ? null : hidden,
      token: hidden,
      encodingAesKey: wechat.encodingAesKey === null ? null : hidden,
      apiBase: wechat.apiBase,
    },
    staffApiKeys: config.staff.apiKeys.map(({ role, storeId }) =>
      storeId === undefined ? { role } : { role, storeId },
    ),
    generateAdminKey: config.staff.generateAdminKey,
    programFile: config.programFile ?? 'built-in default',
    sms:
      sms.provider === 'tencentcloud'
        ? {
            provider: sms.provider,
            secretId: sms.secretId,
            secretKey: hidden,
            sdkAppId: sms.sdkAppId,
            signName: sms.signName,
            templateId: sms.templateId,
            apiBase: sms.apiBase,
          }
        : { provider: sms.provider },
    logLevel: config.logLevel,
  };
}
