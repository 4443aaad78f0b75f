// Help that tells the truth: every option a command lists does something for that command. Each
// listed option has a scenario here, run twice (without and with the option, in fresh copies of the
// same project), and the two runs must differ in exit code, output or files written; an option a
// command does not list is refused (exit 2).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, xdf } from '../helpers/project.js';

type Files = Record<string, string>;
interface Scenario {
  files: Files | (() => Files); // a function: made when the test runs
  without: string[];
  with: string[];
  prepare?: (dir: string) => Promise<void> | void; // before both runs, e.g. a first generate
}

const GO = 'FROM golang:1.22\nRUN go build ./...\n'; // XDFW001 for the emulated arch: a warning
const RENDERED = 'FROM golang:1.22\nRUN echo {{arch}} && go build ./...\n';
const TWO = 'arches: [amd64, arm64v8]\n';
const project = (template = GO): Files => ({
  'Dockerfile.tpl': template,
  'xdf.yaml': TWO,
  'other.yaml': 'arches: [ppc64le]\nhost: arm64v8\n',
});
const generated = async (dir: string) => void (await xdf(dir, 'generate'));

// A registry that refuses connections: lock fails fast whenever it has to ask.
const REG = '127.0.0.1:9';
const LOCK_CONFIG = (arches: string) =>
  `arches: [${arches}]\nimages:\n  "${REG}/team/*": { strategy: pattern, rewrite: "${REG}/{{name}}:{{tag}}-{{arch}}" }\n`;
const lockEntry = (arch: string, platform: string) =>
  `  - ref: ${REG}/team/app:1-${arch}\n    platform: ${platform}\n    digest: sha256:${'a'.repeat(64)}\n`;
const LOCK = (...entries: string[]) => `version: 1\nimages:\n${entries.join('')}`;
const lockProject = (arches: string, ...entries: string[]): Files => ({
  'Dockerfile.tpl': `FROM ${REG}/team/app:1\n`,
  'xdf.yaml': LOCK_CONFIG(arches),
  'xdf.lock': LOCK(...entries),
  'other.yaml': LOCK_CONFIG('amd64, arm32v7'),
});
const ARM64 = lockEntry('arm64v8', 'linux/arm64');

