// Asks this host's engines what they are: the docker CLI and daemon versions, the buildx plugin and
// its builder, podman, and whether a node (a docker context, a podman connection) answers. Every
// answer comes from running the engine's own command; nothing is read from its files.
import { execFile } from 'node:child_process';

export interface DockerVersions {
  cli: string | null; // the client's version (28.2.2), null when no CLI runs
  daemon: string | null; // the daemon's version, null when it does not answer
  error: string | null; // why, in the CLI's words (its first line)
}

export interface BuildxState {
  version: string | null; // `docker buildx version`, null without the plugin
  driver: string | null; // the current builder's driver: docker, docker-container, …
  buildkit: string | null; // its BuildKit version (v0.8+unknown)
}

export interface NodeState {
  ok: boolean;
  detail: string; // the node's engine version, or why it does not answer
}

/** What doctor asks the engines; tests fake it. */
export interface BuilderProbes {
  docker(): Promise<DockerVersions>;
  buildx(): Promise<BuildxState>;
  podman(): Promise<string | null>; // podman's version, null without podman
  node(engine: 'docker' | 'podman', name: string): Promise<NodeState>;
}

interface Ran {
  missing: boolean; // the command does not exist
  code: number | null;
  stdout: string;
  stderr: string;
}

// An SSH context can take a while to answer; a dead local socket answers at once.
const TIMEOUT = 15_000;

function run(command: string[], args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      command[0],
      [...command.slice(1), ...args],
      { timeout: TIMEOUT, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const missing = (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ missing, code, stdout: stdout ?? '', stderr: stderr ?? '' });
      },
    );
  });
}

const firstLine = (r: Ran) =>
  (r.stderr || r.stdout)
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean) ?? `exit ${r.code}`;

/**
 * The probes of this host: `docker` is the docker command (`$DOCKER` as xdf.mk takes it, else
 * docker), `podman` the podman one.
 */
export function hostProbes(docker: string[] = ['docker'], podman: string[] = ['podman']) {
  const probes: BuilderProbes = {
    async docker() {
      const r = await run(docker, [
        'version',
        '--format',
        '{{.Client.Version}}|{{.Server.Version}}',
      ]);
      if (r.missing) return { cli: null, daemon: null, error: `${docker[0]} is not installed` };
      const [cli, daemon] = r.stdout.trim().split('|');
      return {
        cli: cli || null,
        daemon: r.code === 0 && daemon ? daemon : null,
        error: r.code === 0 && daemon ? null : firstLine(r),
      };
    },
    async buildx() {
      const version = await run(docker, ['buildx', 'version']);
      if (version.code !== 0) return { version: null, driver: null, buildkit: null };
      const inspect = await run(docker, ['buildx', 'inspect']);
      const field = (re: RegExp) => re.exec(inspect.stdout)?.[1] ?? null;
      return {
        version: version.stdout.trim().split('\n')[0],
        driver: field(/^Driver:[ \t]*(\S+)/m),
        buildkit: field(/^[ \t]*Build[Kk]it(?: version)?:[ \t]*(\S+)/m),
      };
    },
    async podman() {
      const r = await run(podman, ['version', '--format', '{{.Client.Version}}']);
      return r.code === 0 ? r.stdout.trim() || null : null;
    },
    async node(engine, name) {
      const command = engine === 'docker' ? docker : podman;
      const flag = engine === 'docker' ? '--context' : '--connection';
      const r = await run(command, [flag, name, 'version', '--format', '{{.Server.Version}}']);
      if (r.missing) return { ok: false, detail: `${command[0]} is not installed` };
      const version = r.stdout.trim();
      return r.code === 0 && version
        ? { ok: true, detail: version }
        : { ok: false, detail: firstLine(r) };
    },
  };
  return probes;
}
