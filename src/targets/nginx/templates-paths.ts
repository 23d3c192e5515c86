/**
 * The path templates of the nginx output (templates.ts has the http and server levels): the
 * public locations, nested by prefix and regex group (layout.ts), each dispatching a method to its
 * route's first internal location. Same helpers and rules as templates.ts.
 */

/** Headers that make error responses carry the route's CORS answer (variables set in the route location). */
export const CORS_VARS_PARTIAL = `        add_header Access-Control-Allow-Origin \${{n @root.prefix}}_acao always;
        add_header Access-Control-Allow-Credentials \${{n @root.prefix}}_acac always;
        add_header Access-Control-Expose-Headers \${{n @root.prefix}}_aceh always;
        add_header Vary \${{n @root.prefix}}_vary always;
`;

export const GROUP_PARTIAL = `{{#each children}}

    location ^~ {{q prefix}} {
    {{> groupBody}}
        types { }
        default_type application/json;
        return 404 {{v @root.notFound}};
    }
{{/each}}
{{> regexLevel}}
`;

/** Regex groups (nested regex locations, see layout.ts), then the level's own templates. */
export const REGEX_LEVEL_PARTIAL = `{{#each groups}}

    location ~ {{q regex}} {
    {{> regexLevel}}
        types { }
        default_type application/json;
        return 404 {{v @root.notFound}};
    }
{{/each}}
{{#each regexPaths}}

{{> path}}
{{/each}}
`;

export const PATH_PARTIAL = `    # {{c comment}}
    location {{#if regex}}~ {{q regex}}{{else}}= {{q publicPath}}{{/if}} {
{{#if @root.forwardPath}}
        set \${{n @root.prefix}}_path $uri;
{{/if}}
{{#each preflight}}
        if (\${{n @root.prefix}}_preflight = {{n method}}) {
            rewrite ^ {{n uri}} last;
        }
{{/each}}
{{#each dispatch}}
        if ($request_method = {{n method}}) {
{{#if admit}}
            set \${{n @root.prefix}}_admit {{n admit}};
{{/if}}
            rewrite ^ {{n uri}} last;
        }
{{/each}}
        types { }
        default_type application/json;
        add_header Allow {{q allow}} always;
{{#if cors}}
        add_header Access-Control-Allow-Origin \${{n cors.originVar}} always;
        add_header Vary Origin always;
{{/if}}
        return 405 {{v @root.methodNotAllowed}};
    }
`;
