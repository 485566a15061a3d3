import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files the application reads at run time (migrations, catalogs, data, assets) are found from the project's root,
 * so the same code works from the TypeScript sources and from the start-up bundle in `.cache/` (ADR 2).
 */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'db', 'migrations'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error('Cannot find the Casedesk project directory (package.json with db/migrations).');
    dir = parent;
  }
}

export const PROJECT_ROOT = findRoot();

export function fromRoot(...parts: string[]): string {
  return path.join(PROJECT_ROOT, ...parts);
}
