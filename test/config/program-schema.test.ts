import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error';
import { deepMerge } from '../../src/config/deep-merge';
import { defaultProgramInput } from '../../src/config/default-program-input';
import { parseProgram } from '../../src/config/parse-program';

/** The default program with `override` merged over it (objects merge, lists replace). */
const programWith = (override: object) => parseProgram(deepMerge(defaultProgramInput, override));

/** The problems reported for the default program with `override` merged over it. */
function problemsWith(override: object): readonly string[] {
  try {
    programWith(override);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(override)}`);
}

const tiers = defaultProgramInput.tiers;
const [bronze, silver, gold, diamond] = tiers;
const reward = { id: 'test-reward', name: '测试', cost: 100, validityDays: 10 };

describe('decimals become exact integer thousandths', () => {
  it.each([
    [0.1, 100],
    [1.2, 1200],
    [1.4, 1400],
    [1.6, 1600],
    [0.5, 500],
    [2, 2000],
    [1.005, 1005],
  ])('category rate %d → rateMilli %d', (rate, rateMilli) => {
    expect(programWith({ categories: { parts: { rate } } }).categories.parts?.rateMilli).toBe(rateMilli);
  });

  it.each([
    [1.2, 1200],
    [1.005, 1005],
    [2, 2000],
  ])('tier multiplier %d → multiplierMilli %d', (multiplier, multiplierMilli) => {
    const program = programWith({ tiers: [bronze, { ...silver, multiplier }, gold, diamond] });
    expect(program.tiers[1]?.multiplierMilli).toBe(multiplierMilli);
  });

  it('service discount 0.95 → 950', () => {
    const program = programWith({ tiers: [{ ...bronze, serviceDiscount: 0.95 }, silver, gold, diamond] });
    expect(program.tiers[0]?.serviceDiscountMilli).toBe(950);
  });

  it('member-day multiplier 1.5 → 1500', () => {
    expect(
      programWith({ promotions: { memberDay: { multiplier: 1.5 } } }).promotions.memberDay.multiplierMilli,
    ).toBe(1500);
  });

  it.each<[string, object]>([
    [
      'categories.parts.rate: must have at most 3 decimal places (got 0.0001)',
      { categories: { parts: { rate: 0.0001 } } },
    ],
    [
      'categories.parts.rate: must have at most 3 decimal places',
      { categories: { parts: { rate: 0.1 + 0.2 } } },
    ],
    [
      'tiers[1].multiplier: must have at most 3 decimal places (got 1.2345)',
      { tiers: [bronze, { ...silver, multiplier: 1.2345 }, gold, diamond] },
    ],
    [
      'tiers[0].serviceDiscount: must have at most 3 decimal places',
      { tiers: [{ ...bronze, serviceDiscount: 0.9555 }, silver, gold, diamond] },
    ],
    [
      'promotions.birthday.multiplier: must have at most 3 decimal places',
      { promotions: { birthday: { multiplier: 2.0001 } } },
    ],
  ])('rejects more than 3 decimal places → %s', (problem, override) => {
    expect(problemsWith(override).join('\n')).toContain(problem);
  });

  it.each<[string, object]>([
    ['categories.parts.rate: must be a number from 0 to 1000', { categories: { parts: { rate: -1 } } }],
    [
      'tiers[0].serviceDiscount: must be a number greater than 0 and at most 1',
      { tiers: [{ ...bronze, serviceDiscount: 1.05 }, silver, gold, diamond] },
    ],
    [
      'tiers[0].multiplier: must be a number greater than 0',
      { tiers: [{ ...bronze, multiplier: 0 }, silver, gold, diamond] },
    ],
    ['categories.parts.rate: must be a number (got "1")', { categories: { parts: { rate: '1' } } }],
  ])('rejects out-of-range decimals → %s', (problem, override) => {
    expect(problemsWith(override).join('\n')).toContain(problem);
  });
});

describe('cross-field validation', () => {
  it.each([
    [
      'first threshold not 0',
      { tiers: [{ ...bronze, threshold: 5 }, silver, gold, diamond] },
      'tiers[0].threshold: must be 0',
    ],
    [
      'thresholds out of order',
      { tiers: [bronze, gold, silver, diamond] },
      "tiers[2].threshold: must be greater than the previous tier's threshold (30000)",
    ],
    [
      'equal thresholds',
      { tiers: [bronze, silver, { ...gold, threshold: 10_000 }, diamond] },
      'tiers[2].threshold',
    ],
    [
      'duplicate tier code',
      { tiers: [bronze, silver, { ...gold, code: 'silver' }, diamond] },
      'tiers[2].code: repeats tier code "silver"',
    ],
    ['no tiers', { tiers: [] }, 'tiers: must list at least one tier'],
    [
      'unknown minTier',
      { catalogue: [{ ...reward, minTier: 'platinum' }] },
      'catalogue[0].minTier: is "platinum", which is not a tier code (bronze, silver, gold, diamond)',
    ],
    [
      'unknown store in a reward',
      { catalogue: [{ ...reward, storeIds: ['main', 'north'] }] },
      'catalogue[0].storeIds[1]: is "north", which is not a store id (main)',
    ],
    [
      'duplicate reward id',
      { catalogue: [reward, reward] },
      'catalogue[1].id: repeats reward id "test-reward"',
    ],
    [
      'reward id not kebab-case',
      { catalogue: [{ ...reward, id: 'Car Wash' }] },
      'catalogue[0].id: must be kebab-case',
    ],
    [
      'duplicate store id',
      {
        stores: [
          { id: 'main', name: 'A' },
          { id: 'main', name: 'B' },
        ],
      },
      'stores[1].id: repeats store id "main"',
    ],
    ['no stores', { stores: [] }, 'stores: must list at least one store'],
    [
      'alphabet with O',
      { redemption: { voucherCode: { alphabet: 'ABCDEFGHJKMNOPQRSTUVWXYZ23456789' } } },
      'redemption.voucherCode.alphabet: must not contain 0, O, 1, I, L',
    ],
    [
      'alphabet with 0',
      { redemption: { voucherCode: { alphabet: 'ABCDEFGHJK0' } } },
      'must not contain 0, O, 1, I, L',
    ],
    [
      'alphabet with L',
      { redemption: { voucherCode: { alphabet: 'ABCDEFGHJKL' } } },
      'must not contain 0, O, 1, I, L',
    ],
    [
      'alphabet lower case',
      { redemption: { voucherCode: { alphabet: 'abcdefghjkmn' } } },
      'must contain only upper-case letters A-Z and digits',
    ],
    [
      'alphabet repeats',
      { redemption: { voucherCode: { alphabet: 'AABCDEFGHJK' } } },
      'must not repeat a character',
    ],
    [
      'alphabet too small',
      { redemption: { voucherCode: { alphabet: 'ABC234' } } },
      'must have at least 10 characters',
    ],
    [
      'bad HH:MM',
      { care: { sendAt: '9:00' } },
      'care.sendAt: must be a time of day "HH:MM" from 00:00 to 23:59',
    ],
    [
      'hour 24',
      { marketing: { quietHours: { start: '24:00' } } },
      'marketing.quietHours.start: must be a time of day "HH:MM"',
    ],
    [
      'unquoted YAML 1.1 time',
      { marketing: { quietHours: { end: 540 } } },
      'marketing.quietHours.end: must be a time of day written "HH:MM" (quote it in YAML)',
    ],
    [
      'empty quiet hours',
      { marketing: { quietHours: { start: '09:00', end: '09:00' } } },
      'marketing.quietHours.end: must differ from start',
    ],
    [
      'daily cap above monthly',
      { marketing: { caps: { perDay: 5, perMonth: 4 } } },
      'marketing.caps.perDay: must not be more than perMonth',
    ],
    [
      'alert on every rating',
      { care: { postService: { alertAtOrBelow: 5 } } },
      'care.postService.alertAtOrBelow: must be below maxRating',
    ],
    [
      'repeated reminder days',
      { care: { insuranceRenewal: { daysBefore: [7, 7] } } },
      'care.insuranceRenewal.daysBefore: must not repeat a number of days',
    ],
    [
      'member day 31',
      { promotions: { memberDay: { dayOfMonth: 31 } } },
      'promotions.memberDay.dayOfMonth: must be a whole number from 1 to 28',
    ],
    ['fractional points', { welcome: { points: 10.5 } }, 'welcome.points: must be a whole number'],
    ['unknown time zone', { timezone: 'Mars/Olympus' }, 'timezone: must be an IANA time zone'],
    [
      'misspelt key',
      { referral: { windowDay: 30 } },
      'referral: has unknown key "windowDay" (check the spelling)',
    ],
    [
      'bad enum',
      { care: { birthday: { feb29On: 'feb29' } } },
      'care.birthday.feb29On: must be one of "feb28", "mar1"',
    ],
    [
      'bad category code',
      {
        categories: {
          'Car Wash': {
            name: 'x',
            rate: 1,
            pendingDays: 0,
            referralQualifying: false,
            postServiceFollowUp: false,
          },
        },
      },
      'categories.Car Wash: is not a valid key: must be kebab-case',
    ],
    ['empty name', { programName: '  ' }, 'programName: must not be empty'],
  ])('%s', (_name, override, problem) => {
    expect(problemsWith(override).join('\n')).toContain(problem);
  });

  it('reports a missing field as required', () => {
    const { version: _version, ...withoutVersion } = defaultProgramInput;
    expect(() => parseProgram(withoutVersion)).toThrow('version: is required');
  });

  it('formats the error as a summary line and one indented line per problem', () => {
    let message = '';
    try {
      parseProgram(
        deepMerge(defaultProgramInput, { welcome: { points: -1 }, care: { sendAt: 'noon' } }),
        'program file x.yaml',
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'Invalid program file x.yaml (2 problems):',
      '  welcome.points: must be a whole number from 0 to 1000000',
      '  care.sendAt: must be a time of day "HH:MM" from 00:00 to 23:59',
    ]);
  });

  it('rejects a non-object program', () => {
    expect(() => parseProgram('hello')).toThrow('must be a mapping (got "hello")');
  });
});

describe('program options beyond the default', () => {
  it('accepts store-limited rewards with a per-member limit and sorts reminder days', () => {
    const program = programWith({
      stores: [
        { id: 'main', name: '本店' },
        { id: 'BJ-north', name: '北店' },
      ],
      catalogue: [
        { ...reward, storeIds: ['BJ-north'], perMemberLimit: { count: 1, period: 'month' }, stock: 0 },
      ],
      care: { insuranceRenewal: { daysBefore: [7, 60, 30] } },
      welcome: { voucher: null },
    });
    expect(program.catalogue).toEqual([
      {
        id: 'test-reward',
        name: '测试',
        cost: 100,
        stock: 0,
        perMemberLimit: { count: 1, period: 'month' },
        minTier: null,
        validityDays: 10,
        storeIds: ['BJ-north'],
      },
    ]);
    expect(program.care.insuranceRenewal.daysBefore).toEqual([60, 30, 7]);
    expect(program.welcome.voucher).toBeNull();
  });

  it('accepts an added category', () => {
    const program = programWith({
      categories: {
        tyres: {
          name: '轮胎',
          rate: 0.8,
          pendingDays: 0,
          referralQualifying: false,
          postServiceFollowUp: false,
        },
      },
    });
    expect(Object.keys(program.categories)).toContain('tyres');
    expect(program.categories.tyres?.rateMilli).toBe(800);
  });
});
