/*
 * gwc's request-validation module for nginx (njs 0.7+, as in Debian's libnginx-mod-http-js), written
 * beside the main runtime (runtime.js) only for a gateway with validated routes (x-gateway validate,
 * issue #19; compiled by src/targets/nginx/validate.ts). The validators are ajv's standalone ES5
 * code generated at build time (src/targets/nginx/validate-module.ts); the ports below answer its
 * `require`s (ajv's runtime helpers and the ajv-formats functions). scripts/gen-njs-runtime.mjs
 * turns this file into src/targets/nginx/njs-validate.ts; the compiler replaces the configuration
 * placeholder, then the validators' (in that order: see validate.ts).
 * https://nginx.org/en/docs/njs/reference.html
 *
 * Written for njs 0.7: no optional chaining, no `??`, no spread, no destructuring.
 */

/**
 * @typedef {{ in: string, name: string, index?: number, required: boolean, array?: boolean, explode?: boolean, type?: string|null, fn?: string|null }} ParamCfg
 * @typedef {{ required: boolean, types: string[], json: string|null, fn: string|null }} BodyCfg
 * @typedef {{ next: string, overrides?: boolean, token?: boolean, keys?: string[], jsonKeys?: string[], params: ParamCfg[], body?: BodyCfg }} ValidateCfg
 * @typedef {{ routeVar: string, routes: Object<string, ValidateCfg> }} Config
 * @typedef {{ in: string, name?: string, pointer?: string, detail: string }} Problem
 */

/** The compiler replaces the placeholder below with the validated routes' configuration. */
var CFG = /** @type {Config} */ (/** @type {any} */ (/*CFG*/null));

/**
 * @param {NginxHTTPRequest} r
 * @param {string} name
 */
