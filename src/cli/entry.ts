/**
 * The module a built gwc runs every command from (#18): scripts/bundle.mjs bundles it, with
 * @oclif/core and gwc's code, into dist/bundle/gwc.cjs, and bin/entry.js hands its `commands` to
 * oclif's explicit command discovery (https://oclif.io/docs/command_discovery_strategies).
 *
 * oclif takes a command's flags, arguments and help from oclif.manifest.json (written from the
 * real classes in dist/commands/ by scripts/manifest.mjs) and needs the class only to run it.
 * Each class here is a stand-in whose `run` imports the real command (in the bundle: initialises
 * its modules) and runs that: `gwc validate` never initialises lint's rules, diff's readers or the
 * four targets that `gwc diff`'s flags list. oclif gives the stand-in its id and plugin; the real
 * class gets them too, as oclif would have set them on it.
 */
import type { Command, Config } from '@oclif/core';

export { execute } from '@oclif/core';

type Module = { default: { id?: string; plugin?: unknown; run(argv?: string[], opts?: Config): Promise<unknown> } };

function lazy(load: () => Promise<Module>) {
  return class {
    static id?: string;
    static plugin?: Command.Class['plugin'];
    static async run(argv?: string[], config?: Config): Promise<unknown> {
      const real = (await load()).default;
      real.id = this.id;
      real.plugin = this.plugin;
      return real.run(argv, config);
    }
  };
}

/** One line per file in src/commands/, named as the file (test/cli/entry.test.ts holds them equal). */
export const commands = {
  build: lazy(() => import('../commands/build.js')),
  diff: lazy(() => import('../commands/diff.js')),
  explain: lazy(() => import('../commands/explain.js')),
  help: lazy(() => import('../commands/help.js')),
  init: lazy(() => import('../commands/init.js')),
  lint: lazy(() => import('../commands/lint.js')),
  routes: lazy(() => import('../commands/routes.js')),
  schema: lazy(() => import('../commands/schema.js')),
  targets: lazy(() => import('../commands/targets.js')),
  validate: lazy(() => import('../commands/validate.js')),
};
