/**
 * The shape of a route policy's compiler on API Gateway REST (`AwsPolicy`, the `F` of the
 * `PolicyMap<F>` in policies.ts, issue #17 item 5) and the parts of the template each of its
 * hooks may add to. A REST API spreads one policy over several places of the template (a
 * throttle is a Stage method setting, CORS an OPTIONS method, gateway responses and a mock's
 * header), so a policy is the set of hooks it needs, each called through the map at its place in
 * the compile, in `POLICY_IDS` order. Types only: the modules that call the hooks and the modules
 * that implement them both import this file, never each other.
 */
import type { Backend, Route } from '../../model/types.js';
import type { Auth } from './auth.js';
import type { Cfn, Ctx } from './context.js';

/** What the route's integration is being built into (backends.ts), before it is written. */
export interface IntegrationParts {
  readonly kind: 'http_proxy' | 'aws_proxy' | 'mock';
  readonly backend: Backend;
  /** An http_proxy's `requestParameters`, in the order they are written (path parameters first). */
  readonly requestParameters: Record<string, string>;
  /** A mock's response headers by name (static values, quoted when written). */
  readonly responseHeaders: Record<string, string>;
}

/** The route's Body operation (body.ts), once its security and integration are known. */
export interface OperationParts {
  readonly auth: Auth;
  /** The operation's `security`, or undefined for a public route. */
  readonly security: Array<Record<string, string[]>> | undefined;
  /** The operation's `x-amazon-apigateway-integration`. */
  readonly integration: Cfn;
  /** Method request parameters the policy declares (written as the operation's `parameters`). */
  readonly parameters: Cfn[];
}

/** The route's Stage settings (stage.ts) and what the Stage as a whole needs because of it. */
export interface StageParts {
  /** The route's MethodSettings entry (ResourcePath, HttpMethod, then what the policies add). */
  readonly method: Cfn;
  /** The usage plan's per-method throttle (per API key), by `resource/METHOD`. */
  readonly usagePlanThrottle: Record<string, Cfn>;
  /** Stage-wide switches a route turns on: the cache cluster, the access log. */
  readonly stage: { caching: boolean; accessLog: boolean };
}

/**
 * One route policy's compiler on API Gateway REST: the hooks it needs, each optional, each called
 * through `AWS_POLICIES` at one place of the compile (the comment names the caller).
 */
export interface AwsPolicy {
  /** The route's integration, as backends.ts builds it (request parameters, a mock's headers, refusals). */
  readonly integration?: (ctx: Ctx, route: Route, into: IntegrationParts) => void;
  /** The route's Body operation (body.ts), after its security and integration. */
  readonly operation?: (ctx: Ctx, route: Route, into: OperationParts) => void;
  /** One path item of the Body (body.ts), after its routes' operations, before the 405 ANY method. */
  readonly pathItem?: (ctx: Ctx, routes: Route[], item: Cfn) => void;
  /** The whole Body after every route (template.ts), before the Deployment hash is taken. */
  readonly body?: (ctx: Ctx, body: Cfn, routes: readonly Route[]) => void;
  /** The RestApi's properties (template.ts), before the Deployment hash is taken. */
  readonly restApi?: (ctx: Ctx, routes: readonly Route[], api: Cfn) => void;
  /** The route's Stage settings (stage.ts). */
  readonly stage?: (ctx: Ctx, route: Route, into: StageParts) => void;
}
