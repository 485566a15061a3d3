#!/usr/bin/env node
// The `casedesk` command. The sources are TypeScript run through tsx (see docs/adr/0002-run-typescript-with-tsx.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
await main(process.argv);
