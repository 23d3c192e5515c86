/**
 * `gwc init`: a starter x-gateway for a plain OpenAPI document. The yaml Document API finds where
 * things are (the root `paths` key, each security scheme, each operation); the new lines are
 * spliced into the original text there, so every comment and every formatting choice of the
 * user's file is kept byte for byte (re-rendering the whole document would restyle it).
 * Pure: text in, text and diagnostics out.
 */
import { isMap, isPair, isScalar, parseDocument, type Pair, type YAMLMap } from 'yaml';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import { planInit, type InitPlan } from './plan.js';
import { flowSchemeLine, operationLines, rootBlock, schemeLines } from './render.js';

export interface InitResult {
  /** The spec with the starter x-gateway; undefined when refused. */
  text?: string;
  plan?: InitPlan;
  diagnostics: Diagnostic[];
}

interface Insertion {
  offset: number;
  lines: string[];
  indent: number;
}

export function initSpec(text: string, file: string): InitResult {
  const at = { file, pointer: '' };
  if (/^\s*[{[]/.test(text)) return { diagnostics: [diag('init-not-openapi', { detail: 'this is JSON, and gwc init writes comments, which JSON cannot hold; convert it to YAML first (yq -P)' }, at)] };
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) return { diagnostics: [diag('init-not-openapi', { detail: doc.errors[0]!.message.split('\n')[0]! }, at)] };
  const root = doc.contents;
  const data = doc.toJS() as Record<string, unknown> | null;
  if (!isMap(root) || root.flow || !data || typeof data.openapi !== 'string' || !/^3\./.test(data.openapi)) {
    return { diagnostics: [diag('init-not-openapi', { detail: 'expected a YAML mapping in block style with openapi: 3.x' }, at)] };
  }
  if ('x-gateway' in data) return { diagnostics: [diag('init-has-x-gateway', {}, { file, pointer: '/x-gateway' })] };
  const plan = planInit(data);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const insertions: Insertion[] = [];
  const paths = pairOf(root, 'paths');
  insertions.push({ offset: paths ? lineStart(text, keyStart(paths)) : endWithNewline(text), lines: rootBlock(plan), indent: 0 });
  const schemes = valueMap(pairOf(valueMap(pairOf(root, 'components')), 'securitySchemes'));
  for (const s of plan.schemes) {
    const pair = pairOf(schemes, s.name);
    if (!pair) continue;
    // A scheme written on one line ({ type: ..., ... }) has no line under it for x-gateway: lines
    // placed above it would, uncommented, be read as a scheme named x-gateway. Say how instead.
    const oneLine = isMap(pair.value) && (pair.value as YAMLMap).flow;
    const lines = schemeLines(s, plan);
    insertions.push(childInsertion(text, pair, oneLine && lines.length > 0 ? [flowSchemeLine(s.name)] : lines));
  }
  const pathItems = valueMap(paths);
  for (const op of plan.unsecured) {
    const pair = pairOf(valueMap(pairOf(pathItems, op.path)), op.method);
    if (pair) insertions.push(childInsertion(text, pair, operationLines(op)));
  }
  let out = paths ? text : endWithNewlineText(text, eol);
  for (const ins of insertions.filter((i) => i.lines.length > 0).sort((a, b) => b.offset - a.offset)) {
    const block = ins.lines.map((l) => `${' '.repeat(ins.indent)}${l}${eol}`).join('');
    out = out.slice(0, ins.offset) + block + out.slice(ins.offset);
  }
  return { text: out, plan, diagnostics: [] };
}

function pairOf(map: YAMLMap | undefined, key: string): Pair | undefined {
  return map?.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key) as Pair | undefined;
}

function valueMap(pair: Pair | undefined): YAMLMap | undefined {
  return pair && isMap(pair.value) ? (pair.value as YAMLMap) : undefined;
}

function keyStart(pair: Pair): number {
  return (pair.key as { range?: [number, number, number] }).range?.[0] ?? 0;
}

/**
 * Lines under a key: after its line, at its children's indentation, when its value is a block
 * mapping (the user uncomments them in place); else before the key, at the key's indentation.
 */
function childInsertion(text: string, pair: Pair, lines: string[]): Insertion {
  const start = keyStart(pair);
  const keyColumn = start - lineStart(text, start);
  const value = pair.value;
  if (isMap(value) && !value.flow && value.items.length > 0) {
    const first = keyStart(value.items[0] as Pair);
    const afterKeyLine = text.indexOf('\n', start) + 1;
    if (afterKeyLine > 0 && afterKeyLine <= first) return { offset: afterKeyLine, lines, indent: first - lineStart(text, first) };
  }
  return { offset: lineStart(text, start), lines, indent: keyColumn };
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function endWithNewline(text: string): number {
  return text.endsWith('\n') || text === '' ? text.length : text.length + 1;
}

function endWithNewlineText(text: string, eol: string): string {
  return text.endsWith('\n') || text === '' ? text : text + eol;
}
