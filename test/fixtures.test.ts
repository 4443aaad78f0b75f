// Golden folders under fixtures/, written by hand from DESIGN.md.
//
// fixtures/<case>/ (and fixtures/examples/<name>/): a template, an optional xdf.yaml, an optional
// `args` file (one line of extra arguments for `xdf generate`, also passed to the second run and to
// `xdf check`) and `expected/`: exactly the files `xdf generate` must write, byte for byte. Matrix
// files are compared only when expected/ holds a file of that name.
//
// fixtures/negative/<case>/: an input that must fail, and case.json:
//   { "code": "XDF0nn" | null,  null: any code; "codeUncertain": true: any XDFnnn code (a guess)
//     "file": "Dockerfile.tpl" | null,  null: the error names no file (`xdf: error …`)
//     "line": N, "column": N,  one-based; both absent: the error has no position (`FILE: error …`)
//     "positionUncertain": true,  any `FILE:LINE:COL:` position
//     "args": ["render", …],  the whole argv (default: generate plus the `args` file)
//     "more": ["xdf.yaml:5:9: error XDF011:"] }  further stderr lines that must appear (prefixes)
// and, once reviewed, expected.err: stderr byte for byte.
//
// UPDATE_GOLDEN=1 rewrites expected/ and expected.err from the actual results instead of comparing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { xdf as runXdf } from './helpers/project.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
/** Files of a case folder that are not inputs. */
const NOT_INPUT = new Set([
  'expected',
  'expected.err',
  'case.json',
  'args',
  'README.md',
  'no-identity',
]);
/** Matrix files: compared only when expected/ has one of that name (their format is designed elsewhere). */
const MATRIX = new Set([
  'xdf-matrix.json',
  'xdf-matrix.yaml',
  'docker-bake.json',
  'xdf.mk',
  'xdf-manifest.yaml',
  'xdf-manifest.sh',
  'xdf-gitlab.yml',
]);
const OLD = new Date('2001-02-03T04:05:06Z');

type Run = { code: number; stdout: string; stderr: string };

const xdf = (cwd: string, argv: string[]): Promise<Run> => runXdf(cwd, ...argv);

/** Case folders under dir: a folder with expected/, case.json, xdf.yaml or a template is a case; others are searched. */
function caseFolders(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => {
      const full = path.join(dir, e.name);
      const names = fs.readdirSync(full);
      const isCase = names.some(
        (n) => n === 'expected' || n === 'case.json' || n === 'xdf.yaml' || n.endsWith('.tpl'),
      );
      return isCase ? [full] : caseFolders(full);
    })
    .sort();
}

/** Every file under dir (relative, `/`-separated, sorted), leaving out .git. */
function listFiles(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      if (e.name === '.git') return [];
      const full = path.join(dir, e.name);
      return e.isDirectory()
        ? listFiles(full, base)
        : [path.relative(base, full).split(path.sep).join('/')];
    })
    .sort();
}

const snapshot = (dir: string) =>
  new Map(listFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f))]));

/** A copy of the case's inputs in a fresh folder, with a .git so that the config lookup stops there. */
function stage(caseDir: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-fixture-'));
  fs.mkdirSync(path.join(dir, '.git'));
  for (const name of fs.readdirSync(caseDir)) {
    if (!NOT_INPUT.has(name))
      fs.cpSync(path.join(caseDir, name), path.join(dir, name), { recursive: true });
  }
  return dir;
}

function argsOf(caseDir: string): string[] {
  const file = path.join(caseDir, 'args');
  return fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean)
    : [];
}

const isMatrix = (f: string) => !f.includes('/') && MATRIX.has(f);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const ROOTS = caseFolders(ROOT);
const goldens = ROOTS.filter((d) => !path.relative(ROOT, d).split(path.sep).includes('negative'));
const negatives = caseFolders(path.join(ROOT, 'negative')).filter((d) =>
  fs.existsSync(path.join(d, 'case.json')),
);

