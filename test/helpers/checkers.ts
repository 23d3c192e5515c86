/**
 * The real checkers every generated output is held against, shared by the target tests and the
 * robustness corpus (bench/corpus.ts): `nginx -t`, decK's `deck validate` and JSON schema, the
 * Traefik file-provider schema, and AWS's CloudFormation rules. Each returns undefined when its
 * tool is missing (requireBinary/conformancePath: a failure in CI, a loud skip elsewhere).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RegoEngine, TemplateFile, type StandardDiagnostic } from '@aws/cloudformation-validate';
import { Ajv } from 'ajv';
import * as draft04 from 'ajv-draft-04';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import type { Gateway } from '../../src/model/types.js';
import { renderTemplate } from '../../src/targets/traefik/emit.js';
import type { OutputFile } from '../../src/targets/target.js';
import { conformancePath, requireBinary } from './binaries.js';

export interface Check {
  ok: boolean;
  output: string;
}

const ROOT = new URL('../../', import.meta.url).pathname;

// ---------------------------------------------------------------- nginx

let nginxPath: string | null | undefined;
/** The nginx binary, looked up once (undefined after a loud skip). */
export function nginxBinary(): string | undefined {
  if (nginxPath === undefined) nginxPath = requireBinary('nginx', ['/usr/sbin/nginx']) ?? null;
  return nginxPath ?? undefined;
}
export const NJS_MODULE = '/usr/lib/nginx/modules/ngx_http_js_module.so';

export function prefixDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gwc-nginx-'));
  for (const d of ['tmp', 'logs', 'cache']) mkdirSync(join(dir, d), { recursive: true });
  return dir;
}

/** Options for a full configuration living entirely inside `dir`. */
export function fullOptions(dir: string, port: number): Record<string, string> {
  return {
    mode: 'full',
    listen: `127.0.0.1:${port}`,
    pidFile: join(dir, 'nginx.pid'),
    tempPath: join(dir, 'tmp'),
    cachePath: join(dir, 'cache'),
    logPath: join(dir, 'logs'),
    user: 'root',
    njsModule: NJS_MODULE,
  };
}

export function writeFiles(dir: string, files: OutputFile[]): void {
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.contents);
  }
}

let unshareWorks: boolean | undefined;

/**
 * `nginx -t` on a configuration whose upstream hosts do not resolve here (users.internal...):
 * run it in a private mount namespace whose /etc/hosts maps them to loopback. Without that
 * privilege the caller gets `undefined` and rewrites the hosts itself.
 */
