// Docker image references as text: `[registry/]name[:tag][@digest]`, variables kept verbatim.

export interface ImageRef {
  registry: string; // "" when none (Docker Hub implied)
  name: string; // repository path without the registry: `library/python`, `myorg/app`
  tag: string; // "" when none
  digest: string; // "" when none, else `sha256:…`
}

/** Split a reference the way Docker does: the first path part is a registry if it has `.` or `:` or is `localhost`. */
export function parseImageRef(text: string): ImageRef {
  let rest = text;
  let digest = '';
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry = '';
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon !== -1 && colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { registry, name: rest, tag, digest };
}

export function formatImageRef(ref: ImageRef): string {
  return `${ref.registry ? `${ref.registry}/` : ''}${ref.name}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** An official image: on Docker Hub, with no namespace or the `library/` one. */
export function isOfficial(ref: ImageRef): boolean {
  if (ref.registry && !DOCKER_HUB.has(ref.registry)) return false;
  return !ref.name.includes('/') || (ref.name.startsWith('library/') && ref.name.split('/').length === 2);
}

/** The official image's short name (`python` for `library/python`), else the name as written. */
export function shortName(ref: ImageRef): string {
  return isOfficial(ref) ? ref.name.replace(/^library\//, '') : ref.name;
}

/** The names a config key may use for this image: `python`, `library/python`, `docker.io/library/python`, … */
export function imageKeys(ref: ImageRef): string[] {
  const full = ref.registry ? `${ref.registry}/${ref.name}` : ref.name;
  if (!isOfficial(ref)) return [full];
  const short = shortName(ref);
  return [short, `library/${short}`, `docker.io/library/${short}`, `docker.io/${short}`, full];
}

/** Does the text contain a build variable (`$X`, `${X}`)? Such parts are never guessed at. */
export function hasVariable(text: string): boolean {
  return text.includes('$');
}
