/**
 * A basic scheme's users file is `<gateway>-<sanitised scheme>.htpasswd` (auth-middlewares.ts htpasswdName);
 * the operator fills it with the users the output's header names for it. Two schemes whose names
 * fold to one file name (Basic and basic, basic_admin and basic-admin) would be told apart only by a
 * `-2` taken in order of appearance, so removing or reordering one would hand its file, users and
 * all, to the other: the class of the role-file names fixed in c3b44cc. Such a pair is refused at the
 * second scheme, so every scheme's file name depends on that scheme alone and the names of schemes
 * that do not collide stay as they were.
 * https://doc.traefik.io/traefik/middlewares/http/basicauth/#usersfile
 */
import type { Ctx } from './context.js';
import { checkIdentityNamespace } from './identity.js';
import { sanitise } from './names.js';

/** Reports `traefik-users-file-collision` for each basic scheme whose file name an earlier one has. */
export function checkUsersFiles(ctx: Ctx): void {
  // The user names in those files are what basicAuth writes to X-Consumer: held apart (identity.ts).
  checkIdentityNamespace(ctx);
  const byFile = new Map<string, string>();
  for (const s of ctx.gateway.securitySchemes) {
    if (s.kind !== 'basic') continue;
    const file = `${ctx.prefix}-${sanitise(s.name)}.htpasswd`;
    const other = byFile.get(file);
    if (other !== undefined) ctx.report('traefik-users-file-collision', { scheme: s.name, other, file }, s.loc);
    else byFile.set(file, s.name);
  }
}
