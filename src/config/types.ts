// The shapes that flow between the pipeline's steps.

export type Strategy = 'namespace' | 'multiarch' | 'platform' | 'pattern' | 'none';
export type QemuMode = 'copy' | 'copy-from' | 'mount' | 'none';
export type QemuPlace = 'after-from' | 'before-run';
export type Engine = 'docker' | 'podman';
export type MatrixFormat = 'json' | 'yaml' | 'gitlab' | 'bake' | 'make' | 'manifest';

export interface Pin {
  tag?: string;
  digest?: string;
  image?: string; // the whole reference for this arch: no strategy applies
  reason?: string;
}

/** One entry of `images:`; the key is an exact name or a glob (`myorg/*`). */
export interface ImageRule {
  key: string;
  strategy?: Strategy;
  rewrite?: string; // pattern strategy: a Handlebars template
  exclude: string[]; // canonical arch names
  pins: Record<string, Pin>; // canonical arch name -> pin
}

export interface MatrixConfig {
  formats: MatrixFormat[];
  image: string;
  tag: string; // Handlebars, default "{{arch}}"
  list_tag: string; // default "latest"
  runner: string; // default "ubuntu-latest"
  engine: Engine; // default "docker"
  build_args: Record<string, string>; // values are Handlebars, rendered per arch
  templates: Partial<Record<MatrixFormat, string>>; // absolute paths of user output templates
}

/** An arch built natively (no QEMU): on a CI runner of that arch, or on a node of that arch reached
 * through a docker context (with `matrix.engine: podman`, a podman connection). */
export interface NativeBuild {
  runner?: string;
  context?: string;
}

/** A normalized, validated configuration: every default applied, arch names canonical, paths
 * absolute. */
export interface Config {
  file?: string; // absolute path of xdf.yaml, undefined when none
  dir: string; // absolute: the config's folder (or the template's folder when there is no config)
  templates: string[]; // absolute paths
  arches: string[]; // canonical names, in config order
  host: string; // canonical name
  strategy: Strategy;
  images: ImageRule[];
  qemu: { mode: QemuMode; dest: string; place?: QemuPlace }; // place: default after-from
  pins: Record<string, Record<string, string>>; // pin name -> { default?, <canonical arch>: value }
  vars: Record<string, unknown>;
  // names: canonical arch -> its output path outright (output.names); combined: one Dockerfile
  // for every arch of a template, relative to it (the README's "One Dockerfile for every platform")
  output: { name: string; names?: Record<string, string>; combined?: string; header: boolean };
  stages?: Record<string, 'host'>; // stage name (lower case) or index -> runs on the build host
  limits: { input_bytes: number };
  matrix?: MatrixConfig;
  // canonical arch name -> its CI runner, and the docker context (podman connection) that xdf.mk
  // builds and pushes it through
  native: Record<string, NativeBuild>;
  registries: Record<string, { insecure: boolean }>; // by host[:port]
  lock: { host: boolean };
  warnings: { ignore: string[] };
  /** Where a config key was written (`images.golang.arm64v8`), for errors that point into xdf.yaml.
   * */
  locate(path: string, at?: 'key' | 'value'): { line: number; column: number } | undefined;
}

/** CLI overrides, applied after the file. */
export interface ConfigOverrides {
  arches?: string[]; // any scheme; replaces the config's list
  host?: string;
  out?: string; // absolute
}

/** One entry of the build matrix: exactly these keys, in this order (the README's matrix keys). */
export interface MatrixEntry {
  template: string; // relative to the config's folder
  arch: string; // canonical name
  platform: string; // short form: linux/arm64
  dockerfile: string; // relative to the matrix files' folder (the config's, or --out DIR)
  context: string; // relative to the matrix files' folder ("." for that folder)
  image: string;
  tag: string;
  emulated: boolean;
  qemu: string; // emulator file name (qemu-aarch64-static), "" when not emulated
  runner: string;
  build_args: Record<string, string>;
}

/** The matrix of one config: built once, serialized per format. */
export interface Matrix {
  /** One manifest list per image (`myorg/app:latest`), with the names of its targets. */
  lists: { image: string; list: string; targets: string[] }[];
  /** Entries with their bake/make target names (`arm64v8`, or `svc-api-Dockerfile-arm64v8`). */
  targets: { name: string; entry: MatrixEntry }[];
  /** output.combined per template: one target for every platform, tagged as the list. */
  combined: CombinedTarget[];
}

/** The bake target of one template's output.combined. */
export interface CombinedTarget {
  name: string; // `combined`, or `<slug>-combined` for several templates
  template: string; // relative to the config's folder
  dockerfile: string; // relative to the config's folder
  context: string; // relative to the config's folder
  platforms: string[]; // in config order
  image: string;
  tag: string; // matrix.list_tag
  build_args: Record<string, string>; // the matrix's build args that every arch agrees on
  dropped: string[]; // the build args whose value differs per arch: no one value to pass
}
