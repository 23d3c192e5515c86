/**
 * Middlewares that answer a Traefik router's caller instead of (or besides) its backend, read as
 * steps the diff cannot judge (Facts.unread, `unread-changed` either way: red team 16):
 *
 * - `errors`: for a status in its ranges Traefik sends a GET for `query` to its service carrying
 *   every header of the caller's request (pkg/middlewares/customerrors: `utils.CopyHeaders(pageReq.Header,
 *   req.Header)`) and answers that page with the caught status, or a `statusRewrites` one
 *   (https://doc.traefik.io/traefik/middlewares/http/errorpages/). Before a forwardAuth, a 401
 *   becomes a page another service serves to a caller the gateway refused, sent his credential;
 *   what that page holds the diff cannot tell. Its service is read by its servers, so the same
 *   name re-pointed elsewhere differs.
 * - `redirectScheme`, and a `redirectRegex` that is not gwc's query-name guard: the caller goes
 *   elsewhere (plain HTTP, another port or host) with whatever the URL carries. gwc's guard
 *   (query-names.ts: `^([^?]*)` ... -> `$1`, the same URL without its query) stays a guard
 *   (deployed-guards.ts); `permanent` (301/308 or 302/307) is not read.
 */
import type { Json } from '../../diff/entity.js';
import { isObject, omit, type JsonObject } from '../../diff/json-util.js';
import { stable } from './deployed-unread.js';

/** gwc's query-name redirect: the URL up to its query, the query dropped (query-names.ts queryNamesRedirect). */
const sameUrlWithoutQuery = (r: JsonObject) => typeof r.regex === 'string' && r.regex.startsWith('^([^?]*)') && r.replacement === '$1';

/**
 * The unread texts of middleware `name` (`m`); `servers` names what a service sends to
 * (deployed-services.ts serversOf).
 */
export function answerSteps(name: string, m: JsonObject, servers: (service: string) => string): string[] {
  const out: string[] = [];
  if (isObject(m.errors)) {
    const e = m.errors;
    const service = typeof e.service === 'string' ? servers(e.service) : 'no service';
    out.push(`${name}: errors ${stable(omit(e, ['service']))} answered by ${service}, sent the caller's headers`);
  }
  if (isObject(m.redirectScheme)) out.push(`${name}: redirectScheme ${stable(omit(m.redirectScheme, ['permanent']) as Json)} (callers sent elsewhere)`);
  if (isObject(m.redirectRegex) && !sameUrlWithoutQuery(m.redirectRegex)) out.push(`${name}: redirectRegex ${stable(omit(m.redirectRegex, ['permanent']) as Json)} (callers sent elsewhere)`);
  return out;
}
