// Where paths really are (symlinks resolved), the facts containment is decided on. Resolved part by
// part and remembered for one run only: the C library's realpath pays a readlink for every part of
// every path, while here each folder costs one lstat, however many paths lie below it.
import fs from 'node:fs';
import path from 'node:path';
import { below, resolveIn } from '../core/paths.js';

export { isInside, resolveIn } from '../core/paths.js';

interface Resolved {
  real: string; // the real path, or for what does not exist, its physical path
  exists: boolean;
}

/** One run's view of real paths: nothing here may outlive the run that made it. */
export class RealPaths {
  private readonly known = new Map<string, Resolved>();

  /** The real path of an existing path (symlinks followed), else its physical path. */
  real(file: string): string {
    return (
      this.known.get(file) ?? this.resolve(resolveIn(path.dirname(file), path.basename(file)))
    ).real;
  }

  /**
   * Where a path really is without following its last part (an output that is a symlink is
   * replaced, never followed): the real path of its deepest existing folder, plus the rest.
   */
  physical(file: string): string {
    const name = path.basename(file);
    const seen = this.known.get(path.dirname(file)); // its folder resolved already: no path.resolve
    if (seen && name !== '..' && name !== '.') return below(seen.real, name);
    const abs = path.resolve(file);
    const dir = path.dirname(abs);
    return dir === abs ? abs : below(this.resolve(dir).real, path.basename(abs));
  }

  private resolve(abs: string): Resolved {
    let found = this.known.get(abs);
    if (found) return found;
    const dir = path.dirname(abs);
    if (dir === abs) {
      found = { real: abs, exists: true };
    } else {
      const parent = this.resolve(dir);
      const here = below(parent.real, path.basename(abs));
      found = parent.exists ? this.look(here) : { real: here, exists: false };
    }
    this.known.set(abs, found);
    return found;
  }

  /** `here` under a parent that is already real: only a symlink there needs resolving. */
  private look(here: string): Resolved {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(here);
    } catch {
      return { real: here, exists: false }; // missing, or a file where a folder should be
    }
    if (!stat.isSymbolicLink()) return { real: here, exists: true };
    try {
      return { real: fs.realpathSync.native(here), exists: true };
    } catch {
      return { real: here, exists: false }; // a dangling link or a loop: not followed
    }
  }
}

/** A folder's real path, or the path itself when it cannot be resolved. */
export function realFolder(folder: string): string {
  try {
    return fs.realpathSync.native(folder);
  } catch {
    return path.resolve(folder);
  }
}
