import { ConfigError } from '../config/config-error';
import { deepMerge } from '../config/deep-merge';
import { parseProgram } from '../config/parse-program';
import type { Program } from '../config/program-schema';
import { programToInput } from '../config/program-to-input';
import { isDuplicateKeyError } from '../data/duplicate-key';
import type { ProgramVersionRecord } from '../data/models/program-version-model';
import { formatIsoDate } from '../rules/local-date';
import { localDateOf } from '../rules/zoned-time';
import type { ServiceContext } from './service-context';

export type PublishOutcome =
  | { ok: true; version: string; publishedAt: Date; program: Program }
  | { ok: false; reason: 'invalid_program'; problems: string[] }
  | { ok: false; reason: 'version_taken'; version: string };

/** One value a change would alter, by its path in the program file (`tiers[1].threshold`). */
export interface ProgramChange {
  path: string;
  /** The value in force (undefined: not set). */
  before: unknown;
  after: unknown;
}

export type CheckOutcome =
  | { ok: true; changes: ProgramChange[]; program: Program }
  | { ok: false; reason: 'invalid_program'; problems: string[] }
  | { ok: false; reason: 'version_taken'; version: string };

export interface ProgramInForce {
  version: string;
  publishedAt: Date | null;
  program: Program;
}

/**
 * Program versions (RULES.md: every number is configuration, versioned): read the program in
 * force; publish a new one — a full or partial program deep-merged over the current one (objects
 * merge, lists replace), validated as a whole, stored under a new version id. It applies to events
 * from then on; decisions already made keep the version they recorded.
 */
export class ProgramVersionService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly afterPublish: () => Promise<void> = async () => {},
  ) {}

  async inForce(): Promise<ProgramInForce> {
    const program = this.ctx.program.current();
    const record = await this.ctx.db.membership.programVersions
      .findById(program.version, { publishedAt: 1 })
      .lean<Pick<ProgramVersionRecord, 'publishedAt'>>();
    return { version: program.version, publishedAt: record?.publishedAt ?? null, program };
  }

  /**
   * What `publish` would do with `change`, without publishing: the same merge and checks, and the
   * values it would alter. Lets staff see a change before it applies to every member.
   */
  async check(
    change: Record<string, unknown>,
    problemsWith: (program: Program) => readonly string[] = () => [],
  ): Promise<CheckOutcome> {
    const current = this.ctx.program.current();
    const before = programToInput(current);
    const merged = deepMerge(before, change) as Record<string, unknown>;
    const requested = typeof change.version === 'string' ? change.version.trim() : null;
    if (
      requested &&
      (requested === current.version ||
        (await this.ctx.db.membership.programVersions.exists({ _id: requested })))
    ) {
      return { ok: false, reason: 'version_taken', version: requested };
    }
    const program = validated({ ...merged, version: requested ?? current.version }, problemsWith);
    if ('reason' in program) return program;
    // Both sides in the program-file form, as validated (defaults filled in), versions aside.
    const { version: _before, ...was } = before as Record<string, unknown>;
    const { version: _after, ...will } = programToInput(program) as Record<string, unknown>;
    return { ok: true, changes: diffValues(was, will), program };
  }

  /**
   * `problemsWith` adds checks the schema cannot make alone (e.g. that every store-scoped staff key
   * still names a store of the new program); any problem refuses the version like a schema error.
   */
  async publish(
    change: Record<string, unknown>,
    publishedBy: string | null,
    problemsWith: (program: Program) => readonly string[] = () => [],
  ): Promise<PublishOutcome> {
    const current = this.ctx.program.current();
    const versions = this.ctx.db.membership.programVersions;
    const latest = await versions
      .findOne({}, { publishedAt: 1 })
      .sort({ publishedAt: -1 })
      .lean<Pick<ProgramVersionRecord, 'publishedAt'>>();
    // Strictly after the latest, so "the newest version" never depends on a tie between two.
    const now = new Date(Math.max(this.ctx.clock().getTime(), (latest?.publishedAt.getTime() ?? 0) + 1));
    const merged = deepMerge(programToInput(current), change) as Record<string, unknown>;
    const requested = typeof change.version === 'string' ? change.version.trim() : null;
    for (let attempt = 0; attempt < 20; attempt++) {
      const version =
        requested ??
        `${formatIsoDate(localDateOf(now, current.timezone))}.${(await versions.countDocuments()) + 1 + attempt}`;
      if (requested && (requested === current.version || (await versions.exists({ _id: requested })))) {
        return { ok: false, reason: 'version_taken', version: requested };
      }
      const program = validated({ ...merged, version }, problemsWith);
      if ('reason' in program) return program;
      try {
        await versions.create({
          _id: version,
          input: { ...merged, version },
          publishedAt: now,
          basedOn: current.version,
          publishedBy,
        });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        if (requested) return { ok: false, reason: 'version_taken', version: requested };
        continue;
      }
      await this.afterPublish();
      return { ok: true, version, publishedAt: now, program };
    }
    throw new Error('could not find a free program version id');
  }
}

/**
 * The leaves where `after` differs from `before`: objects are compared key by key, anything else
 * (numbers, strings, lists, which a change replaces whole) as a value.
 */
export function diffValues(before: unknown, after: unknown, path = ''): ProgramChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => diffValues(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => diffValues(item, after[i], `${path}[${i}]`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, before, after }];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** The program a merged input makes, or every problem with it (schema first, then `problemsWith`). */
function validated(
  input: Record<string, unknown>,
  problemsWith: (program: Program) => readonly string[],
): Program | { ok: false; reason: 'invalid_program'; problems: string[] } {
  let program: Program;
  try {
    program = parseProgram(input, 'program');
  } catch (err) {
    if (err instanceof ConfigError)
      return { ok: false, reason: 'invalid_program', problems: [...err.problems] };
    throw err;
  }
  const problems = problemsWith(program);
  return problems.length > 0 ? { ok: false, reason: 'invalid_program', problems: [...problems] } : program;
}
