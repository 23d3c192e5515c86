/**
 * components.securitySchemes (+ their x-gateway) → SecurityScheme, and OpenAPI security
 * requirements → Security (OR of AND, DESIGN.md section 3 rule 6).
 */
import { diag, type Diagnostic, type Loc } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import type { Consumer, ConsumerCredential, ForwardAuth, JwtConfig, LambdaAuthorizer, Security, SecurityScheme } from '../types.js';
import { caseFoldedNames } from './consumer-names.js';
import { isObj, refuseRefSibling, type Walker } from './node.js';
import { parseDuration, parseSecret, parseUrl } from './units.js';
import { derivedIssuer } from './oidc-issuer.js';

export interface SchemeTable {
  schemes: SecurityScheme[];
  /** Defined but impossible to enforce: reported once, at the definition, when a route requires them. */
  refused: Map<string, { code: 'scheme-unverifiable' | 'scheme-unsupported'; type: string; loc: Loc }>;
  /** The operations requiring each refused scheme, for `refusedSchemes`. */
  uses?: Map<string, string[]>;
}

export function normaliseSchemes(w: Walker, components: Located, out: Diagnostic[]): SchemeTable {
  const table: SchemeTable = { schemes: [], refused: new Map() };
  for (const [name, node] of w.entries(w.child(components, 'securitySchemes'))) {
    refuseRefSibling(w, w.child(components, 'securitySchemes'), name, 'security scheme', out);
    if (!isObj(node.value)) continue;
    const v = node.value as { type?: string; in?: string; name?: string; scheme?: string; openIdConnectUrl?: string };
    const x = w.child(node, 'x-gateway');
    const xv = (isObj(x.value) ? x.value : {}) as Record<string, unknown>;
    const type = String(v.type ?? '');
    const forwardAuth = isObj(xv.forwardAuth) ? normaliseForward(w, w.child(x, 'forwardAuth'), out) : undefined;
    const lambdaAuthorizer = isObj(xv.lambdaAuthorizer) ? normaliseLambdaAuthorizer(w, w.child(x, 'lambdaAuthorizer'), out) : undefined;
    const base = {
      name,
      loc: node.loc,
      openapiType: type,
      hideCredentials: xv.hideCredentials !== false,
      ...(xv.backendCookies === 'none' ? { backendCookies: 'none' as const } : {}),
      ...(forwardAuth ? { forwardAuth } : {}),
      ...(lambdaAuthorizer ? { lambdaAuthorizer } : {}),
    };
    const httpScheme = String(v.scheme ?? '').toLowerCase();
    const authtype = (node.value as Record<string, unknown>)['x-amazon-apigateway-authtype'];
    if (authtype !== undefined) {
      // Written the AWS way, `type: apiKey, name: Authorization` is how OpenAPI 3.0 spells a scheme
      // it has no type for: the extension decides what it is, and it is never an API key (a key
      // check on Authorization with no consumers would refuse every caller, or admit a guessed key).
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authtype.html
      // SigV4 signs Authorization: `x-gateway.header` naming another header is refused as on every
      // other kind (headerNotRead), never skipped (closing15 "sigv4 skips the header check").
      if (String(authtype).toLowerCase() === 'awssigv4') {
        table.schemes.push({ ...base, kind: 'iam' });
        headerNotRead(w, x, xv, name, table, out);
        backendCookiesNotCookie(w, x, xv, name, table, out);
      } else table.refused.set(name, { code: 'scheme-unsupported', type: `${type} with x-amazon-apigateway-authtype ${String(authtype)} (write it as x-gateway.lambdaAuthorizer or a jwt issuer)`, loc: node.loc });
      continue;
    }
    if (type === 'apiKey' && (v.in === 'header' || v.in === 'query' || v.in === 'cookie') && typeof v.name === 'string') {
      table.schemes.push({ ...base, kind: 'apiKey', apiKey: { in: v.in, name: v.in === 'header' ? v.name.toLowerCase() : v.name, ...(v.in === 'header' && v.name !== v.name.toLowerCase() ? { spelt: v.name } : {}) } });
    } else if (type === 'http' && httpScheme === 'basic') {
      table.schemes.push({ ...base, kind: 'basic', basic: { realm: typeof xv.realm === 'string' ? xv.realm : name } });
    } else if ((type === 'http' && httpScheme === 'bearer') || type === 'oauth2' || type === 'openIdConnect') {
      const jwt = jwtConfig(w, x, xv, w.child(node, 'openIdConnectUrl'), out);
      if (jwt) table.schemes.push({ ...base, kind: 'jwt', jwt });
      else if (forwardAuth) table.schemes.push({ ...base, kind: 'forward' });
      // Verifiable on AWS only; the other targets refuse auth.lambda through their tables.
      else if (lambdaAuthorizer) table.schemes.push({ ...base, kind: 'lambda' });
      else table.refused.set(name, { code: 'scheme-unverifiable', type, loc: node.loc });
    } else {
      table.refused.set(name, { code: 'scheme-unsupported', type: httpScheme ? `${type}/${httpScheme}` : type, loc: node.loc });
    }
    headerNotRead(w, x, xv, name, table, out);
    backendCookiesNotCookie(w, x, xv, name, table, out);
  }
  table.schemes.sort((a, b) => (a.name < b.name ? -1 : 1));
  return table;
}

