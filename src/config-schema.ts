// The shipped JSON Schema of xdf.yaml, checked by a validator that ajv compiled at build time
// (scripts/gen-validator.mjs): compiling it at every run cost more than the rest of a small run.
import type { ErrorObject } from 'ajv';
import validate from './config-validator.generated.js';

export type SchemaError = ErrorObject & { parentSchema?: { properties?: Record<string, unknown> } };

export function validateConfigData(data: unknown): SchemaError[] {
  if (validate(data)) return [];
  return (validate.errors ?? []) as SchemaError[];
}
