/**
 * nginx's answer for every route policy (src/targets/policy-map.ts, issue #17 item 5): the part of
 * the compiler that fills the route's view for it (the route's internal locations,
 * templates-route.ts) and, where the policy has one, its http-level part (zones, maps, modules).
 * The compile calls through this map (routes.ts, compile.ts), so a new policy id fails to compile
 * until nginx names its code here, and a policy nginx cannot enforce is `UNSUPPORTED` exactly where
 * capabilities.ts says `unsupported` (test/targets/nginx/policy-map.test.ts).
 *
 * Order matters in nginx (the access phases' directives, and the names `_cors0`, `_rl0` given in
 * the order routes ask): the map is declared in the order the view is assembled, and
 * {@link fillPolicies} runs a stage's policies in that order. The template, not this order, fixes
 * where each directive lands in a location (https://nginx.org/en/docs/dev/development_guide.html#http_phases).
 */
import type { PolicyId } from '../../model/policies/ids.js';
import { POLICY_FEATURE } from '../../model/policies/ids.js';
import type { Loc } from '../../diagnostics/diagnostic.js';
import type { Policy, Route, Validation } from '../../model/types.js';
import { UNSUPPORTED, type PolicyMap } from '../policy-map.js';
import type { Ctx } from './context.js';
import { cacheView } from './cache.js';
import { corsView, headerOps, ipView, type PolicyRegistry } from './policies.js';
import type { RouteView } from './route-view.js';
import { validateModule, validateRoute } from './validate.js';

/**
 * When a policy's part of the route view is filled:
 * - `access`: with the route's access controls, before its backend is resolved (every route,
 *   mocks too: a mock behind an IP rule or a limit is served after them);
 * - `proxy`: once the upstream and the rewritten path are known (proxied routes only);
 * - `check`: after every route's view is built (compile.ts), for a location dispatched to before
 *   all the others (validation).
 */
export type PolicyStage = 'access' | 'proxy' | 'check';

/** What a policy's route part reads and fills. */
export interface RoutePolicyInput {
  ctx: Ctx;
  reg: PolicyRegistry;
  route: Route;
  view: RouteView;
  /** The public path's parameter names, in order (the path location's captures). */
  params: string[];
}

/** How nginx compiles one policy; `V` is the policy's model value on the route. */
export interface NginxPolicy<V = unknown> {
  stage: PolicyStage;
  /** Fills the route view's part. Called only where the route sets the policy and the capability plan enforces its feature. */
  route(input: RoutePolicyInput, value: V): void;
  /** Once per build, after every route's part is filled (before the build fails on errors). */
  finish?(ctx: Ctx, reg: PolicyRegistry, views: readonly RouteView[]): void;
  /** The policy's part of the http view (templates.ts HTTP_TEMPLATE): zones, maps, flags. */
  http?(reg: PolicyRegistry, views: readonly RouteView[]): Record<string, unknown>;
}

/** The model value of each policy on a route. */
type PolicyValue<K extends PolicyId> = K extends keyof Policy ? NonNullable<Policy[K]> : Validation;

