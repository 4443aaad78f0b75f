// The Handlebars environment templates run in: xdf's helpers (`arch`, `pin`, `eq`…), without
// `log` and `lookup`, and with a budget that stops an expansion too large or too long.
import type Handlebars from 'handlebars';
import type { Arch } from '../arches/table.js';
import { fail, type Place } from '../core/errors.js';
import { handlebars } from '../core/libs.js';
import { archNamed, UNAVAILABLE } from './vet.js';
import { handlebarsPlace } from '../core/source.js';

const nameOf = (v: unknown): unknown =>
  v && typeof v === 'object' && 'name' in v && 'platform' in v ? (v as Arch).name : v;

const LOGIC = {
  eq: (a: unknown, b: unknown) => nameOf(a) === nameOf(b),
  ne: (a: unknown, b: unknown) => nameOf(a) !== nameOf(b),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  not: (a: unknown) => !a,
};

/** What helpers read from a render's data (`options.data.xdf`). */
export interface RenderData {
  arch: Arch;
  pins: Record<string, string>;
  file: string; // the template or partial being rendered, for errors
  budget?: RenderBudget;
}

const TIME_CHECK_EVERY = 4096; // iterations between two looks at the clock
export const RENDER_SECONDS = 5;
export const PARTIAL_DEPTH = 64;

/**
 * What one render may spend: `{{#each}}`, `{{#with}}` and partial calls count their iterations and
 * the text they produce. Text past `maxBytes`, or a render past its time, is XDF026 at the block
 * that was expanding; partials nested past PARTIAL_DEPTH (one that includes itself) are XDF026 too.
 */
export class RenderBudget {
  private steps = 0;
  private produced = 0; // the text of completed expansions, nested ones counted once
  private depth = 0;
  private readonly deadline: number;
  constructor(
    readonly maxBytes: number,
    readonly seconds: number = RENDER_SECONDS,
  ) {
    this.deadline = Date.now() + seconds * 1000;
  }

  /** Runs one expansion (an iteration, a `with` body, a partial) within the budget. */
  run(expand: () => string, at: () => Place): string {
    if (++this.steps % TIME_CHECK_EVERY === 0 && Date.now() > this.deadline) {
      fail(
        'XDF026',
        `rendering takes more than ${this.seconds} seconds: this block expands too many times`,
        'nested {{#each}} over large lists multiply: iterate over less, or compute the list ' +
          'outside the template',
        at(),
      );
    }
    const before = this.produced;
    const text = expand();
    // The text of nested expansions is part of this one's: count it once.
    this.produced = before + text.length;
    if (this.produced > this.maxBytes) {
      fail(
        'XDF026',
        `the rendered text would be over ${this.maxBytes} bytes: this block expands too much`,
        'nested {{#each}} over large lists multiply; the limit is twice limits.input_bytes',
        at(),
      );
    }
    return text;
  }

  /** A partial's expansion, one level deeper: a partial that includes itself stops. */
  nest(expand: () => string, at: () => Place, name: string): string {
    if (++this.depth > PARTIAL_DEPTH) {
      fail(
        'XDF026',
        `partial "${name}" is included ${PARTIAL_DEPTH} levels deep: a partial that includes ` +
          'itself never ends',
        'stop the recursion: include the partial only under a condition that ends',
        at(),
      );
    }
    try {
      return this.run(expand, at);
    } finally {
      this.depth--;
    }
  }
}

type Loc = { loc?: hbs.AST.SourceLocation };
const placeOf = (file: string, options: Loc) => handlebarsPlace(file, options.loc?.start);

/** A block helper whose body runs within the render's budget (`each`, `with`). */
function budgeted(helper: Handlebars.HelperDelegate): Handlebars.HelperDelegate {
  // The arguments as given: the helper checks their count itself.
  return function (this: unknown, ...args: unknown[]) {
    const options = args[args.length - 1] as (Handlebars.HelperOptions & Loc) | undefined;
    const xdf = options?.data?.xdf as RenderData | undefined;
    const budget = xdf?.budget;
    if (budget && typeof options?.fn === 'function') {
      const fn = options.fn;
      const at = () => placeOf(xdf.file, options);
      const counted = Object.assign(
        (ctx: unknown, opts?: Handlebars.RuntimeOptions) => budget.run(() => fn(ctx, opts), at),
        fn,
      );
      args[args.length - 1] = { ...options, fn: counted };
    }
    return (helper as (...a: unknown[]) => unknown).apply(this, args);
  };
}

/** An environment whose `each` and `with` run within the budget in a render's `data.xdf`. */
export function withBudget(hb: typeof Handlebars): typeof Handlebars {
  hb.registerHelper({ each: budgeted(hb.helpers.each), with: budgeted(hb.helpers.with) });
  return hb;
}

// Helpers read the arch and pins of the current render from its data, so that one environment and
// one compiled function serve every arch of a template.
export function createEnv(): typeof Handlebars {
  const hb = withBudget(handlebars().create());
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
