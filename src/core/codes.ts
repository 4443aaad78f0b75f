// Every error and warning code with what it means: the one table the code raises from and the
// README's table is checked against (test/readme.test.ts).
export const CODES = {
  XDF001: 'unknown architecture name',
  XDF002: 'bad command line',
  XDF003: 'template or config file not found',
  XDF004: 'an input that is not UTF-8 (at the first bad byte)',
  XDF005: 'an input or output path that is a folder, FIFO or device, or cannot be read',
  XDF006:
    'a template or partial name with a control character or line break (it would reach the ' +
    "generated Dockerfile's header or the matrix files)",
  XDF010: '`xdf.yaml` is not valid YAML, is over 1 MiB, or expands too many aliases',
  XDF011: '`xdf.yaml` does not match the schema',
  XDF012: 'a config value cannot be rendered (`matrix.tag`, `output.name`, `rewrite`, `qemu.dest`)',
  XDF013:
    "a config value that reaches a Dockerfile or a build is not valid there (docker's reference " +
    'grammar, a line break, a qemu.dest with a space, one image for two templates, a GitLab ' +
    'job name over 255 characters)',
  XDF020:
    'template syntax error, a helper called with arguments or as a block it does not take ' +
    '(`{{pin "a" "b"}}`, `{{#eq a b}}`), or a decorator other than `{{#*inline}}`',
  XDF021: 'unknown template variable or pin',
  XDF022:
    'a Go-template `{{.X}}` not escaped as `\\{{.X}}`, or a map of the template data printed ' +
    'whole (`{{.}}`, `{{this}}`, `{{@root}}`, `{{vars}}`, `{{pins}}`, `{{vars.x}}` where x is a ' +
    'map)',
  XDF023: "a partial not found, or outside the template's folder",
  XDF024:
    'prototype access (`{{constructor}}`, `{{__proto__}}`), or `{{log}}`/`{{lookup}}` (or ' +
    "Handlebars' own `helperMissing`/`blockHelperMissing`)",
  XDF025:
    'a template too deep or too large to parse quickly (nesting over 100, over 10,000 expressions)',
  XDF026:
    'rendering a template stops: its text would be over twice `limits.input_bytes`, it runs over ' +
    '5 seconds (nested `{{#each}}` over large lists), or a partial includes itself',
  XDF027:
    'a GitLab output template (`matrix.templates.gitlab`) renders text whose jobs cannot be read ' +
    'back: not valid YAML, or a `parallel: matrix:` that is not a list of maps of strings',
  XDF028:
    'an output template of your own (`matrix.templates`) renders a file xdf would not know as ' +
    "its own: without xdf's header, the bake marker, or the JSON matrix's shape",
  XDF030: 'a `FROM` with no image',
  XDF031: 'a Dockerfile (a rendered template) with no `FROM`, or empty',
  XDF032:
    "`output.combined`: the arches' Dockerfiles cannot share one file (different parser " +
    'directives or escape characters, or a stage ARG whose per-arch default expands a variable)',
  XDF040: 'the strategy cannot map this image',
  XDF041: 'a digest without a per-arch digest pin',
  XDF042: 'an untagged debian/ubuntu under `multiarch`',
  XDF043: 'the arch has no image under `multiarch`',
  XDF044:
    'one ARG feeds a stage of fixed platform (`$BUILDPLATFORM`, `--platform`) and a mapped stage',
  XDF045: '`pattern` without `rewrite`',
  XDF050: "an output path outside the config's folder",
  XDF051:
    'an output lands on an input (template, config, partial, output template, `xdf.lock`) or ' +
    'another output',
  XDF052: 'an output cannot be written',
  XDF053: 'an input over `limits.input_bytes` (an `xdf.lock` over 8 MiB, read or to be written)',
  XDF054: "`--stage-qemu` cannot find the host's emulator",
  XDF055: '`render` for an arch that an image excludes',
  XDF056: '`init` or `adopt` would overwrite a file (use `--force`)',
  XDF057: '`init` cannot escape the Dockerfile so that it renders back to itself',
  XDF058: 'a file at an output path that xdf did not write (`generate --force` replaces it)',
  XDF059: 'two templates get the same matrix target name',
  XDF060:
    '`adopt` found no set of per-arch Dockerfiles to take over, or one file (a single Dockerfile ' +
    "is `xdf init`'s)",
  XDF061: "`adopt`: two files for one arch (name each file's arch: `FILE=ARCH`)",
  XDF062: '`adopt`: the files are not variants of one another (divergent): nothing written',
  XDF063:
    '`adopt`: the template and config would not regenerate every original byte for byte: ' +
    'nothing written',
  XDF070: '`xdf lock`: the registry has no such repository or tag',
  XDF071: "`xdf lock`: the manifest list has no image for the arch's platform",
  XDF072: "`xdf lock`: an image (single, or a list's entry) whose config names another platform",
  XDF073: '`xdf lock`: the registry cannot be reached, timed out, or refused the credentials',
  XDF074: 'a mapped image has no entry in `xdf.lock` (run `xdf lock`)',
  XDF075: '`xdf.lock` is damaged (run `xdf lock --update`)',
  XDF099: 'internal error (a bug: please report it)',
  XDFW001: 'Go under QEMU without a pin for that arch',
  XDFW002: 'a hand-written `COPY qemu-*-static` names the wrong emulator',
  XDFW003: 'an ambiguous arch alias (`armhf`, `armel`) was resolved',
  XDFW005: 'an image reference that cannot be resolved statically was left unchanged',
  XDFW006: 'an image in a `--from` flag under `platform` was left unchanged',
  XDFW007: 'an arch asked for with `--arch` is excluded by an image',
  XDFW008: 'two matrix entries push the same image:tag (use `{{target}}` in `matrix.tag`)',
  XDFW009: "a file carries a template's header but is not one of its current outputs: left alone",
  XDFW010: '`xdf lock`: an image with a variable in its tag cannot be locked',
  XDFW011: 'the matrix leaves out a template the config does not list (list it under `templates:`)',
  XDFW012:
    '`matrix.build_args` with a value per arch: the bake target of `output.combined` ' +
    'cannot pass it',
} as const;

export type Code = keyof typeof CODES;