/** A binfmt_misc tree whose handlers all have the F flag, and one with none at all. */
function binfmtDirs(): { withF: string; none: string } {
  const withF = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-binfmt-'));
  fs.writeFileSync(path.join(withF, 'status'), 'enabled\n');
  for (const q of ['aarch64', 'arm'])
    fs.writeFileSync(
      path.join(withF, `qemu-${q}`),
      `enabled\ninterpreter /usr/bin/qemu-${q}-static\nflags: F\nmagic 7f454c46\n`,
    );
  return { withF, none: fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-binfmt-none-')) };
}
const BINFMT = binfmtDirs();

const RUN_SCENARIOS = (cmd: 'generate' | 'check', prepare?: Scenario['prepare']) => ({
  '--arch': { files: project(), without: [cmd], with: [cmd, '--arch', 'arm64v8'], prepare },
  '--host': { files: project(), without: [cmd], with: [cmd, '--host', 'arm64v8'], prepare },
  '--config': { files: project(), without: [cmd], with: [cmd, '--config', 'other.yaml'], prepare },
  '--out': { files: project(), without: [cmd], with: [cmd, '--out', 'out'], prepare },
  '--no-template': {
    files: project(RENDERED),
    without: [cmd],
    with: [cmd, '--no-template'],
    prepare,
  },
  '--no-header': { files: project(), without: [cmd], with: [cmd, '--no-header'], prepare },
  '--json': { files: project(), without: [cmd], with: [cmd, '--json'], prepare },
  '--quiet': { files: project(), without: [cmd], with: [cmd, '--quiet'], prepare },
  '--strict': { files: project(), without: [cmd], with: [cmd, '--strict'], prepare },
});

const ONE = ['Dockerfile.tpl', '--arch', 'arm64v8'];
// A project that keeps one Dockerfile per arch, for adopt; DRIFT's three files disagree on a
// trailing space, which --normalise resolves to the form two of them share.
const PAIR: Files = {
  Dockerfile: 'FROM debian:bookworm\nRUN apt-get update\n',
  'Dockerfile.aarch64': 'FROM arm64v8/debian:bookworm\nRUN apt-get update\n',
};
const DRIFT: Files = {
  ...PAIR,
  'Dockerfile.armhf': 'FROM arm32v7/debian:bookworm\nRUN apt-get update \n',
};
const SCENARIOS: Record<string, Record<string, Scenario>> = {
  generate: {
    ...RUN_SCENARIOS('generate'),
    '--stage-qemu': { files: project(), without: ['generate'], with: ['generate', '--stage-qemu'] },
    '--force': {
      files: { ...project(), 'Dockerfile.arm64v8': 'FROM arm64v8/golang:1.22\n' },
      without: ['generate'],
      with: ['generate', '--force'],
    },
  },
  check: RUN_SCENARIOS('check', generated),
  render: {
    '--arch': { files: project(), without: ['render', 'Dockerfile.tpl'], with: ['render', ...ONE] },
    '--host': {
      files: project(),
      without: ['render', ...ONE],
      with: ['render', ...ONE, '--host', 'arm64v8'],
    },
    '--config': {
      files: project(),
      without: ['render', ...ONE],
      with: ['render', ...ONE, '--config', 'other.yaml'],
    },
    '--no-template': {
      files: project(RENDERED),
      without: ['render', ...ONE],
      with: ['render', ...ONE, '--no-template'],
    },
    '--no-header': {
      files: project(),
      without: ['render', ...ONE],
      with: ['render', ...ONE, '--no-header'],
    },
    '--json': { files: project(), without: ['render', ...ONE], with: ['render', ...ONE, '--json'] },
    '--quiet': {
      files: project(),
      without: ['render', ...ONE],
      with: ['render', ...ONE, '--quiet'],
    },
    '--strict': {
      files: project(),
      without: ['render', ...ONE],
      with: ['render', ...ONE, '--strict'],
    },
  },
  diff: {
    '--arch': { files: project(), without: ['diff'], with: ['diff', '--arch', 'arm64v8'] },
    '--host': { files: project(), without: ['diff'], with: ['diff', '--host', 'arm64v8'] },
    '--config': { files: project(), without: ['diff'], with: ['diff', '--config', 'other.yaml'] },
    '--no-template': {
      files: project(RENDERED),
      without: ['diff'],
      with: ['diff', '--no-template'],
    },
    '--no-header': { files: project(), without: ['diff'], with: ['diff', '--no-header'] },
    '--json': { files: project(), without: ['diff'], with: ['diff', '--json'] },
    '--quiet': { files: project(), without: ['diff'], with: ['diff', '--quiet'] },
    '--strict': { files: project(), without: ['diff'], with: ['diff', '--strict'] },
  },
  init: {
    '--arch': {
      files: { Dockerfile: GO },
      without: ['init'],
      with: ['init', '--arch', 'amd64,s390x'],
    },
    '--host': { files: { Dockerfile: GO }, without: ['init'], with: ['init', '--host', 's390x'] },
    '--force': {
      files: { Dockerfile: GO, 'Dockerfile.tpl': 'FROM scratch\n' },
      without: ['init'],
      with: ['init', '--force'],
    },
    '--binfmt-dir': {
      files: { Dockerfile: GO },
      without: ['init', '--binfmt-dir', BINFMT.none],
      with: ['init', '--binfmt-dir', BINFMT.withF],
    },
    '--json': { files: { Dockerfile: GO }, without: ['init'], with: ['init', '--json'] },
    '--quiet': { files: { Dockerfile: GO }, without: ['init'], with: ['init', '--quiet'] },
  },
  lock: {
    '--arch': {
      files: lockProject('amd64, arm64v8, arm32v7', ARM64),
      without: ['lock'],
      with: ['lock', '--arch', 'arm64v8'],
    },
    '--host': {
      files: lockProject('amd64, arm64v8', ARM64),
      without: ['lock'],
      with: ['lock', '--host', 'arm64v8'],
    },
    '--config': {
      files: lockProject('amd64, arm64v8', ARM64),
      without: ['lock'],
      with: ['lock', '--config', 'other.yaml'],
    },
    '--no-template': {
      files: {
        ...lockProject('amd64, arm64v8', ARM64),
        'Dockerfile.tpl': `FROM ${REG}/team/app:{{#if true}}1{{/if}}\n`,
      },
      without: ['lock'],
      with: ['lock', '--no-template'],
    },
    '--json': {
      files: lockProject('amd64, arm64v8', ARM64),
      without: ['lock'],
      with: ['lock', '--json'],
    },
    '--quiet': {
      files: lockProject('amd64, arm64v8', ARM64),
      without: ['lock'],
      with: ['lock', '--quiet'],
    },
    '--strict': {
      files: {
        ...lockProject('amd64, arm64v8', ARM64),
        'Dockerfile.tpl': `ARG V=1\nFROM ${REG}/team/app:\${V}\n`,
      },
      without: ['lock'],
      with: ['lock', '--strict'],
    },
    '--update': {
      files: lockProject('amd64, arm64v8', ARM64),
      without: ['lock'],
      with: ['lock', '--update'],
    },
    '--check': {
      files: lockProject('amd64, arm64v8', ARM64),
      without: ['lock'],
      with: ['lock', '--check'],
    },
    '--timeout': {
      // a registry that takes connections and never answers: the run ends at the timeout
      files: () => ({
        'Dockerfile.tpl': `FROM ${silent()}/team/app:1\n`,
        'xdf.yaml': `arches: [amd64, arm64v8]\nstrategy: platform\n`,
      }),
      without: ['lock', '--timeout', '1'],
      with: ['lock', '--timeout', '2'],
    },
  },
  doctor: {
    '--arch': {
      files: { 'xdf.yaml': TWO },
      without: ['doctor'],
      with: ['doctor', '--arch', 'amd64'],
    },
    '--host': {
      files: { 'xdf.yaml': TWO },
      without: ['doctor'],
      with: ['doctor', '--host', 'arm64v8'],
    },
    '--config': {
      files: { 'xdf.yaml': TWO, 'other.yaml': 'arches: [s390x]\n' },
      without: ['doctor'],
      with: ['doctor', '--config', 'other.yaml'],
    },
    '--binfmt-dir': {
      files: { 'xdf.yaml': TWO },
      without: ['doctor', '--binfmt-dir', BINFMT.none],
      with: ['doctor', '--binfmt-dir', BINFMT.withF],
    },
    '--json': { files: { 'xdf.yaml': TWO }, without: ['doctor'], with: ['doctor', '--json'] },
    '--quiet': {
      files: { 'xdf.yaml': 'arches: [amd64, armhf]\n' },
      without: ['doctor'],
      with: ['doctor', '--quiet'],
    },
  },
  arches: {
    '--json': { files: {}, without: ['arches'], with: ['arches', '--json'] },
  },
  adopt: {
    '--template': { files: PAIR, without: ['adopt'], with: ['adopt', '--template', 'app.tpl'] },
    '--dry-run': { files: PAIR, without: ['adopt'], with: ['adopt', '--dry-run'] },
    '--normalise': { files: DRIFT, without: ['adopt'], with: ['adopt', '--normalise'] },
    '--force': {
      files: { ...PAIR, 'Dockerfile.tpl': 'FROM scratch\n' },
      without: ['adopt'],
      with: ['adopt', '--force'],
    },
    '--json': { files: PAIR, without: ['adopt'], with: ['adopt', '--json'] },
    '--quiet': { files: PAIR, without: ['adopt'], with: ['adopt', '--quiet'] },
  },
};

let silentServer: net.Server | undefined;
const silent = () => `127.0.0.1:${(silentServer!.address() as net.AddressInfo).port}`;
beforeAll(async () => {
  silentServer = net.createServer(() => {}); // accepts, never answers
  await new Promise<void>((resolve) => silentServer!.listen(0, '127.0.0.1', resolve));
});
afterAll(() => {
  silentServer?.close();
});

function makeDir(spec: Files | (() => Files)): string {
  const files = typeof spec === 'function' ? spec() : spec;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-options-'));
  fs.mkdirSync(path.join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** What a user notices of a run: its exit code, its output and every file it left. */
async function behaviour(s: Scenario, argv: string[]): Promise<string> {
  const dir = makeDir(s.files);
  await s.prepare?.(dir);
  const run = await xdf(dir, ...argv);
  const files = listFiles(dir).map((f) => `${f}:\n${fs.readFileSync(path.join(dir, f), 'utf8')}`);
  return [run.code, run.stdout, run.stderr, ...files].join('\n---\n').replaceAll(dir, '<dir>');
}

/** The long options `xdf <command> --help` lists, help itself aside. */
async function listedOptions(command: string): Promise<string[]> {
  const help = (await xdf(os.tmpdir(), command, '--help')).stdout;
  return [...help.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)]
    .map((m) => m[1])
    .filter((o) => o !== '--help');
}

describe('every option a command lists', () => {
  it('every command xdf --help lists has its scenarios here', async () => {
    const help = (await xdf(os.tmpdir(), '--help')).stdout;
    const commands = [...help.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]);
    expect(commands.filter((c) => c !== 'help').sort()).toEqual(Object.keys(SCENARIOS).sort());
  });

  for (const [command, scenarios] of Object.entries(SCENARIOS)) {
    it(`xdf ${command}: the listed options are exactly those with a scenario`, async () => {
      expect((await listedOptions(command)).sort()).toEqual(Object.keys(scenarios).sort());
    });
    for (const [option, scenario] of Object.entries(scenarios)) {
      it(`xdf ${command} ${option} changes what the command does`, async () => {
        expect(await behaviour(scenario, scenario.with)).not.toBe(
          await behaviour(scenario, scenario.without),
        );
      });
    }
  }
});

describe('an option a command does not list', () => {
  const refused: [string, string[]][] = [
    ['render', ['render', 'Dockerfile.tpl', '--arch', 'arm64v8', '--out', 'x']],
    ['lock', ['lock', '--no-header']],
    ['diff', ['diff', '--out', 'x']],
    ['arches', ['arches', '--quiet']],
  ];
  for (const [command, argv] of refused) {
    it(`is refused by xdf ${command} (exit 2, XDF002)`, async () => {
      const run = await xdf(makeDir(project()), ...argv);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/error XDF002: unknown option/);
    });
  }
});
