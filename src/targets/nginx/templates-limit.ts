/**
 * Per-consumer rate limits on secured routes (policies.ts): `limit_req` runs in nginx's PREACCESS
 * phase, before `auth_request` (ACCESS), so a limit keyed in the route location could only read
 * what the client claims. The path location dispatches such a route to a verify location instead:
 * it runs the auth check, then hands the request (`try_files` fallback, an internal redirect that
 * keeps the variables `auth_request_set` filled) to the route location, whose `limit_req` keys on
 * the verified identity. A refused request goes, through `error_page`, to a fail location whose
 * `limit_req` counts the client address in the same zone before it answers the 401/403: guesses
 * and forged tokens spend their address's budget, never a consumer's.
 * https://nginx.org/en/docs/dev/development_guide.html#http_phases
 */

/** The auth check of a route location (or of its verify location). */
export const AUTH_CHECK_PARTIAL = `        auth_request {{n authUri}};
        auth_request_set \${{n @root.prefix}}_www $sent_http_www_authenticate;
{{#eachShared @root.forwardHeaders}}
        auth_request_set \${{n this.variable}} \${{n this.sent}};
{{/eachShared}}
{{#eachShared @root.identity}}
        auth_request_set \${{n this.variable}} \${{n this.sent}};
{{/eachShared}}
{{#if kept}}
{{#each kept.headers}}
        auth_request_set \${{n variable}} $sent_http_x_gwc_kept_{{n index}};
{{/each}}
{{#if kept.args}}
        auth_request_set $args $sent_http_x_gwc_args;
{{/if}}
{{#if kept.cookies}}
        auth_request_set \${{n kept.cookies}} $sent_http_x_gwc_cookies;
{{/if}}
{{/if}}
`;

/**
 * In the route location of a verified route: reached only from its verify location, after the
 * check (its `$<prefix>_admit` is the route the njs check passed: X-Gwc-Route, only on success).
 */
export const VERIFIED_PARTIAL = `        if (\${{n @root.prefix}}_id_key = "") {
            return 403;
        }
`;

const FAIL = (status: number) => `
    location = {{n limit.failUri}}/${status} {
        internal;
        limit_req zone={{n limit.zone}}{{#if limit.burst}} burst={{n limit.burst}}{{/if}} nodelay;
        limit_req_status 429;
        root /dev/null;
        try_files /gwc /_gwc_internal/e/${status};
    }
`;

/**
 * The verify location of a route whose body check or validation runs first admits only what that
 * check passed (`$<prefix>_admit`: the dispatch's pending `b<N>`, made `N` by the njs check's
 * success, servers.ts admitOf): a refusal redirected on (a hand-edited `error_page`) would
 * otherwise pass the auth check and reach r/N with the body the check refused.
 */
export const VERIFY_PARTIAL = `    # {{c comment}}: auth check before the per-consumer limit
    location = {{n limit.verifyUri}} {
        internal;
        set \${{n @root.prefix}}_route {{n index}};
{{#if (or validate body)}}
        if (\${{n @root.prefix}}_admit != \${{n @root.prefix}}_route) {
            return 403;
        }
{{/if}}
{{#if refuseOverride}}
        if (\${{n @root.prefix}}_override) {
            return 400;
        }
{{/if}}
{{#if cors}}
        set \${{n @root.prefix}}_acao \${{n cors.originVar}};
        set \${{n @root.prefix}}_acac {{#if cors.credentials}}"true"{{else}}""{{/if}};
        set \${{n @root.prefix}}_aceh {{v cors.expose}};
        set \${{n @root.prefix}}_vary Origin;
{{/if}}
{{#if ip}}
{{#each ip.rules}}
        {{n action}} {{n source}};
{{/each}}
{{/if}}
{{#if bodyLimit}}
        client_max_body_size {{n bodyLimit}};
{{/if}}
{{> authCheck}}
        auth_request_set \${{n @root.prefix}}_admit $sent_http_x_gwc_route;
        recursive_error_pages on;
        error_page 401 = {{n limit.failUri}}/401;
        error_page 403 = {{n limit.failUri}}/403;
{{#each limit.errors}}
        error_page {{n this}} /_gwc_internal/e/{{n this}};
{{/each}}
        root /dev/null;
        try_files /gwc {{n uri}}?$args;
    }
${FAIL(401)}${FAIL(403)}
`;
