/** Shared by the diff tests: spec variants of fixtures/diff-base and plans between builds. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileGateway, loadGateway } from '../../src/api.js';
import { compiledState } from '../../src/diff/run.js';
import { diffStates, type Plan } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';

export const repo = path.resolve(__dirname, '../..');
export const baseSpec = path.join(repo, 'fixtures/diff-base/gateway.yaml');
export const deployedFixture = (name: string) => path.join(repo, 'fixtures/diff-base/deployed', name);

/** A copy of the base spec with text edits; every edit must apply exactly once. */
export function variant(edits: ReadonlyArray<readonly [string, string]>): string {
  let text = readFileSync(baseSpec, 'utf8');
  for (const [from, to] of edits) {
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`edit does not apply exactly once: ${from}`);
    text = text.slice(0, at) + to + text.slice(at + from.length);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-diff-'));
  const file = path.join(dir, 'gateway.yaml');
  writeFileSync(file, text);
  return file;
}

export async function stateOf(spec: string, target: string): Promise<State> {
  const r = await compiledState(spec, target, {});
  if (!r.state) throw new Error(`${target}: ${r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  return r.state;
}

export async function planBetween(target: string, spec: string): Promise<Plan> {
  return diffStates(await stateOf(baseSpec, target), await stateOf(spec, target));
}

export interface ChangeClass {
  name: string;
  edits: ReadonlyArray<readonly [string, string]>;
  rule: string | readonly string[];
  ops: readonly string[];
  /** The targets that build the changed spec; every target when absent. */
  onlyOn?: readonly string[];
}

/**
 * One spec edit per change class of the issue, and the finding it must produce. `ops` are the
 * operations the finding must name (each target locates them in its own entity keys).
 */
export const CHANGE_CLASSES: ReadonlyArray<ChangeClass> = [
  {
    name: 'auth removed',
    edits: [["      operationId: getOrder\n      security: [{ apiKey: [] }]", "      operationId: getOrder\n      security: []"], ["    get:\n      operationId: getOrder", "    get:\n      x-gateway: { public: true }\n      operationId: getOrder"]],
    rule: 'auth-removed',
    ops: ['getOrder'],
  },
  {
    name: 'auth made optional',
    edits: [["      operationId: getOrder\n      security: [{ apiKey: [] }]", "      operationId: getOrder\n      security: [{ apiKey: [] }, {}]"]],
    rule: 'auth-optional',
    ops: ['getOrder'],
    // Only nginx verifies a present credential while letting anonymous callers in; the others
    // refuse the build (auth.optional is unsupported there: test/diff/optional-refused.test.ts).
    onlyOn: ['nginx'],
  },
  {
    name: 'route newly public',
    edits: [["  /products:\n", "  /catalog/new:\n    get:\n      operationId: getNew\n      security: []\n      x-gateway: { public: true }\n      responses: { '200': { description: new items } }\n  /products:\n"]],
    rule: 'route-public',
    ops: ['getNew'],
  },
  {
    name: 'rate limit raised',
    edits: [['rateLimit: { requests: 1000, per: minute }', 'rateLimit: { requests: 5000, per: minute }']],
    rule: 'rate-limit-raised',
    ops: ['createOrder', 'getOrder'],
  },
  {
    name: 'body limit raised',
    edits: [['bodyLimit: 64k', 'bodyLimit: 1m']],
    rule: 'body-limit-raised',
    ops: ['createOrder'],
  },
  {
    name: 'IP rule widened',
    edits: [['ipAllow: [10.0.0.0/8]', 'ipAllow: [10.0.0.0/8, 192.168.0.0/16]']],
    rule: 'ip-widened',
    ops: ['getAdminStats'],
  },
  {
    name: 'CORS widened',
    edits: [['origins: [https://storefront.example.com]', 'origins: [https://storefront.example.com, https://partner.example.net]']],
    rule: 'cors-widened',
    ops: ['listCatalog', 'getFeatured', 'getItem', 'listProducts', 'createOrder', 'getOrder'],
  },
  {
    name: 'route removed',
    edits: [["  /products:\n    get:\n      operationId: listProducts\n      security: []\n      x-gateway: { backend: products, public: true }\n      responses: { '200': { description: products } }\n", '']],
    rule: 'route-removed',
    ops: ['listProducts'],
  },
  {
    name: 'route moved',
    edits: [['  /catalog/featured:', '  /catalog/highlights:']],
    rule: 'route-moved',
    ops: ['getFeatured'],
  },
  {
    name: 'auth added',
    edits: [["      operationId: listCatalog\n      security: []\n      x-gateway: { public: true }", "      operationId: listCatalog\n      security: [{ apiKey: [] }]"]],
    rule: 'auth-added',
    ops: ['listCatalog'],
  },
  {
    name: 'rate limit lowered',
    edits: [['rateLimit: { requests: 1000, per: minute }', 'rateLimit: { requests: 500, per: minute }']],
    rule: 'rate-limit-lowered',
    ops: ['createOrder', 'getOrder'],
  },
  {
    name: 'body limit lowered',
    edits: [['bodyLimit: 64k', 'bodyLimit: 16k']],
    rule: 'body-limit-lowered',
    ops: ['createOrder'],
  },
  {
    name: 'IP rule narrowed',
    edits: [['ipAllow: [10.0.0.0/8]', 'ipAllow: [10.1.0.0/16]']],
    rule: 'ip-narrowed',
    ops: ['getAdminStats'],
  },
];

/** The operations each backend of the base spec serves. */
export const OPS_OF = { catalog: ['getAdminStats', 'getFeatured', 'getItem', 'listCatalog'], orders: ['createOrder', 'getOrder'] } as const;

/**
 * The base spec with catalog and orders behind https (products stays plain HTTP); `tls` gives a
 * backend's `x-gateway` tls block as YAML flow text (`{ verify: false }`), none when absent.
 */
export function tlsSpec(tls: { catalog?: string; orders?: string } = {}): string {
  const block = (t: string | undefined) => (t ? `      tls: ${t}\n` : '');
  return variant([
    ['      url: http://catalog.internal:8080\n      timeout: 5s\n', `      url: https://catalog.internal:8443\n      timeout: 5s\n${block(tls.catalog)}`],
    ['      url: http://orders.internal:8080/api\n      timeout: 10s\n', `      url: https://orders.internal:8443/api\n      timeout: 10s\n${block(tls.orders)}`],
  ]);
}

