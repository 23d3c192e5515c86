/**
 * Roles in a deployed basicAuth, for `gwc diff`. gwc writes one users file per scheme and one per
 * (scheme, OR of role sets) (auth-middlewares.ts htpasswdName, c3b44cc): `<gateway>-<scheme>--<roles>-<hash>`,
 * the hash the first 8 hex of sha256(JSON [scheme, sets]). Read as a file alone, a role added to a
 * route was another file, another set of callers: a new way in (auth-weakened), though it admits
 * fewer. So a role file reads as the scheme's own mechanism (its scheme file) plus role atoms: a role
 * added is then a tightening, one removed or swapped auth-roles-removed (classify-auth.ts).
 *
 * The roles in the name are sanitised ([a-z0-9-]: `admin+ops`, `[admin, ops]` and `Admin` fold
 * alike), so the exact sets are recovered only when a reading of the name, with the realm as the
 * scheme name (gwc's default realm), gives the hash in the name; then each role of a single set is
 * its own atom. Otherwise (a custom realm, roles whose case or characters folded) the role part is
 * one opaque atom named by its hash: any change of it reads as a role removed, never as nothing.
 */
import { createHash } from 'node:crypto';
import { normaliseRoleSets } from './auth-middlewares.js';

const ROLE_FILE = /^(.*\/)?([^/]+?)--([a-z0-9-]+)-([0-9a-f]{8})\.htpasswd$/;
/** Role names split at most this many ways (3^(n-1) readings). */
const MAX_TOKENS = 8;

export interface RoleFile {
  /** The users file of the scheme itself: the mechanism the role file narrows. */
  schemeFile: string;
  /** The role requirements, each an atom of the mechanism (AND). */
  roles: string[];
}

/** A gwc role file's scheme file and roles, or undefined for any other users file. */
export function roleFile(file: string, realm: string | undefined): RoleFile | undefined {
  const m = ROLE_FILE.exec(file);
  if (!m) return undefined;
  const [, dir = '', base, text, hash] = m as unknown as [string, string | undefined, string, string, string];
  const schemeFile = `${dir}${base}.htpasswd`;
  const sets = realm === undefined ? undefined : readSets(realm, text, hash);
  if (!sets) return { schemeFile, roles: [`${text} #${hash}`] };
  return { schemeFile, roles: sets.length === 1 ? sets[0]! : [sets.map((r) => r.join('+')).join(' or ')] };
}

/** The role sets whose name and hash are `text` and `hash` for scheme `scheme`, if one reading gives them. */
function readSets(scheme: string, text: string, hash: string): string[][] | undefined {
  const tokens = text.split('-');
  if (tokens.length > MAX_TOKENS) return undefined;
  // Each gap between tokens was '-' inside a role name, '+' between roles of a set, or ' ' between sets.
  const gaps = tokens.length - 1;
  for (let n = 0; n < 3 ** gaps; n++) {
    let sets: string[][] = [[tokens[0]!]];
    for (let i = 0, k = n; i < gaps; i++, k = Math.floor(k / 3)) {
      const set = sets[sets.length - 1]!;
      const t = tokens[i + 1]!;
      if (k % 3 === 0) set[set.length - 1] = `${set[set.length - 1]}-${t}`;
      else if (k % 3 === 1) set.push(t);
      else sets.push([t]);
    }
    sets = normaliseRoleSets(sets);
    if (createHash('sha256').update(JSON.stringify([scheme, sets])).digest('hex').slice(0, 8) === hash) return sets;
  }
  return undefined;
}
