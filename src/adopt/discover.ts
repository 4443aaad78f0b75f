// The set to adopt when no file is named: Dockerfiles that differ by an arch name in their name
// (`Dockerfile` + `Dockerfile.aarch64` + `Dockerfile.armhf`, `Dockerfile_armel`,
// `Dockerfile-armhf`, `Dockerfile.linux.arm64`, `aarch64-alpine.dockerfile`) or their folder
// (`arm32v7/Dockerfile`), in
// the current folder, else in the one subfolder that holds such a set; or a Home Assistant add-on's
// one Dockerfile beside its build.yaml. Pure: the listing comes in as data.
import { fail } from '../core/errors.js';
import { archNamesIn, meaningOf, type NameMeaning } from './names.js';

export interface Entry {
  path: string; // relative, `/`-separated
  kind: 'file' | 'folder' | 'symlink' | 'other';
}

export interface Found {
  files: { path: string; nameHint?: string }[];
  leftOut: { path: string; why: string }[];
  buildFile?: string; // a Home Assistant add-on's build.yaml / build.json
  pattern: string; // the set's common name (`Dockerfile`, `Dockerfile.linux`): the template's stem
  folder: string; // where the set is ('' for the current folder)
}

const DOCKERFILE = /^(Dockerfile([._-].*)?|.+[._-]dockerfile|.+\.Dockerfile)$/i;
const NOT_A_VARIANT = /\.(tpl|bak|orig|old|swp|md|txt|sh|ya?ml|json)$|~$|windows|nanoserver/i;
const BUILD_FILE = /^build\.(ya?ml|json)$/;

interface Member {
  path: string;
  name?: string; // the arch name in the file's name or folder
  meaning?: NameMeaning;
  key: string; // the family: folder and name with the arch name taken out
  pattern: string;
  folder: string;
}

export function discover(entries: Entry[]): Found {
  const members: Member[] = [];
  const symlinks: string[] = [];
  for (const e of entries) {
    const name = e.path.split('/').pop()!;
    if (!DOCKERFILE.test(name) || NOT_A_VARIANT.test(name)) continue;
    if (e.kind === 'symlink') symlinks.push(e.path);
    if (e.kind === 'file') members.push(member(e.path));
  }
  const groups = new Map<string, Member[]>();
  for (const m of members.filter((x) => x.name))
    groups.set(m.key, [...(groups.get(m.key) ?? []), m]);
  // A file with no arch in its name joins the family of its name (`Dockerfile` joins `Dockerfile.*`
  // and `Dockerfile.linux.*`), the closest one first.
  // A family that has an amd64 file already (the host's) keeps it: the other is left out.
  const unnamed: { path: string; why: string }[] = [];
  for (const m of members.filter((x) => !x.name)) {
    const family = [...groups.values()]
      .filter((g) => g[0].folder === m.folder && g[0].pattern.startsWith(m.pattern))
      .sort((a, b) => a[0].pattern.length - b[0].pattern.length || b.length - a.length)[0];
    const host = family?.find((x) => x.meaning?.kind === 'arch' && x.meaning.arch === 'amd64');
    if (host)
      unnamed.push({
        path: m.path,
        why: `no arch in its name, and ${host.path} is the amd64 file: name it (FILE=ARCH)`,
      });
    else if (family) family.push(m);
  }
  const sets = [...groups.values()].filter(
    (g) => g.filter(isArch).length + g.filter((x) => !x.name).length >= 2,
  );
  const here = sets.filter((g) => g[0].folder === '');
  const chosen = here.length ? here : sets;
  if (chosen.length > 1)
    fail(
      'XDF060',
      'several sets of per-arch Dockerfiles: ' +
        chosen.map((g) => g.map((m) => m.path).join(', ')).join('; '),
      'name the files of one set: xdf adopt Dockerfile Dockerfile.aarch64 Dockerfile.armhf',
    );
  if (chosen.length === 1) {
    const set = chosen[0];
    set.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return {
      files: set
        .filter((m) => !m.meaning || m.meaning.kind === 'arch')
        .map((m) => ({ path: m.path, nameHint: m.name })),
      leftOut: [
        ...unnamed.filter((u) => u.path.startsWith(set[0].folder)),
        ...set
          .filter((m) => m.meaning?.kind === 'foreign')
          .map((m) => ({
            path: m.path,
            why: `${m.name} is no arch of xdf's table (see xdf arches)`,
          })),
        ...symlinks
          .filter((s) => s.startsWith(set[0].folder))
          .map((s) => ({ path: s, why: 'a symbolic link: its target is adopted, not the link' })),
      ],
      pattern: set.map((m) => m.pattern).sort((a, b) => a.length - b.length)[0],
      folder: set[0].folder,
    };
  }
  const single = members.filter((m) => m.folder === '' && !m.name);
  const build = entries.find((e) => e.kind === 'file' && BUILD_FILE.test(e.path));
  if (single.length === 1 && build)
    return {
      files: [{ path: single[0].path }],
      leftOut: [],
      buildFile: build.path,
      pattern: single[0].pattern,
      folder: '',
    };
  fail(
    'XDF060',
    members.length === 1
      ? `only one Dockerfile here (${members[0].path}): adopt takes over a set of per-arch files`
      : 'no set of per-arch Dockerfiles here (Dockerfile + Dockerfile.<arch>, ' +
          '<arch>/Dockerfile, …)',
    members.length === 1
      ? `to start from one Dockerfile, run xdf init ${members[0].path}`
      : 'name the files and their arches: xdf adopt Dockerfile=amd64 Dockerfile.rpi=arm32v6',
  );
}

/** The common name of named files (`Dockerfile` for Dockerfile.amd64 and Dockerfile.arm64), the
 * template's stem. */
export function familyName(paths: string[]): string {
  const names = new Set(paths.map((p) => member(p).pattern));
  const [only] = names;
  return names.size === 1 && !/\.tpl$/.test(only) ? only : 'Dockerfile';
}

const isArch = (m: Member) => m.meaning?.kind === 'arch';

function member(path: string): Member {
  const parts = path.split('/');
  const base = parts.pop()!;
  const folder = parts.join('/');
  const found = archInName(base);
  if (found) {
    const pattern = found.rest;
    return {
      path,
      name: found.name,
      meaning: found.meaning,
      key: `${folder}|${pattern}`,
      pattern,
      folder,
    };
  }
  const dir = parts[parts.length - 1];
  const meaning = dir ? meaningOf(dir) : undefined;
  if (meaning) {
    const parent = parts.slice(0, -1).join('/');
    return { path, name: dir, meaning, key: `*/${parent}|${base}`, pattern: base, folder: parent };
  }
  return { path, key: `${folder}|${base}`, pattern: base, folder };
}

/** The arch name in a file name and the name without it (and one separator next to it). */
function archInName(
  base: string,
): { name: string; meaning: NameMeaning; rest: string } | undefined {
  const names = archNamesIn(base);
  const last = names[names.length - 1];
  if (!last) return undefined;
  const at = base.lastIndexOf(last.name);
  const before = base.slice(0, at);
  const after = base.slice(at + last.name.length);
  const rest = /[._-]$/.test(before)
    ? before.slice(0, -1) + after
    : before + after.replace(/^[._-]/, '');
  return { name: last.name, meaning: last.meaning, rest: rest || base };
}
