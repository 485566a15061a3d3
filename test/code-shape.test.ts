import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// House rules of issue 14 that ESLint, Prettier and dependency-cruiser do not express (docs/architecture.md,
// "Conventions checked by tools"). Each check is a function of file texts, shown failing on a deliberate violation.

const ROOT = path.resolve(import.meta.dirname, '..');

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

const ALL_SRC = filesUnder('src');
const SOURCES = ALL_SRC.filter((file) => !file.endsWith('.test.ts'));
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** Request input read by a cast instead of a declared schema (ADR 15). */
export function inputCasts(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /request\.(?:body|query|params)\s+as\b/g,
    /\(\s*(?:body|query)\s+as\s+Form\b/g,
    /^type Form\b/gm,
    /Object\.assign\(\s*new Error\([^)]*\)\s*,\s*\{[^}]*statusCode/g,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[0]);
  return found;
}

/** `register…Routes` functions longer than `max` lines (their name and length). */
export function longRegisterFunctions(text: string, max = 80): string[] {
  const lines = text.split('\n');
  const found: string[] = [];
  lines.forEach((line, start) => {
    const name = /^export function (register\w*Routes)\(/.exec(line)?.[1];
    if (!name) return;
    // The function ends at the first line after it that closes at column 0.
    const end = lines.findIndex((l, i) => i > start && l.startsWith('}'));
    const length = end - start + 1;
    if (length > max) found.push(`${name} (${length} lines)`);
  });
  return found;
}

/** The names a module's index.ts exports. */
export function exportedNames(indexText: string): string[] {
  const names: string[] = [];
  for (const match of indexText.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of match[1]!.split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      if (name) names.push(name);
    }
  }
  for (const match of indexText.matchAll(/export\s+(?:async\s+)?(?:function|const|class|interface|type)\s+(\w+)/g))
    names.push(match[1]!);
  return names;
}

/** Exports of `module`'s index.ts that no file outside the module imports from it. */
export function unusedExports(module: string, indexText: string, others: Record<string, string>): string[] {
  const importsIndex = new RegExp(`['/]${module}/index\\.js'`);
  const users = Object.values(others).filter((text) => importsIndex.test(text));
  return exportedNames(indexText).filter((name) => !users.some((text) => new RegExp(`\\b${name}\\b`).test(text)));
}

describe('route inputs are declared, not cast (ADR 15)', () => {
  it('finds a cast of request input, a local Form type and an ad-hoc HTTP error', () => {
    const bad = [
      'const q = request.query as { page?: string };',
      'type Form = Record<string, unknown>;',
      "throw Object.assign(new Error('Too many'), { statusCode: 429 });",
    ].join('\n');
    expect(inputCasts(bad)).toHaveLength(3);
    expect(
      inputCasts("app.get('/x', { schema: { querystring: inputs.list } }, (request) => request.query.page);"),
    ).toEqual([]);
  });

  it('holds in every source file', () => {
    const found = SOURCES.flatMap((file) => inputCasts(read(file)).map((cast) => `${file}: ${cast}`));
    expect(found).toEqual([]);
  });
});

describe('route registration stays readable', () => {
  it('finds a register function over 80 lines', () => {
    const long = [
      'export function registerLongRoutes(app: App): void {',
      ...Array<string>(85).fill('  app;'),
      '}',
    ].join('\n');
    expect(longRegisterFunctions(long)).toEqual(['registerLongRoutes (87 lines)']);
  });

  it('no register…Routes function is over 80 lines', () => {
    const found = SOURCES.filter((file) => file.startsWith('src/modules/')).flatMap((file) =>
      longRegisterFunctions(read(file)).map((f) => `${file}: ${f}`),
    );
    expect(found).toEqual([]);
  });
});

// Others: every file of src/ outside the module, other modules' tests included (a test may use what another
// module offers, but not its internals: dependency-cruiser covers tests of src/ too). Tests under test/ import
// internals directly and do not count.
describe("a module's index.ts exports only what others use", () => {
  it('finds an export nobody imports', () => {
    const others = { 'src/app.ts': "import { used } from './modules/thing/index.js';\nused();" };
    expect(
      unusedExports(
        'thing',
        'export { used, unused } from "./service.js";\nexport type { Shape } from "./types.js";',
        others,
      ),
    ).toEqual(['unused', 'Shape']);
  });

  it('holds for every module', () => {
    const modules = readdirSync(path.join(ROOT, 'src/modules'));
    const texts = Object.fromEntries(ALL_SRC.map((file) => [file, read(file)]));
    const found = modules.flatMap((module) => {
      const others = Object.fromEntries(
        Object.entries(texts).filter(([file]) => !file.startsWith(`src/modules/${module}/`)),
      );
      return unusedExports(module, read(`src/modules/${module}/index.ts`), others).map((name) => `${module}: ${name}`);
    });
    expect(found).toEqual([]);
  });
});
