/**
 * paths.ts samplePath: the path `gwc diff` asks about for a route that went away or moved
 * (plan.ts fallThrough) is one the route's own expression answers, parameters read as `g`, for
 * every form the deployed readers write (Kong `~` regexes, nginx locations, Traefik PathRegexp,
 * AWS templates); what it cannot read is undefined, never a path the expression does not match.
 */
import { describe, expect, it } from 'vitest';
import { exactPath, prefixPath, samplePath, templatePath } from '../../src/diff/paths.js';

const KONG_SEGMENT = '(?:[^/;%\\\\.\\x00-\\x1F\\x7F][^/;%\\\\\\x00-\\x1F\\x7F]*|\\.[^/;%\\\\.\\x00-\\x1F\\x7F][^/;%\\\\\\x00-\\x1F\\x7F]*|\\.\\.[^/;%\\\\\\x00-\\x1F\\x7F]+)';

describe('samplePath', () => {
  it.each([
    [exactPath('/v1/files/secret'), '/v1/files/secret'],
    [prefixPath('/v1/files'), '/v1/files'],
    [templatePath('/v1/t/{a}/secret'), '/v1/t/g/secret'],
    [templatePath('/v1/g/{rest+}'), '/v1/g/g'],
    [`^/v1/t/(?<a>${KONG_SEGMENT})/secret$`, '/v1/t/g/secret'],
    ['^/v1/t/(?<gwc_p0>[^/]+)/secret$', '/v1/t/g/secret'],
    ['^/v1/h/x\\.(?<gwc_p0>[^/]+?)$', '/v1/h/x.g'],
    [`^/v1/t/(${KONG_SEGMENT.slice(3, -1)})/secret$`, '/v1/t/g/secret'],
    ['^/v1/n/[0-9]{2,4}$', '/v1/n/00'],
    ['^/v1/(?:a|b)/[A-Z]+$', '/v1/a/A'],
  ])('%s answers %s', (source, path) => {
    expect(samplePath(source)).toBe(path);
    expect(new RegExp(source).test(path)).toBe(true);
  });

  it.each(['^/v1/(?=x)x$', '^/v1/(a)\\1$', '^/v1/\\s$', '^/v1/(unclosed$', '^/v1/[^/'])('%s: not read (undefined)', (source) => {
    expect(samplePath(source)).toBeUndefined();
  });
});
