/**
 * #16 "done when", the AWS part: Bump's Train Travel API (OAuth2 with read/write scopes on every
 * operation) through the README's walkthrough on AWS, on the HTTP API flavour
 * (`--option aws.api=http`), whose JWT authorizer checks the scheme's issuer, audience and scopes
 * natively (the REST flavour needs a Cognito issuer or a Lambda authorizer and refuses it:
 * test/cli/train-travel.test.ts). Counted as a newcomer does it: `gwc init --write`, the README's
 * steps by the lines they change, and the build command the README gives. Before step 6 it is
 * refused for one route (aws-path-param-confusable): a read scope could reach a write-scoped
 * operation through a `..` the backend resolves; step 6 is the user's word that it resolves none,
 * and the route stays refused: a `?` in the value (%253F) ends the backend path at /bookings/.
 * The refusal's other answer, "give the routes the same security", is the README's step 6 for it:
 * paying for a booking (read-scoped in the spec) requires the `write` scope of the create-booking it
 * can reach, 3 lines, and the build passes CloudFormation's validator with that scope on the route.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cfnValidate, deckValidate, NJS_MODULE, nginxTest, traefikValidate, unexplained } from '../helpers/checkers.js';
import { ensureBuilt, gwc, repo, tempDir } from './run.js';

beforeAll(ensureBuilt);

/** README step 2 "how each scheme is verified": uncomment the scheme's x-gateway lines. */
const stepSchemes = (t: string) => t.replace(/^( *)# (x-gateway:$|  [a-zA-Z]+: .*$)/gm, '$1$2');
/** README step 3 "gaps you accept" (Kong): uncomment accept. */
const stepAccept = (t: string) => t.replace(/^( *)# (accept:$|  [a-z]+:$|    - \{ feature: .*$)/gm, '$1$2');
/** README step "AWS HTTP API": one line added under the scheme's x-gateway, the bearer token goes to the backend (HTTP APIs cannot remove Authorization). */
const stepHide = (t: string) => t.replace(/^( *)x-gateway:\n(\1  issuer: .*\n)/m, '$1x-gateway:\n$1  hideCredentials: false\n$2');
/** README step 5: uncomment `methodOverride: none` under the backend the refusal names. */
const stepMethodOverride = (t: string, backend: string) => t.replace(new RegExp(`^(    ${backend}:\\n(?:      .*\\n)*?      )# (methodOverride: none)`, 'm'), '$1$2');
/** README step 5 on AWS: uncomment `queryNames: exact` too (methodOverride speaks for the body; API Gateway blanks `_method` by its exact name only). */
const stepQueryNames = (t: string, backend: string) => t.replace(new RegExp(`^(    ${backend}:\\n(?:      .*\\n)*?      )# (queryNames: exact)`, 'm'), '$1$2');
/** README step 6: uncomment `dotSegments: rejected` under the backend the refusal names. */
const stepDotSegments = (t: string, backend: string) => t.replace(new RegExp(`^(    ${backend}:\\n(?:      .*\\n)*?      )# (dotSegments: rejected)`, 'm'), '$1$2');
/** README step 6, the refusal's other answer: the route gets the security of the route it reaches (`other`). */
const stepSameSecurity = (t: string, route: string) =>
  t.replace(new RegExp(`^( +)operationId: ${route}\n`, 'm'), (line, indent: string) => `${line}${indent}security:\n${indent}  - OAuth2:\n${indent}      - write\n`);
const countChanged = (a: string, b: string) => b.split('\n').filter((l, i) => l !== a.split('\n')[i]).length;

interface Built {
  code: number | null;
  errors: Array<{ code: string; params: Record<string, string> }>;
}

describe('Train Travel API on AWS (HTTP API), following only the README and gwc init', () => {
  it('init + step 2 (7 lines) + hideCredentials (1 line) + methodOverride and queryNames (2 lines) + dotSegments (1 line): --option aws.api=http still refuses create-booking-payment (a ? in bookingId); the same security as create-booking (3 lines, without dotSegments) builds', () => {
    const dir = tempDir('gwc-train-aws-');
    cpSync(path.join(repo, 'fixtures/real/train-travel'), dir, { recursive: true });
    const file = path.join(dir, 'openapi.yaml');
    const out = path.join(dir, 'out');
    // The README's AWS command: HTTP API, and no custom domain for the spec's mock and example hosts.
    const build = (): Built => {
      const r = gwc(['build', file, '--target', 'aws', '--option', 'aws.api=http', '--option', 'aws.customDomain=off', '--out', out, '--json']);
      const diagnostics = (JSON.parse(r.stdout) as { diagnostics: Array<{ code: string; severity: string; params: Record<string, string> }> }).diagnostics;
      return { code: r.code, errors: diagnostics.filter((d) => d.severity === 'error').map((d) => ({ code: d.code, params: d.params })) };
    };
    expect(gwc(['init', file, '--write']).code).toBe(0);
    let text = readFileSync(file, 'utf8');

    const schemes = stepSchemes(text);
    expect(countChanged(text, schemes)).toBe(7);
    writeFileSync(file, (text = schemes));
    // The HTTP API cannot take the bearer token out before the backend: refused at the scheme, fail closed.
    const first = build();
    expect(first.code).toBe(1);
    expect(first.errors.map((e) => e.code)).toContain('aws-http-credential-unhidden');

    const hidden = stepHide(text);
    expect(hidden.split('\n').length - text.split('\n').length).toBe(1);
    expect(hidden).toMatch(/^ +hideCredentials: false$/m);
    writeFileSync(file, (text = hidden));
    // As on Traefik: the write-scoped POST /bookings beside the read-scoped GET, named once.
    // As on Traefik: the write-scoped POST /bookings beside the read-scoped GET is named (body
    // _method); and the read-scoped POST /bookings/{bookingId}/payment can reach it: an HTTP API
    // decodes a path parameter again after matching, so ..%252F in bookingId is ../ at the backend
    // (fail closed; test/security/redteam-aws-http.test.ts).
    const second = build();
    const refusal = ['aws-path-param-confusable', 'create-booking-payment', 'try'];
    expect(second.errors.map((e) => [e.code, e.params.route, e.params.backend])).toEqual([['aws-body-method-override', 'create-booking', 'try'], refusal]);

    const body = stepMethodOverride(text, 'try');
    expect(countChanged(text, body)).toBe(1);
    writeFileSync(file, body);
    // methodOverride speaks for the body: ?[_method]= is refused on AWS until queryNames: exact too.
    expect(build().errors.map((e) => [e.code, e.params.route, e.params.backend])).toEqual([['aws-query-method-override', 'create-booking', 'try'], refusal]);
    const declared = stepQueryNames(body, 'try');
    expect(countChanged(body, declared)).toBe(1);
    writeFileSync(file, (text = declared));
    // methodOverride: none answers the first; the second names the backend and the line to add.
    const third = build();
    expect(third.code).toBe(1);
    expect(third.errors.map((e) => [e.code, e.params.route, e.params.backend])).toEqual([['aws-path-param-confusable', 'create-booking-payment', 'try']]);

    const beforeDots = text;
    const dots = stepDotSegments(text, 'try');
    expect(countChanged(text, dots)).toBe(1);
    writeFileSync(file, dots);
    // Step 6 answers '..' only: bookingId = %253F is '?' at the backend, so the read-scoped
    // POST /bookings/%253F/payment is POST /bookings/ (query /payment), one trailing slash from
    // the write-scoped POST /bookings; no declaration covers it (test/security/redteam-aws-dotsegments.test.ts).
    const done = build();
    expect(done.code).toBe(1);
    expect(done.errors).toEqual([{ code: 'aws-path-param-confusable', params: expect.objectContaining({ route: 'create-booking-payment', other: 'create-booking', value: '"%252F" or "x%253F"', backend: 'try' }) }]);

    // The refusal's other answer, without step 6's declaration: create-booking-payment requires the
    // write scope of the create-booking it reaches (paying for a booking changes it). 3 lines; built.
    const same = stepSameSecurity(beforeDots, 'create-booking-payment');
    expect(same.split('\n').length - beforeDots.split('\n').length).toBe(3);
    writeFileSync(file, same);
    const built = build();
    expect(built).toEqual({ code: 0, errors: [] });
    const template = readFileSync(path.join(out, 'aws/template.json'), 'utf8');
    expect(unexplained(cfnValidate(template, 'json'))).toEqual([]);
    const routes = Object.values((JSON.parse(template) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }).Resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');
    const payment = routes.find((r) => r.Properties['RouteKey'] === 'POST /bookings/{bookingId}/payment');
    expect(payment?.Properties['AuthorizationScopes']).toEqual(['write']);
    expect(payment?.Properties['AuthorizationType']).toBe('JWT');
  }, 180_000);

  it('all four targets: with hideCredentials --target all is refused by Traefik alone (traefik-kept-header-credential); aws (http), kong and nginx build from that spec, traefik from the one without hideCredentials', () => {
    const dir = tempDir('gwc-train-all-');
    cpSync(path.join(repo, 'fixtures/real/train-travel'), dir, { recursive: true });
    const file = path.join(dir, 'openapi.yaml');
    const out = path.join(dir, 'out');
    expect(gwc(['init', file, '--write']).code).toBe(0);
    const initd = readFileSync(file, 'utf8');
    let text = stepSchemes(initd);
    text = stepAccept(text);
    text = stepHide(text);
    text = stepQueryNames(stepMethodOverride(text, 'try'), 'try');
    const edited = stepSameSecurity(text, 'create-booking-payment');
    // steps 2, 3 and 5 change 7 + 3 + 2 lines (5: methodOverride and, for AWS, queryNames); hideCredentials and step 6 add 1 + 3.
    expect(countChanged(initd, stepQueryNames(stepMethodOverride(stepAccept(stepSchemes(initd)), 'try'), 'try'))).toBe(12);
    expect(edited.split('\n').length - initd.split('\n').length).toBe(4);
    writeFileSync(file, edited);
    const env = { env: { OAUTH2_PUBLIC_KEY: 'unused-at-build' } };
    const errorsOf = (r: { stdout: string }) => (JSON.parse(r.stdout) as { diagnostics: Array<{ code: string; severity: string; target?: string }> }).diagnostics.filter((d) => d.severity === 'error');
    // The HTTP API cannot take Authorization out (hideCredentials: false), which Traefik refuses since
    // 49db3d2: its forwardAuth service reads one Authorization line while Traefik passes every line on.
    const all = gwc(['build', file, '--target', 'all', '--option', 'aws.api=http', '--option', 'aws.customDomain=off', '--out', out, '--json'], env);
    expect(errorsOf(all).map((d) => `${d.target} ${d.code}`)).toEqual(['traefik traefik-kept-header-credential']);
    expect(all.code).toBe(1);
    for (const target of ['aws', 'kong', 'nginx']) {
      const r = gwc(['build', file, '--target', target, '--option', 'aws.api=http', '--option', 'aws.customDomain=off', '--out', out, '--json'], env);
      expect(errorsOf(r), target).toEqual([]);
      expect(r.code, target).toBe(0);
    }
    writeFileSync(file, stepSameSecurity(stepMethodOverride(stepAccept(stepSchemes(initd)), 'try'), 'create-booking-payment'));
    const traefik = gwc(['build', file, '--target', 'traefik', '--out', out, '--json'], env);
    expect(errorsOf(traefik)).toEqual([]);
    expect(traefik.code).toBe(0);
    expect(unexplained(cfnValidate(readFileSync(path.join(out, 'aws/template.json'), 'utf8'), 'json'))).toEqual([]);
    expect(deckValidate(readFileSync(path.join(out, 'kong/kong.yaml'), 'utf8'))?.ok ?? true).toBe(true);
    expect(traefikValidate(readFileSync(path.join(out, 'traefik/train-travel-api.yml'), 'utf8'))?.ok ?? true).toBe(true);
    expect(readdirSync(path.join(out, 'nginx', 'conf.d'))).toEqual(['train-travel-api.conf']);
    // nginx -t with the two includes where the build's next: line says (main context, http {}).
    const nginxDir = path.join(out, 'nginx');
    mkdirSync(path.join(nginxDir, 'logs'));
    const conf = `load_module ${NJS_MODULE};\ninclude gwc/train-travel-api.main.conf;\npid nginx.pid;\nevents {}\nhttp { include conf.d/train-travel-api.conf; }\n`;
    writeFileSync(path.join(nginxDir, 'nginx.conf'), conf);
    const checked = nginxTest(nginxDir, ['try.microcks.io']);
    expect(checked?.ok ?? true, checked?.output).toBe(true);
  }, 180_000);
});
