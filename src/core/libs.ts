// Heavy libraries, each loaded synchronously by the module that uses it, on its first use: a
// template without `{{` never loads Handlebars, a run without YAML never loads the parser, and no
// caller has a "load it first" step to forget.
import { createRequire } from 'node:module';
import type * as DiffLib from 'diff';
import type HandlebarsLib from 'handlebars';
import type * as UndiciLib from 'undici';
import type * as YamlLib from 'yaml';

// Under test, from node_modules. The build replaces this line with a require of each library's own
// bundle, dist/lib/<name>.cjs (scripts/build.mjs): an install has no dependencies.
const requireLib: (name: string) => unknown = createRequire(import.meta.url);

/** A library's exports on first call; CommonJS exports may arrive as the module or its default. */
function lazy<T>(name: string, isIt: (m: T) => boolean): () => T {
  let lib: T | undefined;
  return () => {
    if (lib === undefined) {
      const mod = requireLib(name) as T & { default?: T };
      lib = isIt(mod) ? mod : (mod.default as T);
    }
    return lib;
  };
}

export const handlebars = lazy<typeof HandlebarsLib>('handlebars', (m) => !!m?.create);
export const yaml = lazy<typeof YamlLib>('yaml', (m) => typeof m?.parseDocument === 'function');
export const diff = lazy<typeof DiffLib>(
  'diff',
  (m) => typeof m?.createTwoFilesPatch === 'function',
);
export const undici = lazy<typeof UndiciLib>('undici', (m) => typeof m?.Agent === 'function');

/** Runtime options of every template xdf runs: no access to object prototypes from a template. */
export const NO_PROTOTYPES = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
} as const;
