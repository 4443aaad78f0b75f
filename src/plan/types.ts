// The shapes of a run: what it is asked, what it read, and every output it computes.
import type { Config } from '../config/types.js';
import type { Problem } from '../core/errors.js';
import type { CombinedOutput, DockerfileOutput } from '../emit/dockerfiles.js';
import { RealPaths } from '../fs/real-paths.js';
import type { TemplateSource } from '../template/render.js';
import type { LockView } from '../transform/request.js';
import type { PlannedFile } from './ownership.js';

export type { PlannedFile } from './ownership.js';

export interface RunOptions {
  cwd: string;
  templates: string[]; // as given on the command line
  config?: string;
  arches?: string[]; // --arch, any scheme
  host?: string;
  out?: string;
  noTemplate?: boolean;
  noHeader?: boolean;
  force?: boolean;
  /** The lock each config's images go through; default: its xdf.lock when there is one. */
  lock?: (config: Config) => LockView | undefined;
}

export interface Plan {
  files: PlannedFile[]; // every output of the run, Dockerfiles first
  dockerfiles: DockerfileOutput[];
  configs: Config[];
  warnings: Problem[];
}

/** One config's part of a run: its templates as read, and their Dockerfiles. */
export interface Group {
  config: Config;
  templates: TemplateSource[];
  outputs: DockerfileOutput[];
  combined: CombinedOutput[]; // output.combined, one per template (none in a run of some arches)
  complete: boolean; // the run covers every template and arch of the config
  governed: Set<string>; // the config's templates: its list, else Dockerfile.tpl in the cwd
}

/** What one run learns of the disk as it reads its inputs; nothing of it outlives the run. */
export interface RunReads {
  paths: RealPaths;
  inputs: Map<string, Buffer>; // the bytes of each template read
}
export const newReads = (): RunReads => ({ paths: new RealPaths(), inputs: new Map() });
