// The `WWW-Authenticate` header of a 401 answer: how the registry wants us to authenticate (pure).

export interface Challenge {
  scheme: 'bearer' | 'basic';
  realm?: string;
  service?: string;
  scope?: string;
}

/** `Bearer realm="https://auth.docker.io/token",service="…"` → its parameters. */
export function parseChallenge(header: string | null | undefined): Challenge | undefined {
  const m = /^\s*(Bearer|Basic)\b\s*(.*)$/i.exec(header ?? '');
  if (!m) return undefined;
  const params: Record<string, string> = {};
  // key=value or key="quoted, with \" escapes", separated by commas
  for (const p of m[2].matchAll(/([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
    params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  }
  return {
    scheme: m[1].toLowerCase() as Challenge['scheme'],
    realm: params.realm,
    service: params.service,
    scope: params.scope,
  };
}

/** The URL of the token request for pulling one repository. */
export function tokenUrl(challenge: Challenge, repository: string): string {
  const url = new URL(challenge.realm!);
  if (challenge.service) url.searchParams.set('service', challenge.service);
  url.searchParams.set('scope', `repository:${repository}:pull`);
  return url.href;
}
