// xdf.yaml's data as the schema lets it through, before normalize gives it its defaults.
import type { Engine, MatrixFormat, QemuMode, QemuPlace, Strategy } from './types.js';

export interface RawConfig {
  templates?: string[];
  arches?: string[];
  host?: string;
  strategy?: Strategy;
  images?: Record<string, Record<string, unknown>>;
  qemu?: { mode?: QemuMode; dest?: string; place?: QemuPlace };
  pins?: Record<string, Record<string, string>>;
  vars?: Record<string, unknown>;
  output?: { name?: string; names?: Record<string, string>; combined?: string; header?: boolean };
  stages?: Record<string, 'host'>;
  limits?: { input_bytes?: number };
  matrix?: {
    formats?: MatrixFormat[];
    image?: string;
    tag?: string;
    list_tag?: string;
    runner?: string;
    engine?: Engine;
    build_args?: Record<string, string>;
    templates?: Partial<Record<MatrixFormat, string>>;
  };
  native?: Record<string, { runner?: string; context?: string }>;
  warnings?: { ignore?: string[] };
  registries?: Record<string, { insecure?: boolean }>;
  lock?: { host?: boolean };
}
