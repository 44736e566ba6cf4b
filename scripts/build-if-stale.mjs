// `prestart`: builds `dist/` (npm run build) when it is missing or older than any source file, so
// `npm ci && npm start` works on a fresh clone and `npm start` never runs stale code after an edit.
// Plain JavaScript run by node (no tsx): when the build is fresh it costs one directory walk.
// The container runs `node dist/main.js` directly and never comes here.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const built = join(root, 'dist', 'main.bundle.js');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

let builtAt = 0;
try {
  builtAt = statSync(built).mtimeMs;
} catch {
  // not built yet
}
const sources = ['src', 'flows', 'jobs', 'scripts', 'package.json'].map((p) => newest(join(root, p)));
if (builtAt === 0 || Math.max(...sources) > builtAt) {
  process.stdout.write(builtAt === 0 ? 'dist/ missing: building\n' : 'sources changed: rebuilding dist/\n');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