const POLICIES = {
  // log_format escape=json (templates.ts), access_log in the route location.
  accessLog: { stage: 'access', route: ({ view }) => void (view.accessLog = true), http: (_reg, views) => ({ accessLog: views.some((v) => v.accessLog) }) },
  // An origin map per distinct origin list, a preflight location, headers added always.
  cors: {
    stage: 'access',
    route: ({ reg, route, view }, cors) => void (view.cors = corsView(reg, route, cors)),
    http: (reg, views) => ({ corsMaps: reg.corsMaps, anyCors: views.some((v) => v.cors) }),
  },
  // allow/deny, in the access phase of every location of the route.
  ipRule: { stage: 'access', route: ({ ctx, view }, rule) => void (view.ip = ipView(ctx, rule)) },
  // client_max_body_size (413).
  bodyLimit: { stage: 'access', route: ({ view }, limit) => void (view.bodyLimit = `${limit.bytes}`) },
  // limit_req_zone per distinct (rate, key), limit_req in the route location (or its verify location).
  rateLimit: {
    stage: 'access',
    route: ({ reg, route, view }, rl) => void (view.limit = reg.limitZone(route, rl)),
    http: (reg) => ({ zones: reg.zones, connZones: reg.connZones, limitIdentity: reg.limitIdentity }),
  },
  // proxy_set_header (set, or "" to remove).
  requestHeaders: { stage: 'access', route: ({ ctx, view }, ops) => void (view.requestHeaders = headerOps(ctx, ops) ?? []) },
  // add_header ... always, proxy_hide_header.
  responseHeaders: {
    stage: 'access',
    route: ({ ctx, view }, ops) => {
      const all = headerOps(ctx, ops) ?? [];
      view.responseSet = all.filter((h) => h.value !== undefined);
      view.responseHide = all.map((h) => h.name);
    },
  },
  // proxy_cache keyed on the njs digest of the route, method, host, parameters and verified caller.
  cache: {
    stage: 'proxy',
    route: ({ ctx, reg, route, view, params }, cache) => void (view.cache = cacheView(ctx, reg, route, cache, params.length)),
    http: (reg, views) => ({ cacheZone: reg.cacheZone, cacheKeys: views.some((v) => v.cache), cacheCredential: views.some((v) => v.cache?.query || v.cache?.cookieAnonymous || v.cache?.cookieOwn || v.cache?.headers) }),
  },
  // The njs validation module (gwc/NAME.validate.js), behind a validate location dispatched to first.
  validate: {
    stage: 'check',
    route: ({ ctx, reg, route, view, params }) => validateRoute(ctx, reg, route, view, params),
    finish: validateModule,
    http: (reg) => ({ validateNjs: reg.validateModule !== undefined }),
  },
} satisfies { [K in PolicyId]: NginxPolicy<PolicyValue<K>> | typeof UNSUPPORTED };

export const NGINX_POLICIES: PolicyMap<NginxPolicy> = POLICIES;

/** The policy's value on the route, when the route sets it. */
function valueOf(route: Route, id: PolicyId): unknown {
  return id === 'validate' ? route.validate : route.policy[id];
}

/**
 * Fills, in the map's order, the route view's part of each policy of `stage` the route sets and the
 * plan enforces. A policy the plan enforces where nginx has no code for it (`UNSUPPORTED`: the
 * capability check should have refused the route) refuses the build (internal-error at the
 * policy), never a route compiled without it (fail closed).
 */
export function fillPolicies(stage: PolicyStage, input: RoutePolicyInput): void {
  const { ctx, route } = input;
  for (const id of Object.keys(NGINX_POLICIES) as PolicyId[]) {
    const policy = NGINX_POLICIES[id];
    const value = valueOf(route, id);
    if (value === undefined || !ctx.plan.enforced(route.id, POLICY_FEATURE[id])) continue;
    if (policy === UNSUPPORTED) {
      // Said once, in the first stage every route goes through.
      if (stage === 'access') ctx.report('internal-error', { detail: `route ${route.id}: nginx has no code for policy ${id}, which the capability plan enforces` }, (value as { loc?: Loc }).loc ?? route.loc);
      continue;
    }
    if (policy.stage === stage) policy.route(input, value);
  }
}

/** Each policy's build-wide step, once every route view is built. */
export function finishPolicies(ctx: Ctx, reg: PolicyRegistry, views: readonly RouteView[]): void {
  for (const policy of Object.values(NGINX_POLICIES)) if (policy !== UNSUPPORTED) policy.finish?.(ctx, reg, views);
}

/** The http view's parts of every policy. */
export function policiesHttp(reg: PolicyRegistry, views: readonly RouteView[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const policy of Object.values(NGINX_POLICIES)) if (policy !== UNSUPPORTED) Object.assign(out, policy.http?.(reg, views));
  return out;
}
