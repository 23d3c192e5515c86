/**
 * Traefik's answer for every route policy (src/targets/policy-map.ts): the code of this compiler
 * that emits it as middlewares, or UNSUPPORTED where the capability table refuses its feature.
 * The route compile (routes.ts) runs each route's policies only through this map
 * (`compilePolicies`), so a new PolicyId fails to compile until Traefik names its code for it, and
 * is then compiled on every route that uses it.
 *
 * A policy says two things besides its code:
 * - its stage, when it compiles in the route's compile. The stage fixes the order middlewares are
 *   created in, hence their names and their order in the output file (byte-stable goldens).
 * - through its parts, the slot each middleware takes in a router's chain. The chain's order is
 *   security-relevant and written once, in routes.ts (clears, CORS, IP rule, limit before auth,
 *   auth, limit after auth, credential removal, body limit, headers, path rewrite, service).
 */
import { POLICY_FEATURE, POLICY_IDS } from '../../model/policies/ids.js';
import type { Route } from '../../model/types.js';
import { UNSUPPORTED, type PolicyMap } from '../policy-map.js';
import type { AltRouter } from './auth.js';
import type { Ctx } from './context.js';
import { limitHeaderVerified } from './credentials.js';
import {
  bodyLimitMiddleware,
  corsMiddleware,
  ipMiddleware,
  rateLimitMiddleware,
  requestHeadersPart,
  responseHeadersPart,
  type HeaderOpsPart,
} from './policies.js';

/** Where a policy's middleware runs in an operation router's chain (routes.ts `chainOf`). */
export type PolicySlot = 'cors' | 'ip' | 'beforeAuth' | 'afterAuth' | 'body' | 'headers';

/** What one policy adds to a route's operation routers. */
export interface SlotParts {
  /** By slot: one middleware for every operation router, or one per router of `alts` (in its order). */
  readonly slots?: { readonly [S in PolicySlot]?: string | ReadonlyArray<string | undefined> };
}

/** A 'route' policy may also ask for a router of its own before the operation routers. */
export interface RouteParts extends SlotParts {
  /** The middleware that alone answers a CORS preflight router (OPTIONS with Origin and Access-Control-Request-Method). */
  readonly preflight?: string;
}

/** A 'chain' policy may write part of the route's one headers middleware (slot `headers`). */
export interface ChainParts extends SlotParts {
  /** Its part; false when refused (reported): the route then gets no headers middleware. */
  readonly headers?: HeaderOpsPart | false;
}

/**
 * The shape of Traefik's code for one policy, by stage:
 * - 'route': before the route's auth and backend, so its router exists even when they fail (CORS);
 * - 'chain': once auth and backend are known, before the path rewrite and the input clears;
 * - 'alternatives': last, with the routers auth.ts made for the route's security alternatives
 *   (a per-consumer rate limit keys on the identity each one verifies).
 * `compile` is only called for a route whose plan enforces the policy's feature.
 */
export type TraefikPolicy =
  | { readonly stage: 'route'; readonly compile: (ctx: Ctx, route: Route) => RouteParts | undefined }
  | { readonly stage: 'chain'; readonly compile: (ctx: Ctx, route: Route) => ChainParts | undefined }
  | { readonly stage: 'alternatives'; readonly compile: (ctx: Ctx, route: Route, alts: readonly AltRouter[]) => SlotParts | undefined };

export type PolicyStage = TraefikPolicy['stage'];

export const TRAEFIK_POLICIES = {
  // https://doc.traefik.io/traefik/middlewares/http/ratelimit/
  rateLimit: { stage: 'alternatives', compile: rateLimitParts },
  // https://doc.traefik.io/traefik/middlewares/http/headers/#cors-headers
  cors: { stage: 'route', compile: corsParts },
  // The HTTP cache middleware is Traefik Hub only.
  cache: UNSUPPORTED,
  // https://doc.traefik.io/traefik/middlewares/http/ipallowlist/
  ipRule: { stage: 'chain', compile: (ctx, route) => slot('ip', ipMiddleware(ctx, route)) },
  // https://doc.traefik.io/traefik/middlewares/http/buffering/#maxrequestbodybytes
  bodyLimit: { stage: 'chain', compile: (ctx, route) => slot('body', bodyLimitMiddleware(ctx, route)) },
  // https://doc.traefik.io/traefik/middlewares/http/headers/ (customRequestHeaders)
  requestHeaders: { stage: 'chain', compile: (ctx, route) => headersPart(requestHeadersPart(ctx, route)) },
  // https://doc.traefik.io/traefik/middlewares/http/headers/ (customResponseHeaders)
  responseHeaders: { stage: 'chain', compile: (ctx, route) => headersPart(responseHeadersPart(ctx, route)) },
  // Access logs are Traefik static configuration, not the dynamic file.
  accessLog: UNSUPPORTED,
  // No request validation middleware in open-source Traefik.
  validate: UNSUPPORTED,
} as const satisfies PolicyMap<TraefikPolicy>;

