/**
 * `gwc diff` on Traefik, middlewares it read as harmless (closing15 "Still open" 8):
 * - Path rewrites: a hand-added `stripPrefix`, `stripPrefixRegex` or `addPrefix` changes the path
 *   the backend is sent (`/v1/pub` -> `/admin/pub`), as gwc's own replacePathRegex does; only
 *   replacePath(Regex) were read (the last one, whatever came before). Now every rewrite, in the
 *   order Traefik runs them (a chain in its own order), is the upstream path: upstream-path-changed.
 * - `errors`: on a status in its ranges Traefik sends a GET for `query` to its service with every
 *   header of the caller's request (customerrors ServeHTTP: `utils.CopyHeaders(pageReq.Header,
 *   req.Header)`; https://doc.traefik.io/traefik/middlewares/http/errorpages/), and answers the
 *   page with the caught status (or a `statusRewrites` one): a 401 of the router's forwardAuth
 *   becomes a page the service serves to a caller the gateway refused, sent his credential. Read
 *   as a step the diff cannot judge (unread-changed), its service by its servers.
 * - `redirectScheme` and a `redirectRegex` that is not gwc's query-name guard (`^([^?]*)\?...` ->
 *   `$1`, the same URL without its query): the caller is sent elsewhere (another host, plain
 *   HTTP, another port) with what the URL carries: unread-changed. gwc's own guard reads as before.
 */
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: tp
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
paths:
  /pub:
    get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} }
  /orders:
    post: { operationId: createOrder, security: [{ fwd: [] }], responses: ${ok} }
components:
  securitySchemes:
    fwd: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'https://auth.internal/check' } } }
