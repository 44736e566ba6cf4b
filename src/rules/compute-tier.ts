import type { Program, Tier } from '../config/program-schema';

/**
 * The highest tier whose entry threshold `qualifyingPoints` reach (RULES.md §1). The first tier's
 * threshold is 0 (the schema guarantees it), so every member has a tier.
 */
export function computeTier(qualifyingPoints: number, program: Pick<Program, 'tiers'>): Tier {
  const { tiers } = program;
  for (let index = tiers.length - 1; index > 0; index -= 1) {
    const tier = tiers[index]!;
    if (qualifyingPoints >= tier.threshold) return tier;
  }
  return tiers[0]!;
}

/** Position of a tier from the lowest (0); an unknown code is a programmer error. */
export function tierIndex(code: string, program: Pick<Program, 'tiers'>): number {
  const { tiers } = program;
  for (let index = 0; index < tiers.length; index += 1) if (tiers[index]!.code === code) return index;
  throw new RangeError(`unknown tier code "${code}"`);
}

export function tierByCode(code: string, program: Pick<Program, 'tiers'>): Tier {
  return program.tiers[tierIndex(code, program)]!;
}
