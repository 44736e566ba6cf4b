import type { Program } from '../config/program-schema';

/**
 * Where services read the program in force. Decisions take the program as a parameter; a new
 * published version applies to events from then on, never to what was already decided.
 */
export interface ProgramSource {
  current(): Program;
}

export function fixedProgram(program: Program): ProgramSource {
  return { current: () => program };
}