`;

type Doc = { http: { routers: Record<string, { rule: string; middlewares?: string[] }>; middlewares: Record<string, Record<string, unknown>>; services: Record<string, unknown> } };
function read(files: OutputFile[]): State {
  const r = readerOf('traefik').reader!.normalise(files, 'deployed');
  if (!r.state) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.state;
}

describe('red team 16, gwc diff Traefik: rewrites, error pages and redirects', async () => {
  const r = await compiledState(writeSpec(SPEC), 'traefik', {});
  const files = r.state!.files!;
  const edit = (change: (d: Doc) => void) =>
    read(files.map((f, i) => {
      if (i !== 0) return f;
      const doc = parse(f.contents) as Doc;
      change(doc);
      return { ...f, contents: stringify(doc) };
    }));
  const built = read(files);
  const sec = (a: State, b: State) => diffStates(a, b).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
  const any = (a: State, b: State) => diffStates(a, b).findings.map((f) => `${f.rule} ${f.key}`);
  /** The release deploying `mutated` (B -> M) and the drift back (M -> B): security one way, a finding the other. */
  const both = (mutated: State) => ({ weaker: sec(built, mutated), back: any(mutated, built), backSec: sec(mutated, built) });
  /** Adds middleware `name` = `m` to `router`, at `at` (default: the end, after gwc's own rewrite). */
  const add = (router: string, name: string, m: Record<string, unknown>, at?: number) => (d: Doc) => {
    d.http.middlewares[name] = m;
    const list = (d.http.routers[router]!.middlewares ??= []);
    list.splice(at ?? list.length, 0, name);
  };

  it('control: the build reads as itself, and gwc\'s own redirect and rewrites are no unread step', () => {
    expect(diffStates(built, edit(() => undefined)).changes).toEqual([]);
    for (const e of built.entities) expect(e.facts?.unread ?? [], e.key).toEqual([]);
  });

  describe('path rewrites: upstream-path-changed', () => {
    it('stripPrefix on the public router', () => {
      const { weaker, backSec } = both(edit(add('tp-pub', 'tp-strip', { stripPrefix: { prefixes: ['/pub'] } })));
      expect(weaker).toContain('upstream-path-changed tp-pub');
      expect(backSec).toContain('upstream-path-changed tp-pub');
    });

    it('stripPrefix before gwc\'s rewrite on the keyed router (the backend path of every request changes)', () => {
      const { weaker } = both(edit(add('tp-createorder', 'tp-strip', { stripPrefix: { prefixes: ['/v1'] } }, 0)));
      expect(weaker).toContain('upstream-path-changed tp-createorder');
    });

    it('stripPrefixRegex', () => {
      const { weaker } = both(edit(add('tp-pub', 'tp-strip', { stripPrefixRegex: { regex: ['/[a-z]+'] } })));
      expect(weaker).toContain('upstream-path-changed tp-pub');
    });

    it('addPrefix /admin: the public route now reaches /admin/pub', () => {
      const { weaker } = both(edit(add('tp-pub', 'tp-admin', { addPrefix: { prefix: '/admin' } })));
      expect(weaker).toContain('upstream-path-changed tp-pub');
    });

    it('replacePath after gwc\'s replacePathRegex (the last one wins on the wire, read as such)', () => {
      const { weaker } = both(edit(add('tp-pub', 'tp-dump', { replacePath: { path: '/admin/dump' } })));
      expect(weaker).toContain('upstream-path-changed tp-pub');
    });

    it('a deployed stripPrefix whose prefix changed', () => {
      const a = edit(add('tp-pub', 'tp-strip', { stripPrefix: { prefixes: ['/pub'] } }));
      const b = edit(add('tp-pub', 'tp-strip', { stripPrefix: { prefixes: ['/p'] } }));
      expect(sec(a, b)).toContain('upstream-path-changed tp-pub');
    });

    it('a chain of addPrefix and stripPrefix reordered (Traefik runs a chain in its order)', () => {
      const chain = (order: string[]) => (d: Doc) => {
        d.http.middlewares['tp-add'] = { addPrefix: { prefix: '/internal' } };
        d.http.middlewares['tp-strip'] = { stripPrefix: { prefixes: ['/internal/pub'] } };
        d.http.middlewares['tp-wrap'] = { chain: { middlewares: order } };
        d.http.routers['tp-pub']!.middlewares!.push('tp-wrap');
      };
      expect(sec(edit(chain(['tp-add', 'tp-strip'])), edit(chain(['tp-strip', 'tp-add'])))).toContain('upstream-path-changed tp-pub');
    });

    it('gwc\'s own rewrite listed twice on the router (each reference rewrites): upstream-path-changed', () => {
      const { weaker } = both(edit((d) => { d.http.routers['tp-pub']!.middlewares!.push('tp-pub-path'); }));
      expect(weaker).toContain('upstream-path-changed tp-pub');
    });

    it('gwc\'s %2F decoding removed reads as the method guard it is, not as a path change (control)', () => {
      const { weaker } = both(edit((d) => { d.http.routers['tp-pub']!.middlewares = d.http.routers['tp-pub']!.middlewares!.filter((m) => m !== 'tp-encoded-slash'); }));
      expect(weaker).toContain('method-override-passed tp-pub');
      expect(weaker).not.toContain('upstream-path-changed tp-pub');
    });
  });

  describe('errors: a refusal answered by another service, sent the caller\'s headers', () => {
    const page = (extra: Record<string, unknown> = {}) => ({ errors: { status: ['401-403'], service: 'tp-app', query: '/internal/{status}', ...extra } });

    it('an errors page for 401-403 before forwardAuth on the keyed router: unread-changed both ways', () => {
      const { weaker, backSec } = both(edit(add('tp-createorder', 'tp-page', page(), 0)));
      expect(weaker).toContain('unread-changed tp-createorder');
      expect(backSec).toContain('unread-changed tp-createorder');
    });

    it('its service re-pointed at another server (the same service name, other servers)', () => {
      const a = edit(add('tp-createorder', 'tp-page', page({ service: 'tp-pages' })));
      const b = edit((d) => {
        add('tp-createorder', 'tp-page', page({ service: 'tp-pages' }))(d);
        d.http.services['tp-pages'] = { loadBalancer: { servers: [{ url: 'http://evil.example:80' }] } };
      });
      expect(sec(a, b)).toContain('unread-changed tp-createorder');
    });

    it('statusRewrites 401 -> 200: unread-changed', () => {
      const a = edit(add('tp-createorder', 'tp-page', page()));
      const b = edit(add('tp-createorder', 'tp-page', page({ statusRewrites: { '401': 200 } })));
      expect(sec(a, b)).toContain('unread-changed tp-createorder');
    });

    it('its status ranges widened to 400-499: unread-changed', () => {
      const a = edit(add('tp-createorder', 'tp-page', page({ status: ['404'] })));
      const b = edit(add('tp-createorder', 'tp-page', page({ status: ['400-499'] })));
      expect(sec(a, b)).toContain('unread-changed tp-createorder');
    });
  });

  describe('redirects: the caller sent elsewhere', () => {
    it('redirectScheme to http (a downgrade) on the keyed router: unread-changed both ways', () => {
      const { weaker, backSec } = both(edit(add('tp-createorder', 'tp-down', { redirectScheme: { scheme: 'http', port: '8080' } }, 0)));
      expect(weaker).toContain('unread-changed tp-createorder');
      expect(backSec).toContain('unread-changed tp-createorder');
    });

    it('a redirectRegex to another host on the public router: unread-changed both ways', () => {
      const { weaker, backSec } = both(edit(add('tp-pub', 'tp-away', { redirectRegex: { regex: '^https://api\\.example\\.com/(.*)', replacement: 'https://evil.example/$1' } }, 0)));
      expect(weaker).toContain('unread-changed tp-pub');
      expect(backSec).toContain('unread-changed tp-pub');
    });

    it('gwc\'s query-name redirect re-pointed at another host: security', () => {
      const { weaker } = both(edit((d) => { (d.http.middlewares['tp-query-names']!.redirectRegex as { replacement: string }).replacement = 'https://evil.example$1'; }));
      expect(weaker).toContain('unread-changed tp-createorder');
    });
  });

  describe('TCP routers (read as routes since red team 14: taken before every HTTP router)', () => {
    const tcp = (rule: string, server: string) => (d: Doc) => {
      (d as unknown as Record<string, unknown>).tcp = { routers: { raw: { rule, service: 'raw' } }, services: { raw: { loadBalancer: { servers: [{ address: server }] } } } };
    };
    it('HostSNI of the API host widened to any host: host-widened', () => {
      expect(sec(edit(tcp('HostSNI(`api.example.com`)', 'app.internal:8080')), edit(tcp('HostSNI(`*`)', 'app.internal:8080')))).toContain('host-widened raw');
    });
    it('its service re-pointed: backend-changed', () => {
      expect(sec(edit(tcp('HostSNI(`*`)', 'app.internal:8080')), edit(tcp('HostSNI(`*`)', 'admin.internal:9000')))).toContain('backend-changed raw');
    });
    it('removed by the release (drift back): route-removed, breaking', () => {
      expect(any(edit(tcp('HostSNI(`*`)', 'app.internal:8080')), built)).toContain('route-removed raw');
    });
  });

  describe('other built-ins that were read as letting no caller in', () => {
    it('passTLSClientCert after gwc\'s clears: the backend is sent a client certificate header gwc blanks (identity): unread-changed', () => {
      const { weaker, backSec } = both(edit(add('tp-createorder', 'tp-cert', { passTLSClientCert: { pem: true } })));
      expect(weaker).toContain('unread-changed tp-createorder');
      expect(backSec).toContain('unread-changed tp-createorder');
    });

    it('grpcWeb allowing every origin (a browser on any site may call the route): unread-changed', () => {
      const { weaker } = both(edit(add('tp-pub', 'tp-grpc', { grpcWeb: { allowOrigins: ['*'] } })));
      expect(weaker).toContain('unread-changed tp-pub');
    });

    it('an inFlightReq cap removed from the deployed router: rate-limit-raised (as a connection cap)', () => {
      const capped = edit(add('tp-pub', 'tp-cap', { inFlightReq: { amount: 10 } }));
      expect(sec(capped, built)).toContain('rate-limit-raised tp-pub');
      expect(sec(capped, edit(add('tp-pub', 'tp-cap', { inFlightReq: { amount: 100 } })))).toContain('rate-limit-raised tp-pub');
    });
  });
});
