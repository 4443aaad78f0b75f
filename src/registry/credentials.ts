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

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
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
  let config: DockerConfig;
  try {
    config = JSON.parse(text) as DockerConfig;
  } catch {
    return undefined;
  } // docker too ignores what it cannot read
  const serverUrl = domain === 'docker.io' ? HUB_KEY : domain;
  const helper =
    Object.entries(config.credHelpers ?? {}).find(([k]) => hostOf(k) === hostOf(serverUrl))?.[1] ??
    config.credsStore;
  if (helper) return fromHelper(helper, serverUrl, sources);
  const entry = Object.entries(config.auths ?? {}).find(
    ([k]) => hostOf(k) === hostOf(serverUrl),
  )?.[1];
  if (!entry) return undefined;
  if (entry.username && entry.password)
    return { username: entry.username, password: entry.password };
  if (!entry.auth) return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0
    ? { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
    : undefined;
}

async function fromHelper(
  helper: string,
  serverUrl: string,
  sources: CredentialSources,
): Promise<Credentials | undefined> {
  const out = await (sources.runHelper ?? runHelper)(helper, serverUrl, sources.env);
  if (!out) return undefined;
  try {
    const { Username, Secret } = JSON.parse(out) as { Username?: string; Secret?: string };
    return Username && Secret ? { username: Username, password: Secret } : undefined;
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