/**
 * `header` is read only where the gateway verifies a JWT itself (issuer, jwksUri or publicKeys).
 * Every other scheme's credential is read where its kind says, whatever `header` names: a basic
 * user, a forwardAuth or Lambda authorizer's bearer token from Authorization (each target sends
 * its service Authorization; API Gateway's identitySource defaults to it), an API key from its
 * OpenAPI `name`. A token written where `header` says would never be verified nor removed, and
 * reach the backend beside the caller's own credential (red team 12,
 * test/security/redteam12-forward-header.test.ts). Refused at the `header` line, unless it names
 * what the scheme reads anyway. A refused scheme has its own diagnostic.
 */
function headerNotRead(w: Walker, x: Located, xv: Record<string, unknown>, name: string, table: SchemeTable, out: Diagnostic[]): void {
  if (typeof xv.header !== 'string') return;
  const made = table.schemes[table.schemes.length - 1];
  if (!made || made.name !== name || made.kind === 'jwt') return;
  const reads = made.kind === 'apiKey' ? (made.apiKey?.in === 'header' ? made.apiKey.name : undefined) : 'authorization';
  if (reads !== undefined && xv.header.toLowerCase() === reads) return;
  const from = made.kind === 'apiKey' ? `its key from ${made.apiKey?.in === 'header' ? `the header ${made.apiKey.name}` : `the ${made.apiKey?.in ?? 'request'}`} (its OpenAPI name)` : 'its credential from Authorization';
  const detail = `header: ${xv.header} is where a JWT the gateway verifies itself is read (with issuer, jwksUri or publicKeys); this scheme (${made.kind}) takes ${from} on every target, so ${xv.header} would reach the backend unverified: remove header${made.kind === 'forward' || made.kind === 'lambda' ? ', or give the scheme its issuer and keys' : ''}`;
  out.push(diag('schema-invalid', { detail }, w.child(x, 'header').loc));
}

/**
 * `backendCookies` states what the backend reads beside a cookie API key (Traefik removes the whole
 * Cookie header for a hidden one); on any other scheme no target reads it, and a statement the
 * build silently drops is one the user believes holds. Refused at its line, on every target (lint
 * and validate report it there). A refused scheme has its own diagnostic.
 */
function backendCookiesNotCookie(w: Walker, x: Located, xv: Record<string, unknown>, name: string, table: SchemeTable, out: Diagnostic[]): void {
  if (xv.backendCookies === undefined) return;
  const made = table.schemes[table.schemes.length - 1];
  if (!made || made.name !== name || (made.kind === 'apiKey' && made.apiKey?.in === 'cookie')) return;
  const what = made.kind === 'apiKey' ? `an API key in the ${made.apiKey?.in ?? 'request'}` : `a ${made.kind} scheme`;
  const detail = `backendCookies states what the backend reads beside a cookie API key (Traefik removes the whole Cookie header for a hidden one); ${name} is ${what}, so no target reads it: remove backendCookies`;
  out.push(diag('schema-invalid', { detail }, w.child(x, 'backendCookies').loc));
}

function jwtConfig(w: Walker, x: Located, xv: Record<string, unknown>, oidc: Located, out: Diagnostic[]): JwtConfig | undefined {
  const issuer = typeof xv.issuer === 'string' ? xv.issuer : derivedIssuer(oidc, out);
  const publicKeys = w.items(w.child(x, 'publicKeys')).flatMap((k) => parseSecret(k.value, k.loc, out) ?? []);
  const jwksUri = typeof xv.jwksUri === 'string' ? xv.jwksUri : undefined;
  if (!issuer && !jwksUri && publicKeys.length === 0) return undefined;
  const jwt: JwtConfig = {
    audiences: Array.isArray(xv.audiences) ? (xv.audiences as string[]) : [],
    algorithms: Array.isArray(xv.algorithms) ? (xv.algorithms as string[]) : ['RS256'],
    publicKeys,
    header: typeof xv.header === 'string' ? xv.header.toLowerCase() : 'authorization',
    clockSkewSeconds: Math.round((parseDuration(xv.clockSkew ?? '60s', w.child(x, 'clockSkew').loc, out) ?? 60_000) / 1000),
  };
  if (issuer) jwt.issuer = issuer;
  if (jwksUri) jwt.jwksUri = jwksUri;
  if (xv.anyAudience === true) {
    const loc = w.child(x, 'anyAudience').loc;
    // Both said: which one the user means is not ours to guess (any audience, or these only).
    if (jwt.audiences.length > 0) out.push(diag('schema-invalid', { detail: 'anyAudience: true accepts every audience, audiences names the ones accepted: keep one of them' }, loc));
    else jwt.anyAudience = { loc };
  }
  return jwt;
}

