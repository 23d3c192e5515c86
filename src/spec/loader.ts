/**
 * The only reader of the spec (DESIGN.md section 4). Loads the root file and every file its
 * $refs reach, each with its source map, and refuses what is unsafe by default: remote refs,
 * refs that leave the spec's folder, files over the size cap, YAML alias bombs, duplicate keys.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { diag, type Diagnostic, type Loc } from '../diagnostics/diagnostic.js';
import { getAt, joinPointer, splitPointer } from './pointer.js';
import { classifyRef, collectRefs, isInside } from './refs.js';
import { SourceFile } from './source.js';
import { LoadedSpec } from './loaded-spec.js';
import { chainEnd } from './resolve.js';

export interface LoadOptions {
  allowRemoteRefs?: boolean;
  allowOutsideRefs?: boolean;
  /** Per file and in total. */
  maxBytes?: number;
  maxAliasCount?: number;
  /**
   * The root file's text, already read by the caller (a spec on stdin): `file` then only names it
   * (diagnostics, relative `$ref`s resolve from its folder) and is not read. The size cap applies.
   */
  rootText?: string;
}

export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;
export const DEFAULT_MAX_ALIAS_COUNT = 10_000;

export async function loadSpec(file: string, options: LoadOptions = {}): Promise<{ spec?: LoadedSpec; diagnostics: Diagnostic[] }> {
  // A spec URL stays a URL (read with fetch below; its relative $refs are remote ones).
  const rootFile = /^https?:\/\//i.test(file) ? file : path.resolve(file);
  const rootDir = path.dirname(rootFile);
  // Reading the spec itself from the network is the same trust decision as a remote $ref.
  if (rootFile !== path.resolve(file) && !options.allowRemoteRefs) return { diagnostics: [diag('spec-remote', { url: file }, { file, pointer: '' })] };
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const limits = { maxAliasCount: options.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT };
  const files = new Map<string, SourceFile>();
  const diagnostics: Diagnostic[] = [];
  let totalBytes = 0;

  const readOne = async (target: string, from?: Loc): Promise<SourceFile | undefined> => {
    const at = from ?? { file: target, pointer: '' };
    let text: string;
    try {
      if (target === rootFile && options.rootText !== undefined) {
        text = options.rootText;
        const size = Buffer.byteLength(text);
        if (size > maxBytes) {
          diagnostics.push(diag('file-too-large', { path: target, bytes: size, limit: maxBytes }, at));
          return undefined;
        }
      } else if (/^https?:\/\//i.test(target)) {
        const res = await fetch(target, { signal: AbortSignal.timeout(10_000) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        text = await res.text();
      } else {
        const size = (await stat(target)).size;
        if (size > maxBytes || totalBytes + size > maxBytes) {
          diagnostics.push(diag('file-too-large', { path: target, bytes: size, limit: maxBytes }, at));
          return undefined;
        }
        // Read whole, then decoded once: readFile's own 'utf8' decodes chunk by chunk into a
        // rope that JSON.parse flattens again (~30 ms CPU of a 13 MB description, #18).
        text = (await readFile(target)).toString('utf8');
      }
    } catch {
      diagnostics.push(diag('file-not-found', { path: target }, from));
      return undefined;
    }
    totalBytes += text.length;
    const { file: source, problems } = SourceFile.parse(target, text, limits);
    for (const p of problems) {
      const d =
        p.kind === 'duplicate-key'
          ? diag('duplicate-key', { key: p.key ?? '' }, { file: target, pointer: p.pointer ?? '' })
          : p.kind === 'alias-limit'
            ? diag('alias-limit', { limit: limits.maxAliasCount }, { file: target, pointer: '' })
            : diag('parse-error', { detail: p.message }, { file: target, pointer: '' });
      d.position = offsetPosition(text, p.offset); // the duplicate itself, not the first key of that name
      diagnostics.push(d);
    }
    if (source) files.set(target, source);
    return source;
  };

  const root = await readOne(rootFile);
  if (!root) return { diagnostics };
  const refs: Array<{ holder: Loc; ref: string; alone: boolean; tail: readonly string[] }> = [];

  // Breadth-first over the files the refs reach, checking each ref as we go. A spec writes the
  // same ref many times (GitHub's: tens of thousands of refs to a few thousand targets): what a
  // ref string means in a file is worked out once (classification, the symlink-resolving inside
  // check, whether its target exists); each occurrence still gets its own diagnostic.
  // `chain`: the target is itself a $ref (only such a ref can be part of a cycle, findCycles).
  // By file, then by ref string: no key string built and hashed per occurrence (#18).
  const known = new Map<string, Map<string, RefMemo>>();
  const queue: SourceFile[] = [root];
  while (queue.length > 0) {
    const source = queue.shift()!;
    for (const { ref, pointer, alone, tail } of source.refs ?? collectRefs(source.data)) {
      // The `$ref` key's own location is made only where it is said (#18: one per reference).
      const holder = { file: source.path, pointer };
      refs.push({ holder, ref, alone, tail });
      let inFile = known.get(source.path);
      if (!inFile) known.set(source.path, (inFile = new Map()));
      let memo = inFile.get(ref);
      if (!memo) inFile.set(ref, (memo = { target: classifyRef(ref, source.path) }));
      const target = memo.target;
      if (target.kind === 'invalid') {
        diagnostics.push(diag('ref-unresolved', { ref, detail: target.detail }, refLoc(holder)));
        continue;
      }
      if (target.kind === 'remote' && !options.allowRemoteRefs) {
        diagnostics.push(diag('ref-remote', { ref }, refLoc(holder)));
        continue;
      }
      if (target.kind === 'file' && !options.allowOutsideRefs && !(memo.inside ??= isInside(rootDir, target.file))) {
        diagnostics.push(diag('ref-outside-root', { ref, root: rootDir }, refLoc(holder)));
        continue;
      }
      const key = target.kind === 'local' ? source.path : target.kind === 'file' ? target.file : target.url;
      let targetFile = files.get(key);
      if (!targetFile && target.kind !== 'local') {
        targetFile = await readOne(key, refLoc(holder));
        if (targetFile) queue.push(targetFile);
      }
      if (targetFile && memo.found === undefined) {
        const got = getAt(targetFile.data, splitPointer(target.pointer));
        memo.found = got.found;
        const v = got.value as { $ref?: unknown } | null;
        memo.chain = v !== null && typeof v === 'object' && typeof v.$ref === 'string';
      }
      if (targetFile && !memo.found) {
        diagnostics.push(diag('ref-unresolved', { ref, detail: `no ${target.pointer || '/'} in ${path.basename(key)}` }, refLoc(holder)));
      }
    }
  }
  const spec = new LoadedSpec(rootFile, rootDir, files, refs);
  if (!diagnostics.some((d) => d.severity === 'error')) diagnostics.push(...findCycles(spec, refs, known));
  // A failed load has no spec to carry to the edge, so it places its own; otherwise line:col
  // are resolved once, where the run leaves the pipeline (src/pipeline.ts).
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics: spec.locate(diagnostics) };
  return { spec, diagnostics };
}

/** A $ref chain that comes back to where it started never reaches a value. */
/** What the loader worked out once for a ref string written in one file. */
interface RefMemo {
  target: ReturnType<typeof classifyRef>;
  inside?: boolean;
  found?: boolean;
  /** The target is itself a $ref (only such a ref can be part of a cycle). */
  chain?: boolean;
}

/** Where a reference's `$ref` key is: its holder's pointer and the key. */
function refLoc(holder: Loc): Loc {
  return { file: holder.file, pointer: joinPointer(holder.pointer, '$ref') };
}

function findCycles(spec: LoadedSpec, refs: Array<{ holder: Loc; ref: string }>, known: ReadonlyMap<string, ReadonlyMap<string, RefMemo>>): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Whether a chain ends depends only on the ref string and the file it is written in (a chain
  // that comes back to its holder loops through its target too), so each is followed once.
  const ends = new Map<string, boolean>();
  for (const { holder, ref } of refs) {
    // A ref whose target was found and is no $ref ends there (the loader looked): not followed again (#18).
    const memo = known.get(holder.file)?.get(ref);
    if (memo?.found === true && memo.chain === false) continue;
    const memoKey = `${holder.file}\0${ref}`;
    let ok = ends.get(memoKey);
    if (ok === undefined) ends.set(memoKey, (ok = chainEnd(spec, { value: { $ref: ref }, loc: holder }) !== undefined));
    if (!ok) {
      out.push(diag('ref-cycle', { ref }, refLoc(holder)));
      break; // one report per cycle is enough; every member would repeat it
    }
  }
  return out;
}

function offsetPosition(text: string, offset: number) {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
