/**
 * The internal route location (see routes.ts): rewrite-phase `set`/`rewrite`, then the access-phase
 * controls, then the content (proxy, or a mock). Same helpers and rules as templates.ts.
 *
 * Its first check: the request was admitted by this route (`$<prefix>_admit`, set only by the
 * route's own dispatch in its public location, or on a route verified before its limit only by its
 * own auth check's success, templates-limit.ts; where a body check or validation runs first, the
 * dispatch's value is a pending `b<N>` that only the njs check's success makes `N`), else 403. nginx variables survive every internal
 * redirect, so without it any redirect into r/N (a backend's X-Accel-Redirect, error_page,
 * `rewrite ... last`, try_files, njs internalRedirect) arrived with another route's identity, past
 * this route's role check, body check and validation (test/security/nginx-route-admission.test.ts).
 * The rewrite-module checks come before `rewrite ... break`, which ends the rewrite module's
 * directives of the location: an `if` after it never runs.
 */
export const ROUTE_PARTIAL = `{{#if validate}}
    # {{c comment}}: the request is checked against the operation's schemas (validate.ts), after
    # the body limit, IP rules and auth check, before any other location of the route
    location = {{n validate.uri}} {
        internal;
        set \${{n @root.prefix}}_route {{n index}};
{{#if ip}}
{{#each ip.rules}}
        {{n action}} {{n source}};
{{/each}}
{{/if}}
{{#if bodyLimit}}
        client_max_body_size {{n bodyLimit}};
{{/if}}
        client_body_buffer_size {{n validate.buffer}};
        client_body_in_single_buffer on;
{{#if authUri}}
{{> authCheck}}
{{/if}}
        js_content {{n @root.prefix}}_v.validateRequest;
    }

{{/if}}
{{#if body}}
    # {{c comment}}: the body is read and refused when it names {{#if body.method}}_method{{#if body.token}} or {{/if}}{{/if}}{{#if body.token}}access_token (RFC 6750 invalid_request){{/if}}{{#if body.keys.length}}{{#if body.method}} or {{else if body.token}} or {{/if}}the route's query key{{/if}} (routes.ts bodyCheckView)
    location = {{n body.uri}} {
        internal;
        set \${{n @root.prefix}}_route {{n index}};
{{#if bodyLimit}}
        client_max_body_size {{n bodyLimit}};
{{/if}}
        client_body_buffer_size {{n body.buffer}};
        client_body_in_single_buffer on;
        js_content {{n @root.prefix}}.bodyCheck;
    }

{{/if}}
{{#if limit.verifyUri}}
{{> verify}}
{{/if}}
    # {{c comment}}
    location = {{n uri}} {
        internal;
        set \${{n @root.prefix}}_route {{n index}};
        if (\${{n @root.prefix}}_admit != \${{n @root.prefix}}_route) {
            return 403;
        }
{{#if authUri}}
{{#if limit.verifyUri}}
{{> verified}}
{{/if}}
{{/if}}
{{#if refuseOverride}}
        if (\${{n @root.prefix}}_override) {
            return 400;
        }
{{/if}}
{{#if refuseWsToken}}
        if (\${{n @root.prefix}}_ws_token) {
            return 400;
        }
{{/if}}
{{#if cors.wsGuard}}
        if (\${{n cors.wsGuard}}) {
            return 403;
        }
{{/if}}
{{#if wsSameOrigin}}
        if (\${{n @root.prefix}}_xsite_ws) {
            return 403;
        }
{{/if}}
{{#if cors}}
        set \${{n @root.prefix}}_acao \${{n cors.originVar}};
        set \${{n @root.prefix}}_acac {{#if cors.credentials}}"true"{{else}}""{{/if}};
        set \${{n @root.prefix}}_aceh {{v cors.expose}};
        set \${{n @root.prefix}}_vary Origin;
{{/if}}
{{#if hideArgs}}
        set $args \${{n @root.prefix}}_args;
{{/if}}
{{#if rewrite}}
        rewrite ^ {{v rewrite}} break;
{{/if}}
{{#if ip}}
{{#each ip.rules}}
        {{n action}} {{n source}};
{{/each}}
{{/if}}
{{#if bodyLimit}}
        client_max_body_size {{n bodyLimit}};
{{/if}}
{{#if limit}}
        limit_req zone={{n limit.zone}}{{#if limit.burst}} burst={{n limit.burst}}{{/if}} nodelay;
        limit_req_status 429;
{{#if limit.conn}}
        limit_conn {{n limit.conn.zone}} {{n limit.conn.max}};
        limit_conn_status 429;
{{/if}}
{{/if}}
{{#if authUri}}
{{#unless limit.verifyUri}}
{{> authCheck}}
{{/unless}}
{{/if}}
{{#if accessLog}}
        access_log {{q @root.accessLogPath}} {{n @root.prefix}}_json;
{{/if}}
{{#if cors}}
{{> corsVars}}
        proxy_hide_header Access-Control-Allow-Origin;
        proxy_hide_header Access-Control-Allow-Credentials;
        proxy_hide_header Access-Control-Expose-Headers;
{{/if}}
{{#each responseHide}}
        proxy_hide_header {{n this}};
{{/each}}
{{#each responseSet}}
        add_header {{n name}} {{v value}} always;
{{/each}}
{{#if mock}}
{{#if mock.viaNjs}}
        js_content {{n @root.prefix}}.mock;
{{else}}
{{#each mock.headers}}
        add_header {{n name}} {{v value}} always;
{{/each}}
        types { }
        default_type {{q mock.contentType}};
        return {{n mock.status}} {{v mock.body}};
{{/if}}
{{/if}}
{{#if upstream}}
        proxy_pass {{n upstream.scheme}}://{{n upstream.name}}{{#if escapedPath}}\${{n @root.prefix}}_upath{{/if}};
        proxy_http_version 1.1;
{{#if websocket}}
        proxy_set_header Upgrade \${{n @root.prefix}}_ws_upgrade;
        proxy_set_header Connection \${{n @root.prefix}}_ws_connection;
{{else}}
        proxy_set_header Connection "";
{{/if}}
{{#if refuseWsToken}}
        proxy_set_header Sec-WebSocket-Protocol $http_sec_websocket_protocol;
{{/if}}
{{#if upstream.host.client}}
        proxy_set_header Host $host;
{{else}}
        proxy_set_header Host {{q upstream.host}};
{{/if}}
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Host $host;
{{#each hiddenHeaders}}
        proxy_set_header {{n this}} "";
{{/each}}
{{#if kept}}
{{#each kept.headers}}
        proxy_set_header {{n name}} \${{n variable}};
{{/each}}
{{/if}}
{{#if kept.cookies}}
        proxy_set_header Cookie \${{n kept.cookies}};
{{else if hideCookies}}
        proxy_set_header Cookie \${{n @root.prefix}}_cookies;
{{/if}}
{{#eachShared clearHeaders}}
        proxy_set_header {{n name}} {{#if variable}}\${{n variable}}{{else}}""{{/if}};
{{/eachShared}}
{{#each requestHeaders}}
        proxy_set_header {{n name}} {{#if value}}{{v value}}{{else}}""{{/if}};
{{/each}}
{{#if upstream.tls}}
        proxy_ssl_name {{q upstream.tls.serverName}};
{{> ownSsl}}
{{/if}}
{{#if upstream.connectTimeout}}
        proxy_connect_timeout {{n upstream.connectTimeout}};
{{/if}}
{{#if timeout}}
        proxy_read_timeout {{n timeout}};
        proxy_send_timeout {{n timeout}};
{{/if}}
{{#if tries}}
        proxy_next_upstream error timeout;
        proxy_next_upstream_tries {{n tries}};
{{/if}}
{{#if noRetry}}
        proxy_next_upstream off;
{{/if}}
{{#if cache}}
        proxy_cache {{n cache.zone}};
        proxy_cache_key \${{n @root.prefix}}_ck;
        proxy_cache_methods{{#each cache.methods}} {{n this}}{{/each}};
        proxy_cache_valid 200 203 204 206 301 404 {{n cache.valid}};
{{#if cache.bypass}}
        # A credential nginx did not verify: never stored, never answered from the cache. Each variable is
        # written twice: nginx reads a value of exactly "0" as unset (Authorization: 0 would be stored).
        proxy_no_cache{{#each cache.bypass}} \${{n this}}\${{n this}}{{/each}};
        proxy_cache_bypass{{#each cache.bypass}} \${{n this}}\${{n this}}{{/each}};
{{/if}}
{{#if cache.bufferBody}}
        # The body is read before the bypass is tested: $content_length then counts an HTTP/2 body sent without Content-Length.
        proxy_request_buffering on;
{{/if}}
        add_header X-Cache-Status $upstream_cache_status always;
{{/if}}
{{/if}}
    }
{{#if cors}}

    location = {{n preflightUri}} {
        internal;
        add_header Access-Control-Allow-Origin \${{n cors.originVar}} always;
{{#if cors.credentials}}
        add_header Access-Control-Allow-Credentials "true" always;
{{/if}}
        add_header Access-Control-Allow-Methods {{q cors.methods}} always;
{{#if cors.headers}}
        add_header Access-Control-Allow-Headers {{q cors.headers}} always;
{{/if}}
{{#if cors.maxAge}}
        add_header Access-Control-Max-Age {{n cors.maxAge}} always;
{{/if}}
        add_header Vary Origin always;
        return 204;
    }
{{/if}}
{{#if authUri}}

    location = {{n authUri}} {
        internal;
        js_content {{n @root.prefix}}.{{#if optionalAuth}}authorizeOptional{{else}}authorize{{/if}};
    }
{{/if}}
`;

/** A location's own SSL context, only where it differs from its server's (proxy-ssl.ts). */
export const OWN_SSL_PARTIAL = `{{#if ssl}}
{{#if ssl.verify}}
        proxy_ssl_verify on;
        proxy_ssl_trusted_certificate {{q ssl.trusted}};
{{else}}
        proxy_ssl_verify off;
{{/if}}
{{/if}}
`;
