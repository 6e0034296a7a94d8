// Locates the repository root from source (ts-jest) or compiled (server/dist) code alike.
import fs from 'node:fs';
import path from 'node:path';

let cachedRoot: string | null = null;

export function findRepoRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string };
        if (name === 'pumpwatch') return (cachedRoot = dir);
      } catch {
        // an unreadable manifest is not ours; keep climbing
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return (cachedRoot = process.cwd());
    dir = parent;
  }
}

/** The built dashboard, served on the API's port when present. */
export function clientDistDir(): string {
  return process.env.PUMPWATCH_CLIENT_DIR ? path.resolve(process.env.PUMPWATCH_CLIENT_DIR) : path.join(findRepoRoot(), 'client', 'dist');
}
