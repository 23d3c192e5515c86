/**
 * #16.5: `gwc init` on a plain OpenAPI spec, then the steps README "Bring your own spec" gives, then
 * `gwc build --target all` succeeds. The steps are done here as a user does them: by uncommenting
 * the lines init wrote. init never makes an operation public by itself.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diffLines } from 'diff';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureBuilt, fixture, gwc, tempDir } from './run.js';

beforeAll(ensureBuilt);

/** README step "decide each flagged operation": here, each is public on purpose. */
const stepPublic = (t: string) => t.replace(/^( *)# (x-gateway: \{ public: true \})$/gm, '$1$2');
/** README step "pick how each scheme is verified": uncomment the scheme's x-gateway choices. */
const stepSchemes = (t: string) => t.replace(/^( *)# (x-gateway:$|  [a-zA-Z]+: .*$)/gm, '$1$2');
/** README step "accept the gaps you accept". */
const stepAccept = (t: string) => t.replace(/^( *)# (accept:$|  [a-z]+:$|    - \{ feature: .*$)/gm, '$1$2');
/** README step "AWS and private backends": a VPC link id. */
const stepVpcLink = (t: string) => t.replace(/^( *)# vpcLink: VPCLINKID /gm, '$1vpcLink: a1b2c3 ');

function initInto(source: string): { file: string; before: string; out: ReturnType<typeof gwc> } {
  const file = path.join(tempDir(), 'openapi.yaml');
  writeFileSync(file, source);
  const out = gwc(['init', file, '--write']);
  return { file, before: source, out };
}

const build = (file: string) => gwc(['build', file, '--target', 'all', '--out', path.join(path.dirname(file), 'out'), '--json']);
const codes = (r: ReturnType<typeof gwc>) => (JSON.parse(r.stdout) as { diagnostics: Array<{ code: string; severity: string }> }).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

describe('gwc init', () => {
  it('plain-openapi: backends from servers, a rate limit, reminders instead of public: true; builds on every target after 2 steps', () => {
    // The fixture minus its one x-gateway line is the plain OpenAPI document.
    const plain = readFileSync(fixture('plain-openapi'), 'utf8').replace(/^x-gateway:.*\n/m, '');
    const { file, before, out } = initInto(plain);
    expect(out.code).toBe(0);
    const after = readFileSync(file, 'utf8');
    // Only additions: every byte of the user's file is kept.
    expect(diffLines(before, after).filter((c) => c.removed)).toEqual([]);
    expect(after).toContain('    petstore:\n      url: http://petstore.internal:8080/api');
    expect(after).toContain('rateLimit: { requests: 100, per: minute }');
    expect(after.match(/^\s*[^#\s].*public: true/gm)).toBeNull();
    expect(after.match(/# x-gateway: \{ public: true \}/g)).toHaveLength(2);
    expect(codes(build(file))).toContain('security-undecided');
    writeFileSync(file, stepVpcLink(stepPublic(after)));
    const built = build(file);
    expect(codes(built)).toEqual([]);
    expect(built.code).toBe(0);
  });

  it('apiKey + bearer: consumers with ${env:...}, commented fallbacks per target; after 3 steps nginx and kong build, traefik and aws refuse the _method body override until its backend says methodOverride: none (aws: and queryNames: exact)', () => {
    const { file, before, out } = initInto(readFileSync(path.join(__dirname, 'init', 'keys-and-tokens.yaml'), 'utf8'));
    expect(out.code).toBe(0);
    const after = readFileSync(file, 'utf8');
    expect(diffLines(before, after).filter((c) => c.removed)).toEqual([]);
    expect(after).toContain("        partnerKey: '${env:PARTNERKEY_CLIENT_KEY}'");
    expect(after).toMatch(/#   forwardAuth: .* # for traefik, which cannot verify this scheme itself/);
    expect(after).toMatch(/#   lambdaAuthorizer: /);
    expect(after).toMatch(/#     - \{ feature: auth\.jwt, /); // kong: accept the partial JWT check, or not
    expect(after.match(/# x-gateway: \{ public: true \}/g)).toHaveLength(1); // /health (security: [])
    const steps = [stepPublic, stepSchemes, stepAccept];
    let text = after;
    for (const step of steps) {
      expect(build(file).code).toBe(1); // each step is needed
      text = step(text);
      writeFileSync(file, text);
    }
    const built = build(file);
    // A partner's POST /orders carrying _method=GET in its body would run listOrders (bearer) at a
    // Rails-like backend: Traefik and AWS cannot read a body, so they refuse createOrder
    // (src/targets/body-override.ts); nginx refuses the field and Kong removes it, and both build.
    expect(codes(built).sort()).toEqual(['aws-body-method-override', 'traefik-body-method-override']);
    expect(built.code).toBe(1);
    // README step "body _method": the refusal names the backend; uncommenting the methodOverride line
    // gwc init wrote under it (the user's word that its framework runs no body _method) builds all four.
    const named = (JSON.parse(built.stdout) as { diagnostics: Array<{ params: { backend?: string } }> }).diagnostics.map((d) => d.params.backend).filter(Boolean);
    expect(new Set(named).size).toBe(1);
    const declared = text.replace(new RegExp(`^(    ${named[0]}:\\n(?:      .*\\n)*?      )# (methodOverride: none)`, 'm'), '$1$2');
    expect(declared.split('\n').filter((l, i) => l !== text.split('\n')[i])).toHaveLength(1);
    writeFileSync(file, declared);
    // methodOverride speaks for the body: AWS, which blanks the query's _method by that exact name
    // only, still refuses ?[_method]= (aws-query-method-override) until the backend's queryNames
    // line gwc init wrote beside it is uncommented too (its word that it reads names as sent).
    expect(codes(build(file))).toEqual(['aws-query-method-override']);
    const exact = declared.replace(new RegExp(`^(    ${named[0]}:\\n(?:      .*\\n)*?      )# (queryNames: exact)`, 'm'), '$1$2');
    expect(exact.split('\n').filter((l, i) => l !== declared.split('\n')[i])).toHaveLength(1);
    writeFileSync(file, exact);
    const all = build(file);
    expect(codes(all)).toEqual([]);
    expect(all.code).toBe(0);
  });

  it('a scheme written on one line gets no lines that, uncommented, would become a scheme named x-gateway', () => {
    const { file, out } = initInto(
      [
        'openapi: 3.0.3',
        'info: { title: K, version: "1" }',
        'servers: [{ url: https://k.example.com }]',
        'paths:',
        '  /a:',
        '    get:',
        '      security: [{ partnerKey: [] }, { basicAuth: [] }]',
        '      responses: { "200": { description: ok } }',
        'components:',
        '  securitySchemes:',
        '    partnerKey:',
        '      type: apiKey',
        '      in: header',
        '      name: X-Partner-Key',
        '    basicAuth: { type: http, scheme: Basic }',
        '',
      ].join('\n'),
    );
    expect(out.code, out.stderr).toBe(0);
    const text = stepSchemes(readFileSync(file, 'utf8'));
    writeFileSync(file, text);
    expect(text).toMatch(/# gwc init: "basicAuth" is written on one line; .*write it one key per line first/);
    const v = JSON.parse(gwc(['validate', file, '--json']).stdout) as { diagnostics: Array<{ code: string }> };
    // The block scheme's choices went under it; nothing was read as a scheme named x-gateway.
    expect(Object.keys((parse(text) as { components: { securitySchemes: object } }).components.securitySchemes)).toEqual(['partnerKey', 'basicAuth']);
    expect(v.diagnostics.map((d) => d.code)).not.toContain('openapi-missing-key');
    expect(text).toMatch(/partnerKey:\n {6}# gwc init: how gateways verify this scheme.*\n {6}x-gateway:/);
  });

  it('prints without --write, and refuses JSON and a spec that has an x-gateway', () => {
    const file = path.join(tempDir(), 'openapi.yaml');
    const plain = readFileSync(fixture('plain-openapi'), 'utf8').replace(/^x-gateway:.*\n/m, '');
    writeFileSync(file, plain);
    const printed = gwc(['init', file]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('x-gateway:\n');
    expect(readFileSync(file, 'utf8')).toBe(plain);
    const has = gwc(['init', fixture('portable')]);
    expect(has.code).toBe(1);
    expect(has.stderr).toMatch(/error init-has-x-gateway/);
    const json = path.join(tempDir(), 'openapi.json');
    writeFileSync(json, JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {} }));
    expect(gwc(['init', json]).stderr).toMatch(/error init-not-openapi .*JSON/);
  });
});
