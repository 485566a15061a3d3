/**
 * Builds `common-passwords.txt`, the list of common and breached passwords that sign-up and password changes are
 * checked against (NIST SP 800-63B: "a blocklist of commonly-used, expected, or compromised values").
 *
 *   node --import tsx src/modules/accounts/data/build-common-passwords.ts           # (re)write the file
 *   node --import tsx src/modules/accounts/data/build-common-passwords.ts --check   # exit 1 if it is stale
 *
 * Source: the `passwords-common` dictionary of the npm package `@zxcvbn-ts/language-common` (exact version in
 * package.json; 4.1.3 when this was written, 49,233 entries). zxcvbn-ts compiled it from leaked-password corpora
 * (it is the successor of Dropbox zxcvbn's `passwords.txt`, ranked by frequency in public breaches). Nothing here
 * is derived from any user's data.
 *
 * Every entry is normalized the way `checkPassword` normalizes what a person types: Unicode NFKC, trimmed, lower
 * case. Empty lines are dropped, duplicates removed, and the lines sorted by UTF-16 code unit (plain
 * `Array.prototype.sort`, so the order does not depend on the machine's locale). Entries shorter than
 * PASSWORD_MIN are kept on purpose: the check trims first, so `"password    "` (12 characters) must still hit
 * `password`.
 *
 * The result is ~390 kB, read once into a Set by passwords.ts. A test rebuilds the list in memory and compares it
 * with the file, so bumping the zxcvbn-ts package without re-running this script fails CI.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dictionary } from '@zxcvbn-ts/language-common';

export const COMMON_PASSWORDS_FILE = fileURLToPath(new URL('./common-passwords.txt', import.meta.url));

/** The same normalization checkPassword applies before looking a password up. */
export function normalizeForList(password: string): string {
  return password.normalize('NFKC').trim().toLowerCase();
}

/** The file's content: one password per line, normalized, deduplicated, sorted, with a final newline. */
export function buildCommonPasswordList(): string {
  const source = dictionary['passwords-common'];
  const entries = new Set<string>();
  for (const raw of source) {
    const entry = normalizeForList(String(raw));
    // A line break inside an entry would split it into two entries; none exist today, but do not trust input.
    if (entry !== '' && !/[\r\n]/.test(entry)) entries.add(entry);
  }
  return [...entries].sort().join('\n') + '\n';
}

function main(argv: string[]): void {
  const content = buildCommonPasswordList();
  const lines = content.split('\n').length - 1;
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(COMMON_PASSWORDS_FILE, 'utf8');
    } catch {
      // missing file: stale
    }
    if (current !== content) {
      process.stderr.write(`${COMMON_PASSWORDS_FILE} is stale; run this script without --check\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`${COMMON_PASSWORDS_FILE} is up to date (${lines} entries)\n`);
    return;
  }
  writeFileSync(COMMON_PASSWORDS_FILE, content);
  process.stdout.write(`wrote ${COMMON_PASSWORDS_FILE}: ${lines} entries, ${Buffer.byteLength(content)} bytes\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
