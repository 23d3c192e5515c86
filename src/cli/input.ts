/**
 * The SPEC argument as other tools take it: a file, `-` for the spec on stdin, or an http(s) URL.
 * stdin is read here and handed to the loader as the text of a virtual file, `<stdin>` in the
 * current folder (relative `$ref`s resolve from there, diagnostics say `-:LINE:COL`). A URL
 * goes to the loader as it is: the loader fetches it only with allowRemoteRefs (`spec-remote`).
 */
import path from 'node:path';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SpecOptions } from '../pipeline.js';

export const STDIN_NAME = '-';

export interface SpecInput {
  /** What the loader is given as the file name. */
  file: string;
  options: SpecOptions;
  /** Set when the input is refused before loading. */
  diagnostics: Diagnostic[];
}

export async function specInput(arg: string, options: SpecOptions, stdin: NodeJS.ReadableStream = process.stdin): Promise<SpecInput> {
  if (arg === '-') {
    const text = await readAll(stdin, (options.maxBytes ?? Number.MAX_SAFE_INTEGER) + 1);
    const file = path.resolve(STDIN_NAME);
    if (text.trim() === '') return { file, options, diagnostics: [diag('spec-stdin-empty', {})] };
    return { file, options: { ...options, rootText: text }, diagnostics: [] };
  }
  return { file: arg, options, diagnostics: [] };
}

/** Reads the stream, stopping past `limit` bytes (the loader then refuses the size). */
async function readAll(stream: NodeJS.ReadableStream, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(b);
    size += b.length;
    if (size >= limit) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}
