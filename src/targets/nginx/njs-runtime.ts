/**
 * The njs code gwc ships with every gateway that needs it (njs 0.7+, as in Debian's
 * libnginx-mod-http-js). It is static; the gateway's configuration is prepended as `CFG`
 * (JSON, keys sorted) so the output is deterministic and holds no secret: credentials are read at
 * request time from the environment (`env` directive) or from files beside nginx.conf.
 * https://nginx.org/en/docs/njs/reference.html
 *
 * Written for njs 0.7: no optional chaining, no `??`, no object spread.
 */
export const NJS_RUNTIME = String.raw`
import fs from 'fs';
import qs from 'querystring';
import nodeCrypto from 'crypto';

var CFG = /*CFG*/null;

function secret(ref) {
  if (!ref) return null;
  if (ref.env !== undefined) {
    var v = process.env[ref.env];
    if (v === undefined || v === '') { ngx.log(ngx.ERR, 'gwc: environment variable ' + ref.env + ' is not set (is it listed in an env directive?)'); return null; }
    return v;
  }
  if (ref.file !== undefined) {
    var p = ref.file.charAt(0) === '/' ? ref.file : ngx.conf_prefix + ref.file;
    try { return fs.readFileSync(p, 'utf8').replace(/\r?\n$/, ''); } catch (e) { ngx.log(ngx.ERR, 'gwc: cannot read ' + p); return null; }
  }
  return null;
}

/** Exact, case-sensitive, constant-time for a given length. */
function same(a, b) {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length === 0) return false;
  var diff = a.length ^ b.length;
  for (var i = 0; i < b.length; i++) diff |= a.charCodeAt(i % a.length) ^ b.charCodeAt(i);
  return diff === 0;
}

function routeOf(r, id) { return Object.prototype.hasOwnProperty.call(CFG.routes, id) ? CFG.routes[id] : null; }

function header(r, name) {
  var v = r.headersIn[name];
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function queryArg(r, name) {
  var uri = r.variables.request_uri || '';
  var q = uri.indexOf('?');
  if (q < 0) return null;
  var args = qs.parse(uri.slice(q + 1));
  var v = args[name];
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function cookie(r, name) {
  var raw = header(r, 'Cookie');
  if (!raw) return null;
  var parts = raw.split(';');
  for (var i = 0; i < parts.length; i++) {
    var kv = parts[i].trim();
    var eq = kv.indexOf('=');
    if (eq > 0 && kv.slice(0, eq) === name) return kv.slice(eq + 1) || null;
  }
  return null;
}

function apiKeyOf(r, s) {
  return s.in === 'header' ? header(r, s.name) : s.in === 'query' ? queryArg(r, s.name) : cookie(r, s.name);
}

function findConsumer(scheme, test) {
  for (var i = 0; i < CFG.consumers.length; i++) {
    var c = CFG.consumers[i];
    for (var j = 0; j < c.credentials.length; j++) {
      var cred = c.credentials[j];
      if (cred.scheme === scheme && test(cred)) return c.name;
    }
  }
  return null;
}

function checkApiKey(r, name, s) {
  var got = apiKeyOf(r, s);
  if (got === null) return { ok: false, status: 401 };
  var who = findConsumer(name, function (cred) { return cred.kind === 'apiKey' && same(secret(cred.key), got); });
  return who === null ? { ok: false, status: 401 } : { ok: true, consumer: who };
}

function basicOf(r) {
  var h = header(r, 'Authorization');
  if (!h || !/^basic +/i.test(h)) return null;
  var text = Buffer.from(h.replace(/^basic +/i, ''), 'base64').toString();
  var colon = text.indexOf(':');
  return colon < 0 ? null : { user: text.slice(0, colon), pass: text.slice(colon + 1) };
}

function checkBasic(r, name, s) {
  var challenge = 'Basic realm="' + String(s.realm).replace(/["\\]/g, '') + '", charset="UTF-8"';
  var got = basicOf(r);
  if (got === null) return { ok: false, status: 401, challenge: challenge };
  var who = findConsumer(name, function (cred) { return cred.kind === 'basic' && cred.username === got.user && same(secret(cred.password), got.pass); });
  return who === null ? { ok: false, status: 401, challenge: challenge } : { ok: true, consumer: who };
}

function tokenOf(r, s) {
  var h = header(r, s.header);
  if (!h) return null;
  var m = /^bearer +(\S+)$/i.exec(h);
  if (m) return m[1];
  return s.header === 'authorization' ? null : h;
}

function b64json(part) {
  try { return JSON.parse(Buffer.from(part, 'base64url').toString()); } catch (e) { return null; }
}

function pemToDer(pem) {
  return Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

var SUBTLE = {
  RS256: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, { name: 'RSASSA-PKCS1-v1_5' }],
  RS384: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, { name: 'RSASSA-PKCS1-v1_5' }],
  RS512: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }, { name: 'RSASSA-PKCS1-v1_5' }],
  ES256: [{ name: 'ECDSA', namedCurve: 'P-256' }, { name: 'ECDSA', hash: 'SHA-256' }],
  ES384: [{ name: 'ECDSA', namedCurve: 'P-384' }, { name: 'ECDSA', hash: 'SHA-384' }],
};

async function signatureOk(alg, keyText, input, sig) {
  if (alg.charAt(0) === 'H') {
    var mac = nodeCrypto.createHmac('sha' + alg.slice(2), keyText).update(input).digest('base64url');
    return same(mac, sig);
  }
  var p = SUBTLE[alg];
  if (!p) return false;
  try {
    var key = await crypto.subtle.importKey('spki', pemToDer(keyText), p[0], false, ['verify']);
    return await crypto.subtle.verify(p[1], key, Buffer.from(sig, 'base64url'), Buffer.from(input));
  } catch (e) {
    ngx.log(ngx.ERR, 'gwc: JWT key or signature unusable: ' + e);
    return false;
  }
}

function scopesOf(claims) {
  if (typeof claims.scope === 'string') return claims.scope.split(' ');
  if (Array.isArray(claims.scp)) return claims.scp;
  if (typeof claims.scp === 'string') return claims.scp.split(' ');
  return [];
}

async function checkJwt(r, name, s, scopes) {
  var deny = { ok: false, status: 401, challenge: 'Bearer' };
  var token = tokenOf(r, s);
  if (!token) return deny;
  var parts = token.split('.');
  if (parts.length !== 3) return deny;
  var head = b64json(parts[0]);
  var claims = b64json(parts[1]);
  if (!head || !claims || typeof claims !== 'object') return deny;
  // The algorithm is pinned by the scheme: a token cannot choose "none" or switch RS256 to HS256.
  if (typeof head.alg !== 'string' || s.algorithms.indexOf(head.alg) < 0) return deny;
  var verified = false;
  for (var i = 0; i < s.keys.length && !verified; i++) {
    var k = secret(s.keys[i]);
    if (k !== null && (await signatureOk(head.alg, k, parts[0] + '.' + parts[1], parts[2]))) verified = true;
  }
  if (!verified) return deny;
  var now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || now > claims.exp + s.skew) return deny;
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || now + s.skew < claims.nbf)) return deny;
  if (s.issuer !== null && claims.iss !== s.issuer) return deny;
  if (s.audiences.length > 0) {
    var aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some(function (a) { return s.audiences.indexOf(a) >= 0; })) return deny;
  }
  var have = scopesOf(claims);
  for (var j = 0; j < scopes.length; j++) if (have.indexOf(scopes[j]) < 0) return { ok: false, status: 403 };
  return { ok: true, consumer: typeof claims.sub === 'string' ? claims.sub : null };
}

async function checkForward(r, name, s) {
  var reply = await r.subrequest(s.forward.uri, { method: 'GET' });
  if (reply.status >= 200 && reply.status < 300) {
    var headers = {};
    s.forward.responseHeaders.forEach(function (h) { var v = reply.headersOut[h]; if (typeof v === 'string') headers[h] = v; });
    return { ok: true, consumer: null, headers: headers };
  }
  return { ok: false, status: reply.status === 403 ? 403 : 401 };
}

async function check(r, item) {
  var s = CFG.schemes[item.scheme];
  if (!s) return { ok: false, status: 401 };
  if (s.kind === 'apiKey') return checkApiKey(r, item.scheme, s);
  if (s.kind === 'basic') return checkBasic(r, item.scheme, s);
  if (s.kind === 'jwt') return checkJwt(r, item.scheme, s, item.scopes);
  if (s.kind === 'forward') return checkForward(r, item.scheme, s);
  return { ok: false, status: 401 };
}

/** auth_request handler: OR over alternatives, AND within one; 204 allows, 401/403 deny. */
async function authorize(r) {
  var route = routeOf(r, r.uri.slice(r.uri.lastIndexOf('/') + 1));
  if (!route || route.security.length === 0) { r.return(403); return; }
  var status = 401;
  var challenge = null;
  for (var i = 0; i < route.security.length; i++) {
    var alt = route.security[i];
    var ok = alt.length > 0;
    var headers = {};
    for (var j = 0; j < alt.length && ok; j++) {
      var res = await check(r, alt[j]);
      if (!res.ok) {
        ok = false;
        if (res.status === 403) status = 403;
        if (res.challenge && (challenge === null || res.challenge.indexOf('Basic') === 0)) challenge = res.challenge;
      } else if (res.headers) {
        Object.keys(res.headers).forEach(function (h) { headers[h] = res.headers[h]; });
      }
    }
    if (ok) {
      Object.keys(headers).forEach(function (h) { r.headersOut[h] = headers[h]; });
      r.return(204);
      return;
    }
  }
  if (status === 401 && challenge !== null) r.headersOut['WWW-Authenticate'] = challenge;
  r.return(status);
}

/** Rate-limit key for "by: consumer": the identified consumer, else the client address. */
function consumer(r) {
  var route = routeOf(r, r.variables[CFG.routeVar]);
  var addr = 'ip:' + r.variables.remote_addr;
  if (!route) return addr;
  for (var i = 0; i < route.security.length; i++) {
    for (var j = 0; j < route.security[i].length; j++) {
      var name = route.security[i][j].scheme;
      var s = CFG.schemes[name];
      var who = null;
      if (s && s.kind === 'apiKey') { var k = apiKeyOf(r, s); if (k !== null) who = findConsumer(name, function (c) { return c.kind === 'apiKey' && same(secret(c.key), k); }); }
      if (s && s.kind === 'basic') { var b = basicOf(r); if (b !== null) who = findConsumer(name, function (c) { return c.kind === 'basic' && c.username === b.user && same(secret(c.password), b.pass); }); }
      if (s && s.kind === 'jwt') { var t = tokenOf(r, s); var cl = t && t.split('.').length === 3 ? b64json(t.split('.')[1]) : null; if (cl && typeof cl.sub === 'string') who = 'jwt:' + name + ':' + cl.sub; }
      if (who !== null) return 'consumer:' + who;
    }
  }
  return addr;
}

/** Query string without the hidden credential parameters. */
function cleanArgs(r) {
  var route = routeOf(r, r.variables[CFG.routeVar]);
  var args = r.variables.args || '';
  if (!route || !route.hideQuery || args === '') return args;
  return args.split('&').filter(function (kv) {
    var k = kv.split('=')[0];
    try { k = decodeURIComponent(k.replace(/\+/g, ' ')); } catch (e) { return false; }
    return route.hideQuery.indexOf(k) < 0;
  }).join('&');
}

/** Cookie header without the hidden credential cookies (empty: nginx then sends no Cookie). */
function cleanCookies(r) {
  var route = routeOf(r, r.variables[CFG.routeVar]);
  var raw = header(r, 'Cookie') || '';
  if (!route || !route.hideCookies) return raw;
  return raw.split(';').map(function (kv) { return kv.trim(); }).filter(function (kv) {
    var eq = kv.indexOf('=');
    return kv !== '' && route.hideCookies.indexOf(eq < 0 ? kv : kv.slice(0, eq)) < 0;
  }).join('; ');
}

/** A mock answered after the access phase, so auth, IP rules and limits still apply. */
function mock(r) {
  var route = routeOf(r, r.variables[CFG.routeVar]);
  if (!route || !route.mock) { r.return(500); return; }
  var m = route.mock;
  Object.keys(m.headers).forEach(function (h) { r.headersOut[h] = m.headers[h]; });
  r.headersOut['Content-Type'] = m.contentType;
  r.return(m.status, m.body);
}

export default { authorize: authorize, consumer: consumer, cleanArgs: cleanArgs, cleanCookies: cleanCookies, mock: mock };
`;
