// The shipped JSON Schema of xdf.yaml, checked by a validator that ajv compiled at build time
// (scripts/gen-validator.mjs): compiling it at every run cost more than the rest of a small run.
import type { ErrorObject } from 'ajv';
import validate from './validator.generated.js';
import { closestName } from '../core/closest.js';
import type { Locate } from '../core/yaml.js';
import type { Problem } from '../core/errors.js';

export type SchemaError = ErrorObject & { parentSchema?: { properties?: Record<string, unknown> } };

function validateConfigData(data: unknown): SchemaError[] {
  if (validate(data)) return [];
  return (validate.errors ?? []) as SchemaError[];
}

/** Every way the data misses the schema, each as XDF011 at its key or value, with a hint. */
export function schemaProblems(data: unknown, file: string, locate: Locate): Problem[] {
  return validateConfigData(data).map((e) => schemaProblem(e, data, file, locate));
}

function schemaProblem(e: SchemaError, data: unknown, file: string, locate: Locate): Problem {
  const parts = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let dotPath = parts.join('.');
  let message = e.message ?? 'is not valid';
  let hint =
    'see the configuration reference in the README, or the schema in schema/xdf.schema.json';
  if (e.keyword === 'additionalProperties') {
    const key = String(e.params.additionalProperty);
    dotPath = [...parts, key].join('.');
    message = 'unknown key';
    const allowed = e.parentSchema?.properties
      ? Object.keys(e.parentSchema.properties).filter((k) => k !== '$schema')
      : [];
    const near = closestName(key, allowed);
    if (allowed.length)
      hint = `${near ? `did you mean ${near}? ` : ''}allowed keys here: ${allowed.join(', ')}`;
  } else if (e.keyword === 'enum') {
    const allowed = (e.params.allowedValues as unknown[]).map(String);
    const value = valueAt(data, parts);
    const near = typeof value === 'string' ? closestName(value, allowed) : undefined;
    hint = `${near ? `did you mean ${near}? ` : ''}allowed values: ${allowed.join(', ')}`;
  } else if (
    e.keyword === 'type' &&
    e.params.type === 'string' &&
    typeof valueAt(data, parts) === 'number'
  ) {
    hint =
      `quote it: YAML reads ${String(valueAt(data, parts))} as a number (1.10 becomes ` +
      `1.1); write "${String(valueAt(data, parts))}"`;
  } else if (e.keyword === 'pattern' && parts[0] === 'qemu') {
    hint =
      'qemu.dest is a folder ending in / (/usr/bin/) or a full path ' +
      '(/usr/libexec/qemu-binfmt/aarch64-binfmt-P)';
  }
  const at = (e.keyword === 'additionalProperties'
    ? locate(dotPath)
    : locate(dotPath, 'value')) ?? { line: 1, column: 1 };
  return { code: 'XDF011', message: `${dotPath || '(top level)'}: ${message}`, hint, file, ...at };
}

function valueAt(data: unknown, parts: string[]): unknown {
  return parts.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
    data,
  );
}
