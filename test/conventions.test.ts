import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IConfiguration, ICruiseResult } from 'dependency-cruiser';
import { cruise } from 'dependency-cruiser';
import { ESLint } from 'eslint';
import * as prettier from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The conventions tools of `npm run check` (docs/architecture.md, "Conventions checked by tools") each fail on a
// deliberate violation, with the project's own configuration files.

const ROOT = path.resolve(import.meta.dirname, '..');
const FIXTURES = path.join(ROOT, 'test/fixtures/conventions');

describe('ESLint (eslint.config.mjs)', () => {
  it('fails on a floating promise and still reports the rules that are warnings for now', async () => {
    // ignore: false, because the configuration keeps the fixtures out of `npm run lint`.
    const eslint = new ESLint({ cwd: ROOT, ignore: false });
    const [bad, clean] = await eslint.lintFiles([
      path.join(FIXTURES, 'floating-promise.ts'),
      path.join(FIXTURES, 'clean.ts'),
    ]);
    const found = bad!.messages.map((m) => `${m.line} ${m.ruleId} ${m.severity === 2 ? 'error' : 'warning'}`);
    expect(found).toEqual([
      '9 @typescript-eslint/no-floating-promises error',
      '14 @typescript-eslint/no-misused-promises warning',
      '21 @typescript-eslint/no-unsafe-assignment warning',
      '22 @typescript-eslint/no-unsafe-member-access warning',
    ]);
    expect(bad!.errorCount).toBe(1);
    expect(clean!.messages).toEqual([]);
  }, 30_000);
});

describe('Prettier (.prettierrc)', () => {
  it('refuses code not in the house style and accepts it once formatted', async () => {
    const filepath = path.join(ROOT, 'src/example.ts');
    const options = { ...(await prettier.resolveConfig(filepath)), filepath };
    expect(options).toMatchObject({ singleQuote: true, semi: true, trailingComma: 'all', printWidth: 120 });
    const messy = 'const greeting = "hello"\nexport   function greet(name:string){ return greeting+" "+name }\n';
    expect(await prettier.check(messy, options)).toBe(false);
    const formatted = await prettier.format(messy, options);
    expect(formatted).toBe(
      "const greeting = 'hello';\nexport function greet(name: string) {\n  return greeting + ' ' + name;\n}\n",
    );
    expect(await prettier.check(formatted, options)).toBe(true);
  });
});

describe('dependency-cruiser (.dependency-cruiser.cjs)', () => {
  let dir: string;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };

  beforeAll(() => {
    // A small tree shaped like src/: two modules, the platform, a cycle.
    dir = mkdtempSync(path.join(tmpdir(), 'casedesk-conventions-'));
    write('src/modules/alpha/repository.ts', 'export const rows = [1];\n');
    write('src/modules/alpha/index.ts', "export { rows } from './repository.js';\n");
    write('src/modules/beta/index.ts', "export * from './service.js';\n");
    write(
      'src/modules/beta/service.ts',
      "import { rows } from '../alpha/repository.js';\nimport { rows as ok } from '../alpha/index.js';\nexport const both = [rows, ok];\n",
    );
    write(
      'src/platform/thing.ts',
      "import { rows } from '../modules/alpha/index.js';\nexport const platformRows = rows;\n",
    );
    write('src/modules/gamma/index.ts', "export { a } from './a.js';\n");
    write('src/modules/gamma/a.ts', "import { b } from './b.js';\nexport const a = () => b;\n");
    write('src/modules/gamma/b.ts', "import { a } from './a.js';\nexport const b = () => a;\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("fails on a module reaching into another's repository, on the platform importing a module, and on a cycle", async () => {
    const config = createRequire(import.meta.url)(path.join(ROOT, '.dependency-cruiser.cjs')) as IConfiguration;
    // The fixture tree has no tsconfig.json; everything else is the project's configuration.
    const { tsConfig: _unused, ...options } = config.options ?? {};
    const { output } = await cruise(['src'], {
      ...options,
      baseDir: dir,
      validate: true,
      ruleSet: { forbidden: config.forbidden },
    });
    const result = output as ICruiseResult;
    const violations = result.summary.violations
      .map((v) => `${v.rule.severity} ${v.rule.name}: ${v.from} -> ${v.to}`)
      .sort();
    expect(violations).toEqual([
      'error modules-through-index: src/modules/beta/service.ts -> src/modules/alpha/repository.ts',
      'error no-circular: src/modules/gamma/a.ts -> src/modules/gamma/b.ts',
      'error platform-imports-no-module: src/platform/thing.ts -> src/modules/alpha/index.ts',
    ]);
    expect(result.summary.error).toBe(3);
  });

  it('finds no violation in the project itself (the page frame in the platform broke the last cycle)', async () => {
    const config = createRequire(import.meta.url)(path.join(ROOT, '.dependency-cruiser.cjs')) as IConfiguration;
    const { output } = await cruise(['src'], {
      ...config.options,
      baseDir: ROOT,
      validate: true,
      ruleSet: { forbidden: config.forbidden },
    });
    const result = output as ICruiseResult;
    expect(result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  }, 60_000);
});
