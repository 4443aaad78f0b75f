// `xdf adopt`'s core, text to text: the files of a set (each with its arch) in, a template and an
// xdf.yaml out that regenerate every one of them, verified through the real pipeline, with what
// adopt decided. Nothing here touches the disk.
import path from 'node:path';
import { archByName, isEmulated } from '../arches/table.js';
import { alignFiles, type Row } from './align.js';
import { hostStages, imagePlaces } from './bases.js';
import { build, type Built, type Choices, type SetFile, type SetView } from './build.js';
import { measureDivergence, type Divergence } from './divergence.js';
import { applyFixes, findDrift, type DriftItem } from './drift.js';
import { buildFromArches, type BuildFrom } from './hassio.js';
import { findRule } from './images.js';
import { joinLines, splitLines, type Lines } from './lines.js';
import { qemuChoices } from './qemu.js';
import { schemesFor } from './schemes.js';
import { verifyAdoption, type Verified } from './verify.js';

export type { SetFile } from './build.js';

export interface AdoptRequest {
  cwd: string; // absolute: paths are relative to it
  files: SetFile[];
  host: string;
  template: string; // relative to cwd, `/`-separated
  config: string;
  normalise?: boolean;
  buildFrom?: BuildFrom; // a Home Assistant add-on's per-arch images of ARG BUILD_FROM
}

export interface AdoptPlan extends Built {
  divergence: Divergence;
  drift: {
    path: string;
    line: number;
    what: string;
    fixed: boolean;
    before: string[];
    after: string[];
  }[];
  originals: { path: string; arch: string; text: string }[]; // each output, header aside
  verified?: Verified;
}

export function planAdoption(req: AdoptRequest): AdoptPlan {
  const files = orderFiles(req.files, req.host);
  let lines = files.map((f) => splitLines(f.text));
  const align = (l: Lines[]) => alignFiles(files.map((f, i) => ({ lines: l[i], arch: f.arch })));
  let rows = align(lines);
  const paths = files.map((f) => f.path);
  const found = findDrift({ paths, lines }, rows);
  rows = found.rows;
  const textOf = (l: Lines[]) =>
    files.map((f, i) => ({ path: f.path, arch: f.arch, text: joinLines(l[i]) }));
  // Whether the files are variants of one another is a fact of the files as they are.
  const divergence = measureDivergence(files, lines, rows);
  if (divergence.divergent)
    return { template: '', config: '', divergence, drift: [], originals: textOf(lines) };
  const drift = found.items.map((item) => describe(item, lines, paths, !!req.normalise));
  if (req.normalise && found.items.some((i) => i.fix)) {
    lines = applyFixes(lines, found.items);
    rows = findDrift({ paths, lines }, align(lines)).rows;
  }
  const originals = textOf(lines);
  const set = setView(req, files, lines, rows);
  let built = build(set, { rules: [] });
  const abs = (p: string) => path.resolve(req.cwd, p);
  const verify = (b: Built) =>
    verifyAdoption(
      { file: abs(req.template), text: b.template },
      { file: abs(req.config), text: b.config },
      originals.map((o) => ({ ...o, path: abs(o.path) })),
      (f) => path.relative(req.cwd, f),
    );
  let verified = verify(built);
  // Should a span written as a pin not come back exact, the spans stay text (inline blocks).
  const choices: Choices = { rules: [] };
  if (!exact(verified)) {
    const plain = build(set, { rules: [], plain: true });
    const result = verify(plain);
    if (exact(result)) [built, verified, choices.plain] = [plain, result, true];
  }
  // Each choice that turns text into data is kept only when the whole set still comes out exact.
  const attempt = (next: Choices) => {
    if (!exact(verified)) return false;
    const candidate = build(set, next);
    const result = verify(candidate);
    if (!exact(result)) return false;
    built = candidate;
    verified = result;
    return true;
  };
  for (const key of new Set(set.places.map((p) => p.key))) {
    const uses = set.places.filter((p) => p.key === key);
    const rule = findRule(key, uses, req.host, req.host, set.schemes);
    if (rule && attempt({ ...choices, rules: [...choices.rules, rule] })) choices.rules.push(rule);
  }
  const views = files.map((f, i) => ({ arch: f.arch, lines: lines[i] }));
  for (const qemu of qemuChoices(rows, views, set.emulated, req.host))
    if (attempt({ ...choices, qemu })) {
      choices.qemu = qemu;
      break;
    }
  return { ...built, divergence, drift, originals, verified };
}

const exact = (v: Verified) => !v.error && v.mismatches.length === 0;

function setView(req: AdoptRequest, files: SetFile[], lines: Lines[], rows: Row[]): SetView {
  const views = files.map((f, i) => ({ lines: lines[i], arch: f.arch }));
  const extra = req.buildFrom
    ? buildFromArches(req.buildFrom, files[0], lines[0], req.host)
    : undefined;
  const arches = [...files.map((f) => f.arch), ...(extra?.arches ?? [])];
  const host = archByName(req.host);
  return {
    files,
    lines,
    rows,
    arches: ARCH_ORDER.filter((a) => arches.includes(a)),
    emulated: new Set(arches.filter((a) => isEmulated(archByName(a), host, {}))),
    host: req.host,
    template: req.template,
    config: req.config,
    stages: files.length > 1 ? hostStages(rows, views) : [],
    schemes: schemesFor(files.map((f) => f.text).join('\n')),
    places: files.length > 1 ? imagePlaces(rows, views, req.host) : [],
    extra,
  };
}

/** The host's file first, then the table's order: the config lists arches so. */
function orderFiles(files: SetFile[], host: string): SetFile[] {
  const rank = (a: string) => (a === host ? -1 : ARCH_ORDER.indexOf(a));
  return [...files].sort((a, b) => rank(a.arch) - rank(b.arch));
}
const ARCH_ORDER = [
  'amd64',
  'i386',
  'arm32v5',
  'arm32v6',
  'arm32v7',
  'arm64v8',
  'ppc64le',
  's390x',
  'riscv64',
  'mips64le',
];

function describe(item: DriftItem, lines: Lines[], paths: string[], normalise: boolean) {
  const fix = item.fix;
  const before = fix && 'from' in fix ? lines[fix.file].lines.slice(fix.from, fix.to) : [];
  const after = fix && 'from' in fix ? fix.lines : [];
  return {
    path: paths[item.file],
    line: item.line,
    what: item.what,
    fixed: normalise && !!fix,
    before:
      fix && 'final' in fix
        ? [fix.final ? '(no line break at the end)' : '(a line break at the end)']
        : before,
    after:
      fix && 'final' in fix
        ? [fix.final ? '(a line break at the end)' : '(no line break at the end)']
        : after,
  };
}
