/**
 * The shape of a route policy's compiler on API Gateway HTTP APIs (`AwsHttpPolicy`, the `F` of
 * the `PolicyMap<F>` in policies.ts, issue #17 item 5) and the parts of the template its hooks
 * may add to: an HTTP API holds a policy in the Api (CORS), the route's integration (header
 * mappings) or the Stage's RouteSettings (throttle) and AccessLogSettings. Each hook is called
 * through the map at its place in the compile, in `POLICY_IDS` order. Types only: the callers and
 * the implementations both import this file, never each other.
 */
import type { Route } from '../../../model/types.js';
import type { Cfn } from '../context.js';
import type { HttpCtx } from './context.js';

/** What the route's integration is being built into (integrations.ts). */
export interface HttpIntegrationParts {
  readonly kind: 'lambda' | 'http';
  /** An HTTP proxy's RequestParameters (`overwrite:path` first), sorted when written. */
  readonly requestParameters: Record<string, string>;
}

/** The route's Stage parts (stage.ts). */
export interface HttpStageParts {
  /** The route key (`GET /path`) and the Route's logical id. */
  readonly key: string;
  readonly id: string;
  /** The Stage's RouteSettings by route key. */
  readonly routeSettings: Record<string, Cfn>;
  /** Route ids the Stage must be created after (RouteSettings name route keys). */
  readonly dependsOn: string[];
  /** Stage-wide switches a route turns on. */
  readonly stage: { accessLog: boolean };
}

/**
 * One route policy's compiler on an HTTP API: the hooks it needs, each optional, each called
 * through `AWS_HTTP_POLICIES` at one place of the compile (the comment names the caller).
 */
export interface AwsHttpPolicy {
  /** The route's integration (integrations.ts); false after a refusal (the route is left out). */
  readonly integration?: (ctx: HttpCtx, route: Route, into: HttpIntegrationParts) => boolean;
  /** The Api's properties (template.ts), given the routes built. */
  readonly api?: (ctx: HttpCtx, routes: readonly Route[], api: Cfn) => void;
  /** The route's Stage parts (stage.ts). */
  readonly stage?: (ctx: HttpCtx, route: Route, into: HttpStageParts) => void;
}
