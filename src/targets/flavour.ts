/**
 * Target flavours: one target name, several gateways products behind it, chosen by one of the
 * target's options (AWS: `--option aws.api=http` picks API Gateway HTTP APIs over REST APIs). A
 * flavour is a Target of its own, with its own capability table and compiler, so the core's
 * capability check, lint (DESIGN.md 7.7) and `gwc diff` read the flavour's answers, never the
 * default flavour's, before anything compiles.
 */
import type { Target } from './target.js';

/** The Target `options` select: a flavour whose option has its value, else the target itself. */
export function resolveFlavour(target: Target, options: Readonly<Record<string, string>> = {}): Target {
  const f = target.flavours?.find((x) => options[x.option] === x.value);
  return f ? f.target : target;
}

/** Every flavour of every target, for the capability matrix: `aws (api=http)`. */
export function flavourColumns(targets: readonly Target[]): Array<{ label: string; target: Target }> {
  return targets.flatMap((t) => [
    { label: t.name, target: t },
    ...(t.flavours ?? []).map((f) => ({ label: `${t.name} (${f.option}=${f.value})`, target: f.target })),
  ]);
}
