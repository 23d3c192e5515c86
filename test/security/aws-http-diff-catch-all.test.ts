/**
 * `gwc diff` for the AWS HTTP API (DESIGN.md 7.8), the class red team 14 found in the REST reader
 * (redteam14-diff-aws-any-method: an ANY method read as answer-only). gwc never writes an `ANY`,
 * `$default` or greedy `{proxy+}` route (redteam-aws-http: "no $default route ... is ever written"),
 * but a deployed HTTP API may gain one by hand, and API Gateway matches it where no declared route
 * does: `ANY /jwt` answers POST/PUT/DELETE on the keyed /jwt path, `$default` every request no route
 * matches, `ANY /{proxy+}` every path below, each sent to the keyed route's integration with no
 * authorizer (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html).
 * Each must read as a security change both ways (a new public way in; its removal the drift back).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { build, HTTP } from './helpers/aws-coverage.js';
import { judge } from './helpers/diff-coverage.js';

type Doc = { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };

describe('gwc diff (AWS HTTP API): a catch-all route added by hand to a deployed API', () => {
  let files: OutputFile[];
  let built: State;
  let file: OutputFile;
  beforeAll(async () => {
    ({ files, built } = await build(HTTP, { api: 'http' }));
    file = files.find((f) => f.path.endsWith('.json'))!;
  }, 300_000);
  const verdict = (routeKey: string, auth: 'NONE' | 'same') => {
    const d = JSON.parse(file.contents) as Doc;
    const [, jwt] = Object.entries(d.Resources).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.RouteKey === 'GET /jwt')!;
    const props: Record<string, unknown> = auth === 'NONE' ? { ...jwt.Properties, RouteKey: routeKey, AuthorizationType: 'NONE' } : { ...jwt.Properties, RouteKey: routeKey };
    if (auth === 'NONE') {
      delete props.AuthorizerId;
      delete props.AuthorizationScopes;
    }
    d.Resources.RouteByHand = { Type: 'AWS::ApiGatewayV2::Route', Properties: props };
    const m = { at: routeKey, sig: `route: ${routeKey}`, what: 'add', files: files.map((f) => (f === file ? { ...f, contents: JSON.stringify(d) } : f)) };
    return judge('aws', built, m, [], []);
  };

  it.each(['ANY /jwt', 'POST /jwt', '$default', 'ANY /{proxy+}', 'ANY /jwt/{proxy+}'])('%s with no authorizer, to the keyed route\'s integration, is a security finding', (key) => {
    const v = verdict(key, 'NONE');
    expect(v.result, v.detail).toBe('covered');
  });

  // The keyed route's own key edited in place (the console's "edit route"): the same authorizer and
  // scopes, but every method of the path (ANY), or every path ($default, {proxy+}), reaches the backend.
  const edited = (routeKey: string) => {
    const d = JSON.parse(file.contents) as Doc;
    const [, jwt] = Object.entries(d.Resources).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.RouteKey === 'GET /jwt')!;
    jwt.Properties.RouteKey = routeKey;
    const m = { at: routeKey, sig: `route key: ${routeKey}`, what: 'edit', files: files.map((f) => (f === file ? { ...f, contents: JSON.stringify(d) } : f)) };
    return judge('aws', built, m, [], []);
  };
  it.each(['ANY /jwt', '$default', 'ANY /{proxy+}', 'GET /jwt/{proxy+}'])('GET /jwt edited to %s behind the same authorizer: route-widened, a security finding', (key) => {
    const v = edited(key);
    expect(v.result, v.detail).toBe('covered');
  });

  it('control: GET /jwt edited to POST /jwt is a change (another method), not silence', () => {
    expect(edited('POST /jwt').result).not.toBe('unchanged');
  });
});
