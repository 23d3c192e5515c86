/**
 * `gwc diff` coverage for aws, REST API flavour (DESIGN.md 7.8): every setting of a security-rich
 * template, weakened, is a security finding one way and a finding the other. The build, the
 * mutations and the lists: ./helpers/aws-coverage.ts; the HTTP API flavour: diff-coverage-aws-http.test.ts.
 */
import { describeCoverage } from './helpers/diff-coverage.js';
import { ALLOWED, build, KNOWN_GAPS, mutationsOf, REST } from './helpers/aws-coverage.js';

describeCoverage('aws', ALLOWED, KNOWN_GAPS, { reader: 'aws', build: () => build(REST, {}), mutations: mutationsOf });
