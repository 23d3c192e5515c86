/**
 * What a router's rule keeps off it by a negated header or query matcher (Facts.guards): gwc's
 * anonymous router of an optional-auth route is `... && !(HeaderRegexp(`x-api-key`, `^`) || ...
 * x_api_key ...)`, so a request carrying the credential in any spelling goes to the verifying
 * router (forwardAuth) instead of reaching the backend unverified; routers also exclude the query
 * spellings of a key and `_method` (query-names.ts, clears.ts). Each negated matcher is one guard:
 * a spelling dropped from the exclusion is what now reaches the backend unchecked
 * (credential-unverified-passed; `_method` spellings: method-override-passed; the Upgrade and
 * Origin guards, upgrade.ts: request-header-passed; a changed Origin regex is the old one lost).
 * https://doc.traefik.io/traefik/routing/routers/#rule: header names match case-blind (Go's
 * canonical form), query names as written.
 */
import type { Guards } from '../../diff/entity.js';

const MATCHER = /^(Header|HeaderRegexp|Query|QueryRegexp)\(\s*`([^`]*)`\s*(?:,\s*`([^`]*)`\s*)?\)/;
/** A `_method` spelling a backend reads as the method override (query-names.ts). */
const METHOD_NAME = /^[_. []method(\[\])?$/i;

/** Adds the guards of `rule`'s negated header and query matchers to `guards`. */
export function ruleExclusions(rule: string, guards: Guards): void {
  // A stack of the open parentheses' negation; a matcher counts when an odd number of `!` cover it.
  const stack: boolean[] = [];
  let negateNext = false;
  const covered = () => stack.filter(Boolean).length % 2 === 1;
  for (let i = 0; i < rule.length; i++) {
    const c = rule[i]!;
    if (c === '`') {
      const end = rule.indexOf('`', i + 1);
      if (end < 0) return;
      i = end;
      continue;
    }
    if (c === '"') {
      for (i++; i < rule.length && rule[i] !== '"'; i++) if (rule[i] === '\\') i++;
      continue;
    }
    if (c === '!') {
      negateNext = !negateNext;
      continue;
    }
    if (c === '(') {
      stack.push(negateNext);
      negateNext = false;
      continue;
    }
    if (c === ')') {
      stack.pop();
      continue;
    }
    if (/[A-Za-z]/.test(c) && (i === 0 || !/[A-Za-z]/.test(rule[i - 1]!))) {
      const m = MATCHER.exec(rule.slice(i));
      if (m) {
        if (negateNext !== covered()) {
          const header = m[1]!.startsWith('Header');
          const name = header ? m[2]!.toLowerCase() : m[2]!;
          // `Upgrade` (upgrade.ts): without it a client's h2c reaches the backend, a header passed as sent;
          // `Origin` (upgrade.ts originGuard, sameOriginGuard): without it another site's page upgrades
          // with the user's credentials (a header passed as sent, as nginx's _xsite map reads).
          const kind = !header && METHOD_NAME.test(name) ? 'method' : header && (name === 'upgrade' || name === 'origin') ? 'header' : 'credential';
          (guards[kind] ??= []).push(`requests with ${header ? 'header' : 'query'} ${name}${m[3] !== undefined ? ` matching ${m[3]}` : ''} kept off this router`);
        }
        i += m[0].length - 1;
        negateNext = false;
        continue;
      }
    }
    if (!/\s/.test(c)) negateNext = false;
  }
}
