/**
 * Target-neutral rules (the table is rules.ts) that turn facts into findings: what weakens
 * security (shown first) and what breaks clients. Each target's normaliser attaches the facts; no
 * rule here knows a target. Auth and mechanisms: classify-auth.ts; limits, body and IP rules:
 * classify-limits.ts; guards, validation, unread steps, runtime and trust: classify-checks.ts.
 */
import { authenticated, authRules, describeAuth, mechanismRules } from './classify-auth.js';
import { bodyRules, denyRules, ipRules, limitRules, rateRules } from './classify-limits.js';
import { guardRules, holdRules, runtimeRules, trustRules, unreadRules, validationRules } from './classify-checks.js';
import { answers, probePaths, samplePath } from './paths.js';
import { jsRegex } from './regex-dialect.js';
import type { BackendTls, ClientTls, Facts } from './entity.js';
import { RULES, type RuleId, type Verdict } from './rules.js';

export { RULES, type FindingClass, type RuleId, type Verdict } from './rules.js';
export { describeAuth } from './classify-auth.js';
export { describeRate } from './classify-limits.js';

const alternatives = (auth: string[][]): string[][] => (auth.length === 0 ? [[]] : auth);

/**
 * A route that answers every path and method it answered and more (a method added, `methods`
 * removed: any; a path template for a literal, a prefix for an exact path, another alternative).
 * A route that no longer answers one of its old paths moved instead (route-moved): its old paths
 * are fallThrough's. A new expression the diff cannot read exactly (Go's `\Q..\E`, a construct
 * JS lacks) answers every path: widened (fail closed).
 */
function routeWidened(o: Facts['route'], n: Facts['route']): boolean {
  if (!o || !n) return false;
  const methods = o.methods !== undefined && n.methods !== undefined && o.methods.length > 0 && (n.methods.length === 0 || n.methods.some((m) => !o.methods!.includes(m)));
  if (!o.paths || !n.paths) return methods;
  const kept = o.paths.every((p) => { const s = samplePath(p); return s === undefined || answers(n.paths!, s); });
  const added = n.paths.filter((p) => !o.paths!.includes(p));
  const more = added.some((p) => jsRegex(p) === null) || [...o.paths, ...added].flatMap(probePaths).some((s) => answers(n.paths!, s) && !answers(o.paths!, s));
  return kept && (methods || more);
}

/** A list that takes more: a value added, or the gateway's defaults (absent) in place of a list. */
const widenedList = (o: readonly string[] | undefined, n: readonly string[] | undefined) => o !== undefined && (n === undefined || n.some((x) => !o.includes(x)));

/** Whether clients may connect with less than before (ClientTls); options read by name only compare by name. */
function clientTlsWeakened(o: ClientTls, n: ClientTls): boolean {
  if (o.unread !== undefined || n.unread !== undefined) return o.unread !== n.unread;
  return (n.minVersion ?? 0) < (o.minVersion ?? 0) || widenedList(o.cipherSuites, n.cipherSuites) || widenedList(o.curves, n.curves) || (o.sniStrict === true && n.sniStrict !== true);
}

const describeClientTls = (t: ClientTls): string =>
  t.unread !== undefined
    ? `options ${t.unread} (not in the deployed state)`
    : `TLS >= ${(t.minVersion ?? 0).toFixed(1)}, ciphers ${t.cipherSuites?.join(' ') ?? 'default'}, curves ${t.curves?.join(' ') ?? 'default'}, SNI ${t.sniStrict ? 'strict' : 'not strict'}`;

