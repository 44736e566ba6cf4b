import { Router } from 'express';
import { openBookingProblems } from '../bookings/open-booking-problems';
import { checkStaffKeysAgainstProgram } from '../config/check-staff-keys-against-program';
import { ConfigError } from '../config/config-error';
import type { Program } from '../config/program-schema';
import { programToInput } from '../config/program-to-input';
import type { StaffApiKey } from '../config/staff-api-keys';
import { AppError } from '../lib/app-error';
import type { ProgramInForce } from '../services/program-version-service';
import type { Services } from '../services/services';
import { requireRole } from './staff-auth';
import { handle } from './validate';

/**
 * The membership program: read the one in force (any staff role); check a change (admin: the values
 * it would alter, or its problems, nothing stored); publish a new version (admin): a full or
 * partial program in the program-file format, merged over the current one and validated as a
 * whole. It applies to events from then on.
 */
export function programRouter(services: Services, staffKeys: readonly StaffApiKey[]): Router {
  const router = Router();

  router.get(
    '/program',
    requireRole('store', 'marketing'),
    handle(async (_req, res) => {
      res.json(view(await services.programVersions.inForce()));
    }),
  );

  router.post(
    '/program/check',
    requireRole('admin'),
    handle(async (req, res) => {
      const uses = await services.bookings.openUses();
      const outcome = await services.programVersions.check(changeOf(req.body), (program) => [
        ...staffKeyProblems(staffKeys, program),
        ...openBookingProblems(program, uses),
      ]);
      if (!outcome.ok) refuse(outcome);
      res.json({ ok: true, changes: outcome.changes });
    }),
  );

  router.post(
    '/program',
    requireRole('admin'),
    handle(async (req, res) => {
      const uses = await services.bookings.openUses();
      const outcome = await services.programVersions.publish(
        changeOf(req.body),
        res.locals.staff!.role,
        (program) => [...staffKeyProblems(staffKeys, program), ...openBookingProblems(program, uses)],
      );
      if (!outcome.ok) refuse(outcome);
      res
        .status(201)
        .json(view({ version: outcome.version, publishedAt: outcome.publishedAt, program: outcome.program }));
    }),
  );

  return router;
}

/** The request body as a (partial) program: a JSON object. */
function changeOf(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('invalid_program', '请以 JSON 对象提交方案（可只含要修改的部分）', 400);
  }
  return body as Record<string, unknown>;
}

function refuse(
  outcome: { reason: 'invalid_program'; problems: string[] } | { reason: 'version_taken'; version: string },
): never {
  if (outcome.reason === 'version_taken') {
    throw new AppError('version_taken', `方案版本 ${outcome.version} 已存在`, 409);
  }
  throw new AppError('invalid_program', '方案配置有误，未发布', 400, { problems: outcome.problems });
}

/** A version that drops a store some staff key acts for would leave that key acting for nothing. */
function staffKeyProblems(staffKeys: readonly StaffApiKey[], program: Program): string[] {
  try {
    checkStaffKeysAgainstProgram(staffKeys, program);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
}

function view(inForce: ProgramInForce) {
  return {
    version: inForce.version,
    publishedAt: inForce.publishedAt ? new Date(inForce.publishedAt).toISOString() : null,
    program: inForce.program,
    // The same program in the program-file form, what `POST /program` and `/program/check` take;
    // without its version id, which is taken (a publish names a new one, or gets one).
    file: withoutVersion(programToInput(inForce.program)),
  };
}

function withoutVersion({ version: _taken, ...file }: ReturnType<typeof programToInput>) {
  return file;
}
