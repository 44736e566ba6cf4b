import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error';
import { defaultProgram } from '../../src/config/default-program';
import { loadProgram } from '../../src/config/load-program';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/programs');
const fixture = (name: string) => path.join(fixtures, name);

// Unparseable files are written at test time: kept in the repository they would fail the
// project-wide lint and format checks, which parse JSON and YAML too.
let scratch = '';
const unparseable = {
  'broken.json': '{ "version": "x", }\n',
  'broken.yaml': 'tiers:\n  - code: a\n   name: x\n',
};
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'load-program-'));
  for (const [name, text] of Object.entries(unparseable)) await writeFile(path.join(scratch, name), text);
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function loadError(file: string): Promise<ConfigError> {
  const error = await loadProgram(file).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (error instanceof ConfigError) return error;
  throw new Error(`expected a ConfigError for ${file}, got ${String(error)}`);
}

describe('loadProgram', () => {
  it('returns the built-in default without a file', async () => {
    expect(await loadProgram()).toBe(defaultProgram);
  });

  it('returns the default for an empty YAML file', async () => {
    expect(await loadProgram(fixture('empty.yml'))).toEqual(defaultProgram);
  });

  it('applies a partial JSON override and changes only what it names', async () => {
    const program = await loadProgram(fixture('partial-override.json'));
    const { version, stores, categories, promotions, catalogue, ...untouched } = program;
    const {
      version: _v,
      stores: _s,
      categories: _c,
      promotions: _p,
      catalogue: _k,
      ...defaults
    } = defaultProgram;

    expect(untouched).toEqual(defaults);
    expect(version).toBe('2026-12-north-south');
    expect(stores).toEqual([
      { id: 'north', name: '北区店' },
      { id: 'south', name: '南区店' },
    ]);
    // One field of one category changed; its siblings and the other categories kept their defaults.
    expect(categories.vehicle).toEqual({ ...defaultProgram.categories.vehicle, rateMilli: 200 });
    expect({ ...categories, vehicle: undefined }).toEqual({
      ...defaultProgram.categories,
      vehicle: undefined,
    });
    expect(promotions).toEqual({
      ...defaultProgram.promotions,
      memberDay: { ...defaultProgram.promotions.memberDay, dayOfMonth: 8 },
    });
    // Lists replace: the file's one-item catalogue is the whole catalogue.
    expect(catalogue).toEqual([
      {
        id: 'car-wash',
        name: '免费洗车',
        cost: 1200,
        stock: null,
        perMemberLimit: null,
        minTier: null,
        validityDays: 30,
        storeIds: ['north'],
      },
    ]);
  });

  it('applies a partial YAML override; lists replace, objects merge', async () => {
    const program = await loadProgram(fixture('partial-override.yaml'));
    expect(program.version).toBe('2027-01-three-tiers');
    expect(
      program.tiers.map((tier) => [
        tier.code,
        tier.threshold,
        tier.multiplierMilli,
        tier.serviceDiscountMilli,
      ]),
    ).toEqual([
      ['standard', 0, 1000, 980],
      ['plus', 20_000, 1250, 900],
      ['vip', 60_000, 1500, 800],
    ]);
    expect(program.catalogue).toHaveLength(1);
    expect(program.catalogue[0]).toMatchObject({
      minTier: 'vip',
      stock: 10,
      perMemberLimit: { count: 1, period: 'membershipYear' },
    });
    expect(program.care.sendAt).toBe('10:00');
    expect(program.care.pointsExpiring).toEqual({ ...defaultProgram.care.pointsExpiring, daysBefore: [14] });
    expect(program.care.maintenanceDue).toEqual(defaultProgram.care.maintenanceDue);
    expect(program.marketing.caps).toEqual({ perDay: 1, perMonth: 6 });
    expect(program.marketing.quietHours).toEqual(defaultProgram.marketing.quietHours);
    expect(program.welcome).toEqual({ points: 1_000, voucher: null });
    expect(program.stores).toEqual(defaultProgram.stores);
    expect(program.categories).toEqual(defaultProgram.categories);
    expect(Object.isFrozen(program.tiers[2])).toBe(true);
  });

  it('leaves the default program untouched after loading overrides', async () => {
    await loadProgram(fixture('partial-override.yaml'));
    await loadProgram(fixture('partial-override.json'));
    expect(defaultProgram.tiers).toHaveLength(4);
    expect(defaultProgram.catalogue).toHaveLength(6);
    expect(defaultProgram.categories.vehicle?.rateMilli).toBe(100);
  });

  it('names the file and lists each problem of an invalid program', async () => {
    const file = fixture('invalid-values.yaml');
    const error = await loadError(file);
    expect(error.message.split('\n')[0]).toBe(`Invalid program file ${file} (3 problems):`);
    expect(error.problems).toEqual([
      "tiers[2].threshold: must be greater than the previous tier's threshold (30000); list tiers from lowest to highest",
      'categories.vehicle.rate: must have at most 3 decimal places (got 0.0001); amounts are computed exactly in thousandths',
      'marketing.quietHours.start: must be a time of day "HH:MM" from 00:00 to 23:59',
    ]);
  });

  it.each([
    ['broken.json', /^Cannot parse program file .*broken\.json as JSON: .+$/],
    ['broken.yaml', /^Cannot parse program file .*broken\.yaml as YAML: .+$/],
  ])('%s → one clear line naming the file', async (name, pattern) => {
    const file = path.join(scratch, name);
    const error = await loadError(file);
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(pattern);
  });

  it.each([
    ['list-at-top.yaml', /^Cannot load program file .*list-at-top\.yaml: the top level must be a mapping/],
    ['does-not-exist.json', /^Cannot read program file .*does-not-exist\.json: ENOENT/],
    [
      'partial-override.txt',
      /^Cannot load program file .*partial-override\.txt: the name must end in \.json, \.yaml or \.yml$/,
    ],
  ])('%s → one clear line naming the file', async (name, pattern) => {
    const error = await loadError(fixture(name));
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain(fixture(name));
    expect(error.message).toMatch(pattern);
  });
});
