// `pins:` as one arch sees them: `{{pin "go"}}` and the matrix's per-arch values.
import type { Arch } from '../arches/table.js';
import type { Config } from './types.js';

/** Pins resolved for one arch: its own value, else the default. */
export function pinsFor(config: Config, arch: Arch): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const [name, values] of Object.entries(config.pins)) {
    const value = values[arch.name] ?? values.default;
    if (value !== undefined) pins[name] = value;
  }
  return pins;
}
