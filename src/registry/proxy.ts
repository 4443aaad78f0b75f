// Which proxy a registry URL goes through: HTTPS_PROXY / HTTP_PROXY unless NO_PROXY names the
// host, the way curl and Go's net/http read them (pure).
import { isLoopback } from './reference.js';

export function proxyFor(url: string, env: Record<string, string | undefined>): string | undefined {
  const { protocol, hostname, port } = new URL(url);
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  if (isLoopback(host)) return undefined; // as docker: loopback never through a proxy
  const proxy =
    protocol === 'https:'
      ? (env.HTTPS_PROXY ?? env.https_proxy)
      : (env.HTTP_PROXY ?? env.http_proxy);
  if (!proxy) return undefined;
  const effectivePort = port || (protocol === 'https:' ? '443' : '80');
  const bypass = (env.NO_PROXY ?? env.no_proxy ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return bypass.some((entry) => noProxyMatches(entry, host.toLowerCase(), effectivePort))
    ? undefined
    : proxy;
}

/** `*`, `example.com` (and its subdomains), `.example.com`, `host:port`, an IP. */
function noProxyMatches(entry: string, host: string, port: string): boolean {
  if (entry === '*') return true;
  const m = /^(.*?)(?::(\d+))?$/.exec(entry)!;
  const name = m[1].replace(/^\[(.*)\]$/, '$1').replace(/^\*?\./, '');
  if (m[2] && m[2] !== port) return false;
  return host === name || host.endsWith(`.${name}`);
}
