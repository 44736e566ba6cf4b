export type DependencyName = 'mongo' | 'redis';

export interface DependencyProbe {
  name: DependencyName;
  /** Resolves true when the dependency answered in time; never rejects. */
  check(): Promise<boolean>;
}

export interface HealthReport {
  status: 'ok' | 'down';
  mongo: 'up' | 'down';
  redis: 'up' | 'down';
}

/** Probes every dependency in parallel; the process is healthy only when all of them answer. */
export async function checkHealth(probes: readonly DependencyProbe[]): Promise<HealthReport> {
  const results = await Promise.all(probes.map(async (probe) => [probe.name, await probe.check()] as const));
  const state = (name: DependencyName) => (results.find(([n]) => n === name)?.[1] === false ? 'down' : 'up');
  const mongo = state('mongo');
  const redis = state('redis');
  return { status: mongo === 'up' && redis === 'up' ? 'ok' : 'down', mongo, redis };
}

/** A probe that never rejects and gives up after `timeoutMs`. */
export function probe(
  name: DependencyName,
  check: () => Promise<unknown>,
  timeoutMs = 1_000,
): DependencyProbe {
  return {
    name,
    check: () =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        check().then(
          (ok) => {
            clearTimeout(timer);
            resolve(ok !== false);
          },
          () => {
            clearTimeout(timer);
            resolve(false);
          },
        );
      }),
  };
}
