/**
 * Real-gateway tests need real binaries. In CI (CI=true) a missing binary is a failure; elsewhere
 * the test is skipped, loudly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function findBinary(name: string, candidates: string[] = []): string | undefined {
  for (const c of candidates) if (existsSync(c)) return c;
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Returns the binary's path, or undefined after printing a loud skip notice. Throws in CI, so a
 * real-gateway check can never pass by being skipped there.
 */
export function requireBinary(name: string, candidates: string[] = []): string | undefined {
  const found = findBinary(name, candidates);
  if (found) return found;
  const message = `${name} not found: the real-gateway tests that need it cannot run`;
  if (process.env.CI === 'true') throw new Error(`${message} (CI=true: this is a failure; .ci/run must install it)`);
  console.warn(`\n*** SKIPPING: ${message}. Install it (see .ci/run) to run them. ***\n`);
  return undefined;
}

/** The shared conformance folder beside the project, when present (it is in CI). */
export function conformancePath(...parts: string[]): string | undefined {
  const p = new URL(`../../../shared/conformance/${parts.join('/')}`, import.meta.url).pathname;
  if (existsSync(p)) return p;
  const message = `../shared/conformance/${parts.join('/')} not found`;
  if (process.env.CI === 'true') throw new Error(`${message} (CI=true: it must be beside the project)`);
  console.warn(`\n*** SKIPPING: ${message}; the conformance checks that need it cannot run. ***\n`);
  return undefined;
}
