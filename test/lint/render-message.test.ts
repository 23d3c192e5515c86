/** render (a rule's message from its text and params) says what the regex replacement it replaces said (#18). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { render, type Params } from '../../src/lint/rule.js';

const before = (template: string, params: Params) => template.replace(/\{\{(\w+)\}\}/g, (all, name: string) => (name in params ? String(params[name]) : all));

describe('render', () => {
  it.each<[string, Params]>([
    ['{{detail}}', { detail: 'kong: refused' }],
    ['{{detail}}', {}],
    ['{{a}} and {{b}}', { a: 1, b: true }],
    ['{{a}}{{a}}', { a: 'x' }],
    ['{{ a }} {a} {{a-b}} {{}} {{{a}}}', { a: 'x' }],
    ['{{toString}}', {}],
    ['plain text', { a: 1 }],
    ['', {}],
    ['{{a}} {{missing}} $& $1', { a: '$&' }],
  ])('%j with %j', (template, params) => {
    expect(render(template, params)).toBe(before(template, params));
  });

  it('a text that is one slot gives the param itself', () => {
    const detail = `kong: ${'x'.repeat(300)}`;
    expect(render('{{detail}}', { detail })).toBe(detail);
  });

  it('generated texts and params', () => {
    const piece = fc.oneof(fc.string(), fc.constantFrom('{{a}}', '{{b}}', '{{c_1}}', '{{', '}}', '{', '}', '{{ a}}'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.dictionary(fc.constantFrom('a', 'b', 'c_1', 'd'), fc.oneof(fc.string(), fc.integer(), fc.boolean())), (pieces, params) => {
        const template = pieces.join('');
        expect(render(template, params)).toBe(before(template, params));
      }),
      { numRuns: 500 },
    );
  });
});