export function nginxTest(dir: string, hosts: string[] = []): Check | undefined {
  const nginx = nginxBinary();
  if (!nginx) return undefined;
  const args = ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'logs', 'error.log')];
  if (hosts.length === 0) {
    const r = spawnSync(nginx, args, { encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  }
  const hostsFile = join(dir, 'hosts');
  writeFileSync(hostsFile, `127.0.0.1 localhost\n127.0.0.1 ${hosts.join(' ')}\n`);
  if (unshareWorks === undefined) {
    unshareWorks = spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind ${hostsFile} /etc/hosts`]).status === 0;
  }
  if (!unshareWorks) return undefined;
  const script = `mount --bind "$1" /etc/hosts && shift && exec "$@"`;
  const r = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', hostsFile, nginx, ...args], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** Every host name the gateway's upstreams and forward-auth services use. */
export function gatewayHosts(gateway: Gateway): string[] {
  const hosts = new Set<string>();
  for (const b of gateway.backends) for (const t of b.targets) hosts.add(t.url.host);
  for (const s of gateway.securitySchemes) if (s.forwardAuth) hosts.add(s.forwardAuth.url.host);
  return [...hosts].filter((h) => !/^[\d.]+$/.test(h) && !h.startsWith('[')).sort();
}

/**
 * Builds the gateway as a full nginx.conf in its own prefix and runs `nginx -t` on it, upstream
 * host names mapped to loopback. Undefined when nginx or a mount namespace is missing.
 */
export function nginxCheckGateway(gateway: Gateway, port = 8080): Check | undefined {
  if (!nginxBinary()) return undefined;
  const dir = prefixDir();
  try {
    const r = compileGateway(gateway, 'nginx', fullOptions(dir, port));
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) return { ok: false, output: `full mode refused: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}` };
    writeFiles(dir, r.files);
    return nginxTest(dir, gatewayHosts(gateway));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- Kong (decK)

type Validator = ((data: unknown) => boolean) & { errors?: unknown };
type AjvLike = new (opts: object) => { compile(schema: object): Validator };
// ajv-draft-04 is CommonJS: under NodeNext the class is `default` of the namespace, or its `default` again.
const ns = draft04 as unknown as { default: AjvLike & { default?: AjvLike } };
const AjvDraft04: AjvLike = ns.default.default ?? ns.default;

/** `deck validate --state FILE`: decK 1.4.0 reads the file, checks its own schema and every foreign reference, offline. */
let deckPath: string | null | undefined;
export function deckValidate(yaml: string): Check | undefined {
  if (deckPath === undefined) deckPath = requireBinary('deck') ?? null;
  const deck = deckPath;
  if (!deck) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'gwc-kong-'));
  const file = join(dir, 'kong.yaml');
  writeFileSync(file, yaml);
  try {
    const output = execFileSync(deck, ['validate', '--state', file], { encoding: 'utf8', stdio: 'pipe' });
    return { ok: true, output };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let kongSchema: Validator | null | undefined;

/** ajv (draft-04) against go-database-reconciler's kong_json_schema.json. */
export function kongSchemaValidate(yaml: string): { ok: boolean; errors: unknown } | undefined {
  if (kongSchema === undefined) {
    const p = conformancePath('kong', 'kong_json_schema.json');
    kongSchema = p ? new AjvDraft04({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(p, 'utf8')) as object) : null;
  }
  if (!kongSchema) return undefined;
  const ok = kongSchema(parse(yaml));
  return { ok, errors: kongSchema.errors };
}

// ---------------------------------------------------------------- Traefik

/** What Traefik does with a dynamic-configuration file: render the Go template, then parse YAML. */
export function traefikLoad(contents: string): unknown {
  return parse(renderTemplate(contents), { uniqueKeys: true });
}

/** gwc's own schema of the fields it emits. */
export const traefikOwnSchema: Validator = new Ajv({ allErrors: true, strict: false }).compile(
  JSON.parse(readFileSync(join(ROOT, 'src/targets/traefik/emitted.schema.json'), 'utf8')),
);
let store: Validator | null | undefined;
/**
 * SchemaStore's Traefik v3 file-provider schema. It lags Traefik: the fields gwc emits that it lacks
 * (each read from pkg/config/dynamic of the tag that added it, src/targets/traefik/version.ts
 * GATED_FIELDS) are taken out of a copy of the file first, and only those: everything else is
 * judged by SchemaStore. servers[].preservePath (v3.2 Server.PreservePath), a rate limit's
 * sourceCriterion.ipStrategy.ipv6Subnet (v3.2 IPStrategy.IPv6Subnet).
 */
export function traefikStoreSchema(): Validator | undefined {
  if (store === undefined) {
    const p = conformancePath('traefik', 'traefik-v3-file-provider.schema.json');
    const raw = p ? new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(p, 'utf8'))) : undefined;
    if (raw) {
      const v: Validator = (data: unknown) => {
        const ok = raw(withoutStoreLaggingFields(data));
        v.errors = raw.errors;
        return ok;
      };
      store = v;
    } else store = null;
  }
  return store ?? undefined;
}

function withoutStoreLaggingFields(data: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(data ?? null)) as { http?: { services?: Record<string, any>; middlewares?: Record<string, any> } };
  for (const s of Object.values(copy?.http?.services ?? {})) for (const srv of s?.loadBalancer?.servers ?? []) delete srv.preservePath;
  for (const m of Object.values(copy?.http?.middlewares ?? {})) delete m?.rateLimit?.sourceCriterion?.ipStrategy?.ipv6Subnet;
  return copy;
}

/**
 * One generated Traefik file against gwc's schema and SchemaStore's (without the newer fields it
 * lacks, traefikStoreSchema). Undefined when the SchemaStore schema is missing.
 */
export function traefikValidate(contents: string): Check | undefined {
  const data = traefikLoad(contents);
  if (!traefikOwnSchema(data)) return { ok: false, output: `own schema: ${JSON.stringify(traefikOwnSchema.errors)}` };
  const schema = traefikStoreSchema();
  if (!schema) return undefined;
  const ok = schema(data);
  return { ok, output: ok ? '' : `SchemaStore traefik v3: ${JSON.stringify(schema.errors)}` };
}

// ---------------------------------------------------------------- AWS CloudFormation

let engine: InstanceType<typeof RegoEngine> | undefined;
let work: string | undefined;
let counter = 0;

/**
 * Runs @aws/cloudformation-validate (cfn-lint's rules compiled to WASM, pinned 1.9.0-beta) on the
 * template and returns every finding at WARN or above. INFO findings (create-only properties,
 * missing tags) are advice, not defects.
 */
export function cfnValidate(contents: string, ext: 'json' | 'yaml'): StandardDiagnostic[] {
  work ??= mkdtempSync(join(tmpdir(), 'gwc-aws-'));
  counter += 1;
  const file = join(work, `template-${counter}.${ext}`);
  writeFileSync(file, contents);
  engine ??= new RegoEngine();
  try {
    const report = engine.validateStandard(new TemplateFile(file), { severityLevel: 'WARN' });
    if (report.status === 'ERROR') throw new Error(`validator pipeline failure on ${file}`);
    return report.diagnostics;
  } finally {
    rmSync(file, { force: true });
  }
}

/**
 * Warnings that are explained and accepted:
 * - W9013 "Hardcoded account ID in ARN" on AWS::Lambda::Permission: FunctionName is the spec's own
 *   Lambda ARN, which names the function's account (it may not be the stack's). gwc writes it as
 *   given on purpose, inside the Body too, so that the Deployment's content hash covers it.
 */
export function unexplained(findings: StandardDiagnostic[]): StandardDiagnostic[] {
  return findings.filter((d) => !(d.ruleId === 'W9013' && d.entity?.resourceType === 'AWS::Lambda::Permission'));
}
