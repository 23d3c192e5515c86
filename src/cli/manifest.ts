/**
 * `.gwc-manifest.json`: the list of files gwc wrote into a target's output folder, with a content
 * hash each. A build replaces the whole folder, so before it does, anything in the folder that the
 * manifest does not vouch for (a file gwc never wrote, or one edited since) is the user's, and the
 * build refuses rather than delete it. Deterministic: sorted, no timestamps, same input same bytes.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { OutputFile } from '../targets/target.js';

export const MANIFEST = '.gwc-manifest.json';

export interface Manifest {
  generator: 'gwc';
  /** Output path (relative, '/'-separated) -> `sha256:<hex>` of its contents. */
  files: Record<string, string>;
}

export function hashOf(contents: string | Buffer): string {
  return `sha256:${createHash('sha256').update(contents).digest('hex')}`;
}

/**
 * The hash of a file's new bytes, once per build: the folder check (a file on disk equal to what
 * will replace it has its hash) and the manifest ask for it (#18: GitHub's decK file is 24 MB).
 * Only for bytes nobody changes after (an output's, from write.ts).
 */
const outputHashes = new WeakMap<Buffer, string>();
function outputHash(bytes: Buffer): string {
  let h = outputHashes.get(bytes);
  if (h === undefined) outputHashes.set(bytes, (h = hashOf(bytes)));
  return h;
}

/** The manifest file for a target's files (not listing itself); contents as text or UTF-8 bytes. */
export function manifestFile(files: ReadonlyArray<{ path: string; contents: string | Buffer }>): OutputFile {
  const entries = [...files].map((f) => [f.path, typeof f.contents === 'string' ? hashOf(f.contents) : outputHash(f.contents)] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const manifest: Manifest = { generator: 'gwc', files: Object.fromEntries(entries) };
  return { path: MANIFEST, contents: `${JSON.stringify(manifest, null, 2)}\n` };
}

/** The manifest in `dir`, or undefined when there is none (or it is not one of ours). */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  try {
    const data = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as Partial<Manifest>;
    if (data.generator !== 'gwc' || data.files === null || typeof data.files !== 'object') return undefined;
    return { generator: 'gwc', files: data.files };
  } catch {
    return undefined;
  }
}

/**
 * Files in `dir` gwc cannot vouch for: not in its manifest, or changed since it wrote them
 * (relative paths, sorted). Empty when the folder does not exist. `next`: the bytes the build
 * will write at a relative path, if any; a file on disk equal to them has their hash, computed
 * once for this check and the new manifest.
 */
export async function foreignFiles(dir: string, next: (rel: string) => Buffer | undefined = () => undefined): Promise<string[]> {
  // A file or a symlink where the folder should be is replaced by the build too: the user's.
  const self = await lstat(dir).catch(() => undefined);
  if (self && !self.isDirectory()) return [`${path.basename(dir)} itself (${self.isSymbolicLink() ? 'a symlink' : 'not a folder'})`];
  const present = await listFiles(dir);
  if (present.length === 0) return [];
  const manifest = await readManifest(dir);
  const foreign: string[] = [];
  for (const rel of present) {
    if (rel === MANIFEST && manifest) continue;
    const expected = manifest?.files[rel];
    if (expected === undefined || (await hashOnDisk(path.join(dir, rel), () => next(rel))) !== expected) foreign.push(rel);
  }
  return foreign;
}

/** A symlink to a folder or an unreadable entry hashes to nothing: not ours. */
async function hashOnDisk(file: string, next: () => Buffer | undefined): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return undefined;
  }
  const same = next();
  return same?.equals(bytes) ? outputHash(same) : hashOf(bytes);
}

/** Every file (and empty folder, with a trailing '/') under `dir`, symlinks included and not followed; relative, '/'-separated, sorted. */
export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) {
      const inside = await listFiles(dir, rel);
      // An empty folder would go with the rest: list it, as gwc never writes one.
      out.push(...(inside.length > 0 ? inside : [`${rel}/`]));
    } else out.push(rel);
  }
  return out.sort();
}
