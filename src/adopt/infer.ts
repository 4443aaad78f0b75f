// Which arch each file is for: named outright (FILE=ARCH), else read from its name in any scheme
// and checked against its base image. An ambiguous name (armhf, arm, armel) is decided by the
// image; a file with no arch in its name is the host's unless its image says otherwise. Every
// decision is said.
import { parseDockerfile, wholeVariable } from '../dockerfile/parse.js';
import { fail } from '../core/errors.js';
import { ARCH_FIELDS, DOWNLOAD_FIELDS, archByName } from '../arches/table.js';
import { archNamesIn, imageArch, type NameMeaning } from './names.js';

export interface FileToAdopt {
  path: string; // as shown: relative to the folder adopt runs in, `/`-separated
  text: string;
  arch?: string; // canonical, when FILE=ARCH named it
  nameHint?: string; // the arch name discovery read from the file's name
}

export interface ArchDecision {
  path: string;
  arch: string;
  how: string;
  ambiguous?: string[]; // the readings an ambiguous name had, the chosen one first
}

/** The arch of every file; two files for one arch is an error (name them: FILE=ARCH). */
export function inferArches(files: FileToAdopt[], host: string): ArchDecision[] {
  const decisions = files.map((f) => decide(f, host));
  // Two files for one arch: an ambiguous name that defaulted gives way to its other reading.
  for (const d of decisions) {
    const taken = decisions.filter((o) => o !== d && o.arch === d.arch);
    if (!taken.length || !d.ambiguous) continue;
    const other = d.ambiguous.find((a) => a !== d.arch && !decisions.some((o) => o.arch === a));
    if (other && taken.every((o) => !o.ambiguous)) {
      const name = d.how.match(/^(\S+)/)?.[1] ?? '';
      d.how = `${name} is ambiguous: read as ${other}, since ${taken[0].path} is ${d.arch}`;
      d.arch = other;
    }
  }
  for (const d of decisions) {
    const same = decisions.filter((o) => o.arch === d.arch);
    if (same.length > 1)
      fail(
        'XDF061',
        `two files for ${d.arch}: ${same.map((o) => o.path).join(' and ')}`,
        `name each file's arch: xdf adopt ${same.map((o) => `${o.path}=<arch>`).join(' ')} …`,
      );
  }
  return decisions;
}

function decide(file: FileToAdopt, host: string): ArchDecision {
  if (file.arch) return { path: file.path, arch: file.arch, how: 'named on the command line' };
  const found = baseImageArch(file.text);
  const image = found && {
    arch: found.arch,
    how: `its base image says ${found.arch} (${found.how})`,
  };
  const named = file.nameHint ? { name: file.nameHint } : nameInPath(file.path);
  const meaning = named && archNamesIn(named.name)[0]?.meaning;
  if (!named || !meaning || meaning.kind !== 'arch') {
    if (image)
      return {
        path: file.path,
        arch: image.arch,
        how: `no arch in its name; ${image.how}`,
      };
    return { path: file.path, arch: host, how: `no arch in its name or base image: the host's` };
  }
  const evidence = meaning.ambiguous && !image ? contentArch(file.text, meaning.ambiguous) : image;
  return byName(file.path, named.name, meaning, evidence);
}

/**
 * What the file's own words say among an ambiguous name's readings: names that only one of them has
 * in some scheme (`armv7`, Alpine's v7; `armv6l`, `rpi`) counted where they stand as words.
 */
export function contentArch(
  text: string,
  readings: string[] | undefined,
): { arch: string; how: string } | undefined {
  if (!readings) return undefined;
  // the base image had its say already: its own words (`armel/busybox`) are not the file's
  text = text.replace(/^\s*FROM\s.*$/gim, '');
  const names = readings.map((r) => {
    const arch = archByName(r);
    return new Set(
      [...ARCH_FIELDS, ...DOWNLOAD_FIELDS].map((f) => arch[f]).filter((v) => v.length >= 3),
    );
  });
  const counts = names.map((own, i) => {
    let n = 0;
    let example = '';
    for (const name of own) {
      if (names.some((other, j) => j !== i && other.has(name))) continue;
      const re = new RegExp(
        `(?<![A-Za-z0-9])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`,
        'g',
      );
      const found = text.match(re)?.length ?? 0;
      if (found && !example) example = name;
      n += found;
    }
    return { n, example };
  });
  const best = counts.map((c, i) => ({ ...c, arch: readings[i] })).sort((a, b) => b.n - a.n);
  if (!best[0].n || best[0].n === best[1]?.n) return undefined;
  return { arch: best[0].arch, how: `${best[0].example} in the file is ${best[0].arch}'s name` };
}

function byName(
  path: string,
  name: string,
  meaning: Extract<NameMeaning, { kind: 'arch' }>,
  image: { arch: string; how: string } | undefined,
): ArchDecision {
  if (meaning.ambiguous) {
    if (image && meaning.ambiguous.includes(image.arch))
      return {
        path,
        arch: image.arch,
        how: `${name} is ambiguous (${meaning.ambiguous.join(' or ')}): ${image.how}`,
      };
    return {
      path,
      arch: meaning.arch,
      how:
        `${name} is ambiguous (${meaning.ambiguous.join(' or ')}): nothing in the file says, ` +
        `read as ${meaning.arch}`,
      ambiguous: meaning.ambiguous,
    };
  }
  const disagree = image && image.arch !== meaning.arch ? `; ${image.how}: the name wins` : '';
  return { path, arch: meaning.arch, how: `${name} in its name${disagree}` };
}

/** The arch name in a file's path: its own name first, then its folders, nearest first. */
function nameInPath(path: string): { name: string } | undefined {
  const parts = path.split('/').reverse();
  for (const part of parts) {
    const found = archNamesIn(part);
    if (found.length) return { name: found[found.length - 1].name };
  }
  return undefined;
}

/** What the base image of the file's last stage (else an earlier one) says the file is for. */
export function baseImageArch(text: string): { arch: string; how: string } | undefined {
  let parsed;
  try {
    parsed = parseDockerfile(text);
  } catch {
    return undefined;
  }
  for (const stage of [...parsed.stages].reverse()) {
    let image = stage.image?.text ?? '';
    const variable = wholeVariable(image);
    if (variable) image = parsed.args.get(variable)?.value?.text ?? '';
    const found = imageArch(image);
    if (found) return found;
    if (stage.base === null && image && !/^scratch$/i.test(image)) return undefined;
  }
  return undefined;
}
