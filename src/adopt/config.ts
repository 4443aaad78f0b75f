// The xdf.yaml adopt writes, as text: every value quoted where YAML would read it otherwise, and a
// comment wherever adopt made a choice the reader should know about.

export interface ConfigModel {
  intro: string[]; // comment lines at the top
  template: string; // relative to the config's folder
  arches: string[];
  archNotes: string[]; // how each file's arch was decided, one comment line each
  host: string;
  images: { key: string; rule: Record<string, unknown>; note?: string }[];
  stages: { key: string; note: string }[];
  qemu: { mode: string; dest?: string; place?: string; note: string };
  pins: { name: string; values: Record<string, string>; note?: string }[];
  output: { name?: string; names: Record<string, string> };
}

export function writeConfig(model: ConfigModel): string {
  const lines: string[] = [
    '# yaml-language-server: $schema=./node_modules/xdf/schema/xdf.schema.json',
    ...model.intro.map((l) => `# ${l}`),
    `templates: [${scalar(model.template)}]`,
    ...model.archNotes.map((l) => `# ${l}`),
    `arches: [${model.arches.join(', ')}]`,
    `host: ${model.host}   # the build machine's arch: its file is the template plus the header`,
    "strategy: none   # the files name each arch's image themselves: an image stays as written " +
      'unless a rule below maps it',
  ];
  if (model.images.length) {
    lines.push('images:');
    for (const image of model.images)
      lines.push(`  ${scalar(image.key)}: ${flow(image.rule)}${note(image.note)}`);
  }
  if (model.stages.length) {
    lines.push('stages:');
    for (const stage of model.stages) lines.push(`  ${scalar(stage.key)}: host${note(stage.note)}`);
  }
  const qemu: Record<string, unknown> = { mode: model.qemu.mode };
  if (model.qemu.dest !== undefined) qemu.dest = model.qemu.dest;
  if (model.qemu.place !== undefined) qemu.place = model.qemu.place;
  lines.push(`qemu: ${flow(qemu)}${note(model.qemu.note)}`);
  if (model.pins.length) {
    lines.push('pins:');
    for (const pin of model.pins)
      lines.push(`  ${scalar(pin.name)}: ${flow(pin.values)}${note(pin.note)}`);
  }
  lines.push('output:');
  if (model.output.name) lines.push(`  name: ${scalar(model.output.name)}`);
  if (Object.keys(model.output.names).length) lines.push(`  names: ${flow(model.output.names)}`);
  return `${lines.join('\n')}\n`;
}

const note = (text?: string) => (text ? `   # ${text.replace(/\s+/g, ' ')}` : '');

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const WORDS = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

/** A string as YAML reads it back: plain when it is unambiguous, else double-quoted (JSON). */
export function scalar(value: string): string {
  if (PLAIN.test(value) && !WORDS.test(value)) return value;
  // what cannot be seen is written as an escape (a non-breaking space, a zero-width one)
  return JSON.stringify(value).replace(
    /[\u0080-\u00a0\u2000-\u200f\u2028\u2029\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A map on one line: `{ key: value, … }`. */
export function flow(map: Record<string, unknown>): string {
  const items = Object.entries(map).map(([k, v]) => {
    const value =
      typeof v === 'string'
        ? scalar(v)
        : typeof v === 'boolean'
          ? String(v)
          : Array.isArray(v)
            ? `[${v.map((x) => scalar(String(x))).join(', ')}]`
            : flow(v as Record<string, unknown>);
    return `${scalar(k)}: ${value}`;
  });
  return `{ ${items.join(', ')} }`;
}
