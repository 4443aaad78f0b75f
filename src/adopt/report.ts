// What adopt tells the user: each file's arch and why, what became data (image rules, schemes,
// pins, blocks, build-host stages, the emulator), the drift, the template's size against the
// largest file, and, for a set it refuses, why.
import type { AdoptPlan, SetFile } from './adopt.js';

export interface ReportInput {
  plan: AdoptPlan;
  files: SetFile[];
  leftOut: { path: string; why: string }[];
  template: string; // as shown
  config: string;
  sizes: number[]; // bytes of each original
}

export interface Summary {
  files: { path: string; arch: string; how: string }[];
  leftOut: { path: string; why: string }[];
  template: { path: string; bytes: number; largest: number; ratio: number };
  config: string;
  schemes: Record<string, number>; // `{{arch.alpine}}` → uses
  pins: string[];
  blocks: number;
  images: string[]; // `key: strategy`
  stages: string[];
  qemu: string;
  drift: { file: string; line: number; what: string; normalised: boolean }[];
  normalised: { file: string; line: number; before: string[]; after: string[] }[];
}

export function summarize(input: ReportInput): Summary {
  const { plan } = input;
  const bytes = Buffer.byteLength(plan.template);
  const largest = Math.max(...input.sizes);
  const schemes: Record<string, number> = {};
  for (const m of plan.template.matchAll(/\{\{(arch(?:\.\w+)?)\}\}/g))
    schemes[`{{${m[1]}}}`] = (schemes[`{{${m[1]}}}`] ?? 0) + 1;
  const pins = [...new Set([...plan.template.matchAll(/\{\{pin "([^"]+)"\}\}/g)].map((m) => m[1]))];
  const config = plan.config.split('\n');
  const section = (name: string) => {
    const at = config.indexOf(`${name}:`);
    if (at === -1) return [];
    const out: string[] = [];
    for (const line of config.slice(at + 1)) {
      if (!line.startsWith('  ')) break;
      out.push(line.trim().replace(/\s+#.*$/, ''));
    }
    return out;
  };
  return {
    // in the config's order: the host's file first
    files: plan.originals.map((o) => {
      const f = input.files.find((x) => x.path === o.path)!;
      return { path: f.path, arch: f.arch, how: f.how };
    }),
    leftOut: input.leftOut,
    template: {
      path: input.template,
      bytes,
      largest,
      ratio: Math.round((bytes / largest) * 100) / 100,
    },
    config: input.config,
    schemes,
    pins,
    blocks: (plan.template.match(/\{\{#(arch|if emulated)\b/g) ?? []).length,
    images: section('images'),
    stages: section('stages'),
    qemu: (config.find((l) => l.startsWith('qemu:')) ?? '')
      .replace(/^qemu:\s*/, '')
      .replace(/\s+#.*$/, ''),
    drift: plan.drift.map((d) => ({
      file: d.path,
      line: d.line,
      what: d.what,
      normalised: d.fixed,
    })),
    normalised: plan.drift
      .filter((d) => d.fixed)
      .map((d) => ({ file: d.path, line: d.line, before: d.before, after: d.after })),
  };
}

/** The report as lines of text. */
export function reportLines(s: Summary): string[] {
  const width = Math.max(...s.files.map((f) => f.path.length));
  const lines = [`adopting ${s.files.length} file${s.files.length === 1 ? '' : 's'}:`];
  for (const f of s.files) lines.push(`  ${f.path.padEnd(width)}  ${f.arch.padEnd(8)} ${f.how}`);
  for (const l of s.leftOut) lines.push(`left out: ${l.path}: ${l.why}`);
  if (!s.template.bytes) return lines; // refused before a template was made
  const data: string[] = [];
  for (const image of s.images) data.push(`  image ${image}`);
  for (const stage of s.stages) data.push(`  build-host stage ${stage}`);
  const schemes = Object.entries(s.schemes).map(([k, n]) => `${k} ×${n}`);
  if (schemes.length) data.push(`  arch names: ${schemes.join(', ')}`);
  if (s.pins.length) data.push(`  pins: ${s.pins.join(', ')}`);
  if (s.blocks) data.push(`  blocks for some arches only: ${s.blocks}`);
  data.push(`  qemu: ${s.qemu}`);
  lines.push('what varies became data:', ...data);
  for (const d of s.drift)
    lines.push(`${d.file}:${d.line}: drift: ${d.what}${d.normalised ? ' (normalised)' : ''}`);
  for (const n of s.normalised)
    lines.push(
      `${n.file}:${n.line}: normalised: ${n.before.map(visible).join(' | ') || '(nothing)'} → ` +
        `${n.after.map(visible).join(' | ') || '(nothing)'}`,
    );
  if (s.normalised.length)
    lines.push(
      '--normalise: the template is proven against the files as normalised above, and the ' +
        'files are written so (plus the header)',
    );
  const t = s.template;
  lines.push(
    `template ${t.path}: ${t.bytes} bytes, ${t.ratio.toFixed(2)}× the largest file ` +
      `(${t.largest} bytes)`,
  );
  return lines;
}

/** A line with its invisible characters shown: a non-breaking space, a tab, a carriage return. */
export function visible(line: string): string {
  return JSON.stringify(line).replace(
    /[\u00a0\u2000-\u200f\u2028\u2029\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
