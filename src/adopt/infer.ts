// Which arch each file is for: named outright (FILE=ARCH), else read from its name in any scheme
// and checked against its base image. An ambiguous name (armhf, arm, armel) is decided by the
// image; a file with no arch in its name is the host's unless its image says otherwise. Every
// decision is said.
import { parseDockerfile, wholeVariable } from '../dockerfile/parse.js';
import { fail } from '../core/errors.js';
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
  const image = baseImageArch(file.text);
  const named = file.nameHint ? { name: file.nameHint } : nameInPath(file.path);
  const meaning = named && archNamesIn(named.name)[0]?.meaning;
  if (!named || !meaning || meaning.kind !== 'arch') {
    if (image)
      return {
        path: file.path,
        arch: image.arch,
        how: `no arch in its name; its base image: ${image.how}`,
      };
    return { path: file.path, arch: host, how: `no arch in its name or base image: the host's` };
  }
  return byName(file.path, named.name, meaning, image);
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
        how:
          `${name} is ambiguous (${meaning.ambiguous.join(' or ')}): its base image says ` +
          `${image.arch} (${image.how})`,
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
  const disagree =
    image && image.arch !== meaning.arch
      ? `; its base image says ${image.arch} (${image.how}): the name wins`
      : '';
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
