/**
 * Whether a Kong chunk module's chunks can hold a decK template opening `${{`, for lint (compile.ts
 * chunksOpen, #18: lint reads the chunks only for one, and a route whose chunks cannot hold one is
 * not compiled in full again). A chunk is fixed code around literals its parameters enter through
 * only (luaString: [A-Za-z0-9_] and `\ddd`; luaWords: those, spaces and its quotes; integers), none
 * holding `$` or `{`, so no `${{` can form inside a literal or across its ends: every chunk of the
 * module holds one iff its fixed code does, which the module's sample chunks show (one per shape
 * of its fixed code). Asked once: the fixed code is constant.
 */
export function fixedCodeOpens(samples: () => readonly string[]): () => boolean {
  let opens: boolean | undefined;
  return () => (opens ??= samples().some((lua) => lua.includes('${{')));
}
