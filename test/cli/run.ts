/** Runs the real gwc binary (dist/, refreshed by `npm run build`), with stdin and environment when asked. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const repo = path.resolve(__dirname, '../..');
export const bin = path.join(repo, 'bin/run.js');
export const fixture = (name: string) => path.join(repo, 'fixtures', name, 'gateway.yaml');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function gwc(args: string[], o: { cwd?: string; input?: string; env?: Record<string, string | undefined> } = {}): Run {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...o.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: o.cwd ?? repo, encoding: 'utf8', timeout: 60_000, input: o.input ?? '', env: env as NodeJS.ProcessEnv });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = 'gwc-cli-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** dist/ must exist; `npm run build` refreshes it after source changes. */
export function ensureBuilt(): void {
  if (!existsSync(path.join(repo, 'dist/commands/validate.js'))) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repo });
}
