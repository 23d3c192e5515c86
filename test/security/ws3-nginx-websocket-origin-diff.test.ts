/**
 * WS3 (REV18): `gwc diff --deployed` reads gwc's cross-site WebSocket refusals on nginx as guards.
 * A deployed copy whose `<cors>_foreign` / `<cors>_ws` map (a listed-origin websocket route,
 * 4f9c735) or `_xsite` / `_xsite_ws` map (a route no other site may call, websocket-origin.ts
 * `same`) was loosened by hand, or whose route `if (...) { return 403; }` was dropped, must be a
 * security finding for the release that keeps it (gwc writes the guard back) read the other way:
 * the diff from the deployed (weaker) copy to the build is a finding, and from the build to the
 * weaker copy a security finding.
 */
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import { diffState } from '../helpers/diff-edits.js';

const SPEC = `openapi: 3.1.0
info: { title: ws3 origin diff, version: "1" }
servers: [{ url: "https://api.example.com/v1" }]
x-gateway:
  name: ws3d
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
paths:
  /feed:
    get: { operationId: feed, security: [{ sid: [] }], x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } }
  /app:
    get: { operationId: app, security: [{ sid: [] }], x-gateway: { websocket: true, cors: { origins: ["https://app.test"], credentials: true } }, responses: { "101": { description: upgraded } } }
components:
  securitySchemes:
    sid: { type: apiKey, in: cookie, name: sid }
`;

describe('WS3: gwc diff reads the nginx cross-site WebSocket refusals as guards', async () => {
  const files = (await diffState(SPEC, 'nginx')).files!;
  const reader = readerOf('nginx').reader!;
  const read = (fs: typeof files) => reader.normalise(fs, 'files').state!;
  const loosen = (re: RegExp, to: string) => {
    const edited = files.map((f) => ({ ...f, contents: f.contents.replace(re, to) }));
    expect(edited.some((f, i) => f.contents !== files[i]!.contents), String(re)).toBe(true);
    return edited;
  };
  const security = (a: typeof files, b: typeof files) => diffStates(read(a), read(b)).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
  const all = (a: typeof files, b: typeof files) => diffStates(read(a), read(b)).findings.map((f) => `${f.rule} ${f.key}`);

  it('the build reads as itself: no finding', () => {
    expect(all(files, files)).toEqual([]);
  });

  const EDITS: Array<[string, RegExp, string]> = [
    ['_foreign default 1 -> ""', /(map \$http_origin \$gwc_ws3d_cors\d+_foreign \{[^}]*default) 1;/, '$1 "";'],
    ['_foreign gains an origin', /(map \$http_origin \$gwc_ws3d_cors\d+_foreign \{\n)/, '$1    "~^https://evil\\.test$" "";\n'],
    ['_ws default -> ""', /(map \$http_upgrade \$gwc_ws3d_cors\d+_ws \{[^}]*default) \$gwc_ws3d_cors\d+_foreign;/, '$1 "";'],
    ['the route if on _cors_ws dropped', /\n\s*if \(\$gwc_ws3d_cors\d+_ws\) \{\n\s*return 403;\n\s*\}/, ''],
    ['_xsite default 1 -> ""', /(map "\$scheme\|\$http_origin\|\$http_host" \$gwc_ws3d_xsite \{[^}]*default) 1;/, '$1 "";'],
    ['_xsite same-host entry widened to any origin', /"~\*\^\(\[a-z\]\+\)\[\|\]\\1:\/\/\(\[\^\/\|@\]\+\)\[\|\]\\2\$" "";/, '"~." "";'],
    // NGX8: the scheme no longer compared (an http page upgrading on the TLS listener).
    ['_xsite same-scheme entry loosened to any scheme', /"~\*\^\(\[a-z\]\+\)\[\|\]\\1:\/\//, '"~*^([a-z]+)[|][a-z]+://'],
    ['_xsite https default-port entry widened to any Host', /\[\|\]\\1\(\?::443\)\?\$"/, '[|].*$"'],
    ['_xsite_ws default -> ""', /(map \$http_upgrade \$gwc_ws3d_xsite_ws \{[^}]*default) \$gwc_ws3d_xsite;/, '$1 "";'],
    ['the route if on _xsite_ws dropped', /\n\s*if \(\$gwc_ws3d_xsite_ws\) \{\n\s*return 403;\n\s*\}/, ''],
  ];
  it.each(EDITS)('loosened by hand (%s): security finding towards it, a finding back', (_name, re, to) => {
    const weaker = loosen(re, to);
    expect(security(files, weaker), `towards: ${all(files, weaker).join("; ")}`).not.toEqual([]);
    expect(all(weaker, files), "back").not.toEqual([]);
  });
});
