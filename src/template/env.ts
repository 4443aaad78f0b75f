// The Handlebars environment templates run in: xdf's helpers (`arch`, `pin`, `eq`…), without
// `log` and `lookup`, and with a budget that stops an expansion too large or too long.
import type Handlebars from 'handlebars';
import type { Arch } from '../arches/table.js';
import { fail } from '../core/errors.js';
import { handlebars } from '../core/libs.js';
import { archNamed, UNAVAILABLE } from './vet.js';

const nameOf = (v: unknown): unknown =>
  v && typeof v === 'object' && 'name' in v && 'platform' in v ? (v as Arch).name : v;

const LOGIC = {
  eq: (a: unknown, b: unknown) => nameOf(a) === nameOf(b),
  ne: (a: unknown, b: unknown) => nameOf(a) !== nameOf(b),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  not: (a: unknown) => !a,
};

interface RenderData {
  arch: Arch;
  pins: Record<string, string>;
  file: string;
}

type Loc = { loc?: hbs.AST.SourceLocation };
const placeOf = (file: string, options: Loc) => ({
  file,
  line: options.loc?.start?.line,
  column: (options.loc?.start?.column ?? 0) + 1,
});

// Helpers read the arch and pins of the current render from its data, so that one environment and
// one compiled function serve every arch of a template.
export function createEnv(): typeof Handlebars {
  const hb = handlebars().create();
  for (const name of UNAVAILABLE) hb.unregisterHelper(name);
  hb.registerHelper({
    ...LOGIC,
    pin(name: unknown, options: Handlebars.HelperOptions & Loc) {
      const { arch, pins, file } = options.data.xdf as RenderData;
      if (typeof name !== 'string' || !Object.hasOwn(pins, name)) {
        fail(
          'XDF021',
          `unknown pin ${JSON.stringify(name)} for ${arch.name}`,
          `define it under pins: in xdf.yaml with a default or a value for ${arch.name}; known ` +
            `pins: ${Object.keys(pins).join(', ') || 'none'}`,
          placeOf(file, options),
        );
      }
      return pins[name];
    },
    // `{{arch}}` prints the name; `{{#arch "arm64v8" "aarch64"}}…{{else}}…{{/arch}}` selects
    // arches.
    arch(this: unknown, ...args: unknown[]) {
      const options = args.pop() as Handlebars.HelperOptions & Loc;
      const { arch, file } = options.data.xdf as RenderData;
      if (!options.fn) return arch.name;
      const names = args.map((a) => archNamed(nameOf(a), placeOf(file, options)));
      return names.includes(arch.name) ? options.fn(this) : options.inverse(this);
    },
  });
  return hb;
}

let shared: typeof Handlebars | undefined;
/** The environment of templates without partials and of snippets (partials are per environment). */
export const sharedEnv = () => (shared ??= createEnv());
