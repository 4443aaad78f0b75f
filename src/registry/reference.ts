// Image references as a registry sees them: the host to ask, the repository, the tag or digest.
import { isLiteralReference, parseImageRef, REPOSITORY_MAX } from '../reference/reference.js';

export interface RemoteRef {
  domain: string; // as docker names it: `docker.io`, `127.0.0.1:5000`
  host: string; // where the API is served: `registry-1.docker.io` for Docker Hub
  repository: string; // `library/alpine`
  tag: string; // "" when the reference names only a digest
  digest: string; // "" when none
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** `alpine` → docker.io/library/alpine:latest at registry-1.docker.io; undefined: not a literal
 * reference of the grammar (a variable, a bad name, tag or digest). */
export function toRemoteRef(text: string): RemoteRef | undefined {
  if (!isLiteralReference(text)) return undefined;
  const ref = parseImageRef(text);
  const hub = !ref.registry || DOCKER_HUB.has(ref.registry);
  const repository = hub && !ref.name.includes('/') ? `library/${ref.name}` : ref.name;
  const tag = ref.tag || (ref.digest ? '' : 'latest');
  if (repository.length > REPOSITORY_MAX) return undefined; // as docker counts it: normalized
  return {
    domain: hub ? 'docker.io' : ref.registry,
    host: hub ? 'registry-1.docker.io' : ref.registry,
    repository,
    tag,
    digest: ref.digest,
  };
}

/** The reference asked of the registry: the digest when there is one (it is what docker pulls). */
export const manifestReference = (ref: RemoteRef) => ref.digest || ref.tag;

/** Loopback registries are reached over plain HTTP, as docker does. */
export function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}
