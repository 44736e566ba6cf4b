import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env';
import { redactUrl } from '../../src/config/redact-url';
import { redactedConfigSummary } from '../../src/config/redacted-config-summary';

describe('redactedConfigSummary', () => {
  const secrets = {
    app: 'wechat-app-secret-0123456789',
    token: 'webhooktoken42',
    aes: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    tencent: 'tencent-secret-key-0123456789',
    admin: 'admin-key-0123456789abcdef',
    store: 'store-key-0123456789abcdef',
    mongo: 'mongo-password',
    redis: 'redis-password',
  };
  const config = parseEnv(
    {
      PORT: '8080',
      MONGODB_URI: `mongodb://app:${secrets.mongo}@db1:27017,db2:27017/chezhu`,
      REDIS_URL: `rediss://:${secrets.redis}@cache:6380`,
      DATA_DIR: '/var/lib/chezhu',
      WECHAT_APP_ID: 'wx1234567890abcdef',
      WECHAT_APP_SECRET: secrets.app,
      WECHAT_TOKEN: secrets.token,
      WECHAT_ENCODING_AES_KEY: secrets.aes,
      STAFF_API_KEYS: `admin:${secrets.admin},store@BJ001:${secrets.store}`,
      TENCENTCLOUD_SECRET_ID: 'AKIDexample',
      TENCENTCLOUD_SECRET_KEY: secrets.tencent,
      SMS_SDK_APP_ID: '1400006666',
      SMS_SIGN_NAME: '车主会员俱乐部',
      SMS_TEMPLATE_ID: '449739',
    },
    { cwd: '/' },
  );

  it('keeps what helps an operator and hides every secret', () => {
    const summary = redactedConfigSummary(config);
    expect(summary).toEqual({
      port: 8080,
      mongodb: 'mongodb://app:***@db1:27017,db2:27017/chezhu',
      redis: 'rediss://:***@cache:6380',
      dataDir: '/var/lib/chezhu',
      channel: 'wechat',
      wechat: {
        appId: 'wx1234567890abcdef',
        appSecret: '***',
        token: '***',
        encodingAesKey: '***',
        apiBase: 'https://api.weixin.qq.com',
      },
      staffApiKeys: [{ role: 'admin' }, { role: 'store', storeId: 'BJ001' }],
      generateAdminKey: false,
      programFile: 'built-in default',
      sms: {
        provider: 'tencentcloud',
        secretId: 'AKIDexample',
        secretKey: '***',
        sdkAppId: '1400006666',
        signName: '车主会员俱乐部',
        templateId: '449739',
        apiBase: 'https://sms.tencentcloudapi.com',
      },
      logLevel: 'info',
    });
    const logged = JSON.stringify(summary);
    for (const secret of Object.values(secrets)) expect(logged).not.toContain(secret);
  });

  it('says what is embedded or unset in development', () => {
    const summary = redactedConfigSummary(parseEnv({}, { cwd: '/' }));
    expect(summary).toMatchObject({
      mongodb: 'embedded',
      redis: 'embedded',
      wechat: { appId: null, appSecret: null, token: '***', encodingAesKey: null },
      staffApiKeys: [],
      generateAdminKey: true,
      sms: { provider: 'dev' },
    });
  });
});

describe('redactUrl', () => {
  it.each([
    ['mongodb://u:p@h1,h2/db', 'mongodb://u:***@h1,h2/db'],
    ['redis://:pw@h:6379', 'redis://:***@h:6379'],
    ['redis://:p/w@h:6379', 'redis://:***@h:6379'],
    ['user:pass@host', 'user:***@host'],
    ['mongodb://user@host/db', 'mongodb://user@host/db'],
    ['mongodb://host/db', 'mongodb://host/db'],
  ])('%s → %s', (uri, expected) => {
    expect(redactUrl(uri)).toBe(expected);
  });
});
