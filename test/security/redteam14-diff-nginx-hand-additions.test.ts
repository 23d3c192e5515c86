/**
 * Red team 14, `gwc diff` for nginx (DESIGN.md 7.8): a deployed configuration weakened by a
 * directive ADDED by hand that gwc never writes (diff-coverage-nginx mutates only the lines gwc
 * wrote, plus two hand edits: mTLS, `satisfy any`). Each case below reads as no security change
 * either way (judge: 'blind'), while the gateway it describes admits more, counts less or tells the
 * backend what the client chose. Checked on real nginx 1.22 (by hand, /tmp): two proxy_set_header
 * lines of one name are BOTH sent (PHP, Rack read the last, Node joins "alice, admin"); of two
 * servers with one server_name on an address the FIRST serves every request ("conflicting server
 * name ..., ignored" is a warning, nginx -t succeeds).
 *
 * Mechanisms (fix class: read these directives as facts, or refuse the deployed copy):
 * - `limit_req_dry_run on` / `limit_conn_dry_run on` (nginx >= 1.17.1 / 1.17.6): the zone counts
 *   but never refuses; the reader keeps the limit as enforced (rate-limit-raised expected).
 * - a second `proxy_set_header` of a name gwc sets or clears (X-Consumer, the hidden x-api-key)
 *   valued from the client: the reader keeps gwc's line (request-header-passed /
 *   credentials-forwarded expected).
 * - a server block with gwc's server_name earlier on the address: nginx serves it, gwc's server is
 *   dead, every route of it answers as that server says (route-public / auth-removed expected).
 * - `proxy_ignore_headers Set-Cookie Cache-Control` in a cached route: answers the backend marked
 *   private or that set a session cookie are stored and served to the next caller of the key
 *   (cache-on-authenticated or a cache fact expected).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { nginxAddition } from '../helpers/diff-mutations.js';
import { build, judge } from './helpers/diff-coverage.js';

describe('red team 14: gwc diff (nginx) and directives added by hand', () => {
  let files: OutputFile[];
  let built: State;
  beforeAll(async () => {
    ({ files, built } = await build('nginx'));
  }, 300_000);
  const verdict = (after: RegExp, lines: string[], sig: string) => judge('nginx', built, nginxAddition(files, after, lines, sig), [], []);

  it('control: `satisfy any` added to the IP-ruled route is a security finding', () => {
    const v = verdict(/ *set \$gwc_cov_route \d+;(?=(?:\n(?! *location).*)*?\n *allow 10\.0\.0\.0\/8;)/, ['        satisfy any;'], 'satisfy any');
    expect(v.result).toBe('covered');
  });

  it('limit_req_dry_run on (the limit counts, never refuses) is a security finding', () => {
    const v = verdict(/ *limit_req zone=gwc_cov_rl\d+ burst=\d+ nodelay;/, ['        limit_req_dry_run on;'], 'limit_req_dry_run');
    expect(v.result, v.detail).toBe('covered');
  });

  it('limit_conn_dry_run on (the WebSocket connection limit never refuses) is a security finding', () => {
    const v = verdict(/ *limit_conn gwc_cov_\w+ \d+;/, ['        limit_conn_dry_run on;'], 'limit_conn_dry_run');
    expect(v.result, v.detail).toBe('covered');
  });

  it("a second proxy_set_header X-Consumer from the client's header is a security finding", () => {
    const v = verdict(/ *proxy_set_header X-Consumer \$gwc_cov_id_consumer;/, ['        proxy_set_header X-Consumer $http_x_consumer;'], 'dup X-Consumer');
    expect(v.result, v.detail).toBe('covered');
  });

  it('a second proxy_set_header passing the hidden x-api-key on is a security finding', () => {
    const v = verdict(/ *proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/, ['        proxy_set_header X-Api-Key $http_x_api_key;'], 'dup x-api-key');
    expect(v.result, v.detail).toBe('covered');
  });

  it("an earlier server with gwc's server_name (nginx serves the first) is a security finding", () => {
    const v = verdict(/^\s*proxy_cache_path [^\n]*;/m, ['server { listen 80; server_name "api.cov.example.com"; location / { proxy_pass http://10.0.0.1; } }'], 'shadow server');
    expect(v.result, v.detail).toBe('covered');
  });

  it('proxy_ignore_headers Set-Cookie Cache-Control on a cached route is a security finding', () => {
    const v = verdict(/ *proxy_cache gwc_cov_cache;/, ['        proxy_ignore_headers Set-Cookie Cache-Control;'], 'ignore private');
    expect(v.result, v.detail).toBe('covered');
  });
});
