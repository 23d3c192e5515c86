/**
 * Request validation on nginx (x-gateway validate, feature `validation`; the model is
 * src/model/policies/validate.ts). A validated route's path location dispatches first to a
 * validate location (templates-route.ts): the body limit (client_max_body_size, 413), the IP rules
 * and the auth check run there as in the route location, so a refused caller never learns the
 * schema; then njs (njs/validate.js validateRequest) reads the body (js_content) and checks the
 * parameters and the JSON body with validators ajv compiled ahead of time (validate-module.ts),
 * answering 400/415 with an RFC 9457 problem, or redirecting, body kept, to the route's next
 * location (its `_method` body check, verify or route location).
 */
import { isJsonMediaType } from '../../model/policies/request-schema.js';
import type { RequestParam, RequestSchema, Route } from '../../model/types.js';
import type { Loc } from '../../diagnostics/diagnostic.js';
import { joinPointer } from '../../spec/pointer.js';
import type { Ctx } from './context.js';
import type { PolicyRegistry } from './policies.js';
import { BODY_CHECK_BUFFER, internalUri, type RouteView } from './route-view.js';
import { toDraft7 } from './validate-schema.js';
import { ValidatorError, type ValidatorSet } from './validate-module.js';
import type { BodyCfg, ParamCfg, ValidateView } from './validate-view.js';

export type { ValidateView } from './validate-view.js';

/** The body of an operation that declares none: no media type admits one (njs checkBody answers 400). */
const NO_BODY: BodyCfg = { required: false, types: [], json: null, fn: null };

/** Styles the njs validator reads (OpenAPI 3.1 section 4.8.12.4), by place: each place's default. */
const STYLES: Record<RequestParam['in'], string> = { path: 'simple', query: 'form', header: 'simple', cookie: 'form' };

/**
 * The route's validate part (NGINX_POLICIES.validate), once every route's view is built: its
 * validate location runs first and makes the route's `_method` and `access_token` body checks too (one njs handler
 * reads the body once), then hands over to the verify or route location.
 */
export function validateRoute(ctx: Ctx, reg: PolicyRegistry, route: Route, v: RouteView, pathParams: string[]): void {
  const check = ctx.safe(route.loc, () => validateView(ctx, reg.validators, route, v, pathParams));
  if (!check) return;
  if (v.body) {
    if (v.body.method) check.njs.overrides = true;
    if (v.body.token) check.njs.token = true;
    if (v.body.keys.length > 0) check.njs.keys = v.body.keys;
    if (v.body.jsonKeys.length > 0) check.njs.jsonKeys = v.body.jsonKeys;
    delete v.body;
    delete v.njs.body;
  }
  check.njs.next = v.limit?.verifyUri ?? v.uri;
  v.validate = check;
  // The validation module needs njs loaded (load_module in full mode, the deploy hint otherwise).
  ctx.needsNjs = true;
}

/**
 * The validators' module code (validate-module.ts), when some route validates; an ajv compile
 * error (an invalid regular expression, say) refuses the build at the schema it came from.
 */
export function validateModule(ctx: Ctx, reg: PolicyRegistry, views: readonly RouteView[]): void {
  if (views.some((v) => v.validate)) reg.validateModule = ctx.safe(ctx.gateway.loc, () => validatorCode(ctx, reg.validators));
}

function validatorCode(ctx: Ctx, set: ValidatorSet): string | undefined {
  try {
    return set.compile();
  } catch (e) {
    if (!(e instanceof ValidatorError)) throw e;
    const origin = set.origin(e.exportName);
    ctx.report('nginx-validate-schema', { route: origin?.route ?? '', keyword: 'schema', why: `cannot be compiled: ${e.message}` }, origin?.loc);
    return undefined;
  }
}

/** The validate location of a route, or undefined when it does not validate (or a refusal was reported). */
export function validateView(ctx: Ctx, set: ValidatorSet, route: Route, view: RouteView, pathParams: string[]): ValidateView | undefined {
  // Mocks too: a mock answers in place of the backend, and must not answer a request the spec rejects.
  if (!route.validate || !route.request || !ctx.plan.enforced(route.id, 'validation')) return undefined;
  const v30 = ctx.gateway.openapiVersion.startsWith('3.0');
  const before = ctx.diagnostics.length;
  const params = route.validate.parameters ? route.request.params.map((p) => paramCfg(ctx, set, route, p, pathParams, v30)) : [];
  // An operation without a requestBody takes none: a body sent anyway is refused (njs checkBody),
  // as a backend may read parameters from it that the query check never saw (so also when only
  // parameters are validated).
  const body = route.request.body ? (route.validate.body ? bodyCfg(ctx, set, route, v30) : undefined) : route.validate.body || params.length > 0 ? NO_BODY : undefined;
  if (ctx.diagnostics.slice(before).some((d) => d.severity === 'error')) return undefined;
  const limit = view.bodyLimit !== undefined ? Number(view.bodyLimit) : BODY_CHECK_BUFFER;
  return {
    uri: internalUri('c', view.index),
    buffer: String(Math.max(1, Math.min(limit, BODY_CHECK_BUFFER))),
    njs: { next: '', params: params.filter((p): p is ParamCfg => p !== undefined), ...(body ? { body } : {}) },
  };
}

