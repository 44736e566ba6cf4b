import type { Program, ProgramInput } from './program-schema';

/**
 * The inverse of the program schema's transforms: a validated program written back the way a
 * person writes it (`multiplier: 1.2` instead of `multiplierMilli: 1200`), so a partial program
 * can be deep-merged over the one in force and validated again as a whole.
 * `parseProgram(programToInput(p))` equals `p`.
 */
export function programToInput(program: Program): ProgramInput {
  const plain = structuredClone(program) as unknown as Record<string, unknown> & {
    tiers: Record<string, unknown>[];
    categories: Record<string, Record<string, unknown>>;
    promotions: Record<string, Record<string, unknown>>;
  };
  plain.tiers = plain.tiers.map(({ multiplierMilli, serviceDiscountMilli, ...tier }) => ({
    ...tier,
    multiplier: fromMilli(multiplierMilli),
    serviceDiscount: fromMilli(serviceDiscountMilli),
  }));
  plain.categories = Object.fromEntries(
    Object.entries(plain.categories).map(([code, { rateMilli, ...category }]) => [
      code,
      { ...category, rate: fromMilli(rateMilli) },
    ]),
  );
  plain.promotions = Object.fromEntries(
    Object.entries(plain.promotions).map(([name, { multiplierMilli, ...promotion }]) => [
      name,
      { ...promotion, multiplier: fromMilli(multiplierMilli) },
    ]),
  );
  return plain as unknown as ProgramInput;
}

// Thousandths are integers, so dividing by 1000 gives the shortest decimal back (1200 → 1.2).
function fromMilli(value: unknown): number {
  return Number(value) / 1000;
}
