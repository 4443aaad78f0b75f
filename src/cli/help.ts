// What `--help` shows beside each command's options: examples that run as written.

export const EXAMPLES: Record<string, string[]> = {
  generate: [
    'xdf generate                         # the templates of xdf.yaml, or ./Dockerfile.tpl',
    'xdf generate Dockerfile.tpl --arch arm64v8,arm32v7',
  ],
  check: [
    'xdf check                            # exit 1 and a diff when an output is stale',
    'xdf check --json',
  ],
  render: [
    'xdf render Dockerfile.tpl --arch arm64v8 | docker build -f - .',
    'xdf render Dockerfile.tpl --arch linux/arm/v7 --host arm64v8',
  ],
  arches: ['xdf arches', 'xdf arches --json | jq -r ".[].platform"'],
  doctor: ['xdf doctor', 'xdf doctor --arch arm64v8 --json'],
  init: [
    'xdf init                             # Dockerfile -> Dockerfile.tpl + xdf.yaml',
    'xdf init docker/Dockerfile --arch amd64,arm64v8,arm32v7',
  ],
  adopt: [
    'xdf adopt                            # Dockerfile + Dockerfile.aarch64 + … -> Dockerfile.tpl',
    'xdf adopt --dry-run Dockerfile=amd64 rpi/Dockerfile=arm32v6 --normalise',
  ],
  diff: [
    'xdf diff                             # every arch of ./Dockerfile.tpl',
    'xdf diff Dockerfile.tpl --arch arm64v8',
  ],
  lock: [
    'xdf lock                             # pin every mapped base image by digest in xdf.lock',
    'xdf lock --check                     # in a scheduled CI job: exit 1 when a tag moved',
    'xdf lock --update --timeout 30',
  ],
  xdf: [
    'xdf init && xdf generate',
    'xdf render Dockerfile.tpl --arch arm64v8 | docker build -f - .',
  ],
};

export function examples(name: string): string {
  return `\nExamples:\n${EXAMPLES[name].map((e) => `  $ ${e}`).join('\n')}\n`;
}
