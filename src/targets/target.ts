/**
 * The contract every target folder fulfils. A target is one folder and one line in `index.ts`;
 * the core reads its capability table before it compiles (quicktype's TargetLanguage idea).
 */
import type { PolicyMap } from './policy-map.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { DeployedReader } from '../diff/entity.js';
import type { FallbackKind, FeatureId } from '../model/features.js';
import type { KeyId } from '../model/keys.js';
import type { Gateway } from '../model/types.js';
import type { KeyAnswer } from './key-table.js';
import type { OutputFile } from './output-file.js';

export type { OutputFile } from './output-file.js';

/**
 * How a target answers for a feature.
 * - native: the gateway does it itself.
 * - emulated: gwc builds it from other parts (say how).
 * - unsupported: cannot be expressed (say why). With `fallback`, the one kind of fallback the target
 *   can build from (a scheme's forwardAuth service or lambdaAuthorizer, a Lambda backend's HTTP
 *   fallbackUrl) is used where the spec gives that kind; any other kind the spec gives does not help.
 */
export type Capability =
  | { support: 'native'; note?: string }
  | { support: 'emulated'; how: string }
  | {
      support: 'unsupported';
      why: string;
      /** Not repeated in `why`: the refusal appends the kind's hint (src/model/features.ts FALLBACKS). */
      fallback?: FallbackKind;
      /**
       * For a security feature: what the target still enforces when the user accepts the gap.
       * Without it a security gap cannot be accepted at all: accepting it would leave the route open.
       */
      partial?: string;
    };

/** Every feature must have an answer: a new feature fails to compile until every target says. */
export type CapabilityTable = Record<FeatureId, Capability>;

export type Resolution = 'native' | 'emulated' | 'fallback' | 'accepted' | 'dropped';

/** The capability check's answer (`capability-check.ts`), which a target's compile reads. */
export interface CapabilityPlan {
  /** How `feature` is realised on `routeId`; undefined when the route does not use it. */
  mode(routeId: string, feature: FeatureId): Resolution | undefined;
  /** True when the route's feature is to be compiled (native, emulated or by fallback). */
  enforced(routeId: string, feature: FeatureId): boolean;
}

export interface CompileOptions {
  /** Target-specific options from the command line (`--option key=value`), already validated by the target. */
  options: Record<string, string>;
  /**
   * Lint's compile (`compileFindings`): only the diagnostics are read, so a target may skip
   * rendering its files' text and return no files (#18: rendering was half of `gwc lint` at
   * 10,000 routes). The diagnostics must be exactly those of a full compile: a check that reads
   * the rendered text (a size limit, a template-syntax lock) still runs, on the text or computed
   * without it (test/targets/findings-only.test.ts holds every fixture to that).
   */
  findingsOnly?: boolean;
}

export interface CompileResult {
  files: OutputFile[];
  diagnostics: Diagnostic[];
}

/**
 * What a user does with a target's written files (`gwc build` prints it after writing, and gives it
 * in `--json`): the command that deploys them, and the environment variables or secret files the
 * output reads at deploy or run time, named as the target names them (decK's `DECK_` prefix, ...).
 */
export interface DeployHint {
  /** One line: the next step, with the written paths. */
  next: string;
  /** `name`: an environment variable (or a secret file's path); `for`: what it holds. */
  env: Array<{ name: string; for: string }>;
}

export interface DeployHintInput {
  /** The folder the files were written to, as the user named it. */
  dir: string;
  files: readonly OutputFile[];
  gateway: Gateway;
  options: Record<string, string>;
}

export interface TargetOption {
  name: string;
  description: string;
  values?: readonly string[];
  default: string;
}

export interface Target {
  name: string;
  title: string;
  /** What gets written, for `gwc targets` and the README. */
  output: string;
  capabilities: CapabilityTable;
  /**
   * The compiler's code for each route policy, or `UNSUPPORTED` where `capabilities` refuses its
   * feature (policy-map.ts); what the compile calls, so a new policy is answered by every target.
   */
  policies: PolicyMap<unknown>;
  options?: readonly TargetOption[];
  /** Hard ceilings of the target, read by lint and the compiler (e.g. AWS REST's 29 s integration timeout). */
  limits?: { maxTimeoutMs?: number };
  /**
   * Pure: the model and the resolved capability plan in, files and diagnostics out. Called only
   * when the capability check found no error.
   */
  compile(gateway: Gateway, plan: CapabilityPlan, options: CompileOptions): CompileResult;
  /**
   * Reads and normalises deployed state for `gwc diff` (DESIGN.md section 6); the compiled files go
   * through its `normalise` too. A target without one cannot be diffed.
   */
  deployed?: DeployedReader;
  /** Pure: how to deploy what `compile` wrote. */
  deployHint?(input: DeployHintInput): DeployHint;
  /**
   * Other gateway products behind the same target name, chosen by one of `options` (AWS: `api=http`
   * for HTTP APIs). Each is a Target with its own table and compile; `resolveFlavour` (flavour.ts)
   * picks it before the capability check, so lint, build and diff read the flavour's answers.
   */
  flavours?: readonly TargetFlavour[];
  /** A flavour's own key answers, in place of the target's table in key-tables.ts (the core says its key-refused/key-not-applied). */
  keys?: Partial<Record<KeyId, KeyAnswer>>;
}

/** A flavour: `option=value` selects `target` (same `name`, its own capabilities and compile). */
export interface TargetFlavour {
  option: string;
  value: string;
  target: Target;
}
