/*
 * gwc's njs module for a gateway that needs njs for nothing but the `_` header refusal (include
 * mode, compile.ts): the runtime's underscoreHeader (runtime.js, where the why is) and an empty
 * CFG, which the diff reader reads as gwc's (deployed-njs.ts). Not the whole runtime: njs 0.7
 * clones the module's VM for every request that evaluates a js_set, and the clone costs with the
 * module's size: nginx worker CPU per request on a public route, over no njs at all, +14.7 / +28.6 us
 * with runtime.js, +4.8 / +8.3 us with this module (bench/nginx-underscore-cost.ts, medians of 13
 * paired wrk runs, two runs). scripts/gen-njs-runtime.mjs turns it into src/targets/nginx/njs-headers.ts.
 */

/** The compiler replaces the placeholder below with an empty configuration. */
var CFG = /** @type {any} */ (/*CFG*/null);

/**
 * '1' when a request header line's name holds `_` (the server-level `if` answers 400): the same
 * function as runtime.js underscoreHeader.
 * @param {NginxHTTPRequest} r
 */
function underscoreHeader(r) {
  var lines = r.rawHeadersIn;
  for (var i = 0; i < lines.length; i++) if (String(lines[i][0]).indexOf('_') >= 0) return '1';
  return '';
}

export default { underscoreHeader: underscoreHeader, cfg: CFG };
