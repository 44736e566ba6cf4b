import { describe, expect, it } from 'vitest';
import { deepMerge } from '../../../src/config/deep-merge';
import { defaultProgram } from '../../../src/config/default-program';
import { parseProgram } from '../../../src/config/parse-program';
import { programToInput } from '../../../src/config/program-to-input';

describe('programToInput', () => {
  it('writes a program back so that parsing it gives the same program', () => {
    expect(parseProgram(programToInput(defaultProgram))).toEqual(defaultProgram);
  });

  it('lets a partial change be merged over the program in force', () => {
    const changed = parseProgram(
      deepMerge(programToInput(defaultProgram), { categories: { maintenance: { rate: 2 } } }),
    );
    expect(changed.categories.maintenance?.rateMilli).toBe(2_000);
    expect(changed.tiers[1]?.multiplierMilli).toBe(1_200);
  });
});
