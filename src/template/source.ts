// A template as the renderer sees it, and the values it renders with.
import type { Arch } from '../arches/table.js';

export interface TemplateSource {
  file: string; // absolute path, for errors
  text: string;
  /** The partials it uses, by the name it uses them with (read from its own folder tree). */
  partials?: Map<string, TemplateSource>;
}

export interface RenderContext {
  arch: Arch;
  host: Arch;
  emulated: boolean;
  native: boolean;
  pins: Record<string, string>;
  vars: Record<string, unknown>;
  /** The most text a render may produce (twice limits.input_bytes; default twice 5 MiB). */
  outputLimit?: number;
  /** The longest a render may run, in seconds (default RENDER_SECONDS). */
  renderSeconds?: number;
}

export const DEFAULT_OUTPUT_LIMIT = 2 * 5 * 1024 * 1024;

/** An arch record that prints as its name (`{{arch}}`, `{{host}}`) and still reads every field. */
export function archValue(arch: Arch): Arch {
  return Object.freeze({ ...arch, toString: () => arch.name });
}

export const isArch = (v: unknown): v is Arch =>
  !!v && typeof v === 'object' && 'platform' in v && 'qemu' in v;
