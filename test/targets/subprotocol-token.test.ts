/**
 * The subprotocol-token regex (src/targets/subprotocol-token.ts) reads every row of the shared table
 * (test/helpers/subprotocol-cases.ts) as the table says. The same regex is written into nginx (PCRE:
 * redteam18-nginx-websocket-subprotocol-token, real nginx) and Traefik (RE2: the oracle suites).
 */
import { describe, expect, it } from 'vitest';
import { SUBPROTOCOL_TOKEN_REGEX } from '../../src/targets/subprotocol-token.js';
import { SUBPROTOCOL_PASSED, SUBPROTOCOL_REFUSED } from '../helpers/subprotocol-cases.js';

describe('subprotocol-token regex', () => {
  const re = new RegExp(SUBPROTOCOL_TOKEN_REGEX);
  it.each(SUBPROTOCOL_REFUSED)('reads %s as carrying a token', (v) => expect(re.test(v)).toBe(true));
  it.each(SUBPROTOCOL_PASSED)('passes %s', (v) => expect(re.test(v)).toBe(false));
  it('uses only syntax RE2, PCRE and JavaScript share: no lookaround, backreference, lazy or possessive quantifier, no brace (Traefik renders braces as Go template text)', () => {
    expect(SUBPROTOCOL_TOKEN_REGEX).not.toMatch(/\(\?|\\[1-9]|[*+?][?+]|[{}]/);
  });
});