function paramCfg(ctx: Ctx, set: ValidatorSet, route: Route, p: RequestParam, pathParams: string[], v30: boolean): ParamCfg | undefined {
  const refuse = (why: string) => {
    ctx.report('nginx-validate-parameter', { route: route.id, parameter: p.name, in: p.in, why }, p.loc);
    return undefined;
  };
  if (p.mediaType !== undefined) return refuse(`is given by content (${p.mediaType}) rather than a schema`);
  const style = p.style ?? STYLES[p.in];
  if (style !== STYLES[p.in]) return refuse(`has style ${style}; only ${STYLES[p.in]} (the default) is read`);
  const cfg: ParamCfg = { in: p.in, name: p.name, required: p.required, type: null, fn: null };
  if (p.in === 'path') {
    const index = pathParams.indexOf(p.name);
    if (index < 0) return undefined; // not in the path: nothing to read (lint's path-params says so)
    cfg.index = index;
  }
  if (!p.schema) return cfg;
  const top = typeOf(p.schema, p.schema.schema);
  if (top === 'object') return refuse('is an object');
  if (top === 'array') {
    if (p.in === 'cookie') return refuse('is an array in a cookie');
    const items = (p.schema.schema as { items?: unknown }).items;
    cfg.array = true;
    cfg.explode = p.explode ?? style === 'form';
    cfg.type = typeOf(p.schema, items) ?? null;
    if (cfg.type === 'object' || cfg.type === 'array') return refuse('is an array of objects or arrays');
  } else cfg.type = top ?? null;
  const fn = compiled(ctx, set, route, p.schema, v30);
  if (fn === undefined) return undefined;
  cfg.fn = fn;
  return cfg;
}

function bodyCfg(ctx: Ctx, set: ValidatorSet, route: Route, v30: boolean): BodyCfg | undefined {
  const body = route.request!.body!;
  const content: Loc = { file: body.loc.file, pointer: joinPointer(body.loc.pointer, 'content') };
  let ok = true;
  for (const m of body.mediaTypes) {
    if (isJsonMediaType(m)) continue;
    ctx.report('nginx-validate-media-type', { route: route.id, mediaType: m }, { file: content.file, pointer: joinPointer(content.pointer, m) });
    ok = false;
  }
  if (!ok) return undefined;
  const media = (m: string) => m.split(';')[0]!.trim().toLowerCase();
  const cfg: BodyCfg = { required: body.required, types: [...new Set(body.mediaTypes.map(media))].sort(), json: null, fn: null };
  if (body.json) {
    const fn = compiled(ctx, set, route, body.json.schema, v30);
    if (fn === undefined) return undefined;
    cfg.json = media(body.json.mediaType);
    cfg.fn = fn;
  }
  return cfg;
}

/** The validator's export name; undefined when the schema was refused (reported once per place). */
function compiled(ctx: Ctx, set: ValidatorSet, route: Route, rs: RequestSchema, v30: boolean): string | undefined {
  const { schema, problems } = toDraft7(rs, v30);
  for (const pr of problems) {
    if (pr.warn) ctx.report('nginx-validate-format-ignored', { route: route.id, format: pr.keyword.replace(/^format: /, '') }, pr.loc);
    else ctx.report('nginx-validate-schema', { route: route.id, keyword: pr.keyword, why: pr.why }, pr.loc);
  }
  if (problems.some((p) => !p.warn)) return undefined;
  return set.add(schema, { route: route.id, loc: rs.loc });
}

/**
 * The JSON Schema type a value of the schema has at its top (following a `$ref`), when one type
 * (besides null) is named there.
 */
function typeOf(rs: RequestSchema, node: unknown, depth = 0): string | undefined {
  if (!node || typeof node !== 'object' || depth > 16) return undefined;
  const n = node as { type?: unknown; $ref?: unknown };
  if (typeof n.$ref === 'string') {
    const def = rs.definitions[n.$ref.replace('#/definitions/', '')];
    return def ? typeOf(rs, def.schema, depth + 1) : undefined;
  }
  if (typeof n.type === 'string') return n.type;
  if (Array.isArray(n.type)) {
    const named = n.type.filter((t) => t !== 'null');
    return named.length === 1 ? String(named[0]) : undefined;
  }
  return undefined;
}

/** The njs CFG of the validate module: every validated route by index. */
export function validateConfig(ctx: Ctx, views: Iterable<RouteView & { validate?: ValidateView }>): { routeVar: string; routes: Record<string, ValidateView['njs']> } {
  const routes: Record<string, ValidateView['njs']> = {};
  for (const v of views) if (v.validate) routes[String(v.index)] = v.validate.njs;
  return { routeVar: `${ctx.prefix}_route`, routes };
}


