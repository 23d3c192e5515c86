/**
 * Golden files through the one runner (test/helpers/golden.ts) for every case: the YAML gwc
 * writes, or (for a spec Traefik cannot build) the diagnostics it refuses with. UPDATE_GOLDEN=1
 * rewrites them; review the diff as code. Goldens prove stability only: schema.test.ts and
 * routing.test.ts prove the content.
 */
import path from 'node:path';
import { goldenSuite } from '../../helpers/golden.js';
import { SPECS } from './cases.js';

goldenSuite({ target: 'traefik', diagnostics: 'positionMessage', own: { specs: SPECS, goldens: path.join(SPECS, 'expected') }, exact: true });