function header(r, name) {
  var v = r.headersIn[name];
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/**
 * The query string as the client sent it (raw).
 * @param {NginxHTTPRequest} r
 */
function rawQuery(r) {
  var uri = r.variables.request_uri || '';
  var q = uri.indexOf('?');
  return q < 0 ? null : uri.slice(q + 1);
}

/**
 * The name of one `name=value` pair of a Cookie header, trimmed (RFC 6265 section 5.2).
 * @param {string} kv
 */
function cookieName(kv) {
  var eq = kv.indexOf('=');
  return (eq < 0 ? kv : kv.slice(0, eq)).trim();
}


/**
 * String length in code points, as JSON Schema counts it (ajv/dist/runtime/ucs2length).
 * @param {string} s
 */
function ucs2length(s) {
  var n = 0;
  for (var i = 0; i < s.length; i++) {
    var c = s.charCodeAt(i);
    n++;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      var d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

/**
 * Deep equality of JSON values (ajv/dist/runtime/equal: enum, const, uniqueItems).
 * @param {any} a
 * @param {any} b
 * @returns {boolean}
 */
function jsonEqual(a, b) {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  var ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (var i = 0; i < ka.length; i++) {
    if (!Object.prototype.hasOwnProperty.call(b, ka[i]) || !jsonEqual(a[ka[i]], b[ka[i]])) return false;
  }
  return true;
}

var DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** @param {string} s RFC 3339 full-date */
function fmtDate(s) {
  var m = /^(\d\d\d\d)-(\d\d)-(\d\d)$/.exec(s);
  if (!m) return false;
  var y = +m[1], mo = +m[2], d = +m[3];
  var leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= (mo === 2 && leap ? 29 : DAYS[mo]);
}

/** @param {string} s RFC 3339 full-time, time zone required (ajv-formats `time`) */
function fmtTime(s) {
  var m = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)$/i.exec(s);
  if (!m) return false;
  var hr = +m[1], min = +m[2], sec = +m[3], sign = m[5] === '-' ? -1 : 1, tzH = +(m[6] || 0), tzM = +(m[7] || 0);
  if (tzH > 23 || tzM > 59) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  // A leap second is 23:59:60 in UTC only.
  var utcMin = min - tzM * sign;
  var utcHr = hr - tzH * sign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61;
}

/** @param {string} s */
function fmtDateTime(s) {
  var parts = s.split(/t|\s/i);
  return parts.length === 2 && fmtDate(parts[0]) && fmtTime(parts[1]);
}

/** ajv-formats' URI expression (RFC 3986, jmrware.com's), verbatim: plain PCRE-compatible syntax. */
var URI = /^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$/i;

/** @param {string} s an absolute URI (ajv-formats' `uri`) */
function fmtUri(s) {
  return /\/|:/.test(s) && URI.test(s);
}

/** @param {string} s base64 (OpenAPI `byte`), on one line */
function fmtByte(s) {
  return /^(?:[A-Za-z0-9+\/]{4})*(?:[A-Za-z0-9+\/]{2}==|[A-Za-z0-9+\/]{3}=)?$/.test(s);
}

/** @param {number} v */
function fmtInt32(v) { return Number.isInteger(v) && v <= 2147483647 && v >= -2147483648; }

/** The ajv-formats functions ajv's standalone code requires (validate-schema.ts FUNCTION_FORMATS). */
var AJV_FORMATS = {
  date: { validate: fmtDate },
  time: { validate: fmtTime },
  'date-time': { validate: fmtDateTime },
  uri: fmtUri,
  byte: fmtByte,
  int32: { type: 'number', validate: fmtInt32 },
  int64: { type: 'number', validate: function (/** @type {number} */ v) { return Number.isInteger(v); } },
  float: { type: 'number', validate: function () { return true; } },
  double: { type: 'number', validate: function () { return true; } },
};

/**
 * `require` for ajv's standalone code (validate-module.ts AJV_REQUIRES lists the same three).
 * @param {string} name
 */
function AJV_REQUIRE(name) {
  if (name === 'ajv/dist/runtime/ucs2length') return { default: ucs2length };
  if (name === 'ajv/dist/runtime/equal') return { default: jsonEqual };
  if (name === 'ajv-formats/dist/formats') return { fullFormats: AJV_FORMATS };
  throw new Error('gwc: no ' + name);
}

/** The validators, by export name; the compiler fills the placeholder after CFG's (validate.ts). */
var VALIDATORS = /** @type {Object<string, any>} */ (/** @type {any} */ (/*VALIDATORS*/null));

var NUMBER_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A parameter's text as its schema's type reads it (OpenAPI: parameters are strings on the wire).
 * Text that is not of the type is left as text, and the validator refuses it.
 * @param {string|null|undefined} kind
 * @param {string} s
 * @returns {any}
 */
function coerce(kind, s) {
  if (kind === 'integer' || kind === 'number') return NUMBER_TEXT.test(s) ? Number(s) : s;
  if (kind === 'boolean') return s === 'true' ? true : s === 'false' ? false : s;
  return s;
}

/**
 * The query string as name → values, every name and value percent-decoded (`+` is a space, as
 * backends read it); null when the encoding is malformed. `semicolons`: `;` separates pairs too,
 * as older Rack, Python before 3.9.2 and Go before 1.17 read a query.
 * @param {string|null} raw
 * @param {boolean} [semicolons]
 * @returns {Object<string, string[]>|null}
 */
function parseQuery(raw, semicolons) {
  /** @type {Object<string, string[]>} */
  var out = {};
  if (!raw) return out;
  var parts = raw.split(semicolons ? /[&;]/ : '&');
  for (var i = 0; i < parts.length; i++) {
    if (parts[i] === '') continue;
    var eq = parts[i].indexOf('=');
    var k = eq < 0 ? parts[i] : parts[i].slice(0, eq);
    var v = eq < 0 ? '' : parts[i].slice(eq + 1);
    try {
      k = decodeURIComponent(k.replace(/\+/g, ' '));
      v = decodeURIComponent(v.replace(/\+/g, ' '));
    } catch (e) {
      return null;
    }
    if (!Object.prototype.hasOwnProperty.call(out, '$' + k)) out['$' + k] = [];
    out['$' + k].push(v);
  }
  return out;
}

/**
 * A parameter name as PHP registers it (php_register_variable_ex), and Rack 2's brackets: leading spaces dropped, ' ' and
 * '.' read as '_', and a '[' with no ']' after it read as '_' too; lower-cased for ASP.NET, which
 * ignores case. `page.size` and ` page_size` are `page_size` to a PHP backend.
 * @param {string} name
 */
function phpName(name) {
  // Rack 2 (Rails <= 7.0) reads a name as \A[\[\]]*([^\[\]]+)\]*: a leading run of `[`/`]` goes
  // (`[sort]`, `]sort` are params['sort']; PHP drops such a name), and a `]` before any `[` ends it,
  // the rest nested under it (`sort]`, `sort]x`): read here as the array form `sort[]`.
  var n = name.replace(/^[ \[\]]+/, '');
  var c = n.search(/[\[\]]/);
  if (c > 0 && n.charAt(c) === ']') n = n.slice(0, c) + '[]';
  var b = n.indexOf('[');
  var head = (b < 0 ? n : n.slice(0, b)).replace(/[ .]/g, '_');
  var tail = b < 0 ? '' : n.indexOf(']', b) < 0 ? '_' + n.slice(b + 1) : n.slice(b);
  return (head + tail).toLowerCase();
}

/**
 * The values of a query parameter, and whether the client also sent it under a spelling another
 * framework reads as the same parameter (`Sort` for ASP.NET, `sort[]`/`sort[x]` for PHP and Rails,
 * `page.size`, `page size`, `page[size` and ` page_size` for PHP's `page_size`): a second
 * occurrence the validator never saw, or the only one.
 * @param {Object<string, string[]>} query
 * @param {string} name
 */
function queryValues(query, name) {
  var own = Object.prototype.hasOwnProperty.call(query, '$' + name) ? query['$' + name] : [];
  var php = phpName(name);
  var smuggled = Object.keys(query).some(function (k) {
    var n = phpName(k.slice(1));
    return k !== '$' + name && (n === php || n.indexOf(php + '[') === 0);
  });
  return { values: own, smuggled: smuggled };
}

/**
 * @param {NginxHTTPRequest} r
 * @param {string} name
 */
function headerValues(r, name) {
  var lower = name.toLowerCase();
  var out = [];
  var raw = r.rawHeadersIn;
  for (var i = 0; i < raw.length; i++) if (String(raw[i][0]).toLowerCase() === lower) out.push(String(raw[i][1]));
  return out;
}

/**
 * @param {NginxHTTPRequest} r
 * @param {string} name
 */
function cookieValues(r, name) {
  var out = [];
  var lines = headerValues(r, 'Cookie');
  for (var i = 0; i < lines.length; i++) {
    var parts = lines[i].split(';');
    for (var j = 0; j < parts.length; j++) {
      var kv = parts[j].trim();
      var eq = kv.indexOf('=');
      if (cookieName(kv) === name) out.push(eq < 0 ? '' : kv.slice(eq + 1).trim());
    }
  }
  return out;
}

/**
 * Whether a cookie other than `name` is `name` to some backend: PHP URL-decodes a cookie's name and
 * registers it as a query name (phpName), ASP.NET Core ignores the case of cookie names.
 * @param {NginxHTTPRequest} r
 * @param {string} name
 */
function cookieSmuggled(r, name) {
  var php = phpName(name);
  var lines = headerValues(r, 'Cookie');
  for (var i = 0; i < lines.length; i++) {
    var parts = lines[i].split(';');
    for (var j = 0; j < parts.length; j++) {
      var n = cookieName(parts[j].trim());
      if (n === name) continue;
      var read = phpName(looseDecode(n));
      if (read === php || read.indexOf(php + '[') === 0) return true;
    }
  }
  return false;
}

/**
 * The failing field of ajv's answer, as RFC 6901 pointer and message: the last error (a oneOf's
 * own, not a branch's), a missing or extra property named.
 * @param {any} errors
 */
function ajvProblem(errors) {
  var e = errors && errors.length > 0 ? errors[errors.length - 1] : { instancePath: '', message: 'is not valid', keyword: '', params: {} };
  var path = e.instancePath || '';
  var prop = e.keyword === 'required' ? e.params.missingProperty : e.keyword === 'additionalProperties' ? e.params.additionalProperty : null;
  if (prop !== null && prop !== undefined) path += '/' + String(prop).replace(/~/g, '~0').replace(/\//g, '~1');
  return { pointer: path, message: String(e.message || 'is not valid') };
}

/**
 * @param {NginxHTTPRequest} r
 * @param {ParamCfg[]} params
 * @param {Problem[]} problems
 */
function checkParams(r, params, problems) {
  var query = null;
  var semi = null;
  for (var i = 0; i < params.length; i++) {
    var p = params[i];
    var values = [];
    if (p.in === 'path') {
      var v = r.variables['gwc_p' + p.index];
      if (v !== undefined && v !== '') values = [String(v)];
    } else if (p.in === 'query') {
      if (query === null) {
        var raw = rawQuery(r);
        query = parseQuery(raw);
        // Read with ; as a separator too, a backend would see pairs hidden inside a value here.
        semi = raw !== null && raw.indexOf(';') >= 0 ? parseQuery(raw, true) : query;
      }
      if (query === null || semi === null) { problems.push({ in: 'query', detail: 'the query string is not valid percent-encoding' }); return; }
      var q = queryValues(query, p.name);
      var qs = semi === query ? q : queryValues(semi, p.name);
      if (q.smuggled || qs.smuggled || qs.values.length !== q.values.length) { problems.push({ in: 'query', name: p.name, detail: 'is sent again under another spelling (case, [] suffix, or after a ;)' }); continue; }
      values = q.values;
    } else if (p.in === 'header') values = headerValues(r, p.name);
    else if (p.in === 'cookie') {
      if (cookieSmuggled(r, p.name)) { problems.push({ in: 'cookie', name: p.name, detail: 'is sent again under another spelling (case, [] suffix, encoded, or as PHP reads . and space)' }); continue; }
      values = cookieValues(r, p.name);
    }
    if (values.length === 0) {
      if (p.required) problems.push({ in: p.in, name: p.name, detail: 'is required' });
      continue;
    }
    var value;
    if (p.array) {
      var list = p.in === 'query' && p.explode ? values : values.length === 1 ? values[0].split(',') : null;
      if (list === null) { problems.push({ in: p.in, name: p.name, detail: 'must be given once' }); continue; }
      value = list.map(function (s) { return coerce(p.type, s); });
    } else {
      // A second occurrence is refused: backends differ on which one they read (first, last, joined).
      if (values.length > 1) { problems.push({ in: p.in, name: p.name, detail: 'must be given once' }); continue; }
      value = coerce(p.type, values[0]);
    }
    var fn = p.fn ? VALIDATORS[p.fn] : null;
    if (fn && !fn(value)) {
      var e = ajvProblem(fn.errors);
      problems.push({ in: p.in, name: p.name, detail: (e.pointer ? e.pointer + ' ' : '') + e.message });
    }
  }
}

// The runtime's `_method` and `access_token` body checks (runtime.js bodyCheck), copied verbatim so a validated route
// reads its body once, in one njs handler; test/targets/nginx/njs-validate.test.ts keeps the copies equal.
// --- copied from runtime.js ---
/**
 * The admission of a route whose path location dispatches to a body check or validation first
 * (servers.ts, NGX7): the dispatch sets `$<gw>_admit` to the pending `b<N>`, and only the check's
 * success here turns it into `N`, the one value its route location (and verify location) admits.
 * A refusal sent on by an internal redirect (an `error_page` to a location that rewrites to r/N)
 * therefore arrives still pending and is refused (403). The variable is the route variable's
 * sibling (`<gw>_route` -> `<gw>_admit`, both set by gwc's locations, never by the client).
 * @param {NginxHTTPRequest} r
 * @param {string} id the route's number (`$<gw>_route`)
 * @param {boolean} done false: whether the request is pending for this route; true: admit it
 */
function admission(r, id, done) {
  var name = String(CFG.routeVar).replace(/_route$/, '_admit');
  if (done) { r.variables[name] = id; return true; }
  return String(r.variables[name] || '') === 'b' + id;
}

/**
 * A parameter name Rails (Rack::MethodOverride), Laravel, Symfony or Express method-override reads as
 * the request method, also as PHP spells it (leading spaces, `.` and `[` read as `_`, an array form)
 * and as Rack 2 does (a leading run of `[`/`]` dropped, a `]` ending the name: `[_method]`,
 * `]_method`, `_method]`; query-names.ts): the spellings the query map refuses (templates.ts).
 */
var METHOD_KEY = /^[\s\u00a0_.\[\]]+method[\s\u00a0]*(?:[\[\]]|\x00|$)/i;

/**
 * %XX decoded where well formed, anything else kept: a name the backend decodes cannot hide behind
 * an invalid escape elsewhere in it. The text is first made one character a byte: njs 0.7 reads
 * `$request_uri`, `$args`, headers and the body as byte strings (charCodeAt is each byte, a raw
 * UTF-8 letter two or three characters), and a decoded character joined to one is written as its
 * UTF-8 bytes, so `acce%C5` + raw 0xBF + `s_token` became a, c, c, e, C3, 85, BF, ... where a Go or
 * Java backend, decoding %XX to bytes and copying raw ones, reads C5 BF: LONG S, `s` to EqualFold
 * (test/security/nginx-query-mixed-bytes.test.ts). Every byte then decoded reads as the same
 * character whether it was sent raw or escaped, and nameAsRead's fold reads the bytes of the letter.
 * @param {string} s
 */
function looseDecode(s) {
  var b = '';
  for (var i = 0; i < s.length; i++) b += String.fromCharCode(s.charCodeAt(i));
  return b.replace(/%([0-9A-Fa-f]{2})/g, function (/** @type {string} */ m, /** @type {string} */ h) { return String.fromCharCode(parseInt(h, 16)); });
}

/**
 * Which readings of a request body frameworks turn into parameters: a form when there is no
 * Content-Type (Rack parses a POST without one as a form) or it names a urlencoded form (PHP cuts
 * the media type at `;`, `,` or a space), multipart/* (Rack, PHP), JSON where the header says
 * `/json` or `+json` anywhere (Laravel's isJson), or `x-json` (Rails registers text/x-json as JSON
 * and parses it into params), or `csp-report` (koa-bodyparser's and AdonisJS's default JSON types;
 * Kong's name-readings chunk reads the same list, red team 15), or there is no media type (FastAPI reads an
 * untyped body as JSON; Kong's name-readings chunk scans it so). Other bodies are no framework's
 * parameters.
 * @param {string|null} ct
 * @returns {{ form: boolean, multipart: boolean, json: boolean }}
 */
function bodyKinds(ct) {
  var t = (ct || '').toLowerCase();
  var media = t.split(/[;,\s]/)[0];
  return {
    form: media === '' || media === 'application/x-www-form-urlencoded' || t.indexOf('x-www-form-urlencoded') >= 0,
    multipart: t.indexOf('multipart/') >= 0,
    json: media === '' || t.indexOf('/json') >= 0 || t.indexOf('+json') >= 0 || t.indexOf('x-json') >= 0 || t.indexOf('csp-report') >= 0,
  };
}

/**
 * Whether a backend may decode a body it reads as JSON from another encoding than the UTF-8 whose
 * keys bodyNames reads (red team 13): body-parser (express.json) decodes any `charset=utf-*` the
 * Content-Type names (utf-16le/be, utf-32, utf-7, where `_` may be written `+AF8-`) before
 * JSON.parse, and Python's json.loads(bytes) (Starlette, FastAPI) takes UTF-16/32 from a NUL among
 * the first four bytes whatever the type says. Every charset parameter counts (the content-type
 * package keeps the last one); only utf-8 and us-ascii read as the bytes do.
 * @param {string|null} ct
 * @param {string} text
 */
function otherEncoding(ct, text) {
  if (text.slice(0, 4).indexOf('\x00') >= 0) return true;
  var re = /charset\s*=\s*("[^"]*"|[^;,\s]*)/gi;
  var t = ct || '';
  for (var m = re.exec(t); m; m = re.exec(t)) {
    var cs = m[1].replace(/^"|"$/g, '').trim().toLowerCase();
    if (cs !== 'utf-8' && cs !== 'us-ascii') return true;
  }
  return false;
}

/**
 * Whether a body names a parameter `test` accepts, in any reading `kinds` allows: each form name
 * (split on `&` and `;`, `+` a space) and each multipart name (and RFC 2231/5987 name*) %XX-decoded,
 * and each JSON object key at any depth, escapes resolved (`test`'s second argument is true for those).
 * @param {string} text
 * @param {{ form: boolean, multipart: boolean, json: boolean }} kinds
 * @param {function(string, boolean): boolean} test
 */
function bodyNames(text, kinds, test) {
  if (kinds.form && text.split(/[&;]/).some(function (kv) { return test(looseDecode(kv.split('=')[0].replace(/\+/g, ' ')), false); })) return true;
  if (kinds.multipart) {
    // Every name (and RFC 2231/5987 name*) parameter of every Content-Disposition header, quoted
    // with `"` or `'` (PHP's php_ap_getword_conf strips either) or not, the header unfolded first:
    // PHP's multipart parser joins a line continued by a space or tab (obsolete folding).
    var lines = text.replace(/\r?\n[ \t]+/g, ' ').match(/content-disposition[ \t]*:[^\r\n]*/gi) || [];
    for (var i = 0; i < lines.length; i++) {
      var re = /;\s*name(\*?)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^;\s]*))/gi;
      for (var m = re.exec(lines[i]); m; m = re.exec(lines[i])) {
        var q = m[2] !== undefined ? m[2] : m[3];
        var v = q !== undefined ? q.replace(/\\(.)/g, '$1') : m[4].replace(/^["']|["']$/g, '');
        if (m[1] === '*') v = v.replace(/^[^']*'[^']*'/, '');
        if (test(looseDecode(v), false)) return true;
      }
    }
  }
  if (kinds.json) {
    // Every object key at any depth, escapes resolved ("\u005fmethod"), whether or not the whole parses.
    var keys = text.match(/"(?:[^"\\]|\\.)*"\s*:/g) || [];
    for (var j = 0; j < keys.length; j++) {
      var k = null;
      try { k = JSON.parse(keys[j].replace(/\s*:$/, '')); } catch (e) { k = null; }
      if (typeof k === 'string' && test(k, true)) return true;
    }
  }
  return false;
}

/**
 * Whether a body carries a method override in any reading `kinds` allows.
 * @param {string} text
 * @param {{ form: boolean, multipart: boolean, json: boolean }} kinds
 */
function bodyOverrides(text, kinds) {
  return bodyNames(text, kinds, function (n) { return METHOD_KEY.test(n); });
}

/**
 * RFC 6750 section 2.2: a bearer token in a form body's `access_token` field, as backends read the
 * name: case-blind (ASP.NET; Echo's EqualFold and Java's equalsIgnoreCase also read LONG S as `s`
 * and KELVIN SIGN as `k`, as the letter or its UTF-8 bytes %XX-decoded: nameAsRead), trimmed, and
 * as PHP folds it (` `, `.`, `[` read as `_`; an array `access_token[]`), with Rack 2's brackets
 * (`[access_token]`, `]access_token`, `access_token]`: query-names.ts), the spellings the query
 * strip reads (credentialPairs). passport-http-bearer reads `req.body.access_token` on any method,
 * Spring's allowFormEncodedBodyParameter a form's.
 */
var TOKEN_KEY = /^[\s\u00a0\[\]]*acce(?:s|\u017f|\u00c5\u00bf){2}[\s._\[]to(?:k|\u212a|\u00e2\u0084\u00aa)en[\s\u00a0]*(?:[\[\]]|\x00|$)/i;
/**
 * The same as a JSON key, where `-` reads as `_` too (Kong's json_name): not RFC 6750's, but
 * passport-http-bearer reads `req.body.access_token` from whatever body parser ran (express.json),
 * and Go's encoding/json fills an `access_token` field from `ACCESS_TOKEN` or `acceſs_token`.
 */
var JSON_TOKEN_KEY = /^[\s\u00a0\[\]]*acce(?:s|\u017f|\u00c5\u00bf){2}[\s._\[-]to(?:k|\u212a|\u00e2\u0084\u00aa)en[\s\u00a0]*(?:[\[\]]|\x00|$)/i;

/**
 * Whether a form or multipart body carries a bearer token field, or a JSON body names one as a key
 * at any depth.
 * @param {string} text
 * @param {{ form: boolean, multipart: boolean, json: boolean }} kinds
 */
function bodyToken(text, kinds) {
  return bodyNames(text, kinds, function (n, json) { return (json ? JSON_TOKEN_KEY : TOKEN_KEY).test(n); });
}

/**
 * Whether a form, multipart or JSON body names a query API key of the route as backends read the
 * name (Laravel's input(), PHP's $_REQUEST and Rack read a body field over the query parameter):
 * `keys` are case-blind patterns of the names (security.ts bodyKeyPatterns), `jsonKeys` the same
 * for JSON keys, where `-` reads as `_` (a configuration without them reads JSON keys by `keys`).
 * @param {string} text
 * @param {{ form: boolean, multipart: boolean, json: boolean }} kinds
 * @param {string[]} keys
 * @param {string[]|undefined} jsonKeys
 */
function bodyKey(text, kinds, keys, jsonKeys) {
  /** @param {string} k */
  var compile = function (k) { return new RegExp(k, 'i'); };
  var res = keys.map(compile);
  var jres = jsonKeys && jsonKeys.length > 0 ? jsonKeys.map(compile) : res;
  return bodyNames(text, kinds, function (n, json) { return (json ? jres : res).some(function (re) { return re.test(n); }); });
}

/**
 * RFC 6750 section 3.1: a request carrying its token by more than one method, or by one this
 * gateway does not verify (a body), is `invalid_request` (400). Answered before the auth check, so
 * a body token is never passed on, beside a verified header token or in its place (optional routes).
 * @param {NginxHTTPRequest} r
 */
function invalidRequest(r) {
  r.headersOut['WWW-Authenticate'] = 'Bearer error="invalid_request"';
  r.return(400);
}

// --- end of copy ---

// No quantifier inside a repeated group: `(?:[^"\\]+|\\.)*` on an unterminated string backtracks
// exponentially, and njs's PCRE2 then throws (match limit exceeded: a 500 per request).
var JSON_TOKEN = /"(?:[^"\\]|\\.)*"|[{}\[\],]/g;

/**
 * The first object key a JSON text repeats (JSON.parse keeps the last one, some backends the
 * first: the validator and the backend would read different bodies), or null.
 * @param {string} text
 * @returns {string|null}
 */
function duplicateKey(text) {
  /** @type {Array<{ keys: Object<string, boolean>, expect: boolean }|null>} */
  var stack = [];
  JSON_TOKEN.lastIndex = 0;
  for (var m = JSON_TOKEN.exec(text); m !== null; m = JSON_TOKEN.exec(text)) {
    var t = m[0];
    var top = stack.length > 0 ? stack[stack.length - 1] : null;
    if (t.charAt(0) === '"') {
      if (top && top.expect) {
        var k;
        try { k = JSON.parse(t); } catch (e) { return null; }
        if (top.keys['$' + k]) return String(k);
        top.keys['$' + k] = true;
        top.expect = false;
      }
    } else if (t === '{') stack.push({ keys: {}, expect: true });
    else if (t === '[') stack.push(null);
    else if (t === '}' || t === ']') stack.pop();
    else if (top) top.expect = true;
  }
  return null;
}

/**
 * Answers an RFC 9457 problem (application/problem+json) naming each failing field.
 * @param {NginxHTTPRequest} r
 * @param {number} status
 * @param {Problem[]} problems
 */
function problem(r, status, problems) {
  var first = problems[0];
  var where = first.in === 'body' ? 'request body' + (first.pointer ? ' at ' + first.pointer : '') : first.name !== undefined ? first.in + ' parameter ' + JSON.stringify(first.name) : first.in;
  var title = status === 415 ? 'Unsupported Media Type' : 'Bad Request';
  r.headersOut['Content-Type'] = 'application/problem+json';
  r.return(status, JSON.stringify({ type: 'about:blank', title: title, status: status, detail: where + ': ' + first.detail, errors: problems }));
}

/**
 * The request body as text, or the status that refuses it: 413 when nginx spooled it to a file
 * (larger than the location's buffer), 400 when it is not UTF-8.
 * @param {NginxHTTPRequest} r
 * @returns {{ text: string, status?: number }}
 */
function bodyText(r) {
  var buf;
  try { buf = r.requestBuffer; } catch (e) { return { text: '', status: 413 }; }
  if (r.variables.request_body_file) return { text: '', status: 413 };
  if (!buf || buf.length === 0) return { text: '' };
  try {
    // @ts-ignore TextDecoder (njs 0.4.3+; fatal: bytes that are not UTF-8 throw) is not among njs-types' globals.
    return { text: /** @type {any} */ (new TextDecoder('utf-8', /** @type {any} */ ({ fatal: true }))).decode(buf) };
  } catch (e) {
    return { text: '', status: 400 };
  }
}

/**
 * @param {NginxHTTPRequest} r
 * @param {BodyCfg} b
 * @param {string} text
 * @param {Problem[]} problems
 * @returns {number} the status to answer, 0 when the body is valid
 */
function checkBody(r, b, text, problems) {
  if (text.length === 0) {
    if (b.required) { problems.push({ in: 'body', detail: 'is required' }); return 400; }
    return 0;
  }
  // The operation declares no body (validate.ts NO_BODY): one sent anyway would be read unchecked
  // by a backend that takes parameters from any body (Laravel's input() reads JSON first, on a GET too).
  if (b.types.length === 0) { problems.push({ in: 'body', detail: 'is not expected: the operation declares no request body' }); return 400; }
  // One Content-Type and Content-Encoding only: nginx's njs reads the first, a backend may read another.
  if (headerValues(r, 'Content-Type').length > 1 || headerValues(r, 'Content-Encoding').length > 1) {
    problems.push({ in: 'body', detail: 'Content-Type and Content-Encoding must be sent once' });
    return 400;
  }
  var ct = header(r, 'Content-Type') || '';
  var params = ct.split(';');
  var media = params[0].trim().toLowerCase();
  var coding = (header(r, 'Content-Encoding') || 'identity').toLowerCase().trim();
  if (coding !== 'identity' || b.types.indexOf(media) < 0) {
    problems.push({ in: 'body', detail: 'Content-Type must be one of ' + b.types.join(', ') + ' (no content coding)' });
    return 415;
  }
  if (media !== b.json || !b.fn) return 0;
  for (var i = 1; i < params.length; i++) {
    var kv = params[i].split('=');
    if (kv[0].trim().toLowerCase() === 'charset' && String(kv[1] || '').trim().replace(/"/g, '').toLowerCase() !== 'utf-8') {
      problems.push({ in: 'body', detail: 'JSON must be UTF-8' });
      return 415;
    }
  }
  // Parsed first: the duplicate-key scan then only ever reads well-formed JSON (every string closed).
  var data;
  try { data = JSON.parse(text); } catch (e) { problems.push({ in: 'body', detail: 'is not valid JSON' }); return 400; }
  var dup = duplicateKey(text);
  if (dup !== null) { problems.push({ in: 'body', detail: 'repeats the key ' + JSON.stringify(dup) }); return 400; }
  var fn = VALIDATORS[b.fn];
  if (!fn(data)) {
    var e = ajvProblem(fn.errors);
    problems.push({ in: 'body', pointer: '#' + e.pointer, detail: e.message });
    return 400;
  }
  return 0;
}

/**
 * Content handler of a validated route (validate.ts), after the body limit, IP rules and auth check
 * of its location: the parameters, the body's `_method` (where the route refuses it) and the body
 * against the operation's schemas, then, body and query kept, on to the route's verify or route location.
 * @param {NginxHTTPRequest} r
 */
function validateRequest(r) {
  var id = String(r.variables[CFG.routeVar]);
  var v = Object.prototype.hasOwnProperty.call(CFG.routes, id) ? CFG.routes[id] : null;
  if (!v) { r.return(500); return; }
  // Reached other than from its route's dispatch (another route's step, a backend's X-Accel-Redirect): refused.
  if (!admission(r, id, false)) { r.return(403); return; }
  /** @type {Problem[]} */
  var problems = [];
  checkParams(r, v.params, problems);
  if (problems.length > 0) { problem(r, 400, problems); return; }
  if (v.body) {
    var got = bodyText(r);
    if (got.status === 413) { r.return(413); return; }
    if (got.status) { problem(r, got.status, [{ in: 'body', detail: 'is not UTF-8 text' }]); return; }
    var status = checkBody(r, v.body, got.text, problems);
    if (status) { problem(r, status, problems); return; }
  }
  var keys = v.keys && v.keys.length > 0 ? v.keys : null;
  if (v.overrides || v.token || keys !== null) {
    // As runtime.js bodyCheck (after the schema, whose 415s come first): on a bearer route a form or
    // multipart body carrying access_token, or a JSON body naming it, is invalid_request (400), on a query-key route a form,
    // multipart or JSON body naming the key is refused (400), and a form, multipart or JSON body
    // naming _method is refused (400) where the route refuses it.
    var all = bodyKinds(header(r, 'Content-Type'));
    var kinds = { form: all.form, multipart: all.multipart, json: all.json && (v.overrides === true || keys !== null || v.token === true) };
    if (kinds.form || kinds.multipart || kinds.json) {
      var text;
      try { text = r.requestText; } catch (e) { r.return(413); return; }
      if (r.variables.request_body_file) { r.return(413); return; }
      if (typeof text === 'string' && text.length > 0) {
        var coding = (header(r, 'Content-Encoding') || 'identity').toLowerCase().trim();
        if (coding !== 'identity') { r.return(400); return; }
        if (kinds.json && otherEncoding(header(r, 'Content-Type'), text)) { r.return(415); return; }
        if (v.token && bodyToken(text, kinds)) { invalidRequest(r); return; }
        if (keys !== null && bodyKey(text, kinds, keys, v.jsonKeys)) { r.return(400); return; }
        if (v.overrides && bodyOverrides(text, { form: kinds.form, multipart: kinds.multipart, json: all.json && v.overrides === true })) { r.return(400); return; }
      }
    }
  }
  // An internal redirect to a URI without `?` clears the arguments: they are passed on explicitly.
  var args = r.variables.args;
  admission(r, id, true);
  r.internalRedirect(args ? v.next + '?' + args : v.next);
}

// duplicateKey, parseQuery and coerce are exported for the unit tests; nginx calls validateRequest.
export default { validateRequest: validateRequest, duplicateKey: duplicateKey, parseQuery: parseQuery, coerce: coerce };