function normaliseForward(w: Walker, node: Located, out: Diagnostic[]): ForwardAuth | undefined {
  const v = node.value as { url: string; requestHeaders?: string[]; responseHeaders?: string[] };
  const url = parseUrl(v.url, w.child(node, 'url').loc, out);
  if (!url) return undefined;
  return {
    url,
    requestHeaders: (v.requestHeaders ?? []).map((h) => h.toLowerCase()),
    responseHeaders: (v.responseHeaders ?? []).map((h) => h.toLowerCase()),
    loc: node.loc,
  };
}

/**
 * The API Gateway authorizer of a scheme. The schema has checked the ARN, the expressions and the
 * TTL; what it cannot say is that a token authorizer reads exactly one header
 * (https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html, identitySource).
 */
function normaliseLambdaAuthorizer(w: Walker, node: Located, out: Diagnostic[]): LambdaAuthorizer | undefined {
  const v = node.value as { arn: string; type?: 'token' | 'request'; identitySource?: string[]; ttlSeconds?: number; contextHeaders?: Record<string, string> };
  const type = v.type ?? 'token';
  if (type === 'token' && v.identitySource && (v.identitySource.length !== 1 || !v.identitySource[0]?.startsWith('method.request.header.'))) {
    const detail = `a token Lambda authorizer reads exactly one header (identitySource: [method.request.header.NAME]); use type: request for ${v.identitySource.join(', ')}`;
    out.push(diag('schema-invalid', { detail }, w.child(node, 'identitySource').loc));
    return undefined;
  }
  return {
    arn: v.arn,
    type,
    ...(v.identitySource ? { identitySource: [...v.identitySource] } : {}),
    ...(v.ttlSeconds !== undefined ? { ttlSeconds: v.ttlSeconds } : {}),
    ...(v.contextHeaders ? { contextHeaders: Object.fromEntries(Object.entries(v.contextHeaders).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) } : {}),
    loc: node.loc,
  };
}

/**
 * A security requirement list. An alternative with no scheme (`{}`) lets anonymous callers in;
 * it is not listed but reported as `optional` (Route.optionalAuth): a credential that is present
 * must still verify (DESIGN.md section 7.2). `{}` alone is public.
 */
const knownScheme = (table: SchemeTable, name: string): boolean => table.schemes.some((s) => s.name === name);

export function normaliseSecurity(
  w: Walker,
  node: Located,
  table: SchemeTable,
  out: Diagnostic[],
  /** The operation requiring it ("GET /board"), named where a refused scheme is reported. */
  operation = '',
): { security: Security; optional: boolean } {
  const security: Security = [];
  let anonymous = false;
  // Each alternative's value; its location, and its names', only where one is said (#18: a
  // pointer per alternative and per scheme name of every operation).
  const alts = w.itemValues(node);
  for (let i = 0; i < alts.length; i++) {
    refuseRefSibling(w, node, i, 'security requirement', out);
    const alt = alts[i];
    if (!isObj(alt)) continue;
    const names = Object.keys(alt);
    if (names.length === 0) anonymous = true;
    const items = [];
    for (const name of names) {
      const refused = table.refused.get(name);
      if (refused) (table.uses ??= new Map()).set(name, [...(table.uses.get(name) ?? []), operation || w.child(w.child(node, i), name).loc.pointer]);
      else if (!knownScheme(table, name)) out.push(diag('unknown-security-scheme', { name }, w.child(w.child(node, i), name).loc));
      const scopes = Array.isArray(alt[name]) ? (alt[name] as unknown[]).map(String) : [];
      blankScopes(w, node, i, name, scopes, table, out);
      items.push({ scheme: name, scopes });
    }
    items.sort((a, b) => (a.scheme < b.scheme ? -1 : 1));
    if (items.length > 0) security.push(items);
  }
  return { security, optional: anonymous && security.length > 0 };
}

/**
 * A scope (the list of a scheme that is not an API key or basic: those list roles, compared whole on
 * every target) that is empty or holds a blank. Scopes travel space-delimited (RFC 6749 section 3.3:
 * scope-token = 1*NQCHAR), in a token's `scope` claim and in the `?scope=` a forwardAuth service is
 * sent, so `orders write` would be the two scopes `orders` and `write` to a service (Traefik, an
 * nginx forward scheme) and a scope no token can hold to nginx's JWT check and API Gateway (red
 * team 12, test/security/redteam12-scope-blank.test.ts). Refused at the scope's line.
 */
