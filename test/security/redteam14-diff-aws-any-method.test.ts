/**
 * Red team 14, `gwc diff` for AWS REST (DESIGN.md 7.8): gwc writes `x-amazon-apigateway-any-method`
 * on every path as a 405 mock (body.ts methodNotAllowed), and the deployed reader takes that key as
 * answer-only whatever it holds (deployed-template.ts ANSWER_ONLY = options + any-method: no route
 * facts). A hand edit that gives the ANY method of `/admin` an http_proxy integration with
 * `security: []` (the console's "ANY" on the resource, proxying to the backend) lets every method
 * but the declared GET (POST, PUT, DELETE, PATCH, HEAD) reach the backend's /admin with no key:
 * API Gateway matches a declared method before ANY, and ANY answers the rest. Read as no security
 * change either way (route-public / route-widened expected). The same edit on `options` is found
 * (control), so only the ANY key is blind.
 * Fix class: read ANY (and options) as answer-only only while their integration is a mock; any
 * other integration is a route of its own (methods: every one not declared). Fixed: deployed-template.ts
 * answersOnly (a mock only).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { build, REST } from './helpers/aws-coverage.js';
import { judge } from './helpers/diff-coverage.js';

type Item = Record<string, { security?: unknown[]; 'x-amazon-apigateway-integration'?: Record<string, unknown> } | undefined>;
type Doc = { Resources: Record<string, { Type: string; Properties: { Body: { paths: Record<string, Item> } } }> };

describe('red team 14: gwc diff (AWS REST) and an ANY method proxied by hand', () => {
  let files: OutputFile[];
  let built: State;
  let file: OutputFile;
  beforeAll(async () => {
    ({ files, built } = await build(REST, {}));
    file = files.find((f) => f.path.endsWith('.json'))!;
  }, 300_000);
  const verdict = (sig: string, key: string) => {
    const d = JSON.parse(file.contents) as Doc;
    const api = Object.values(d.Resources).find((r) => r.Type === 'AWS::ApiGateway::RestApi')!;
    const item = api.Properties.Body.paths['/admin']!;
    expect(item.get!.security).toEqual([{ apiKey: [] }]);
    item[key] = { security: [], 'x-amazon-apigateway-integration': { ...item.get!['x-amazon-apigateway-integration'], httpMethod: key === 'options' ? 'OPTIONS' : 'ANY' } };
    const m = { at: sig, sig, what: 'add', files: files.map((f) => (f === file ? { ...f, contents: JSON.stringify(d) } : f)) };
    return judge('aws', built, m, [], []);
  };

  it("control: /admin's OPTIONS made an unauthenticated http_proxy is a security finding", () => {
    expect(verdict('options', 'options').result).toBe('covered');
  });

  it("/admin's ANY method made an unauthenticated http_proxy (POST/PUT/DELETE reach the backend keyless) is a security finding", () => {
    const v = verdict('any', 'x-amazon-apigateway-any-method');
    expect(v.result, v.detail).toBe('covered');
  });
});
