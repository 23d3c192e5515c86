/**
 * The UTF-8 bytes of an output text, kept by the writer that made them (yaml-out.ts writes its
 * text as bytes first) so that writing the file and hashing it for the manifest (cli/write.ts)
 * do not encode the same text again: GitHub's decK file is 24 MB, and each UTF-8 pass over it
 * was 25-70 ms of a build (#18). A text with no kept bytes is encoded as before; either way the
 * bytes are exactly `Buffer.from(text, 'utf8')`.
 */

/**
 * The last few large texts and their bytes, until a write takes them (lint builds no text; a
 * library caller that never writes keeps at most KEPT of them alive).
 */
const kept: Array<{ text: string; bytes: Buffer }> = [];
const KEPT = 4;
/** Smaller texts are encoded again: cheap, and they would push out the large ones. */
const LARGE = 1 << 20;

/** Remembers that `bytes` are `text` in UTF-8 (the caller guarantees it: `text` was decoded from them). */
export function keepUtf8(text: string, bytes: Buffer): void {
  if (bytes.length < LARGE) return;
  if (kept.length >= KEPT) kept.shift();
  kept.push({ text, bytes });
}

/**
 * `text` in UTF-8: the kept bytes when a writer kept them for this text (and forgets them: the
 * caller owns them now), else a fresh encoding.
 */
export function utf8Of(text: string): Buffer {
  const i = kept.findIndex((e) => e.text === text);
  if (i < 0) return Buffer.from(text, 'utf8');
  const [e] = kept.splice(i, 1);
  return e!.bytes;
}
