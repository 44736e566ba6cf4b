import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error';
import { type AppConfig, parseEnv } from '../../src/config/env';

const cwd = '/srv/chezhu';
const parse = (env: Record<string, string | undefined>) => parseEnv(env, { cwd });

/** The ConfigError thrown for `env`, failing the test if there is none. */
function errorFor(env: Record<string, string | undefined>): ConfigError {
  try {
    parse(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

const wechatEnv = {
  WECHAT_APP_ID: 'wx1234567890abcdef',
  WECHAT_APP_SECRET: 'app-secret-0123456789abcdef012345',
  WECHAT_TOKEN: 'prodtoken42',
  SMS_PROVIDER: 'dev',
};
const tencentEnv = {
  SMS_PROVIDER: 'tencentcloud',
  TENCENTCLOUD_SECRET_ID: 'AKIDexample0123456789',
  TENCENTCLOUD_SECRET_KEY: 'tc-secret-key-value-0123456789',
  SMS_SDK_APP_ID: '1400006666',
  SMS_SIGN_NAME: '车主会员俱乐部',
  SMS_TEMPLATE_ID: '449739',
};
const aesKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

describe('parseEnv defaults', () => {
  it('starts a development assistant from an empty environment', () => {
    expect(parse({})).toEqual({
      port: 3000,
      mongodbUri: null,
      redisUrl: null,
      dataDir: path.resolve(cwd, '.data'),
      channel: 'simulator',
      wechatyPuppet: null,
      wechat: {
        credentials: null,
        token: 'devtoken',
        encodingAesKey: null,
        apiBase: 'https://api.weixin.qq.com',
        passiveReplyMs: 700,
      },
      staff: { apiKeys: [], generateAdminKey: true },
      programFile: null,
      sms: { provider: 'dev' },
      logLevel: 'info',
      deliveryRatePerSecond: 20,
      misunderstoodKeepDays: 90,
    } satisfies AppConfig);
  });

  it('treats empty and blank values as unset', () => {
    expect(parse({ PORT: '', CHANNEL: '  ', STAFF_API_KEYS: '', LOG_LEVEL: '' })).toEqual(parse({}));
  });

  it('ignores variables it does not own', () => {
    expect(parse({ HOME: '/root', PATH: '/usr/bin' })).toEqual(parse({}));
  });

  it('returns a deeply frozen config', () => {
    const config = parse({ STAFF_API_KEYS: 'admin:0123456789abcdef' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.wechat)).toBe(true);
    expect(Object.isFrozen(config.staff.apiKeys)).toBe(true);
    expect(Object.isFrozen(config.staff.apiKeys[0])).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('resolves paths against the process working directory by default', () => {
    expect(parseEnv({}).dataDir).toBe(path.resolve(process.cwd(), '.data'));
  });
});

describe('parseEnv valid values', () => {
  const cases: [string, Record<string, string>, (config: AppConfig) => unknown, unknown][] = [
    ['PORT', { PORT: '8080' }, (c) => c.port, 8080],
    ['PORT 0 (any free port)', { PORT: '0' }, (c) => c.port, 0],
    ['PORT 65535', { PORT: '65535' }, (c) => c.port, 65535],
    [
      'MONGODB_URI',
      { MONGODB_URI: 'mongodb://localhost:27017/chezhu' },
      (c) => c.mongodbUri,
      'mongodb://localhost:27017/chezhu',
    ],
    [
      'MONGODB_URI multi-host',
      { MONGODB_URI: 'mongodb://u:p@h1:27017,h2:27017/db?replicaSet=rs0' },
      (c) => c.mongodbUri,
      'mongodb://u:p@h1:27017,h2:27017/db?replicaSet=rs0',
    ],
    [
      'MONGODB_URI srv',
      { MONGODB_URI: 'mongodb+srv://cluster.example.com/db' },
      (c) => c.mongodbUri,
      'mongodb+srv://cluster.example.com/db',
    ],
    ['REDIS_URL', { REDIS_URL: 'redis://127.0.0.1:6379/2' }, (c) => c.redisUrl, 'redis://127.0.0.1:6379/2'],
    [
      'REDIS_URL tls',
      { REDIS_URL: 'rediss://:pw@cache.example.com' },
      (c) => c.redisUrl,
      'rediss://:pw@cache.example.com',
    ],
    ['DATA_DIR relative', { DATA_DIR: 'var/data' }, (c) => c.dataDir, path.resolve(cwd, 'var/data')],
    ['DATA_DIR absolute', { DATA_DIR: '/var/lib/chezhu' }, (c) => c.dataDir, '/var/lib/chezhu'],
    ['CHANNEL simulator', { CHANNEL: 'simulator' }, (c) => c.channel, 'simulator'],
    ['CHANNEL any case', { ...wechatEnv, CHANNEL: 'WeChat' }, (c) => c.channel, 'wechat'],
    ['CHANNEL defaults to wechat with an app id', wechatEnv, (c) => c.channel, 'wechat'],
    [
      'WECHAT_APP_ID and WECHAT_APP_SECRET',
      wechatEnv,
      (c) => c.wechat.credentials,
      { appId: wechatEnv.WECHAT_APP_ID, appSecret: wechatEnv.WECHAT_APP_SECRET },
    ],
    [
      'credentials kept in simulator mode',
      { ...wechatEnv, CHANNEL: 'simulator' },
      (c) => c.wechat.credentials?.appId,
      wechatEnv.WECHAT_APP_ID,
    ],
    ['WECHAT_TOKEN', { WECHAT_TOKEN: 'abc' }, (c) => c.wechat.token, 'abc'],
    ['WECHAT_TOKEN 32 characters', { WECHAT_TOKEN: 'a'.repeat(32) }, (c) => c.wechat.token, 'a'.repeat(32)],
    ['WECHAT_ENCODING_AES_KEY', { WECHAT_ENCODING_AES_KEY: aesKey }, (c) => c.wechat.encodingAesKey, aesKey],
    [
      'WECHAT_API_BASE',
      { WECHAT_API_BASE: 'http://127.0.0.1:4010' },
      (c) => c.wechat.apiBase,
      'http://127.0.0.1:4010',
    ],
    [
      'WECHAT_API_BASE loses its trailing slash',
      { WECHAT_API_BASE: 'http://127.0.0.1:4010/fake/' },
      (c) => c.wechat.apiBase,
      'http://127.0.0.1:4010/fake',
    ],
    [
      'STAFF_API_KEYS',
      { STAFF_API_KEYS: ' admin:0123456789abcdef , store@BJ001:fedcba9876543210:x@y ,' },
      (c) => c.staff,
      {
        apiKeys: [
          { role: 'admin', key: '0123456789abcdef' },
          { role: 'store', storeId: 'BJ001', key: 'fedcba9876543210:x@y' },
        ],
        generateAdminKey: false,
      },
    ],
    [
      'PROGRAM_FILE',
      { PROGRAM_FILE: 'programs/main.yaml' },
      (c) => c.programFile,
      path.resolve(cwd, 'programs/main.yaml'),
    ],
    ['SMS_PROVIDER dev', { SMS_PROVIDER: 'dev' }, (c) => c.sms, { provider: 'dev' }],
    [
      'SMS_PROVIDER defaults to tencentcloud on wechat',
      { ...wechatEnv, ...tencentEnv, SMS_PROVIDER: '' },
      (c) => c.sms.provider,
      'tencentcloud',
    ],
    [
      'SMS_PROVIDER tencentcloud',
      tencentEnv,
      (c) => c.sms,
      {
        provider: 'tencentcloud',
        secretId: tencentEnv.TENCENTCLOUD_SECRET_ID,
        secretKey: tencentEnv.TENCENTCLOUD_SECRET_KEY,
        sdkAppId: '1400006666',
        signName: '车主会员俱乐部',
        templateId: '449739',
        apiBase: 'https://sms.tencentcloudapi.com',
      },
    ],
    [
      'SMS_API_BASE',
      { ...tencentEnv, SMS_API_BASE: 'http://localhost:9000/' },
      (c) => (c.sms.provider === 'tencentcloud' ? c.sms.apiBase : null),
      'http://localhost:9000',
    ],
    ['LOG_LEVEL', { LOG_LEVEL: 'debug' }, (c) => c.logLevel, 'debug'],
    ['LOG_LEVEL silent', { LOG_LEVEL: 'SILENT' }, (c) => c.logLevel, 'silent'],
    ['DELIVERY_RATE_PER_SECOND', { DELIVERY_RATE_PER_SECOND: '200' }, (c) => c.deliveryRatePerSecond, 200],
    ['DELIVERY_RATE_PER_SECOND 0', { DELIVERY_RATE_PER_SECOND: '0' }, (c) => c.deliveryRatePerSecond, 0],
    ['MISUNDERSTOOD_KEEP_DAYS', { MISUNDERSTOOD_KEEP_DAYS: '30' }, (c) => c.misunderstoodKeepDays, 30],
  ];

  it.each(cases)('%s', (_name, env, pick, expected) => {
    expect(pick(parse(env))).toEqual(expected);
  });
});

describe('parseEnv invalid values', () => {
  // [variable, env, expected fragment of the message]
  const cases: [string, Record<string, string>, string][] = [
    ['PORT', { PORT: 'abc' }, 'PORT must be an integer from 0 to 65535, 0 meaning any free port (got "abc")'],
    ['PORT', { PORT: '65536' }, '(got "65536")'],
    ['PORT', { PORT: '-1' }, '(got "-1")'],
    ['PORT', { PORT: '80.5' }, '(got "80.5")'],
    [
      'MONGODB_URI',
      { MONGODB_URI: 'postgres://db/x' },
      'MONGODB_URI must be a mongodb:// or mongodb+srv:// URL',
    ],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
    ['REDIS_URL', { REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
    ['CHANNEL', { CHANNEL: 'telegram' }, 'CHANNEL must be one of simulator, wechat (got "telegram")'],
    [
      'WECHAT_APP_ID',
      { CHANNEL: 'simulator', WECHAT_APP_ID: 'wx 12', WECHAT_APP_SECRET: 'x' },
      'WECHAT_APP_ID must be',
    ],
    [
      'WECHAT_APP_ID',
      { CHANNEL: 'wechat', WECHAT_APP_SECRET: 's', WECHAT_TOKEN: 'tok', SMS_PROVIDER: 'dev' },
      'WECHAT_APP_ID is required when CHANNEL=wechat',
    ],
    [
      'WECHAT_APP_SECRET',
      { ...wechatEnv, WECHAT_APP_SECRET: '' },
      'WECHAT_APP_SECRET is required when CHANNEL=wechat',
    ],
    [
      'WECHAT_APP_SECRET',
      { CHANNEL: 'simulator', WECHAT_APP_ID: 'wx1' },
      'WECHAT_APP_SECRET is required when WECHAT_APP_ID is set',
    ],
    ['WECHAT_TOKEN', { ...wechatEnv, WECHAT_TOKEN: '' }, 'WECHAT_TOKEN is required when CHANNEL=wechat'],
    [
      'WECHAT_TOKEN',
      { WECHAT_TOKEN: 'ab' },
      'WECHAT_TOKEN must be 3 to 32 letters or digits (got 2 characters)',
    ],
    ['WECHAT_TOKEN', { WECHAT_TOKEN: 'a'.repeat(33) }, '(got 33 characters)'],
    ['WECHAT_TOKEN', { WECHAT_TOKEN: 'has-dash' }, '(got 8 characters)'],
    [
      'WECHAT_ENCODING_AES_KEY',
      { WECHAT_ENCODING_AES_KEY: aesKey.slice(1) },
      'must be exactly 43 letters or digits (got 42 characters)',
    ],
    ['WECHAT_ENCODING_AES_KEY', { WECHAT_ENCODING_AES_KEY: `${aesKey.slice(1)}=` }, '(got 43 characters)'],
    [
      'WECHAT_API_BASE',
      { WECHAT_API_BASE: 'api.weixin.qq.com' },
      'WECHAT_API_BASE must be an http:// or https:// URL',
    ],
    ['WECHAT_API_BASE', { WECHAT_API_BASE: 'https://api.weixin.qq.com/?a=1' }, 'without query or fragment'],
    [
      'STAFF_API_KEYS',
      { STAFF_API_KEYS: 'admin-0123456789abcdef' },
      'STAFF_API_KEYS entry 1 must look like role:key or role@storeId:key (got 22 characters)',
    ],
    [
      'STAFF_API_KEYS',
      { STAFF_API_KEYS: 'boss:0123456789abcdef' },
      'STAFF_API_KEYS entry 1 has unknown role "boss" (roles: admin, marketing, store)',
    ],
    [
      'STAFF_API_KEYS',
      { STAFF_API_KEYS: 'store@bad store:0123456789abcdef' },
      'STAFF_API_KEYS entry 1 (store) has store id "bad store"',
    ],
    [
      'STAFF_API_KEYS',
      { STAFF_API_KEYS: 'admin:0123456789abcdef,store:short-key' },
      'STAFF_API_KEYS entry 2 (store) key must be at least 16 printable characters without spaces (got 9 characters)',
    ],
    [
      'STAFF_API_KEYS',
      { STAFF_API_KEYS: 'admin:0123456789abcdef,store@main:0123456789abcdef' },
      'STAFF_API_KEYS entries 1 and 2 have the same key',
    ],
    [
      'PROGRAM_FILE',
      { PROGRAM_FILE: 'program.txt' },
      'PROGRAM_FILE must be a .json, .yaml or .yml file (got "program.txt")',
    ],
    [
      'SMS_PROVIDER',
      { SMS_PROVIDER: 'aliyun' },
      'SMS_PROVIDER must be one of dev, tencentcloud (got "aliyun")',
    ],
    [
      'TENCENTCLOUD_SECRET_ID',
      { ...tencentEnv, TENCENTCLOUD_SECRET_ID: '' },
      'TENCENTCLOUD_SECRET_ID is required when SMS_PROVIDER=tencentcloud',
    ],
    [
      'TENCENTCLOUD_SECRET_KEY',
      { ...tencentEnv, TENCENTCLOUD_SECRET_KEY: '' },
      'TENCENTCLOUD_SECRET_KEY is required when SMS_PROVIDER=tencentcloud',
    ],
    [
      'TENCENTCLOUD_SECRET_KEY',
      { ...tencentEnv, TENCENTCLOUD_SECRET_KEY: 'two words' },
      'TENCENTCLOUD_SECRET_KEY must be up to 128 characters without spaces (got 9 characters)',
    ],
    [
      'SMS_SDK_APP_ID',
      { ...tencentEnv, SMS_SDK_APP_ID: '' },
      'SMS_SDK_APP_ID is required when SMS_PROVIDER=tencentcloud',
    ],
    [
      'SMS_SDK_APP_ID',
      { ...tencentEnv, SMS_SDK_APP_ID: 'app-1' },
      'SMS_SDK_APP_ID must be the numeric SdkAppId (got "app-1")',
    ],
    [
      'SMS_SIGN_NAME',
      { ...tencentEnv, SMS_SIGN_NAME: '' },
      'SMS_SIGN_NAME is required when SMS_PROVIDER=tencentcloud',
    ],
    [
      'SMS_TEMPLATE_ID',
      { ...tencentEnv, SMS_TEMPLATE_ID: '' },
      'SMS_TEMPLATE_ID is required when SMS_PROVIDER=tencentcloud',
    ],
    [
      'SMS_TEMPLATE_ID',
      { ...tencentEnv, SMS_TEMPLATE_ID: 'T-1' },
      'SMS_TEMPLATE_ID must be the numeric template id (got "T-1")',
    ],
    [
      'SMS_API_BASE',
      { SMS_API_BASE: 'ftp://sms.example.com' },
      'SMS_API_BASE must be an http:// or https:// URL',
    ],
    [
      'LOG_LEVEL',
      { LOG_LEVEL: 'verbose' },
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")',
    ],
    [
      'DELIVERY_RATE_PER_SECOND',
      { DELIVERY_RATE_PER_SECOND: '-5' },
      'DELIVERY_RATE_PER_SECOND must be a whole number of sends per second, 0 meaning no limit (got "-5")',
    ],
    [
      'MISUNDERSTOOD_KEEP_DAYS',
      { MISUNDERSTOOD_KEEP_DAYS: '0' },
      'MISUNDERSTOOD_KEEP_DAYS must be a whole number of days from 1 to 3650 (got "0")',
    ],
  ];

  it.each(cases)('%s: %j', (variable, env, fragment) => {
    const error = errorFor(env);
    expect(error.message).toMatch(/^Invalid environment: /);
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain(variable);
    expect(error.message).toContain(fragment);
  });

  it('lists every bad variable on the one line', () => {
    const error = errorFor({ PORT: 'x', LOG_LEVEL: 'loud' });
    expect(error.problems).toHaveLength(2);
    expect(error.message).toBe(
      'Invalid environment: PORT must be an integer from 0 to 65535, 0 meaning any free port (got "x"); ' +
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    );
  });

  it('asks for everything wechat mode needs at once', () => {
    const error = errorFor({ CHANNEL: 'wechat' });
    expect(error.problems.map((problem) => problem.split(' ')[0])).toEqual([
      'WECHAT_APP_ID',
      'WECHAT_APP_SECRET',
      'WECHAT_TOKEN',
      'TENCENTCLOUD_SECRET_ID',
      'TENCENTCLOUD_SECRET_KEY',
      'SMS_SDK_APP_ID',
      'SMS_SIGN_NAME',
      'SMS_TEMPLATE_ID',
    ]);
  });
});

describe('parseEnv never echoes a secret', () => {
  const secret = 'Sup3rS3cretValue!';
  const cases: [string, Record<string, string>][] = [
    ['WECHAT_APP_SECRET', { WECHAT_APP_ID: 'wx1', WECHAT_APP_SECRET: `${secret} with spaces` }],
    ['WECHAT_TOKEN', { WECHAT_TOKEN: secret }],
    ['WECHAT_ENCODING_AES_KEY', { WECHAT_ENCODING_AES_KEY: secret }],
    ['TENCENTCLOUD_SECRET_KEY', { ...tencentEnv, TENCENTCLOUD_SECRET_KEY: `${secret} x` }],
    ['STAFF_API_KEYS short key', { STAFF_API_KEYS: 'admin:Sup3rS3cret' }],
    ['STAFF_API_KEYS duplicate', { STAFF_API_KEYS: `admin:${secret},store:${secret}` }],
    ['STAFF_API_KEYS no colon', { STAFF_API_KEYS: secret }],
    ['STAFF_API_KEYS key as role', { STAFF_API_KEYS: `${secret}@main:${secret}` }],
    ['MONGODB_URI password', { MONGODB_URI: `mongo://app:${secret}@db/x` }],
    ['REDIS_URL password', { REDIS_URL: `http://:${secret}@cache:6379` }],
  ];

  it.each(cases)('%s', (_name, env) => {
    const error = errorFor(env);
    expect(error.message).not.toContain('S3cret');
  });
});
