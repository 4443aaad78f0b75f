// Credentials found as docker finds them; the helper is a real script speaking the
// docker-credential-<name> protocol (`get`, server URL on stdin, JSON on stdout).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { XdfError } from '../../src/core/errors.js';
import { dockerConfigPath, findCredentials } from '../../src/registry/credentials.js';

function dockerConfig(config: object, helpers: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-docker-config-'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  for (const [name, script] of Object.entries(helpers))
    fs.writeFileSync(path.join(bin, `docker-credential-${name}`), script, { mode: 0o755 });
  return { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH}`, HOME: dir };
}

// Answers only for the server URL it was asked about, and records what it read on stdin.
const HELPER = `#!/bin/sh
[ "$1" = get ] || exit 3
read -r server
echo "$server" >> "$(dirname "$0")/asked"
case "$server" in
  127.0.0.1:5103) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret"}' "$server" ;;
  https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"hub-user","Secret":"hub-secret"}' "$server" ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;

describe('findCredentials', () => {
  it('a config.json of another shape is no credentials, never a crash (docker ignores it too)', async () => {
    const shapes: unknown[] = [
      null,
      5,
      [1],
      'text',
      { auths: null },
      { auths: 5 },
      { auths: { '127.0.0.1:5102': null } },
      { auths: { '127.0.0.1:5102': 5 } },
      { auths: { '127.0.0.1:5102': { auth: 5 } } },
      { auths: { '127.0.0.1:5102': { auth: { x: 1 } } } },
      { auths: { '127.0.0.1:5102': { username: 5, password: [] } } },
      { credsStore: 5 },
      { credsStore: {} },
      { credHelpers: 'abc' },
      { credHelpers: { '127.0.0.1:5102': null } },
    ];
    for (const shape of shapes) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-docker-config-'));
      fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(shape));
      const runHelper = async () => 'never asked';
      await expect(
        findCredentials('127.0.0.1:5102', { env: { DOCKER_CONFIG: dir }, runHelper }),
        JSON.stringify(shape),
      ).resolves.toBeUndefined();
    }
  });

  it("reads auths (base64 user:password), keyed by host, URL or Docker Hub's v1 URL", async () => {
    const env = dockerConfig({
      auths: {
        '127.0.0.1:5102': { auth: Buffer.from('alice:s3cr:et').toString('base64') },
        'https://ghcr.io': { auth: Buffer.from('bob:pw').toString('base64') },
        'https://index.docker.io/v1/': { auth: Buffer.from('carol:hub').toString('base64') },
      },
    });
    expect(await findCredentials('127.0.0.1:5102', { env })).toEqual({
      username: 'alice',
      password: 's3cr:et',
    });
    expect(await findCredentials('ghcr.io', { env })).toEqual({ username: 'bob', password: 'pw' });
    expect(await findCredentials('docker.io', { env })).toEqual({
      username: 'carol',
      password: 'hub',
    });
    expect(await findCredentials('quay.io', { env })).toBeUndefined();
  });

  it('asks the credHelpers helper for its registry through the real protocol', async () => {
    const env = dockerConfig(
      {
        credHelpers: { '127.0.0.1:5103': 'xdftest' },
        auths: { '127.0.0.1:5103': { auth: Buffer.from('no:no').toString('base64') } },
      },
      { xdftest: HELPER },
    );
    expect(await findCredentials('127.0.0.1:5103', { env })).toEqual({
      username: 'helper-user',
      password: 'helper-secret',
    });
    expect(fs.readFileSync(path.join(env.DOCKER_CONFIG, 'bin', 'asked'), 'utf8')).toBe(
      '127.0.0.1:5103\n',
    );
  });

  it('asks credsStore for every registry, Docker Hub by its v1 URL; "not found" means none', async () => {
    const env = dockerConfig({ credsStore: 'xdftest' }, { xdftest: HELPER });
    expect(await findCredentials('docker.io', { env })).toEqual({
      username: 'hub-user',
      password: 'hub-secret',
    });
    expect(await findCredentials('quay.io', { env })).toBeUndefined();
  });

  it('a missing helper, a missing or broken config mean no credentials, not an error', async () => {
    expect(
      await findCredentials('x.io', { env: dockerConfig({ credsStore: 'absent-helper' }) }),
    ).toBeUndefined();
    const broken = dockerConfig({});
    fs.writeFileSync(path.join(broken.DOCKER_CONFIG, 'config.json'), '{not json');
    expect(await findCredentials('x.io', { env: broken })).toBeUndefined();
    expect(
      await findCredentials('x.io', { env: { DOCKER_CONFIG: '/nonexistent' } }),
    ).toBeUndefined();
  });

  it('config.json is read through the one reader: a FIFO or /dev/zero is a typed error, no hang', async () => {
    for (const [make, code] of [
      [(f: string) => execFileSync('mkfifo', [f]), 'XDF005'],
      [(f: string) => fs.symlinkSync('/dev/zero', f), 'XDF005'],
      [(f: string) => fs.writeFileSync(f, `{"auths":{}}${' '.repeat(1 << 20)}`), 'XDF053'],
    ] as const) {
      const env = dockerConfig({});
      const file = path.join(env.DOCKER_CONFIG, 'config.json');
      fs.rmSync(file);
      make(file);
      const error = await findCredentials('x.io', { env }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(XdfError);
      expect((error as XdfError).code).toBe(code);
      expect((error as XdfError).message).toMatch(/Docker config/);
    }
  });

  it('DOCKER_CONFIG, else ~/.docker', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/cfg' })).toBe('/cfg/config.json');
    expect(dockerConfigPath({ HOME: '/home/u' })).toBe('/home/u/.docker/config.json');
  });
});
