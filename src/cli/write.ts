/**
 * Writing the targets' folders: all or nothing. Every folder is first checked for files gwc did
 * not write (manifest.ts), then staged in a fresh sibling folder, and only when every target has
 * been staged do the stagings replace the old folders (a rename each), so a failed build, a
 * refused folder or an interrupted write leaves every target's old output in place.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { OutputFile } from '../targets/target.js';
import { foreignFiles, manifestFile } from './manifest.js';

export interface TargetOutput {
  dir: string;
  files: OutputFile[];
}

/** Folders holding files gwc did not write, one refusal each (none with `force`). */
export async function refusals(outputs: readonly TargetOutput[], force: boolean): Promise<Diagnostic[]> {
  if (force) return [];
  const out: Diagnostic[] = [];
  for (const { dir, files } of outputs) {
    // A file gwc wrote before and writes again unchanged is hashed once (bytesOf, manifest.ts).
    const foreign = await foreignFiles(dir, (rel) => {
      const f = files.find((x) => x.path === rel);
      return f && bytesOf(f);
    });
    if (foreign.length === 0) continue;
    const shown = foreign.slice(0, 10).join(', ') + (foreign.length > 10 ? `, and ${foreign.length - 10} more` : '');
    out.push(diag('out-foreign-files', { dir, count: foreign.length, files: shown }));
  }
  return out;
}

/** Each file in UTF-8 once, for the folder check, its hash and its write (#18: GitHub's decK file is 24 MB). */
const encoded = new WeakMap<OutputFile, Buffer>();
function bytesOf(f: OutputFile): Buffer {
  let b = encoded.get(f);
  if (!b) encoded.set(f, (b = Buffer.from(f.contents, 'utf8')));
  return b;
}

/** Writes every target's files plus its manifest; nothing at all when any staging fails. */
export async function writeAll(outputs: readonly TargetOutput[]): Promise<void> {
  const staged: Array<{ dir: string; staging: string; old: string }> = [];
  try {
    for (const o of outputs) {
      const dir = path.resolve(o.dir);
      const s = { dir, staging: `${dir}.gwc-tmp-${process.pid}`, old: `${dir}.gwc-old-${process.pid}` };
      staged.push(s);
      const files = o.files.map((f) => ({ path: f.path, contents: bytesOf(f) }));
      await stage(s.staging, [...files, manifestFile(files)]);
    }
  } catch (e) {
    await Promise.all(staged.map((s) => rm(s.staging, { recursive: true, force: true })));
    throw e;
  }
  for (const s of staged) {
    let hadOld = false;
    try {
      await rename(s.dir, s.old);
      hadOld = true;
    } catch {
      /* nothing there yet */
    }
    await rename(s.staging, s.dir);
    if (hadOld) await rm(s.old, { recursive: true, force: true });
  }
}

async function stage(staging: string, files: ReadonlyArray<{ path: string; contents: string | Buffer }>): Promise<void> {
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  for (const f of files) {
    const target = path.join(staging, safeRelative(f.path));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, f.contents);
  }
}

/** A target's file path must stay inside the output folder. */
export function safeRelative(p: string): string {
  const normal = path.posix.normalize(p);
  if (normal.startsWith('../') || path.posix.isAbsolute(normal) || normal === '..') throw new Error(`refusing to write outside the output folder: ${p}`);
  return normal;
}
