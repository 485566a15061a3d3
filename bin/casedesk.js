#!/usr/bin/env node
// The `casedesk` command. Our TypeScript sources are bundled with esbuild into .cache/ (dependencies stay
// external) and rebuilt only when a source file changed, so start-up does not pay for on-the-fly compilation
// (docs/adr/0002-run-typescript-with-a-startup-bundle.md).
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, '.cache', 'casedesk');
const outFile = path.join(outDir, 'main.mjs');
const metaFile = path.join(outDir, 'meta.json');

function upToDate() {
  if (!existsSync(outFile) || !existsSync(metaFile)) return false;
  const built = statSync(outFile).mtimeMs;
  const { inputs } = JSON.parse(readFileSync(metaFile, 'utf8'));
  return Object.keys(inputs).every((input) => {
    const file = path.join(root, input);
    return existsSync(file) && statSync(file).mtimeMs <= built;
  });
}

async function bundle() {
  const esbuild = await import('esbuild');
  mkdirSync(outDir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/main.ts'],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    metafile: true,
    logLevel: 'error',
  });
  writeFileSync(metaFile, JSON.stringify({ inputs: result.metafile.inputs }));
}

let main;
try {
  if (!upToDate()) await bundle();
  process.setSourceMapsEnabled(true);
  ({ main } = await import(pathToFileURL(outFile).href));
} catch (error) {
  // No bundler here (or it failed): run the sources through tsx instead.
  process.emitWarning(`Running without the start-up bundle: ${error.message}`);
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
await main(process.argv);
