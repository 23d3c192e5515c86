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

/** One per kind of object (routers, services, middlewares, serversTransports). */
export class Namer {
  private readonly used = new Set<string>();
  constructor(private readonly prefix: string) {}

  /** A fresh, unique name built from `parts`; the same parts twice give two different names. */
  name(...parts: string[]): string {
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
