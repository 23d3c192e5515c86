/**
 * WS3, Traefik: `gwc diff` reads the own-origin upgrade guard (routes.ts upgradeGuard, upgrade.ts
 * sameOriginGuard) and the cors one (originGuard) as header guards of the router
 * (deployed-exclusions.ts): a deployed copy without it, or with a regex that lets another origin
 * through, is a security finding (request-header-passed: another site's page upgrades with the
 * user's credentials) one way, and the release putting a removed one back is no security finding (a
 * changed regex is the old one lost, both ways: the reader compares no regex languages).
 */
import { describe, expect, it } from 'vitest';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates, type Plan } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { notAnyRegex } from '../../src/targets/traefik/upgrade.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const SPEC = `${HEAD}servers: [{ url: 'https://api.example.com/v1' }]
x-gateway:
  name: ws3d
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:ALICE_PW}' } } }
paths:
  /room: { get: { operationId: room, security: [{ basic: [] }], x-gateway: { websocket: true }, responses: { '101': { description: upgraded } } } }
  /feed: { get: { operationId: feed, security: [{ basic: [] }], x-gateway: { websocket: true, cors: { origins: ['https://app.test'], credentials: true } }, responses: { '101': { description: upgraded } } } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;

const OWN = notAnyRegex(['https://api.example.com']);
const LISTED = notAnyRegex(['https://app.test'], false);
const security = (p: Plan) => p.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);

describe('WS3, traefik: gwc diff reads the upgrade origin guards', async () => {
  process.env.ALICE_PW = 'pw-alice';
  const r = await compiledState(writeSpec(SPEC), 'traefik', {});
  const files = r.state!.files!;
  const reader = readerOf('traefik').reader!;
  const built = reader.normalise(files, 'built').state!;
  const edited = (from: string, to: string): State => {
    const out: OutputFile[] = files.map((f) => {
      if (!/\.ya?ml$/.test(f.path)) return f;
      if (!f.contents.includes(from)) throw new Error(`no ${from}`);
      return { ...f, contents: f.contents.split(from).join(to) };
    });
    return reader.normalise(out, 'deployed').state!;
  };
  const guard = (re: string) => ` && !(HeaderRegexp(\`Upgrade\`, \`.\`) && HeaderRegexp(\`Origin\`, \`${re.replace(/\\/g, '\\\\')}\`))`;

  it('the build holds both guards; the same build deployed is no change', () => {
    expect(files.some((f) => f.contents.includes(guard(OWN)))).toBe(true);
    // The cors list's complement, exact (TRF21: a second Origin line or an empty one is not listed).
    expect(files.some((f) => f.contents.includes(guard(LISTED)))).toBe(true);
    const p = diffStates(built, built);
    expect(p.findings).toEqual([]);
  });

  it('the own-origin guard removed, or loosened to let another origin through: security, request-header-passed on the room router; removed and put back: no security finding', () => {
    for (const [name, to] of [
      ['removed', ''],
      ['evil.test added', guard(notAnyRegex(['https://api.example.com', 'https://evil.test']))],
      ['only null refused', guard('^null$')],
    ] as const) {
      const weaker = edited(guard(OWN), to);
      expect(security(diffStates(built, weaker)), name).toContain('request-header-passed ws3d-room');
      // Put back: a guard added is no loss; a changed regex reads as the old one lost either way
      // (the reader does not compare two regexes' languages: fail closed).
      if (to === '') expect(security(diffStates(weaker, built)), name).toEqual([]);
    }
  });

  it('the cors guard removed: security, request-header-passed on the feed router', () => {
    const weaker = edited(guard(LISTED), '');
    expect(security(diffStates(built, weaker))).toContain('request-header-passed ws3d-feed');
  });
});
