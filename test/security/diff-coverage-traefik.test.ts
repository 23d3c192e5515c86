/**
 * `gwc diff` coverage for traefik (DESIGN.md 7.8): every setting gwc writes, weakened, is a security
 * finding one way and a finding the other. The check itself: ./helpers/diff-coverage.ts.
 */
import { describe, expect, it } from 'vitest';
import { diffDeployed } from '../../src/diff/run.js';
import type { Plan } from '../../src/diff/plan.js';
import { ANSWER_ONLY, build, DEFAULT, deployed, describeCoverage, NOT_A_VALUE, NOT_ACCESS, richSpec, type Allowed, type KnownGap } from './helpers/diff-coverage.js';
import { writeSpec } from '../helpers/spec.js';

const ORDER = 'the order among routes answering one path: src/diff/precedence.ts compares which route takes each sampled request and reports a change of taker (test/security/redteam-diff-precedence.test.ts attacks it per target); in this build no two routes of different operations answer one path, so the number decides nothing';

/** Mutations that do not weaken access control, each with its reason. */
const ALLOWED: readonly Allowed[] = [
  // The svc scheme's basicAuth keeps Authorization for its service (removeHeader: false, Traefik's default).
  [/^http\.middlewares\.\*\.basicAuth\.removeHeader$/, /remove/, DEFAULT, /cov-auth-svc\./],
  [/^http\.routers\.\*\.priority$/, /./, ORDER],
  [/^http\.routers\.\*/, /./, ANSWER_ONLY, /-(other-methods|preflight)(\.|$)(?!middlewares\[)/],
  [/^http\.middlewares\.\*\.ipAllowList/, /./, ANSWER_ONLY, /method-not-allowed/],
  [/^http\.middlewares\.\*$/, /remove/, ANSWER_ONLY, /-allow$|method-not-allowed$/],
  [/^http\.routers\.\*$/, /remove/, 'a router removed answers 404, or a remaining router answers its path (fallThrough compares it)'],
  [/\.middlewares$/, /widen/, NOT_A_VALUE],
  [/headers\.(customResponseHeaders|accessControlMaxAge|addVaryHeader)/, /./, NOT_ACCESS],
  [/redirectRegex\.permanent$/, /./, NOT_ACCESS],
  [/ipStrategy\.depth$/, /remove/, DEFAULT],
  [/ipAllowList\.rejectStatusCode$/, /./, NOT_ACCESS],
  [/serversTransports\.\*\.forwardingTimeouts/, /./, NOT_ACCESS],
  [/serversTransports\.\*\.insecureSkipVerify$/, /remove/, DEFAULT],
  [/^http\.serversTransports(\.\*)?$/, /remove/, 'a service naming a transport that is not there is refused by Traefik (closed); one without a transport is read with the default (verified)'],
  [/loadBalancer\.serversTransport$/, /./, 'a transport that is not there: Traefik refuses the service (closed); on a plain HTTP service none applies'],
  [/basicAuth\.(headerField|realm)$/, /./, 'the header Traefik names the verified user in (cleared before, so a removed one reaches the backend empty) and the prompt text'],
  [/forwardAuth\.trustForwardHeader$/, /remove/, DEFAULT],
  [/^http\.middlewares\.\*\.headers$/, /remove/, ANSWER_ONLY, /-allow\.headers$/],
  [/headers\.customRequestHeaders\./, /change/, 'a header the gateway clears given a value: still the gateway\'s, the client\'s never reaches the backend (a value on a gateway-decided header is unread-changed; the spec\'s own value changed is request-header-value-changed, covered)'],
];

/**
 * Holes the suite finds that are not fixed (it.fails): [target, sig, mutation, mechanism]. None:
 * router `priority` is read as route precedence (src/diff/precedence.ts), `tls.options` by the
 * contents of the set it names (deployed-client-tls.ts).
 */
const KNOWN_GAPS: readonly KnownGap[] = [];


describeCoverage('traefik', ALLOWED, KNOWN_GAPS);

// ---- drift: the deployed copy loosened by hand while the spec did not change -------------------

/**
 * What `gwc diff --deployed` says of a gateway loosened outside gwc (DESIGN.md 7.8, src/diff/README.md
 * "Drift"): the release puts the setting back, a `tightened` finding (breaking: a caller relying on
 * the loosened setting may fail) naming the security rule it undoes, and no security finding, so
 * `--fail-on security` never blocks the release that repairs it. A release whose spec adopts the
 * loosened setting changes nothing on the gateway: `--deployed` shows no change there, and the
 * weakening is the spec's, shown by `--base` (both sides compiled) as a security finding.
 */
describe('gwc diff --deployed: drift, the deployed gateway weaker than the unchanged spec', () => {
  const spec = (t: 'kong' | 'nginx' | 'traefik') => writeSpec(richSpec(t));
  const findings = (p: Plan | undefined) => (p?.findings ?? []).map((f) => `${f.class} ${f.rule}${f.undoes ? ` undoes ${f.undoes}` : ''} ${f.key}`);

  it('traefik: trustForwardHeader set true by hand (gwc always writes false): tightened, undoes request-header-passed', async () => {
    const file = spec('traefik');
    const { files } = await build('traefik');
    const where = deployed('traefik', files, (f) => f.contents.replace(/trustForwardHeader: false/g, 'trustForwardHeader: true'));
    const r = await diffDeployed(file, { target: 'traefik', deployed: where });
    expect(findings(r.plan)).toContain('breaking tightened undoes request-header-passed cov-getfwd');
    expect(findings(r.plan).filter((f) => f.startsWith('security'))).toEqual([]);
  });
});
