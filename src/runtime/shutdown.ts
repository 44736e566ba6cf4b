export interface ShutdownStep {
  name: string;
  run(): Promise<unknown>;
}

export interface ShutdownResult {
  ok: boolean;
  failed: string[];
  timedOut: boolean;
}

/**
 * Runs the steps one after another in the given order (stop intake → close workers → close
 * connections → stop embedded servers); a failing step is reported and the next still runs,
 * and the whole sequence gives up after `timeoutMs` so a stuck step cannot hang the process.
 */
export async function runShutdown(
  steps: readonly ShutdownStep[],
  timeoutMs: number,
  onStepError: (name: string, err: unknown) => void,
): Promise<ShutdownResult> {
  const failed: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const sequence = (async () => {
    for (const step of steps) {
      try {
        await step.run();
      } catch (err) {
        failed.push(step.name);
        onStepError(step.name, err);
      }
    }
    return 'done' as const;
  })();
  const outcome = await Promise.race([sequence, deadline]);
  clearTimeout(timer);
  return { ok: outcome === 'done' && failed.length === 0, failed, timedOut: outcome === 'timeout' };
}
