/**
 * `gwc diff` (Traefik) reads what it used to pass over (DIFF6, closing the reader's last blind spots):
 * - a TCP router's own middlewares (https://doc.traefik.io/traefik/middlewares/tcp/overview/): its
 *   `ipAllowList` removed let every address pipe to the backend and read as no change; it stays a
 *   public route whatever its middlewares (TCP has no auth: fail-safe), `inFlightConn` is a
 *   connection cap per address, any other type or another provider's middleware unread-changed;
 * - inFlightReq's sourceCriterion (https://doc.traefik.io/traefik/middlewares/http/inflightreq/):
 *   the cap counted per request host (default: one cap for every caller), per address, or per value
 *   of a header the client writes (a fresh cap per value) was one number to the diff;
 * - the value of a request header the spec sets (customRequestHeaders `X-Env: prod` made `dev`:
 *   the backend trusts it) was read by name only.
 * Each reading is compared both ways: a security finding for the weaker side, a finding back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { State } from '../../src/diff/entity.js';
import { readerOf } from '../../src/diff/run.js';
import { diffStates, type Plan } from '../../src/diff/plan.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { build } from './helpers/diff-coverage.js';

type Doc = Record<string, unknown> & { http: { routers: Record<string, { middlewares?: string[] }>; middlewares: Record<string, Record<string, unknown>> } };

const security = (p: Plan) => p.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);

describe('gwc diff (Traefik): TCP router middlewares, inFlightReq sourceCriterion, a set header value', () => {
  let files: OutputFile[];
  let built: State;
  beforeAll(async () => {
    ({ files, built } = await build('traefik'));
  }, 300_000);
  const read = (edit: (d: Doc) => void): State => {
    const d = parse(files[0]!.contents) as Doc;
    edit(d);
    return readerOf('traefik').reader!.normalise([{ ...files[0]!, contents: stringify(d) }], 'edited').state!;
  };
  /** Both ways between two deployed states: `weaker` must hold a security finding one way, a finding the other. */
  const both = (stronger: State, weaker: State) => ({ release: diffStates(stronger, weaker), repair: diffStates(weaker, stronger) });

  const tcp = (middlewares?: Record<string, unknown>) => (d: Doc) => {
    d.tcp = {
      routers: { pipe: { rule: 'HostSNI(`*`)', service: 'pipe', ...(middlewares ? { middlewares: Object.keys(middlewares) } : {}) } },
      services: { pipe: { loadBalancer: { servers: [{ address: 'app.internal:8080' }] } } },
      ...(middlewares ? { middlewares } : {}),
    };
  };

  it('a TCP router behind an ipAllowList is still a public route when added (fail-safe)', () => {
    const plan = diffStates(built, read(tcp({ office: { ipAllowList: { sourceRange: ['10.0.0.0/8'] } } })));
    expect(security(plan)).toContain('route-public pipe');
  });

  it("a TCP router's ipAllowList removed: ip-widened, and ip-narrowed back", () => {
    const { release, repair } = both(read(tcp({ office: { ipAllowList: { sourceRange: ['10.0.0.0/8'] } } })), read(tcp()));
    expect(security(release)).toContain('ip-widened pipe');
    expect(repair.findings.map((f) => f.rule)).toContain('ip-narrowed');
  });

  it("a TCP router's ipAllowList widened: ip-widened", () => {
    const { release } = both(read(tcp({ office: { ipAllowList: { sourceRange: ['10.0.0.0/8'] } } })), read(tcp({ office: { ipAllowList: { sourceRange: ['0.0.0.0/0'] } } })));
    expect(security(release)).toContain('ip-widened pipe');
  });

  it("a TCP router's inFlightConn raised or removed: rate-limit-raised", () => {
    const capped = read(tcp({ cap: { inFlightConn: { amount: 5 } } }));
    expect(security(both(capped, read(tcp({ cap: { inFlightConn: { amount: 500 } } }))).release)).toContain('rate-limit-raised pipe');
    expect(security(both(capped, read(tcp())).release)).toContain('rate-limit-raised pipe');
  });

  it('a TCP middleware of a type the reader does not know, or of another provider, is unread-changed', () => {
    const plain = read(tcp());
    expect(security(both(plain, read(tcp({ odd: { someFutureType: { x: 1 } } }))).release)).toContain('unread-changed pipe');
    const other = read((d) => {
      tcp()(d);
      (d.tcp as { routers: { pipe: { middlewares?: string[] } } }).routers.pipe.middlewares = ['allow@kubernetescrd'];
    });
    expect(security(both(plain, other).release)).toContain('unread-changed pipe');
  });

  const inflight = (sourceCriterion?: Record<string, unknown>) => (d: Doc) => {
    d.http.middlewares['cov-hand-inflight'] = { inFlightReq: { amount: 10, ...(sourceCriterion ? { sourceCriterion } : {}) } };
    (d.http.routers['cov-getkeys']!.middlewares ??= []).unshift('cov-hand-inflight');
  };

  it('inFlightReq counted per request host (default) made per address or per client header: rate-limit-key-changed both ways', () => {
    const host = read(inflight());
    expect(read(inflight({ requestHost: true })).entities.find((e) => e.key === 'cov-getkeys')?.facts?.connectionLimitKey).toBe('host');
    for (const other of [{ ipStrategy: {} }, { ipStrategy: { depth: 1 } }, { requestHeaderName: 'X-Tenant' }]) {
      const { release, repair } = both(host, read(inflight(other)));
      expect(security(release), JSON.stringify(other)).toContain('rate-limit-key-changed cov-getkeys');
      expect(security(repair), JSON.stringify(other)).toContain('rate-limit-key-changed cov-getkeys');
    }
  });

  it('control: the same inFlightReq written twice reads the same', () => {
    expect(both(read(inflight()), read(inflight({ requestHost: true }))).release.findings).toEqual([]);
  });

  it("the spec's own header value changed (customRequestHeaders X-Env: prod made dev): request-header-value-changed both ways", () => {
    const doc = parse(files[0]!.contents) as Doc;
    const holder = Object.entries(doc.http.middlewares).find(([, m]) => (m.headers as { customRequestHeaders?: Record<string, string> } | undefined)?.customRequestHeaders?.['X-Env'] === 'prod')?.[0];
    expect(holder, 'the build sets X-Env: prod').toBeDefined();
    const dev = read((d) => ((d.http.middlewares[holder!]!.headers as { customRequestHeaders: Record<string, string> }).customRequestHeaders['X-Env'] = 'dev'));
    const { release, repair } = both(built, dev);
    expect(security(release)).toContain('request-header-value-changed cov-getkeys');
    expect(security(repair)).toContain('request-header-value-changed cov-getkeys');
  });
});
