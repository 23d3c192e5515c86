/**
 * FWD21: `gwc diff --deployed` reads the trusted-proxy scheme of nginx's own-origin check
 * (x-gateway.trustedProxies: templates.ts `<gw>_proxy` geo, `<gw>_scheme` map) as guards. A deployed
 * copy whose trusted range was widened, whose geo reads `$remote_addr` (a realip rewrite: the
 * client's own X-Forwarded-For), whose scheme map believes any address or any word, or whose
 * `_xsite` key reads the client's X-Forwarded-Proto directly, is a security finding towards it.
 */
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import { diffState } from '../helpers/diff-edits.js';

const SPEC = `openapi: 3.1.0
info: { title: fwd21 trusted proxy diff, version: "1" }
servers: [{ url: "https://api.example.com/v1" }]
x-gateway:
  name: fwd21d
  trustedProxies: [10.1.0.0/16]
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
paths:
  /feed:
    get: { operationId: feed, security: [{ sid: [] }], x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } }
components:
  securitySchemes:
    sid: { type: apiKey, in: cookie, name: sid }
`;

describe('FWD21: gwc diff reads the nginx trusted-proxy scheme as guards', async () => {
  const files = (await diffState(SPEC, 'nginx')).files!;
  const reader = readerOf('nginx').reader!;
  const read = (fs: typeof files) => reader.normalise(fs, 'files').state!;
  const edit = (re: RegExp, to: string) => {
    const edited = files.map((f) => ({ ...f, contents: f.contents.replace(re, to) }));
    expect(edited.some((f, i) => f.contents !== files[i]!.contents), String(re)).toBe(true);
    return edited;
  };
  const security = (a: typeof files, b: typeof files) => diffStates(read(a), read(b)).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
  const all = (a: typeof files, b: typeof files) => diffStates(read(a), read(b)).findings.map((f) => `${f.rule} ${f.key}`);

  it('the build writes the geo and the scheme map, and reads as itself: no finding', () => {
    const text = files.map((f) => f.contents).join('\n');
    expect(text).toContain('geo $realip_remote_addr $gwc_fwd21d_proxy {\n    default 0;\n    "10.1.0.0/16" 1;\n}');
    expect(text).toContain('map "$gwc_fwd21d_scheme|$http_origin|$http_host" $gwc_fwd21d_xsite {');
    expect(all(files, files)).toEqual([]);
  });

  const EDITS: Array<[string, RegExp, string]> = [
    ['a trusted range widened', /"10\.1\.0\.0\/16" 1;/, '"10.0.0.0/8" 1;'],
    ['a trusted range added', /("10\.1\.0\.0\/16" 1;\n)/, '$1    0.0.0.0/1 1;\n'],
    ['the geo default trusts everyone', /(\$gwc_fwd21d_proxy \{\n\s*default) 0;/, '$1 1;'],
    ['the geo reads $remote_addr (a realip rewrite)', /geo \$realip_remote_addr/, 'geo $remote_addr'],
    ['the scheme map believes any address', /"~\*\^1\[\|\]https\$" https;/, '"~*[|]https$" https;'],
    ['the scheme map takes any word', /"~\*\^1\[\|\]http\$" http;/, '"~*^1[|](.*)$" $1;'],
    ['the _xsite key reads the client header', /map "\$gwc_fwd21d_scheme\|\$http_origin/, 'map "$http_x_forwarded_proto|$http_origin'],
  ];
  it.each(EDITS)('loosened by hand (%s): security finding towards it, a finding back', (_name, re, to) => {
    const weaker = edit(re, to);
    expect(security(files, weaker), `towards: ${all(files, weaker).join('; ')}`).not.toEqual([]);
    expect(all(weaker, files), 'back').not.toEqual([]);
  });
});