function slot(name: PolicySlot, middleware: string | undefined): SlotParts | undefined {
  return middleware === undefined ? undefined : { slots: { [name]: middleware } };
}

function headersPart(part: HeaderOpsPart | undefined | false): ChainParts | undefined {
  return part === undefined ? undefined : { headers: part };
}

/** CORS: one headers middleware answering the preflight router and decorating the others. */
function corsParts(ctx: Ctx, route: Route): RouteParts | undefined {
  const cors = route.policy.cors;
  const mw = cors ? corsMiddleware(ctx, route, cors) : undefined;
  return mw === undefined ? undefined : { preflight: mw, slots: { cors: mw } };
}

/**
 * A per-IP limit (or one on a header nobody verifies) runs before auth (it also slows credential
 * guessing); a per-consumer one, or one on the header every alternative verifies, after it, when
 * the credential header is known to be genuine. Each router has its own buckets, so each gets
 * 1/alts.length of the rate (policies.ts rateLimitMiddleware), said once per route.
 */
function rateLimitParts(ctx: Ctx, route: Route, alts: readonly AltRouter[]): SlotParts | undefined {
  const rl = route.policy.rateLimit;
  if (!rl) return undefined;
  const by = rl.by;
  const verifiedHeader = typeof by === 'object' && alts.every((a) => limitHeaderVerified(a.consumerHeader, by.header));
  let parts: SlotParts;
  if (rl.by === 'consumer' || verifiedHeader) {
    // One limiter per identity header; alternatives verifying the same header share it.
    const perConsumer = new Map<string, string | undefined>();
    const perAlt = alts.map((alt) => {
      const key = alt.consumerHeader ?? '';
      if (!perConsumer.has(key)) {
        const suffix = perConsumer.size > 0 ? `by-${key || 'address'}` : '';
        perConsumer.set(key, rateLimitMiddleware(ctx, route, { header: alt.consumerHeader, scheme: alt.consumerScheme }, suffix, alts.length));
      }
      return perConsumer.get(key);
    });
    parts = { slots: { afterAuth: perAlt } };
  } else {
    parts = { slots: { beforeAuth: rateLimitMiddleware(ctx, route, {}, '', alts.length) } };
  }
  if (alts.length > 1) ctx.report('traefik-limit-split', { route: route.id, routers: alts.length }, rl.loc);
  return parts;
}

/**
 * Runs, in POLICY_IDS order, the policies of `stage` whose feature the plan enforces on the route,
 * through TRAEFIK_POLICIES. `alts` is what the 'alternatives' stage is given.
 */
export function compilePolicies(ctx: Ctx, route: Route, stage: 'route'): RouteParts[];
export function compilePolicies(ctx: Ctx, route: Route, stage: 'chain'): ChainParts[];
export function compilePolicies(ctx: Ctx, route: Route, stage: 'alternatives', alts: readonly AltRouter[]): SlotParts[];
export function compilePolicies(ctx: Ctx, route: Route, stage: PolicyStage, alts: readonly AltRouter[] = []): Array<RouteParts & ChainParts> {
  const out: Array<RouteParts & ChainParts> = [];
  for (const id of POLICY_IDS) {
    const policy: TraefikPolicy | typeof UNSUPPORTED = TRAEFIK_POLICIES[id];
    if (!ctx.plan.enforced(route.id, POLICY_FEATURE[id])) continue;
    if (policy === UNSUPPORTED) {
      // The capability table and this map disagree (test/targets/traefik/policy-map.test.ts):
      // never a route built without a policy the plan says is enforced (fail closed).
      if (stage === 'route') ctx.report('internal-error', { detail: `traefik: ${id} is enforced on ${route.id} but has no compiler` }, route.loc);
      continue;
    }
    if (policy.stage !== stage) continue;
    const parts = policy.stage === 'alternatives' ? policy.compile(ctx, route, alts) : policy.compile(ctx, route);
    if (parts) out.push(parts);
  }
  return out;
}
