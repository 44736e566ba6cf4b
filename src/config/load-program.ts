import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './config-error';
import { deepMerge } from './deep-merge';
import { defaultProgram } from './default-program';
import { defaultProgramInput } from './default-program-input';
import { parseProgram } from './parse-program';
import type { Program } from './program-schema';

/**
 * The program to run: the built-in default, or the default with a JSON/YAML file laid over it.
 *
 * The file is merged over the default's *input* (what a person writes), not over the parsed
 * program, so it uses the same field names and decimals as the documentation (`multiplier: 1.2`).
 * Objects merge recursively and lists replace (see deep-merge.ts); the result is validated as a
 * whole, so a change that breaks a cross-field rule is reported like any other mistake.
 */
export async function loadProgram(file?: string): Promise<Program> {
  if (file === undefined) return defaultProgram;

  const format = formatOf(file);
  if (format === null) {
    throw new ConfigError(`Cannot load program file ${file}: the name must end in .json, .yaml or .yml`);
  }

  let text: string;
  try {
    // Editors on Windows like to start UTF-8 files with a byte-order mark, which JSON.parse rejects.
    text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    throw new ConfigError(`Cannot read program file ${file}: ${oneLine(error)}`);
  }

  let override: unknown;
  try {
    // YAML 1.2 (the library's default) keeps 09:00 and 2026-11 as strings.
    override = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`Cannot parse program file ${file} as ${format.toUpperCase()}: ${oneLine(error)}`);
  }
  // An empty YAML document parses to null: nothing to override.
  if (override === null || override === undefined) override = {};
  if (typeof override !== 'object' || Array.isArray(override)) {
    throw new ConfigError(
      `Cannot load program file ${file}: the top level must be a mapping of program settings`,
    );
  }

  return parseProgram(deepMerge(defaultProgramInput, override), `program file ${file}`);
}

function formatOf(file: string): 'json' | 'yaml' | null {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return null;
}

/** Parser messages (YAML's especially) span several lines with a code excerpt; keep the first. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message).trim().replace(/:$/, '');
}
