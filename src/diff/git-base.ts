/**
 * `--base GIT_REF`: the spec's folder as it was at a ref, extracted to a temporary folder so that
 * multi-file `$ref`s resolve as they did then. Uses the git and tar command-line tools.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class GitBaseError extends Error {}

/** Calls `use` with the path of the spec as it was at `ref`; the copy is removed afterwards. */
export async function withSpecAtRef<T>(spec: string, ref: string, use: (specAtRef: string, name: (file: string) => string) => Promise<T>): Promise<T> {
  if (ref.startsWith('-')) throw new GitBaseError(`"${ref}" is not a git ref`);
  const abs = path.resolve(spec);
  const dir = path.dirname(abs);
  let top: string;
  try {
    top = (await run('git', ['rev-parse', '--show-toplevel'], { cwd: dir })).stdout.trim();
    await run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: dir });
  } catch (e) {
    throw new GitBaseError(e instanceof Error && /show-toplevel/.test(e.message) ? `${dir} is not in a git repository` : `unknown ref "${ref}"`);
  }
  const rel = path.relative(top, dir) || '.';
  const tmp = await mkdtemp(path.join(tmpdir(), 'gwc-base-'));
  try {
    try {
      const archive = path.join(tmp, 'base.tar');
      await run('git', ['archive', '--format=tar', `--output=${archive}`, ref, '--', rel], { cwd: top, maxBuffer: 64 * 1024 * 1024 });
      await run('tar', ['-xf', archive, '-C', tmp]);
    } catch (e) {
      throw new GitBaseError(`${rel} does not exist at ${ref} (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    }
    // A file of the checkout is shown as git names it, REF:path (from the repository's top): the
    // temporary folder is gone when the diagnostics are printed.
    const name = (file: string) => {
      const rel = path.relative(tmp, file);
      return rel.startsWith('..') || path.isAbsolute(rel) ? file : `${ref}:${rel.split(path.sep).join('/')}`;
    };
    return await use(path.join(tmp, path.relative(top, abs)), name);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
