/**
 * The traefik target: Traefik v3 file-provider dynamic configuration, one YAML file
 * (https://doc.traefik.io/traefik/providers/file/).
 */
import type { Gateway } from '../../model/types.js';
import type { CapabilityPlan } from '../capability-check.js';
import type { CompileOptions, CompileResult, Target } from '../target.js';
import { TRAEFIK_CAPABILITIES } from './capabilities.js';
import { Ctx } from './context.js';
import { traefikDeployed } from './deployed.js';
import { traefikDeployHint } from './deploy-hint.js';
import { commentText, configChecks, escapeTemplate, toYaml } from './emit.js';
import { parseOptions, TRAEFIK_OPTIONS } from './options.js';
import { TRAEFIK_POLICIES } from './policy-map.js';
import { compileRoutes } from './routes.js';
import { RuleTextError } from './rule.js';
import { upstreamReachRefusals } from '../upstream-reach.js';
import { checkUsersFiles } from './users-files.js';
import type { RouterRole, TraefikConfig } from './types.js';
import type { TraefikVersion } from './version.js';
import { forwardFallback } from '../forward-fallback.js';

export interface TraefikBuild {
  config?: TraefikConfig;
  /** What each router is for, by router name (for the routing tests and `gwc routes`). */
  roles: Map<string, RouterRole>;
  version: TraefikVersion;
  result: CompileResult;
}

/**
 * Compiles and also returns the configuration as data, for tests and the deployed-state diff.
 * findingsOnly (lint) compiles lean first (context.ts keep: no configuration is kept, so none is
 * returned), and in full only when a router or middleware may hold a finding of configChecks.
 */
export function compileTraefik(gateway: Gateway, plan: CapabilityPlan, compileOptions: CompileOptions): TraefikBuild {
  if (compileOptions.findingsOnly) {
    const lean = compileOnce(gateway, plan, compileOptions, true);
    if (lean) return lean;
  }
  return compileOnce(gateway, plan, compileOptions, false)!;
}

/** One compile; `lean`: undefined when a router or middleware may hold a finding (ctx.suspect). */
function compileOnce(gateway: Gateway, plan: CapabilityPlan, compileOptions: CompileOptions, lean: boolean): TraefikBuild | undefined {
  const { options, diagnostics } = parseOptions(compileOptions.options);
  const ctx = new Ctx(gateway, plan, options);
  ctx.lean = lean;
  // Routers and middlewares are kept as stubs in a lean compile, so their names need not be exact (names.ts Namer.lean).
  ctx.routerNames.lean = ctx.middlewareNames.lean = lean;
  ctx.diagnostics.push(...diagnostics);
  const fail = (): TraefikBuild => ({ roles: ctx.roles, version: ctx.version, result: { files: [], diagnostics: ctx.diagnostics } });
  if (diagnostics.length > 0) return fail();
  checkUsersFiles(ctx);
  try {
    compileRoutes(ctx);
  } catch (e) {
    if (!(e instanceof RuleTextError)) throw e;
    if (e.value === '') ctx.report('traefik-matcher-empty', {}, gateway.loc);
    else ctx.report('traefik-matcher-control-character', { value: JSON.stringify(e.value) }, gateway.loc);
  }
  // DESIGN.md 7.5: no route forwards onto a more protected route's backend path (as nginx and Kong).
  for (const f of upstreamReachRefusals(gateway, gateway.routes, 'traefik')) ctx.report('upstream-param-reaches-protected', f.params, f.loc);
  // forwardAuth on a basic scheme (the one kind Traefik verifies itself): asked beside basicAuth, or a fallback said not called.
  ctx.diagnostics.push(...forwardFallback(gateway, { target: 'traefik', callsBeside: true, verifiedBy: (s) => (s.kind === 'basic' ? 'with basicAuth' : undefined) }));
  const config = assemble(ctx);
  if (ctx.suspect) return undefined;
  if (config) {
    const { unsafe, empty } = configChecks(config);
    for (const p of unsafe) ctx.report('traefik-value-control-character', { pointer: p }, gateway.loc);
    for (const p of empty) ctx.report('internal-error', { detail: `traefik: empty map or list at ${p}` }, gateway.loc);
  }
  if (!config || ctx.diagnostics.some((d) => d.severity === 'error')) return fail();
  // Lint (findingsOnly) reads the diagnostics only; the checks above ran on the data, not the text.
  if (compileOptions.findingsOnly) return { ...(lean ? {} : { config }), roles: ctx.roles, version: ctx.version, result: { files: [], diagnostics: ctx.diagnostics } };
  const file = { path: `${ctx.prefix}.yml`, contents: escapeTemplate(header(ctx) + toYaml(config)) };
  return { config, roles: ctx.roles, version: ctx.version, result: { files: [file], diagnostics: ctx.diagnostics } };
}

