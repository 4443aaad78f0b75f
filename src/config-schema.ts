// The shipped JSON Schema of xdf.yaml, checked by a real validator (compiled once, on first use).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import schema from '../schema/xdf.schema.json' with { type: 'json' };

export type SchemaError = ErrorObject & { parentSchema?: { properties?: Record<string, unknown> } };

let validate: ValidateFunction | undefined;

export function validateConfigData(data: unknown): SchemaError[] {
  validate ??= new Ajv({ allErrors: true, verbose: true, strict: false }).compile(schema);
  if (validate(data)) return [];
  // ajv also reports the failing branches of its own combinators: keep what names a real place
  return (validate.errors ?? []).filter((e) => e.keyword !== 'if') as SchemaError[];
}
