import fs from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'mongod.lock';

/**
 * Takes `dataDir/mongod.lock` holding our pid, so two servers never share one journal. A lock
 * left by a process that no longer exists is taken over; a live holder (including this very
 * process) makes this throw. Returns the release function.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => releaseLock(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt(readOrEmpty(file), 10);
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
      throw new Error(
        `data directory ${dataDir} is locked by ${holder === process.pid ? 'this process' : `process ${holder}`} (${file})`,
      );
    }
    // Stale (dead pid, or empty file from a crash between create and write): take it over.
    fs.rmSync(file, { force: true });
  }
  throw new Error(`could not acquire ${file}`);
}

function releaseLock(file: string): void {
  if (readOrEmpty(file).trim() === String(process.pid)) fs.rmSync(file, { force: true });
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
