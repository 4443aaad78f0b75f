// Golden folders under fixtures/: a template, its config and the expected outputs, byte for byte.
// Regenerate expected files only with UPDATE_GOLDEN=1.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles, xdf } from './helpers/project.js';

const ROOT = path.resolve(__dirname, '../fixtures');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const INPUT_SKIP = new Set(['expected', 'expected.err', 'case.json', 'args', 'README.md']);

function caseFolders(dir: string): string[] {
  if (!fs.existsSync(path.join(dir))) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) => {
    const full = path.join(dir, e.name);
    const isCase = fs.readdirSync(full).some((n) => n === 'expected' || n === 'case.json' || n === 'xdf.yaml' || n.endsWith('.tpl'));
    return isCase ? [full] : caseFolders(full);
  }).sort();
}

/** A copy of the case's inputs in a fresh folder (with a .git so that config lookup stops there). */
function stage(caseDir: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-fixture-'));
  fs.mkdirSync(path.join(dir, '.git'));
  for (const name of fs.readdirSync(caseDir)) if (!INPUT_SKIP.has(name)) fs.cpSync(path.join(caseDir, name), path.join(dir, name), { recursive: true });
  return dir;
}

const argsOf = (caseDir: string) => (fs.existsSync(path.join(caseDir, 'args')) ? fs.readFileSync(path.join(caseDir, 'args'), 'utf8').trim().split(/\s+/).filter(Boolean) : []);
const snapshot = (dir: string) => new Map(listFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f))]));

const cases = caseFolders(ROOT).filter((d) => !d.includes(`${path.sep}negative${path.sep}`));
const negatives = caseFolders(path.join(ROOT, 'negative'));

describe.each(cases.map((d) => [path.relative(ROOT, d), d]))('golden %s', (_name, caseDir) => {
  it('generates exactly the expected files, then is up to date', async () => {
    const dir = stage(caseDir);
    const before = snapshot(dir);
    const run = await xdf(dir, 'generate', ...argsOf(caseDir));
    expect(run.stderr.split('\n').filter((l) => / error /.test(l))).toEqual([]);
    expect(run.code).toBe(0);
    const written = [...snapshot(dir)].filter(([f, bytes]) => !before.get(f)?.equals(bytes));
    const expectedDir = path.join(caseDir, 'expected');
    if (UPDATE) {
      fs.rmSync(expectedDir, { recursive: true, force: true });
      for (const [f, bytes] of written) {
        fs.mkdirSync(path.dirname(path.join(expectedDir, f)), { recursive: true });
        fs.writeFileSync(path.join(expectedDir, f), bytes);
      }
      return;
    }
    const expected = listFiles(expectedDir);
    expect(written.map(([f]) => f).sort()).toEqual(expected);
    for (const [f, bytes] of written) expect(bytes.toString('utf8'), f).toBe(fs.readFileSync(path.join(expectedDir, f), 'utf8'));
    expect((await xdf(dir, 'generate', ...argsOf(caseDir))).stdout).toBe('');
    expect((await xdf(dir, 'check', ...argsOf(caseDir))).code).toBe(0);
  });
});

describe.each(negatives.map((d) => [path.relative(ROOT, d), d]))('negative %s', (_name, caseDir) => {
  it('fails with exit 2, a located typed error and a hint, and writes nothing', async () => {
    const spec = JSON.parse(fs.readFileSync(path.join(caseDir, 'case.json'), 'utf8')) as { args?: string[]; code: string; file?: string; line?: number; column?: number };
    const dir = stage(caseDir);
    const before = snapshot(dir);
    const run = await xdf(dir, ...(spec.args ?? ['generate', ...argsOf(caseDir)]));
    expect(run.code).toBe(2);
    const where = spec.file ? `${spec.file}${spec.line ? `:${spec.line}:${spec.column}` : ''}` : 'xdf';
    const [first, second] = run.stderr.split('\n');
    expect(first.startsWith(`${where}: error ${spec.code}: `), first).toBe(true);
    expect(second).toMatch(/^hint: ./);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(snapshot(dir)).toEqual(before);
    const errFile = path.join(caseDir, 'expected.err');
    if (UPDATE) fs.writeFileSync(errFile, run.stderr);
    else if (fs.existsSync(errFile)) expect(run.stderr).toBe(fs.readFileSync(errFile, 'utf8'));
  });
});

// DESIGN.md §5: on the amd64 host, the amd64 output is the input plus the header line.
const identityCases = cases.filter((d) => {
  const config = fs.existsSync(path.join(d, 'xdf.yaml')) ? fs.readFileSync(path.join(d, 'xdf.yaml'), 'utf8') : '';
  const template = path.join(d, 'Dockerfile.tpl');
  return fs.existsSync(template) && !fs.readFileSync(template, 'utf8').includes('{{') && !/pattern|reason|^\s+amd64:|host:|header: false/m.test(config);
});

describe.each(identityCases.map((d) => [path.relative(ROOT, d), d]))('identity %s', (_name, caseDir) => {
  it('amd64 on the amd64 host is the template plus the header', async () => {
    const dir = stage(caseDir);
    const template = fs.readFileSync(path.join(dir, 'Dockerfile.tpl'), 'utf8');
    const { code, stdout } = await xdf(dir, 'render', 'Dockerfile.tpl', '--arch', 'amd64', '--host', 'amd64');
    expect(code).toBe(0);
    const header = /^# Generated by xdf from (?:\.\.\/)*Dockerfile\.tpl for amd64 \(linux\/amd64\)\. DO NOT EDIT\.\r?\n/m.exec(stdout);
    expect(header).not.toBeNull();
    expect(stdout.slice(0, header!.index) + stdout.slice(header!.index + header![0].length)).toBe(template);
  });
});
