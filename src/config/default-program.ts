import { defaultProgramInput } from './default-program-input';
import { parseProgram } from './parse-program';
import type { Program } from './program-schema';

/** RULES.md's program, validated at module load so a broken default cannot start at all. */
export const defaultProgram: Program = parseProgram(defaultProgramInput, 'built-in default program');
