/**
 * `gwc diff` coverage for aws, HTTP API flavour (`--option aws.api=http`, DESIGN.md 7.8): every
 * setting of a security-rich template, weakened, is a security finding one way and a finding the
 * other. The build, the mutations and the lists: ./helpers/aws-coverage.ts.
 */
import { describeCoverage } from './helpers/diff-coverage.js';
import { ALLOWED, build, HTTP, KNOWN_GAPS, mutationsOf } from './helpers/aws-coverage.js';

describeCoverage('aws-http', ALLOWED, KNOWN_GAPS, { reader: 'aws', build: () => build(HTTP, { api: 'http' }), mutations: mutationsOf });
