import { execFileSync } from 'node:child_process';
import { readlinkSync, realpathSync } from 'node:fs';

/**
 * Pids of the redis-server processes serving `<dataDir>/redis` (redis-server runs in its --dir,
 * so its working directory identifies it even after it rewrote its command line).
 */
export function redisServersIn(dataDir: string): number[] {
  const dir = `${realpathSync(dataDir)}/redis`;
  const out = execFileSync('sh', ['-c', 'pgrep -x redis-server || true']).toString().trim();
  return out
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`) === dir;
      } catch {
        return false;
      }
    });
}
