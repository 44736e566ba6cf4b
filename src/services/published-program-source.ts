import { parseProgram } from '../config/parse-program';
import type { Program } from '../config/program-schema';
import type { Database } from '../data/database';
import type { ProgramVersionRecord } from '../data/models/program-version-model';
import type { Logger } from '../lib/logger';
import type { ProgramSource } from './program-source';

const REFRESH_MS = 10_000;

/**
 * The program in force: the latest published version (`program_versions`), else the base program
 * from the environment (the default or PROGRAM_FILE). Loaded at start-up and re-read every 10 s,
 * and at once after a publish in this process, so every process switches within seconds; a
 * decision reads `current()` once and uses that program throughout (new events only).
 */
export class PublishedProgramSource implements ProgramSource {
  private program: Program;
  private timer: NodeJS.Timeout | null = null;
  private latestId: string | null = null;

  constructor(
    private readonly db: Database,
    readonly base: Program,
    private readonly logger: Logger,
  ) {
    this.program = base;
  }

  current(): Program {
    return this.program;
  }

  /** Loads the latest version now and then keeps checking every `intervalMs`. */
  async start(intervalMs = REFRESH_MS): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((err) => this.logger.warn({ err }, 'program refresh failed'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async refresh(): Promise<void> {
    const latest = await this.db.membership.programVersions
      .findOne({})
      .sort({ publishedAt: -1 })
      .lean<ProgramVersionRecord>();
    if (!latest || latest._id === this.latestId) return;
    try {
      this.program = parseProgram({ ...latest.input, version: latest._id }, `program version ${latest._id}`);
      this.latestId = latest._id;
      this.logger.info({ program: latest._id }, 'program version in force');
    } catch (err) {
      // Validated when published; a version this build cannot read keeps the previous program.
      this.logger.error(
        { err, program: latest._id },
        'published program is invalid; keeping the previous one',
      );
    }
  }
}
