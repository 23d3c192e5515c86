/**
 * What `gwc init` proposes for a plain OpenAPI document: backends from its servers, one rate-limit
 * policy, a consumer per API-key or basic scheme with `${env:...}` credentials, and, for each scheme
 * some target cannot verify itself, the fallbacks those targets take (read from the capability
 * tables, not written per target here). Operations without security are listed, never made public.
 */
import type { FeatureId } from '../model/features.js';
import { HTTP_METHODS } from '../model/types.js';
import { TARGETS } from '../targets/index.js';
import { issuerOfDiscoveryUrl } from '../model/normalise/oidc-issuer.js';

export interface InitBackend {
  name: string;
  url: string;
  /** Where it came from, e.g. "servers[0]". */
  from: string;
}

export interface InitScheme {
  name: string;
  /** The gwc feature that verifies it; undefined for a kind gwc does not verify (then a note). */
  feature?: 'auth.apiKey' | 'auth.basic' | 'auth.jwt';
  /** Fallback kind -> the targets that need it for this scheme. */
  fallbacks: Array<{ kind: string; targets: string[] }>;
  /** Targets that cannot verify it fully and build only with the gap accepted. */
  partial: Array<{ target: string; what: string }>;
  /** The scheme already has an x-gateway of its own (left alone). */
  configured: boolean;
  /** openIdConnect: the issuer its discovery URL names. */
  issuer?: string;
}

export interface InitConsumer {
  name: string;
  scheme: string;
  kind: 'apiKey' | 'basic';
  env: string;
}

export interface UnsecuredOperation {
  path: string;
  method: string;
  /** The operation already has an x-gateway object. */
  hasXGateway: boolean;
}

export interface InitPlan {
  name: string;
  backends: InitBackend[];
  schemes: InitScheme[];
  consumers: InitConsumer[];
  unsecured: UnsecuredOperation[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'api';
}

const envName = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'CLIENT';

export function planInit(doc: Obj): InitPlan {
  const info = isObj(doc.info) ? doc.info : {};
  const name = slug(typeof info.title === 'string' ? info.title : 'api');
  return { name, backends: backendsOf(doc), schemes: schemesOf(doc), consumers: consumersOf(doc), unsecured: unsecuredOf(doc) };
}

function backendsOf(doc: Obj): InitBackend[] {
  const servers = Array.isArray(doc.servers) ? doc.servers : [];
  const out: InitBackend[] = [];
  servers.forEach((s, i) => {
    if (!isObj(s) || typeof s.url !== 'string') return;
    // Server variables take their defaults (OpenAPI 3 Server Variable Object).
    const vars = isObj(s.variables) ? s.variables : {};
    const url = s.url.replace(/\{([^}]+)\}/g, (m, v: string) => (isObj(vars[v]) && typeof vars[v].default === 'string' ? (vars[v].default as string) : m));
    if (!/^https?:\/\/[^{}\s]+$/i.test(url) || out.some((b) => b.url === url)) return;
    let base = slug(new URL(url).hostname.split('.')[0] ?? 'api');
    while (out.some((b) => b.name === base)) base = `${base}-${out.length + 1}`;
    out.push({ name: base, url: url.replace(/\/+$/, ''), from: `servers[${i}]` });
  });
  return out;
}

function featureOf(s: Obj): InitScheme['feature'] {
  if (s.type === 'apiKey') return 'auth.apiKey';
  if (s.type === 'http' && typeof s.scheme === 'string' && s.scheme.toLowerCase() === 'basic') return 'auth.basic';
  if (s.type === 'http' && typeof s.scheme === 'string' && s.scheme.toLowerCase() === 'bearer') return 'auth.jwt';
  if (s.type === 'oauth2' || s.type === 'openIdConnect') return 'auth.jwt';
  return undefined;
}

function schemesOf(doc: Obj): InitScheme[] {
  const components = isObj(doc.components) ? doc.components : {};
  const schemes = isObj(components.securitySchemes) ? components.securitySchemes : {};
  return Object.entries(schemes).flatMap(([name, s]) => {
    if (!isObj(s)) return [];
    const feature = featureOf(s);
    const fallbacks = new Map<string, string[]>();
    const partial: InitScheme['partial'] = [];
    for (const t of TARGETS) {
      const c = feature ? t.capabilities[feature as FeatureId] : undefined;
      if (c?.support !== 'unsupported') continue;
      if (c.fallback) fallbacks.set(c.fallback, [...(fallbacks.get(c.fallback) ?? []), t.name]);
      else if (c.partial) partial.push({ target: t.name, what: c.partial });
    }
    // As the build derives it (OpenID Connect Discovery 1.0 section 4, RFC 8414): no trailing `/` added.
    const issuer = typeof s.openIdConnectUrl === 'string' ? issuerOfDiscoveryUrl(s.openIdConnectUrl) : undefined;
    return [
      {
        name,
        ...(feature ? { feature } : {}),
        fallbacks: [...fallbacks.entries()].map(([kind, targets]) => ({ kind, targets })),
        partial,
        configured: isObj(s['x-gateway']),
        ...(issuer ? { issuer } : {}),
      },
    ];
  });
}

function consumersOf(doc: Obj): InitConsumer[] {
  return schemesOf(doc).flatMap((s) => {
    if (s.feature !== 'auth.apiKey' && s.feature !== 'auth.basic') return [];
    const name = `${slug(s.name)}-client`;
    const kind = s.feature === 'auth.apiKey' ? 'apiKey' : 'basic';
    return [{ name, scheme: s.name, kind, env: `${envName(name)}_${kind === 'apiKey' ? 'KEY' : 'PASSWORD'}` } as const];
  });
}

/** Effective security of each operation: its own, else the root's; empty or `[{}]` only is none. */
function unsecuredOf(doc: Obj): UnsecuredOperation[] {
  const paths = isObj(doc.paths) ? doc.paths : {};
  const out: UnsecuredOperation[] = [];
  const none = (sec: unknown) => !Array.isArray(sec) || sec.every((alt) => !isObj(alt) || Object.keys(alt).length === 0);
  for (const [p, item] of Object.entries(paths)) {
    if (!isObj(item)) continue;
    for (const m of HTTP_METHODS.map((x) => x.toLowerCase())) {
      const op = item[m];
      if (!isObj(op)) continue;
      const xg = isObj(op['x-gateway']) ? op['x-gateway'] : undefined;
      if (xg?.public === true) continue;
      if (none(op.security !== undefined ? op.security : doc.security)) out.push({ path: p, method: m, hasXGateway: xg !== undefined });
    }
  }
  return out;
}