function blankScopes(w: Walker, node: Located, i: number, name: string, scopes: string[], table: SchemeTable, out: Diagnostic[]): void {
  if (scopes.length === 0) return;
  const kind = table.schemes.find((s) => s.name === name)?.kind;
  if (kind === undefined || kind === 'apiKey' || kind === 'basic') return;
  scopes.forEach((scope, j) => {
    if (scope !== '' && !/\s/.test(scope)) return;
    const detail = `scope ${JSON.stringify(scope)} of ${name}: scopes are space-delimited (RFC 6749 section 3.3) in a token's scope claim and in what a forwardAuth service is asked, so a scope cannot be empty or hold a blank; list each scope as its own item`;
    out.push(diag('schema-invalid', { detail }, w.child(w.child(w.child(node, i), name), j).loc));
  });
}

/**
 * A scheme no target can enforce, said once where the fix goes (its definition, where the
 * x-gateway that makes it verifiable is written), with how many requirements use it and the first
 * few operations: one problem, one line (#16.4), not one per route that requires it.
 */
export function refusedSchemes(table: SchemeTable): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, uses] of table.uses ?? []) {
    const refused = table.refused.get(name);
    if (!refused) continue;
    const ops = [...new Set(uses)];
    const routes = ops.slice(0, 3).join(', ') + (ops.length > 3 ? ` and ${ops.length - 3} more` : '');
    out.push(diag(refused.code, { scheme: name, type: refused.type, uses: ops.length, routes }, refused.loc));
  }
  return out;
}

export function normaliseConsumers(w: Walker, node: Located, table: SchemeTable, out: Diagnostic[]): Consumer[] {
  const consumers: Consumer[] = [];
  for (const [name, c] of w.entries(node)) {
    if (!isObj(c.value)) continue;
    const credentials: ConsumerCredential[] = [];
    for (const [schemeName, cred] of w.entries(w.child(c, 'credentials'))) {
      const scheme = table.schemes.find((s) => s.name === schemeName);
      if (!scheme) {
        out.push(diag('unknown-security-scheme', { name: schemeName }, cred.loc));
        continue;
      }
      if (scheme.kind === 'apiKey') {
        const keys = Array.isArray(cred.value) ? w.items(cred) : [cred];
        for (const k of keys) {
          const key = parseSecret(k.value, k.loc, out);
          if (key) credentials.push({ scheme: schemeName, kind: 'apiKey', key, loc: k.loc });
        }
      } else if (scheme.kind === 'basic' && isObj(cred.value)) {
        const password = parseSecret(cred.value.password, w.child(cred, 'password').loc, out);
        if (password) credentials.push({ scheme: schemeName, kind: 'basic', username: String(cred.value.username), password, loc: cred.loc });
      } else {
        out.push(diag('schema-invalid', { detail: `consumer ${name}: scheme ${schemeName} (${scheme.kind}) takes no credentials here` }, cred.loc));
      }
    }
    const groups = Array.isArray(c.value.groups) ? (c.value.groups as string[]).map(String).sort() : [];
    consumers.push({ name, loc: c.loc, groups, credentials });
  }
  sharedCredentials(consumers, out);
  caseFoldedNames(consumers, out);
  return consumers.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * One credential, two consumers (DESIGN.md 7.1): the gateway tells callers apart by the credential,
 * so a basic user name (case-blind: backends and htpasswd tools disagree on case) or an API key
 * reference held by two consumers of one scheme makes one the other, groups and identity included.
 */
function sharedCredentials(consumers: Consumer[], out: Diagnostic[]): void {
  const seen = new Map<string, string>();
  for (const c of consumers) {
    for (const k of c.credentials) {
      const [what, id] = k.kind === 'basic' ? ['basic user name', k.username.toLowerCase()] : ['API key', k.key.raw];
      const at = `${k.scheme}\0${what}\0${id}`;
      const other = seen.get(at);
      if (other !== undefined && other !== c.name) out.push(diag('consumer-credential-shared', { consumer: c.name, other, scheme: k.scheme, what }, k.loc));
      else seen.set(at, c.name);
      // Traefik's basicAuth names the caller by the user name (X-Consumer), the other targets and
      // forward-auth services by the consumer's name: a user name that is another consumer's name
      // reaches the backend as that consumer.
      const named = k.kind === 'basic' ? consumers.find((o) => o.name !== c.name && o.name.toLowerCase() === id) : undefined;
      if (named) out.push(diag('consumer-credential-shared', { consumer: c.name, other: named.name, scheme: k.scheme, what: `identity (${c.name}'s basic user name is ${named.name}'s consumer name)` }, k.loc));
    }
  }
}