/** Facts a reviewer must see move whatever the direction, or that only widen one way (limits: classify-limits.ts). */
function routeRules(o: Facts, n: Facts): Verdict[] {
  const out: Verdict[] = [];
  if (!o.cache && n.cache && authenticated(n.auth)) out.push({ rule: 'cache-on-authenticated', old: 'no cache', new: `cache; auth ${describeAuth(n.auth)}` });
  // Any route: an authenticated one sends its callers elsewhere, a public one exposes another backend path.
  if ((o.upstreamPath !== undefined || n.upstreamPath !== undefined) && o.upstreamPath !== n.upstreamPath) {
    out.push({ rule: 'upstream-path-changed', old: o.upstreamPath ?? 'unchanged path', new: n.upstreamPath ?? 'unchanged path' });
  }
  if (o.cache && n.cache && o.cacheKey && n.cacheKey && o.cacheKey.some((k) => !n.cacheKey!.includes(k))) out.push({ rule: 'cache-key-narrowed', old: o.cacheKey.join(', ') || 'method and path only', new: n.cacheKey.join(', ') || 'method and path only' });
  if (o.clientAddress !== undefined && n.clientAddress !== undefined && o.clientAddress !== n.clientAddress) out.push({ rule: 'client-address-changed', old: o.clientAddress, new: n.clientAddress });
  if (o.backend !== undefined && n.backend !== undefined && o.backend !== n.backend) out.push({ rule: 'backend-changed', old: o.backend, new: n.backend });
  if (o.hosts && n.hosts && ((n.hosts.length === 0 && o.hosts.length > 0) || (o.hosts.length > 0 && n.hosts.some((h) => !o.hosts!.includes(h))))) {
    out.push({ rule: 'host-widened', old: o.hosts.join(', ') || 'any host', new: n.hosts.join(', ') || 'any host' });
  }
  if (o.protocols && n.protocols && n.protocols.includes('http') && !o.protocols.includes('http')) out.push({ rule: 'protocol-widened', old: o.protocols.join(', '), new: n.protocols.join(', ') });
  if (o.clientTls && n.clientTls && clientTlsWeakened(o.clientTls, n.clientTls)) out.push({ rule: 'client-tls-weakened', old: describeClientTls(o.clientTls), new: describeClientTls(n.clientTls) });
  if (o.requestHeaders && n.requestHeaders) {
    const passed = o.requestHeaders.filter((h) => !n.requestHeaders!.includes(h));
    if (passed.length > 0) out.push({ rule: 'request-header-passed', old: `set or removed by the gateway: ${passed.join(', ')}`, new: `as the client sent: ${passed.join(', ')}` });
  }
  const values = (f: Facts) => f.requestHeaderValues ?? {};
  const revalued = Object.keys(values(o)).filter((h) => h in values(n) && values(o)[h] !== values(n)[h]).sort();
  if (revalued.length > 0) out.push({ rule: 'request-header-value-changed', old: revalued.map((h) => `${h}: ${values(o)[h]}`).join('; '), new: revalued.map((h) => `${h}: ${values(n)[h]}`).join('; ') });
  if (routeWidened(o.route, n.route)) out.push({ rule: 'route-widened', old: o.route!.match, new: n.route!.match });
  if (o.upgrade === false && n.upgrade === true && authenticated(n.auth)) out.push({ rule: 'connection-upgraded', old: 'plain requests, each checked', new: `upgraded connections, checked once each; auth ${describeAuth(n.auth)}` });
  if (o.clientHost === false && n.clientHost === true) out.push({ rule: 'host-passed', old: "the backend's own name", new: "the client's Host header" });
  return out;
}

// ---- CORS -----------------------------------------------------------------------------------

type Cors = NonNullable<Facts['cors']>;
const NO_CORS: Cors = { origins: [], methods: [], headers: [], credentials: false };
const wider = (a: string[], b: string[]) => !a.includes('*') && b.some((x) => x === '*' || !a.some((y) => y.toLowerCase() === x.toLowerCase()));
const describeCors = (c: Cors | undefined) =>
  c === undefined ? 'none' : `origins ${c.origins.join(' ') || '-'}; methods ${c.methods.join(' ') || '-'}; headers ${c.headers.join(' ') || '-'}${c.expose?.length ? `; exposes ${c.expose.join(' ')}` : ''}${c.credentials ? '; credentials' : ''}`;
/** Exposed response headers compared only when both sides' readers could tell (absent: unknown). */
const exposeWider = (a: Cors, b: Cors) => a.expose !== undefined && b.expose !== undefined && wider(a.expose, b.expose);

function corsRules(a: Cors | undefined, b: Cors | undefined): Verdict[] {
  const o = a ?? NO_CORS;
  const n = b ?? NO_CORS;
  const text = { old: describeCors(a), new: describeCors(b) };
  const out: Verdict[] = [];
  const widened = wider(o.origins, n.origins) || wider(o.methods, n.methods) || wider(o.headers, n.headers) || exposeWider(o, n) || (n.credentials && !o.credentials);
  const narrowed = wider(n.origins, o.origins) || wider(n.methods, o.methods) || wider(n.headers, o.headers) || exposeWider(n, o) || (o.credentials && !n.credentials);
  if (widened) out.push({ rule: 'cors-widened', ...text });
  if (narrowed) out.push({ rule: 'cors-narrowed', ...text });
  return out;
}

// ---- TLS to the backend ---------------------------------------------------------------------

export const describeTls = (t: BackendTls | undefined): string =>
  t === undefined ? 'unknown' : !t.tls ? 'plain HTTP' : !t.verify ? 'not verified' : `verified against ${t.ca ?? 'the default trust store'}`;

/**
 * Verification on -> off (or to plain HTTP) lets anyone who can answer for the backend's address
 * serve the gateway's traffic: security. A different CA while verifying is a different trust root,
 * which the diff cannot rank (a private CA may be narrower or wider than the default store), so it
 * is shown as security for a person to judge. Off -> on breaks requests to a backend whose
 * certificate does not pass.
 */
function tlsRules(a: BackendTls | undefined, b: BackendTls | undefined): Verdict[] {
  if (!a || !b) return [];
  const text = { old: describeTls(a), new: describeTls(b) };
  if (a.verify && !b.verify) return [{ rule: 'backend-tls-unverified', ...text }];
  if (!a.verify && b.verify) return [{ rule: 'backend-tls-verified', ...text }];
  const out: Verdict[] = [];
  if (a.verify && b.verify && a.ca !== b.ca) out.push({ rule: 'backend-ca-changed', ...text });
  if (a.tls && b.tls && a.serverName !== b.serverName) out.push({ rule: 'backend-server-name-changed', old: a.serverName ?? 'the backend host', new: b.serverName ?? 'the backend host' });
  return out;
}

