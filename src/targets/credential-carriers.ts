/**
 * The credential carriers of a spec: every place and name a backend may read a caller's own
 * credential from, for any scheme of the spec (DESIGN.md 7.4). A shared cache entry (a public
 * route's, or an optional route's anonymous one) must never hold the answer to a request that
 * carried one of these, nor answer such a request: each target's cache either bypasses on every
 * carrier or keys on it, or refuses the build (nginx cache.ts cacheView, AWS cache.ts; Kong
 * refuses a shared cache outright, kong-cache-key-ambiguous; open-source Traefik has no cache).
 * A per-caller entry must not either when the carrier is a SECOND credential beside the verified
 * one (a session the backend reads, served to the caller's other end users): nginx cacheView and
 * Kong cache-bypass.ts bypass on every carrier the route does not verify whenever sent.
 *
 * One function, one switch over the scheme kinds (`never` on a new one), so a new kind cannot be
 * forgotten by one target's cache. What a target does with each spelling is its own: header names
 * here are as the spec spells them ({@link headerSpellings} gives their `-`/`_` spellings, which
 * CGI/Rack/WSGI backends read as one: header-spellings.ts); query names are read as
 * query-names.ts says (a target that cannot match that reading cannot key on it).
 */
import { compareText } from '../diagnostics/collate.js';
import type { Gateway, SecurityScheme } from '../model/types.js';
import { bearerInQuery } from './bearer.js';
import { separatorSpellings } from './header-spellings.js';

/** Where a carrier travels. `body`: a form field (RFC 6750 section 2.2). */
export type CarrierPlace = 'header' | 'query' | 'cookie' | 'body';

export interface Carrier {
  in: CarrierPlace;
  /** Lower-cased for headers (HTTP names are case-blind); as the spec spells it otherwise. */
  name: string;
  /** The schemes that carry it ('' for what a backend may read whatever the spec's schemes are). */
  schemes: string[];
}

/**
 * What a backend behind any gateway may read as a caller's own credential whatever the spec says:
 * an Authorization header (a session token the backend checks itself) and its cookies (the Cookie
 * header, a session). Red team 2 and 3 found both.
 */
const ALWAYS: ReadonlyArray<Omit<Carrier, 'schemes'>> = [
  { in: 'header', name: 'authorization' },
  { in: 'header', name: 'cookie' },
];

/** RFC 6750 section 2.3 / 2.2: a bearer token in `?access_token=` or a form body's `access_token`. */
export const BEARER_TOKEN_NAME = 'access_token';

/** An API Gateway mapping expression of a header or query value (a Lambda authorizer's identity source). */
const MAPPING = /^method\.request\.(header|querystring)\.(.+)$/;

/** The places one scheme carries its credential (and what it sends its verifier besides). */
export function schemeCarriers(s: SecurityScheme): Array<Omit<Carrier, 'schemes'>> {
  const out: Array<Omit<Carrier, 'schemes'>> = [];
  const header = (name: string) => out.push({ in: 'header', name: name.toLowerCase() });
  const kind = s.kind;
  switch (kind) {
    case 'apiKey':
      if (s.apiKey?.in === 'header') header(s.apiKey.name);
      else if (s.apiKey?.in === 'query') out.push({ in: 'query', name: s.apiKey.name });
      else if (s.apiKey?.in === 'cookie') out.push({ in: 'cookie', name: s.apiKey.name }, { in: 'header', name: 'cookie' });
      break;
    // Kong's basic-auth reads Proxy-Authorization first (kong/plugins/basic-auth/access.lua).
    case 'basic':
      header('authorization');
      header('proxy-authorization');
      break;
    case 'jwt':
      header(s.jwt?.header ?? 'authorization');
      break;
    case 'forward':
    case 'lambda':
    case 'iam':
      header('authorization');
      break;
    default: {
      const never: never = kind;
      throw new Error(`credential carriers: scheme kind ${String(never)}`);
    }
  }
  if (bearerInQuery(s)) out.push({ in: 'query', name: BEARER_TOKEN_NAME }, { in: 'body', name: BEARER_TOKEN_NAME });
  // What the scheme sends its verifier is what that verifier reads a credential from.
  for (const h of s.forwardAuth?.requestHeaders ?? []) header(h);
  for (const src of s.lambdaAuthorizer?.identitySource ?? []) {
    const m = MAPPING.exec(src);
    if (m) out.push(m[1] === 'header' ? { in: 'header', name: m[2]!.toLowerCase() } : { in: 'query', name: m[2]! });
  }
  return out;
}

const known = new WeakMap<Gateway, Carrier[]>();

/**
 * Every credential carrier of the gateway's spec, each once (by place and name), sorted by place
 * then name (compareText): deterministic output whatever order the spec lists its schemes in.
 * Memoised per gateway: every cached route asks.
 */
export function credentialCarriers(gateway: Gateway): readonly Carrier[] {
  let out = known.get(gateway);
  if (out) return out;
  const byKey = new Map<string, Carrier>();
  const add = (c: Omit<Carrier, 'schemes'>, scheme: string) => {
    const key = `${c.in}\0${c.name}`;
    const have = byKey.get(key) ?? { ...c, schemes: [] };
    if (!have.schemes.includes(scheme)) have.schemes.push(scheme);
    byKey.set(key, have);
  };
  for (const c of ALWAYS) add(c, '');
  for (const s of gateway.securitySchemes) for (const c of schemeCarriers(s)) add(c, s.name);
  out = [...byKey.values()]
    .map((c) => ({ ...c, schemes: [...c.schemes].sort(compareText) }))
    .sort((a, b) => compareText(a.in, b.in) || compareText(a.name, b.name));
  known.set(gateway, out);
  return out;
}

/** A header carrier's name and its other `-`/`_` spellings (header-spellings.ts), lower-cased. */
export function headerSpellings(name: string): string[] {
  const n = name.toLowerCase();
  return [n, ...separatorSpellings(n)];
}
