// Path arithmetic without the file system: containment by path, and a fast path.resolve.
import path from 'node:path';

/** Is `file` inside `folder` (or the folder itself)? Both absolute. */
export function isInside(folder: string, file: string): boolean {
  if (file === folder) return true;
  // The common case without path.relative: a plain prefix and no `.`/`..` part after it.
  if (file.startsWith(`${folder}/`) && !DOT_PART.test(file.slice(folder.length))) return true;
  const rel = path.relative(folder, file);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}
const DOT_PART = /\/\.\.?(\/|$)/;

// `name` in `folder`, both from path.resolve (no `.` or `..` left): path.join's result, without
// its normalizing.
export const below = (folder: string, name: string) =>
  folder.endsWith(path.sep) ? folder + name : folder + path.sep + name;

/**
 * path.resolve(folder, name), without its work (and garbage) in the common case of a plain file
 * name in an absolute folder that is already normal: thousands of outputs ask for it.
 */
export function resolveIn(folder: string, name: string): string {
  return PLAIN_NAME.test(name) && path.isAbsolute(folder) && !NOT_NORMAL.test(folder)
    ? below(folder, name)
    : path.resolve(folder, name);
}
const PLAIN_NAME = /^(?!\.\.?$)[^/\\]+$/;
// `//`, `/./` or `/../` inside, a last part `.` or `..`, or a separator at the end
const NOT_NORMAL = /[/\\]\.{0,2}[/\\]|[/\\]\.{1,2}$|.[/\\]$/;
