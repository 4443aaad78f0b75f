// The transport's manners against a registry that floods or asks to wait: bodies bounded by the
// bytes read, and every wait of one request inside --timeout.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, RegistryFailure } from '../../src/registry/client.js';
import { parsePlatform } from '../../src/registry/platform.js';
import { toRemoteRef } from '../../src/registry/reference.js';
import { FakeRegistry, MEDIA } from './fake-registry.js';

let registry: FakeRegistry;
beforeAll(async () => {
  registry = await FakeRegistry.start();
});
afterAll(() => registry.close());
afterEach(() => {
  registry.answer = undefined;
});

let repoCount = 0;
const newRepo = () => `team/app${++repoCount}`;

async function failure(repo: string, platform: string, timeoutMs: number) {
  const c = new RegistryClient({
    timeoutMs,
    env: {},
    insecure: () => false,
    credentials: async () => undefined,
  });
  try {
    await c.resolve(toRemoteRef(`${registry.host}/${repo}:1`)!, parsePlatform(platform));
  } catch (e) {
    expect(e).toBeInstanceOf(RegistryFailure);
    return e as RegistryFailure;
  } finally {
    await c.close();
  }
  throw new Error('resolved');
}

describe('bodies are bounded by the bytes read', () => {
  it('an endless chunked body (no Content-Length) ends as a typed failure, quickly', async () => {
    const repo = newRepo();
    registry.answer = (req, res) => {
      if (!req.url?.includes(`/${repo}/manifests/`)) return false;
      res.writeHead(200, { 'content-type': MEDIA.ociIndex }); // chunked: no length announced
      if (req.method === 'HEAD') {
        res.end();
        return true;
      }
      const chunk = Buffer.alloc(1 << 20, 0x20);
      const pump = () => {
        while (res.write(chunk));
        res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
      return true;
    };
    const start = Date.now();
    const before = process.memoryUsage().rss;
    const e = await failure(repo, 'linux/arm64', 20_000);
    expect(e.kind).toBe('unreachable');
    expect(e.message).toMatch(/answer too large/);
    expect(Date.now() - start).toBeLessThan(10_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 << 20);
  });
});

describe('all waiting fits inside the timeout', () => {
  it('a 503 asking to wait 59 s with a timeout of 1 s fails at once, saying so', async () => {
    const repo = newRepo();
    registry.answer = (req, res) => {
      if (!req.url?.includes(`/${repo}/`)) return false;
      res.writeHead(503, { 'retry-after': '59' });
      res.end();
      return true;
    };
    const start = Date.now();
    const e = await failure(repo, 'linux/arm64', 1000);
    expect(Date.now() - start).toBeLessThan(1500);
    expect(e.kind).toBe('unreachable');
    expect(e.message).toMatch(/answered 503 and asks to wait 59 s, past the timeout of 1 s$/);
  });

  it('retries with backoff stop at the deadline instead of running past it', async () => {
    const repo = newRepo();
    registry.answer = (req, res) => {
      if (!req.url?.includes(`/${repo}/`)) return false;
      res.writeHead(503);
      res.end();
      return true;
    };
    const start = Date.now();
    const e = await failure(repo, 'linux/arm64', 700);
    expect(Date.now() - start).toBeLessThan(1200);
    expect(e.message).toMatch(/answered 503, and another try in 1 s would pass the timeout/);
  });
});
