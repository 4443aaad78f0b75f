// Heavy libraries, loaded on first need: a template without `{{` never loads Handlebars, a run
// without xdf.yaml never loads the YAML parser.
import { InternalError } from './errors.js';
import type HandlebarsLib from 'handlebars';
import type * as YamlLib from 'yaml';

let handlebarsLib: typeof HandlebarsLib | undefined;
let yamlLib: typeof YamlLib | undefined;

export async function loadHandlebars(): Promise<void> {
  const mod = (await import('handlebars')) as typeof HandlebarsLib & {
    default?: typeof HandlebarsLib;
  };
  handlebarsLib ??= mod.default && typeof mod.default.create === 'function' ? mod.default : mod;
}

export async function loadYaml(): Promise<void> {
  // yaml is CommonJS: depending on the loader its exports arrive as the namespace or as its
  // default.
  const mod = (await import('yaml')) as typeof YamlLib & { default?: typeof YamlLib };
  yamlLib ??= 'parseDocument' in mod && typeof mod.parseDocument === 'function' ? mod : mod.default;
}

export function handlebars(): typeof HandlebarsLib {
  if (!handlebarsLib) throw new InternalError('Handlebars used before loadHandlebars()');
  return handlebarsLib;
}

export function yaml(): typeof YamlLib {
  if (!yamlLib) throw new InternalError('the YAML parser used before loadYaml()');
  return yamlLib;
}

/** Runtime options of every template xdf runs: no access to object prototypes from a template. */
export const NO_PROTOTYPES = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
} as const;