// ---- entry points ---------------------------------------------------------------------------

/** An entity that exists only in the new state. */
export function classifyCreated(b: Facts | undefined): Verdict[] {
  const out: Verdict[] = [];
  if (b?.route && b.auth !== undefined && alternatives(b.auth).some((alt) => alt.length === 0)) out.push({ rule: 'route-public', new: describeAuth(b.auth) });
  if (b?.route && b.upgrade === true && authenticated(b.auth)) out.push({ rule: 'connection-upgraded', new: `upgraded connections, checked once each; auth ${describeAuth(b.auth)}` });
  // A new backend spoken to over TLS without checking its certificate; plain HTTP is a choice the
  // URL shows, not a check turned off.
  if (b?.backendTls?.tls && !b.backendTls.verify) out.push({ rule: 'backend-tls-unverified', new: describeTls(b.backendTls) });
  out.push(...trustRules(undefined, b?.trusts), ...holdRules(undefined, b?.holds), ...unreadRules(undefined, b?.unread));
  return out;
}

/** An entity that exists only in the old state. */
export function classifyDeleted(a: Facts | undefined): Verdict[] {
  const out: Verdict[] = a?.route ? [{ rule: 'route-removed', old: a.route.match }] : [];
  // A consumer gone (deployed by hand, or dropped from the spec) is someone who can no longer call.
  if (a?.holds?.length) out.push({ rule: 'tightened', old: a.holds.join(', '), new: 'no such consumer', undoes: 'consumer-added' });
  return out;
}

/**
 * Security rules whose reverse (the same change read the other way) already has a rule of its own:
 * a limit lowered, an IP rule narrowed, auth added or tightened, CORS narrowed, TLS now verified.
 */
const REVERSED_BY: Partial<Record<RuleId, readonly RuleId[]>> = {
  'rate-limit-raised': ['rate-limit-lowered'],
  'body-limit-raised': ['body-limit-lowered'],
  'ip-widened': ['ip-narrowed'],
  'ip-deny-narrowed': ['ip-narrowed'],
  'cors-widened': ['cors-narrowed'],
  'backend-tls-unverified': ['backend-tls-verified'],
  'auth-removed': ['auth-added', 'auth-tightened'],
  'auth-optional': ['auth-added'],
  'auth-weakened': ['auth-tightened'],
  'auth-scope-removed': ['auth-tightened'],
  'auth-roles-removed': ['auth-tightened'],
};

/**
 * What the change tightens: each security rule the change raises read backwards (`b` -> `a`) that
 * the forward reading did not already say, in either direction, becomes `tightened` (breaking),
 * naming the rule it undoes. With `--deployed` this is the deployed gateway loosened outside gwc
 * (drift: a `hide_credentials: false`, a `trustForwardHeader: true` set by hand) that the release
 * puts back; with `--base`, the spec tightening it. Without it such a release read as no finding,
 * or as a bare field change, wherever no breaking rule mirrors the security one.
 */
export function classifyTightened(a: Facts | undefined, b: Facts | undefined, forward: readonly Verdict[]): Verdict[] {
  if (!a || !b) return [];
  const said = new Set(forward.map((v) => v.rule));
  return classifyMatched(b, a)
    .filter((v) => RULES[v.rule].class === 'security' && !said.has(v.rule) && !(REVERSED_BY[v.rule] ?? []).some((r) => said.has(r)))
    .map((v) => ({ rule: 'tightened' as const, ...(v.new !== undefined ? { old: v.new } : {}), ...(v.old !== undefined ? { new: v.old } : {}), undoes: v.rule }));
}

/** The same entity on both sides. */
export function classifyMatched(a: Facts | undefined, b: Facts | undefined): Verdict[] {
  if (!a && !b) return [];
  const o = a ?? {};
  const n = b ?? {};
  const out: Verdict[] = [];
  if (o.route && n.route && o.route.match !== n.route.match) out.push({ rule: 'route-moved', old: o.route.match, new: n.route.match });
  if (o.auth !== undefined && n.auth !== undefined) out.push(...authRules(o.auth, n.auth), ...mechanismRules(o, n));
  out.push(...rateRules(o.rateLimit, n.rateLimit), ...bodyRules(o.bodyLimit, n.bodyLimit), ...ipRules(o.ipAllow, n.ipAllow), ...denyRules(o.ipDeny, n.ipDeny), ...limitRules(o, n));
  out.push(...corsRules(o.cors, n.cors), ...tlsRules(o.backendTls, n.backendTls), ...routeRules(o, n), ...guardRules(o.guards, n.guards), ...validationRules(o.validation, n.validation), ...unreadRules(o.unread, n.unread), ...runtimeRules(o.runtime, n.runtime), ...trustRules(o.trusts, n.trusts), ...holdRules(o.holds, n.holds));
  return out;
}
