import { defaultProgram } from '../../../src/config/default-program';
import { defaultProgramInput } from '../../../src/config/default-program-input';
import { parseProgram } from '../../../src/config/parse-program';
import type { Program, ProgramInput } from '../../../src/config/program-schema';
import type { EarnInput } from '../../../src/rules/earn-points';

export const program = defaultProgram;

/** An instant written in Shanghai time: `shanghai('2026-03-18T10:00')`. */
export function shanghai(localDateTime: string): Date {
  const withSeconds = localDateTime.length === 16 ? `${localDateTime}:00` : localDateTime;
  return new Date(`${withSeconds}+08:00`);
}

/**
 * The default program with some top-level sections replaced, validated like a program file (so a
 * malformed override fails loudly rather than testing a program that cannot exist).
 */
export function programWith(overrides: { readonly [K in keyof ProgramInput]?: unknown }): Program {
  return parseProgram({ ...structuredClone(defaultProgramInput), ...overrides });
}

export function earnInput(overrides: Partial<EarnInput> = {}): EarnInput {
  return {
    amountFen: 100_00,
    category: 'maintenance',
    // A plain Tuesday: not the 18th, nobody's birthday.
    occurredAt: shanghai('2026-11-10T10:00'),
    tierCode: 'bronze',
    birthday: null,
    campaigns: [],
    isFirstTransaction: false,
    ...overrides,
  };
}