function assemble(ctx: Ctx): TraefikConfig | undefined {
  const obj = <T>(m: Map<string, T>) => (m.size > 0 ? Object.fromEntries(m) : undefined);
  // A lean compile's routers and middlewares were checked as they were made (context.ts keep): its
  // first entry stands for them all in what configChecks walks.
  const checked = <T>(m: Map<string, T>) => (ctx.lean && m.size > 0 ? Object.fromEntries([m.entries().next().value!]) : obj(m));
  const config: TraefikConfig = { http: { routers: checked(ctx.routers) ?? {} } };
  if (ctx.routers.size === 0) {
    ctx.report('traefik-no-routers', {}, ctx.gateway.loc);
    return undefined;
  }
  const services = obj(ctx.services);
  const middlewares = checked(ctx.middlewares);
  const transports = obj(ctx.transports);
  if (services) config.http.services = services;
  if (middlewares) config.http.middlewares = middlewares;
  if (transports) config.http.serversTransports = transports;
  const tls = ctx.gateway.tls;
  if (tls) {
    if (tls.key.kind !== 'file') ctx.report('traefik-tls-key-source', { ref: tls.key.raw }, tls.loc);
    else config.tls = { certificates: [{ certFile: tls.certificate, keyFile: tls.key.path }] };
  }
  return config;
}

function header(ctx: Ctx): string {
  const g = ctx.gateway;
  const lines = [
    `Traefik v3 dynamic configuration (file provider), generated by gwc from ${g.title} ${g.version}${g.environment ? ` (environment ${g.environment})` : ''}.`,
    `${ctx.options.version ? 'For' : 'Needs'} Traefik ${ctx.version} or later. Do not edit: change the spec and rebuild.`,
  ];
  for (const h of ctx.htpasswd) {
    // A role set's file lists only the users whose consumer holds every role (auth-middlewares.ts).
    const users = g.consumers.flatMap((c) =>
      h.roleSets.some((roles) => roles.every((r) => c.groups.includes(r)))
        ? c.credentials.flatMap((cr) => (cr.kind === 'basic' && cr.scheme === h.scheme ? [`${cr.username} (password ${cr.password.raw})`] : []))
        : [],
    );
    lines.push(`${h.middleware} reads htpasswd users (name:hash, e.g. from htpasswd -B) from ${h.file}: ${users.length > 0 ? users.join(', ') : 'no consumers declared'}.`);
  }
  return lines.map((l) => `# ${commentText(l)}\n`).join('');
}

export const traefikTarget: Target = {
  name: 'traefik',
  title: 'Traefik',
  output: 'Traefik v3 file-provider dynamic configuration (<gateway>.yml)',
  capabilities: TRAEFIK_CAPABILITIES,
  policies: TRAEFIK_POLICIES,
  deployed: traefikDeployed,
  deployHint: traefikDeployHint,
  options: TRAEFIK_OPTIONS,
  compile: (gateway, plan, options) => compileTraefik(gateway, plan, options).result,
};