/**
 * The target's build of `spec`, written as its `--deployed` file would be: the one file for
 * Kong, Traefik and AWS; for nginx every .conf file under `nginx -T`'s headers.
 */
export async function deployedFile(spec: string, target: string, edit: (text: string) => string = (t) => t): Promise<string> {
  const loaded = await loadGateway(spec);
  if (!loaded.gateway) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  const built = compileGateway(loaded.gateway, target, {}, loaded.spec);
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('\n'));
  const text =
    target === 'nginx'
      ? built.files.filter((f) => f.path.endsWith('.conf')).map((f) => `# configuration file /etc/nginx/${f.path}:\n${f.contents}\n`).join('')
      : built.files[0]!.contents;
  const file = path.join(mkdtempSync(path.join(tmpdir(), `gwc-deployed-${target}-`)), target === 'nginx' ? 'nginx-T.txt' : path.basename(built.files[0]!.path));
  writeFileSync(file, edit(text));
  return file;
}

export const rulesOf = (rule: string | readonly string[]): readonly string[] => (typeof rule === 'string' ? [rule] : rule);

/** Runs the CLI built in dist/ (built once when missing). */
export function gwc(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repo, 'bin/run.js'), ...args], { cwd: repo, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function ensureBuilt(): void {
  if (!existsSync(path.join(repo, 'dist/commands/diff.js'))) {
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repo, stdio: 'ignore' });
    } catch {
      // tsc emits even when another folder has type errors; the test fails below if diff.js is missing.
    }
  }
}

/** The change classes a target can build both sides of. */
export const changeClassesFor = (target: string) => CHANGE_CLASSES.filter((c) => !c.onlyOn || c.onlyOn.includes(target));
