/**
 * Router, service and middleware names. Traefik reads `@` as the provider separator
 * (https://doc.traefik.io/traefik/providers/overview/#provider-namespace) and every file of a
 * file-provider directory shares one namespace, where a duplicate name disables both definitions.
 * So names are sanitised to [a-z0-9-], prefixed with the gateway's name, and made unique here.
 */
export function sanitise(text: string): string {
  let s = SANITISED.get(text);
  if (s === undefined) {
    if (SANITISED.size >= 100_000) SANITISED.clear();
    SANITISED.set(text, (s = fold(text)));
  }
  return s;
}

/**
 * sanitise's answers by text: a route id is sanitised for every router and middleware named after
 * it, and NFKD normalisation is the cost of naming (#18). Bounded, so a long-lived process holding
 * many compiles does not grow it without end.
 */
const SANITISED = new Map<string, string>();

function fold(text: string): string {
  const s = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s === '' ? 'x' : s;
}

/** What a lean namer answers for every name (Namer.lean). */
export const LEAN_NAME = 'lean';

/** One per kind of object (routers, services, middlewares, serversTransports). */
export class Namer {
  private readonly used = new Set<string>();
  constructor(private readonly prefix: string) {}

  /**
   * A lean compile's router and middleware names (lint, index.ts compileOnce; #18): every name is
   * LEAN_NAME, without sanitising, joining and claiming 50,000 names on a 10,000-route spec.
   * The findings are the same because a name is never what one is about: every name `name` gives
   * is sanitised parts and the sanitised prefix joined by `-`, only [a-z0-9-] (fold), as LEAN_NAME
   * is, so no name or key holding one is unsafe text (context.ts keep, emit.ts mayFind,
   * configChecks); a name is no diagnostic's parameter; and the lean compile keeps a stub for each
   * router and middleware (keep), so its maps collapsing to one key changes nothing they are read
   * for: whether one is empty (traefik-no-routers, an omitted `middlewares`) and a first entry that
   * is a stub like any other. A list of names (a router's middlewares, a chain) keeps its length.
   * The service and transport namers stay exact: their maps hold whole values configChecks reads.
   */
  lean = false;

  /** A fresh, unique name built from `parts`; the same parts twice give two different names. */
  name(...parts: string[]): string {
    if (this.lean) return LEAN_NAME;
    return this.claim([this.prefix, ...parts.map(sanitise)].join('-'));
  }

  /**
   * `name` itself, already made of sanitised parts, made unique with a `-N` suffix only if taken
   * (which a name carrying a hash of its identity never is in practice).
   */
  claim(name: string): string {
    let candidate = name;
    for (let n = 2; this.used.has(candidate); n++) candidate = `${name}-${n}`;
    this.used.add(candidate);
    return candidate;
  }
}
