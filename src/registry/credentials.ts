// Credentials for a registry, found the way docker finds them: $DOCKER_CONFIG/config.json (else
// ~/.docker/config.json): `credHelpers`, then `credsStore`, then `auths`.
// Never logged, never written.
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { probe, readText } from '../fs/read.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface CredentialSources {
  env: Record<string, string | undefined>;
  readFile?: (file: string) => string | undefined;
  /** Runs `docker-credential-<helper> get`, the server URL on stdin; its stdout or undefined. */
  runHelper?: (
    helper: string,
    serverUrl: string,
    env: Record<string, string | undefined>,
  ) => Promise<string | undefined>;
}

/** Docker's config.json as docker writes it; as read, any JSON at all. */
interface DockerConfig {
  auths?: unknown; // { host: { auth?, username?, password? } }
  credsStore?: unknown;
  credHelpers?: unknown; // { host: helper name }
}

const HUB_KEY = 'https://index.docker.io/v1/'; // the key docker uses for Docker Hub

export function dockerConfigPath(env: Record<string, string | undefined>): string {
  return path.join(
    env.DOCKER_CONFIG ?? path.join(env.HOME ?? os.homedir(), '.docker'),
    'config.json',
  );
}

/** `https://host:5000/v1/` → `host:5000`, as docker compares keys of `auths`. */
const hostOf = (key: string) => key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');

export async function findCredentials(
  domain: string,
  sources: CredentialSources,
): Promise<Credentials | undefined> {
  const read = sources.readFile ?? readIfPresent;
  const text = read(dockerConfigPath(sources.env));
  if (!text) return undefined;
  // docker too ignores what it cannot read; what it reads is data of any shape (null, a number
  // where a map or a text belongs): what is not the shape docker writes counts as absent.
  let config: DockerConfig;
  try {
    config = JSON.parse(text) as DockerConfig;
  } catch {
    return undefined;
  }
  if (!isMap(config)) return undefined;
  const serverUrl = domain === 'docker.io' ? HUB_KEY : domain;
  const forServer = (map: unknown): unknown =>
    isMap(map)
      ? Object.entries(map).find(([k]) => hostOf(k) === hostOf(serverUrl))?.[1]
      : undefined;
  const helper = forServer(config.credHelpers) ?? config.credsStore;
  if (typeof helper === 'string' && helper) return fromHelper(helper, serverUrl, sources);
  const entry = forServer(config.auths);
  if (!isMap(entry)) return undefined;
  const { username, password } = entry;
  if (typeof username === 'string' && username && typeof password === 'string' && password)
    return { username, password };
  if (typeof entry.auth !== 'string' || !entry.auth) return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0
    ? { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
    : undefined;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

async function fromHelper(
  helper: string,
  serverUrl: string,
  sources: CredentialSources,
): Promise<Credentials | undefined> {
  const out = await (sources.runHelper ?? runHelper)(helper, serverUrl, sources.env);
  if (!out) return undefined;
  try {
    const answer = JSON.parse(out) as unknown;
    if (!isMap(answer)) return undefined;
    const { Username, Secret } = answer;
    return typeof Username === 'string' && Username && typeof Secret === 'string' && Secret
      ? { username: Username, password: Secret }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Docker's config.json through the one reader (a regular file, bounded); none when absent. */
function readIfPresent(file: string): string | undefined {
  if (probe(file) === 'missing') return undefined;
  return readText(file, { kind: 'Docker config', limit: 1 << 20 });
}

/** The helper protocol: `get`, the server URL on stdin, JSON on stdout; failure means none. */
function runHelper(
  helper: string,
  serverUrl: string,
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = execFile(
      `docker-credential-${helper}`,
      ['get'],
      { env: env as NodeJS.ProcessEnv, timeout: 10_000, maxBuffer: 1 << 20 },
      (error, stdout) => resolve(error ? undefined : stdout),
    );
    child.stdin?.on('error', () => {}); // a helper that exits before reading stdin
    child.stdin?.end(serverUrl);
  });
}
