/**
 * Writing a target's files atomically: everything goes to a fresh sibling folder first, which
 * then replaces the old one in a rename, so a failed or interrupted build leaves no partial output.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OutputFile } from '../targets/target.js';

export async function writeAtomically(dir: string, files: OutputFile[]): Promise<void> {
  const parent = path.dirname(path.resolve(dir));
  await mkdir(parent, { recursive: true });
  const staging = `${path.resolve(dir)}.gwc-tmp-${process.pid}`;
  const old = `${path.resolve(dir)}.gwc-old-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    for (const f of files) {
      const target = path.join(staging, safeRelative(f.path));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, f.contents);
    }
    await mkdir(staging, { recursive: true });
    let hadOld = false;
    try {
      await rename(dir, old);
      hadOld = true;
    } catch {
      /* nothing there yet */
    }
    await rename(staging, dir);
    if (hadOld) await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
}

/** A target's file path must stay inside the output folder. */
function safeRelative(p: string): string {
  const normal = path.posix.normalize(p);
  if (normal.startsWith('../') || path.posix.isAbsolute(normal) || normal === '..') throw new Error(`refusing to write outside the output folder: ${p}`);
  return normal;
}

export interface CheckResult {
  missing: string[];
  differs: string[];
  extra: string[];
}

/** `--check`: what on disk differs from what would be written. */
export async function compareWithDisk(dir: string, files: OutputFile[]): Promise<CheckResult> {
  const result: CheckResult = { missing: [], differs: [], extra: [] };
  const expected = new Set(files.map((f) => safeRelative(f.path)));
  for (const f of files) {
    const target = path.join(dir, safeRelative(f.path));
    let onDisk: string | undefined;
    try {
      onDisk = await readFile(target, 'utf8');
    } catch {
      result.missing.push(target);
      continue;
    }
    if (onDisk !== f.contents) result.differs.push(target);
  }
  for (const rel of await listFiles(dir)) if (!expected.has(rel)) result.extra.push(path.join(dir, rel));
  return result;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}