describe.each(goldens.map((d) => [path.relative(ROOT, d).split(path.sep).join('/'), d]))(
  'golden %s',
  (_name, caseDir) => {
    it('generates exactly the expected files, then is up to date', async () => {
      const args = argsOf(caseDir);
      const dir = stage(caseDir);
      const before = snapshot(dir);
      const run = await xdf(dir, ['generate', ...args]);
      expect(
        run.stderr.split('\n').filter((l) => /(^|: )error XDF/.test(l)),
        run.stderr,
      ).toEqual([]);
      expect(run.code, run.stderr).toBe(0);

      const after = snapshot(dir);
      for (const [f, bytes] of before)
        expect(after.get(f)?.equals(bytes), `input ${f} kept`).toBe(true);
      const expectedDir = path.join(caseDir, 'expected');
      const expectedNames = listFiles(expectedDir);
      const written = [...after]
        .filter(([f, bytes]) => !before.has(f) || !before.get(f)!.equals(bytes))
        .filter(([f]) => !isMatrix(f) || expectedNames.includes(f));

      if (UPDATE) {
        fs.rmSync(expectedDir, { recursive: true, force: true });
        for (const [f, bytes] of written) {
          fs.mkdirSync(path.dirname(path.join(expectedDir, f)), { recursive: true });
          fs.writeFileSync(path.join(expectedDir, f), bytes);
        }
        return;
      }

      expect(written.map(([f]) => f).sort()).toEqual(expectedNames);
      for (const [f, bytes] of written) {
        const want = fs.readFileSync(path.join(expectedDir, f));
        expect(bytes.toString('utf8'), f).toBe(want.toString('utf8'));
        expect(bytes.equals(want), `${f} byte for byte`).toBe(true);
      }
      // `wrote PATH` (relative to the current folder) per written file.
      const lines = run.stdout.split('\n');
      for (const f of expectedNames) expect(lines, `stdout names ${f}`).toContain(`wrote ${f}`);

      // A second run writes nothing: same bytes, no output, mtimes kept (make relies on them).
      for (const f of expectedNames) fs.utimesSync(path.join(dir, f), OLD, OLD);
      const again = await xdf(dir, ['generate', ...args]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toBe('');
      // …and says so, as check does
      expect(again.stderr).toMatch(/xdf generate: \d+ outputs? up to date\n$/);
      expect(snapshot(dir)).toEqual(after);
      for (const f of expectedNames)
        expect(fs.statSync(path.join(dir, f)).mtimeMs, `${f} untouched`).toBe(OLD.getTime());

      const check = await xdf(dir, ['check', ...args]);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(snapshot(dir)).toEqual(after);
    });
  },
);

type CaseSpec = {
  code: string | null;
  codeUncertain?: boolean;
  file?: string | null;
  line?: number;
  column?: number;
  positionUncertain?: boolean;
  args?: string[];
  more?: string[];
};

describe.each(negatives.map((d) => [path.relative(ROOT, d).split(path.sep).join('/'), d]))(
  'negative %s',
  (_name, caseDir) => {
    it('fails with exit 2, a located typed error and a hint, and writes nothing', async () => {
      const spec = JSON.parse(fs.readFileSync(path.join(caseDir, 'case.json'), 'utf8')) as CaseSpec;
      const dir = stage(caseDir);
      const before = snapshot(dir);
      const run = await xdf(dir, spec.args ?? ['generate', ...argsOf(caseDir)]);
      expect(run.code, run.stderr).toBe(2);

      const where = !spec.file
        ? 'xdf'
        : spec.positionUncertain
          ? `${escapeRe(spec.file)}:\\d+:\\d+`
          : spec.line != null
            ? `${escapeRe(spec.file)}:${spec.line}:${spec.column}`
            : escapeRe(spec.file);
      const code =
        spec.code == null ? 'XDFW?\\d{3}' : spec.codeUncertain ? 'XDF\\d{3}' : escapeRe(spec.code);
      const lines = run.stderr.split('\n');
      expect(lines[0], run.stderr).toMatch(new RegExp(`^${where}: error ${code}: \\S`));
      expect(lines[1], run.stderr).toMatch(/^hint: \S/);
      expect(run.stderr).not.toMatch(/^\s+at \S/m);
      for (const prefix of spec.more ?? [])
        expect(
          lines.some((l) => l.startsWith(prefix)),
          `${prefix} in\n${run.stderr}`,
        ).toBe(true);
      expect(run.stdout).not.toMatch(/^wrote /m);
      expect(snapshot(dir)).toEqual(before);

      const errFile = path.join(caseDir, 'expected.err');
      if (UPDATE) fs.writeFileSync(errFile, run.stderr);
      else if (fs.existsSync(errFile)) expect(run.stderr).toBe(fs.readFileSync(errFile, 'utf8'));
    });
  },
);

// DESIGN.md §5 and §10: on the amd64 host, the amd64 output is the template plus the header line.
// Left out: a config with a host other than amd64, a pin for amd64, a `pattern` image, a pin
// `reason`, amd64 excluded, several templates; a template with `{{`; and a case whose folder has a
// `no-identity` file (it says which rule of the spec makes the amd64 output differ).
type Config = {
  host?: string;
  templates?: string[];
  output?: { header?: boolean };
  images?: Record<string, Record<string, unknown>>;
};

function identityTemplate(caseDir: string): string | undefined {
  if (fs.existsSync(path.join(caseDir, 'no-identity'))) return undefined;
  const args = argsOf(caseDir);
  if (args.some((a) => a.startsWith('--host') || a === '--arch' || a.startsWith('--out')))
    return undefined;
  const configFile = path.join(caseDir, 'xdf.yaml');
  const config = (
    fs.existsSync(configFile) ? (YAML.parse(fs.readFileSync(configFile, 'utf8')) ?? {}) : {}
  ) as Config;
  if (config.host !== undefined && config.host !== 'amd64') return undefined;
  if ((config.templates?.length ?? 1) !== 1) return undefined;
  for (const image of Object.values(config.images ?? {})) {
    if (!image || typeof image !== 'object') continue;
    if (image.strategy === 'pattern' || 'amd64' in image) return undefined;
    if (Array.isArray(image.exclude) && image.exclude.includes('amd64')) return undefined;
    if (
      Object.values(image).some((pin) => typeof pin === 'object' && pin !== null && 'reason' in pin)
    )
      return undefined;
  }
  const template = config.templates?.[0] ?? 'Dockerfile.tpl';
  if (!fs.existsSync(path.join(caseDir, template))) return undefined;
  if (fs.readFileSync(path.join(caseDir, template), 'utf8').includes('{{')) return undefined;
  return template;
}

const HEADER = /^# Generated by xdf from \S+ for amd64 \(linux\/amd64\)\. DO NOT EDIT\.(\r?\n)/m;

/** The text with its one xdf header line taken out (undefined when there is not exactly one). */
function withoutHeader(text: string): string | undefined {
  const m = HEADER.exec(text);
  if (!m) return undefined;
  const rest = text.slice(0, m.index) + text.slice(m.index + m[0].length);
  return HEADER.test(rest) ? undefined : rest;
}

const identityCases = goldens.flatMap((d) => {
  const template = identityTemplate(d);
  return template ? [[path.relative(ROOT, d).split(path.sep).join('/'), d, template] as const] : [];
});

describe.each(identityCases)('identity %s', (_name, caseDir, template) => {
  it('amd64 on the amd64 host is the template plus the header', async () => {
    const dir = stage(caseDir);
    const source = fs.readFileSync(path.join(dir, template), 'utf8');
    const config = (
      fs.existsSync(path.join(dir, 'xdf.yaml'))
        ? (YAML.parse(fs.readFileSync(path.join(dir, 'xdf.yaml'), 'utf8')) ?? {})
        : {}
    ) as Config;
    const headerOn = config.output?.header !== false;

    const { code, stdout, stderr } = await xdf(dir, ['render', template, '--arch', 'amd64']);
    expect(code, stderr).toBe(0);
    if (headerOn) expect(withoutHeader(stdout), stdout).toBe(source);
    else expect(stdout).toBe(source);

    const golden = path.join(caseDir, 'expected', 'Dockerfile.amd64');
    if (fs.existsSync(golden) && !argsOf(caseDir).includes('--no-header')) {
      const text = fs.readFileSync(golden, 'utf8');
      if (headerOn) expect(withoutHeader(text), 'expected/Dockerfile.amd64').toBe(source);
      else expect(text, 'expected/Dockerfile.amd64').toBe(source);
    }
  });
});
