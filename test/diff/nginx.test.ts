/**
 * NGINX: the `nginx -T` output of a real nginx running the build reads back as "no changes"; each
 * change class nginx can express is found on the route's location, keyed by operation, not by the
 * position-numbered internal location.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../src/diff/plan.js';
import { diffDeployed } from '../../src/diff/run.js';
import { nginxDeployed, parseConf, splitDump } from '../../src/targets/nginx/deployed.js';
import { compileGateway } from '../../src/api.js';
import { requireBinary } from '../helpers/binaries.js';
import type { HttpMethod } from '../../src/model/types.js';
import { gateway, loc, route } from '../targets/nginx/model.js';
import { baseSpec, changeClassesFor, planBetween, rulesOf, variant } from './helpers.js';
import { compileNginx, fullOptions, nginxDump, prefixDir } from './nginx-support.js';

const NGINX = requireBinary('nginx', ['/usr/sbin/nginx']);
const isRoute = (op: string) => (key: string) => key === `route ${op}`;

function tmpFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gwc-nginx-diff-')), name);
  writeFileSync(file, text);
  return file;
}

describe('nginx: the tokenizer and parser', () => {
  it('honours quotes, escapes, comments, ${var} and nested blocks', () => {
    const conf = 'http { # c\n  map "$a:$b" $x { "~^a\\"b;{" 1; default ""; }\n  server { set $k "${x}:y"; location ~ "^/a/(?<p>[^/]+)$" { return 200 \'a;b\'; } }\n}\n';
    const [http] = parseConf(conf);
    const [map, server] = http!.block!;
    expect(map!.args).toEqual(['$a:$b', '$x']);
    expect(map!.block![0]!.name).toBe('~^a"b;{');
    expect(server!.block![0]!.args).toEqual(['$k', '${x}:y']);
    expect(server!.block![1]!.args).toEqual(['~', '^/a/(?<p>[^/]+)$']);
    expect(server!.block![1]!.block![0]!.args).toEqual(['200', 'a;b']);
  });

  it('splits nginx -T output into its files', () => {
    const text = 'nginx: the configuration file /x/nginx.conf syntax is ok\n# configuration file /x/nginx.conf:\nhttp { include a.conf; }\n\n# configuration file /x/a.conf:\nserver { listen 80; }\n';
    expect(splitDump(text).map((f) => f.path)).toEqual(['/x/nginx.conf', '/x/a.conf']);
  });
});

describe('nginx: deployed state', () => {
  it.skipIf(!NGINX)('nginx -T of a real nginx running the build gives no change', async () => {
    const dir = prefixDir();
    const options = fullOptions(dir);
    const { files, hosts } = await compileNginx(baseSpec, options);
    const dump = nginxDump(NGINX!, dir, files, hosts);
    if (!dump) return console.warn('*** SKIPPING: no private mount namespace for /etc/hosts; nginx -T cannot resolve the upstreams ***');
    expect(dump.status, dump.stderr).toBe(0);
    expect(dump.stdout).toContain('# configuration file ');
    const file = tmpFile('nginx-T.txt', dump.stdout);
    const r = await diffDeployed(baseSpec, { target: 'nginx', deployed: file, options });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plan?.changes).toEqual([]);
    expect(r.plan?.findings).toEqual([]);
    expect(r.from?.entities.filter((e) => e.facts?.route).length).toBe(7);
  });

  it('the deployed conf.d file alone reads the same as the build', async () => {
    const { files } = await compileNginx(baseSpec, {});
    const conf = files.find((f) => f.path.startsWith('conf.d/'))!;
    const deployed = nginxDeployed.normalise([conf], 'conf');
    const built = nginxDeployed.normalise(files, 'build');
    // The njs module's own entities (its runtime, deployed-njs.ts njsRuntimeCode; its CFG,
    // deployed-cfg.ts) are the build's only: gwc diff leaves them out of the compiled side when the
    // deployed module was not read (run.ts lacks).
    expect(diffStates(deployed.state!, built.state!).changes.filter((c) => c.kind !== 'directive' && !c.kind.startsWith('njs '))).toEqual([]);
  });

  describe('a path copied into several prefix groups (layout.ts fallbacks)', () => {
    const paths = ['/a/{x}/{y}', '/a/b/{y}', '/a/b/{y}/c', '/a/b/{y}/d', '/a/b/{y}/e', '/a/b/{y}/f', '/a/c/{y}/g', '/a/c/{y}/h', '/a/c/{y}/i', '/a/c/{y}/j'];
    const files = compileGateway(gateway(paths.map((p, i) => route(`op${i}`, 'GET', p, { declaredPublic: true }))), 'nginx', {}).files;
    const conf = files.find((f) => f.path.startsWith('conf.d/'))!;
    // The one location with two parameters: /a/{x}/{y} (its parameter class is param-value.ts's).
    const fallback = /^ *(location ~ "\^\/a\/\(\?<gwc_p0>.*\(\?<gwc_p1>.*" \{)$/m.exec(conf.contents)?.[1] ?? 'no two-parameter location';
    const keysOf = (text: string) => nginxDeployed.normalise([{ ...conf, contents: text }], 'conf').state!.entities.map((e) => `${e.kind} ${e.key}`);

    it('is listed once', () => {
      expect(conf.contents.split(fallback).length - 1).toBe(3);
      const keys = keysOf(conf.contents);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.filter((k) => k.includes('(?<gwc_p1>'))).toHaveLength(1);
    });

    it('a copy edited by hand shows as a change, not hidden behind the others', () => {
      const at = conf.contents.indexOf(fallback);
      const edited = conf.contents.slice(0, at) + conf.contents.slice(at).replace('default_type application/json;', 'default_type text/plain;');
      const built = nginxDeployed.normalise(files, 'build').state!;
      const plan = diffStates(nginxDeployed.normalise([{ ...conf, contents: edited }], 'conf').state!, built);
      // The first copy (the edited one here) carries the path's key; the others differ from it.
      const key = keysOf(conf.contents).find((k) => k.includes('(?<gwc_p1>'))!.replace(/^location /, '');
      expect(plan.changes.filter((c) => c.kind === 'location').map((c) => `${c.action} ${c.key}`)).toEqual([`update ${key}`, `delete ${key} (copy 2)`]);
    });
  });

  it('each method of a path is read with its own CORS preflight', () => {
    const cors = (methods: HttpMethod[]) => ({ origins: ['https://a.example'], methods, headers: [], exposeHeaders: [], credentials: false, loc: loc() });
    const g = gateway([route('get', 'GET', '/x', { declaredPublic: true, policy: { cors: cors(['GET']) } }), route('post', 'POST', '/x', { declaredPublic: true, policy: { cors: cors(['GET', 'POST']) } })]);
    const state = nginxDeployed.normalise(compileGateway(g, 'nginx', {}).files, 'build').state!;
    const methodsOf = (op: string) => (state.entities.find((e) => e.key === `route ${op}`)?.facts?.cors as { methods: string[] } | undefined)?.methods;
    expect(methodsOf('get')).toEqual(['GET']);
    expect(methodsOf('post')).toEqual(['GET', 'POST']);
  });

  for (const c of changeClassesFor('nginx')) {
    it(`reports, classifies and counts: ${c.name}`, async () => {
      const plan = await planBetween('nginx', variant(c.edits));
      const found = plan.findings.filter((f) => rulesOf(c.rule).includes(f.rule));
      expect(found.length).toBe(c.ops.length);
      for (const op of c.ops) expect(found.some((f) => isRoute(op)(f.key)), `${op} in ${found.map((f) => f.key).join(', ')}`).toBe(true);
      const s = plan.summary;
      expect(s.create + s.update + s.delete + s.replace).toBe(plan.changes.length);
      expect(plan.changes.length).toBeGreaterThan(0);
    });
  }

  const bad: Array<[string, string, string]> = [
    ['a Traefik file', 'http:\n  routers: {}\n', 'deployed-foreign'],
    ['a decK file', '_format_version: "3.0"\n', 'deployed-foreign'],
    ['an unclosed block', 'server { listen 80;\n', 'deployed-invalid'],
    ['a stray brace', 'server { listen 80; } }\n', 'deployed-invalid'],
    ['an unterminated string', 'server { return 200 "abc; }\n', 'deployed-invalid'],
    ['text with no server', 'hello world;\n', 'deployed-invalid'],
  ];
  it('refuses a config file gwc did not write (no "Generated by gwc" header): nothing of it is gwc\'s to change', async () => {
    const r = await diffDeployed(baseSpec, { target: 'nginx', deployed: tmpFile('nginx.conf', 'events {}\nhttp { server { listen 80; } }\n') });
    expect(r.plan).toBeUndefined();
    // The spec's own compile warnings (diff-base's apiKey names a forwardAuth nginx does not call:
    // forward-auth-not-called) are not about the deployed file.
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.params.files])).toEqual([['deployed-not-gwc', 1]]);
  });

  for (const [name, text, code] of bad) {
    it(`refuses ${name} with a diagnostic`, async () => {
      // Under gwc's header, so the file is one gwc owns and reaches the parser.
      const owned = code === 'deployed-invalid' ? `# Generated by gwc from Storefront API 2.1.0 - do not edit.\n${text}` : text;
      const r = await diffDeployed(baseSpec, { target: 'nginx', deployed: tmpFile('nginx.conf', owned) });
      expect(r.plan).toBeUndefined();
      expect(r.diagnostics.map((d) => d.code)).toContain(code);
    });
  }
});
