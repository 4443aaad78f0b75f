// Platform matching on manifests served by Debian's docker-registry 2.8 (captured in
// test/registry-manifests/: a Docker manifest list, an OCI index, a single image and its config).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChallenge, tokenUrl } from '../../src/registry/challenge.js';
import {
  isList,
  isSingle,
  listPlatforms,
  parsePlatform,
  pickEntry,
  platformMatches,
} from '../../src/registry/platform.js';

const load = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(__dirname, 'manifests', name), 'utf8'));
const dockerList = load('xdf-app-1.0.json');
const ociIndex = load('xdf-oci-1.0.json');

describe('a manifest list or index: the entry of the target platform', () => {
  it('reads both list media types, and tells them from single manifests', () => {
    expect([dockerList.mediaType, ociIndex.mediaType].every(isList)).toBe(true);
    expect(isSingle(load('xdf-single-arm64.json').mediaType)).toBe(true);
    expect(isList(load('xdf-single-arm64.json').mediaType)).toBe(false);
  });

  it('picks amd64, arm/v7 and arm64 in the Docker list', () => {
    const digestOf = (arch: string) =>
      dockerList.manifests.find(
        (m: { platform: { architecture: string } }) => m.platform.architecture === arch,
      ).digest;
    expect(pickEntry(dockerList, parsePlatform('linux/amd64'))?.digest).toBe(digestOf('amd64'));
    expect(pickEntry(dockerList, parsePlatform('linux/arm/v7'))?.digest).toBe(digestOf('arm'));
    // the list says arm64/v8; xdf's arm64v8 is linux/arm64: v8 may be absent on either side
    expect(pickEntry(dockerList, parsePlatform('linux/arm64'))?.digest).toBe(digestOf('arm64'));
    expect(pickEntry(dockerList, parsePlatform('linux/s390x'))).toBeUndefined();
  });

  it('arm needs its variant: an index with arm/v6 has nothing for arm/v7', () => {
    expect(pickEntry(ociIndex, parsePlatform('linux/arm/v7'))).toBeUndefined();
    expect(pickEntry(ociIndex, parsePlatform('linux/arm/v6'))?.platform).toEqual({
      architecture: 'arm',
      variant: 'v6',
      os: 'linux',
    });
    expect(pickEntry(ociIndex, parsePlatform('linux/arm64'))?.platform?.architecture).toBe('arm64');
    expect(listPlatforms(ociIndex)).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v6']);
  });

  it('leaves attestation entries out of the platforms it names', () => {
    const withAttestation = {
      manifests: [
        ...dockerList.manifests,
        {
          mediaType: 'x',
          digest: 'sha256:1',
          platform: { os: 'unknown', architecture: 'unknown' },
        },
      ],
    };
    expect(listPlatforms(withAttestation)).toEqual([
      'linux/amd64',
      'linux/arm/v7',
      'linux/arm64/v8',
    ]);
  });

  it("a single image's config says amd64: not arm64 (the docker import mistake)", () => {
    const config = load('xdf-single-arm64.config.json');
    expect(platformMatches(parsePlatform('linux/arm64'), config)).toBe(false);
    expect(platformMatches(parsePlatform('linux/amd64'), config)).toBe(true);
    expect(
      platformMatches(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm' }),
    ).toBe(false);
    expect(
      platformMatches(parsePlatform('linux/arm64'), {
        os: 'linux',
        architecture: 'arm64',
        variant: 'v8',
      }),
    ).toBe(true);
    expect(
      platformMatches(parsePlatform('linux/arm64'), { os: 'windows', architecture: 'arm64' }),
    ).toBe(false);
  });
});

describe('WWW-Authenticate', () => {
  it('reads a Bearer challenge as Docker Hub sends it', () => {
    const c = parseChallenge(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
    );
    expect(c).toEqual({
      scheme: 'bearer',
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:library/alpine:pull',
    });
    expect(tokenUrl(c!, 'library/alpine')).toBe(
      'https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Falpine%3Apull',
    );
  });

  it('reads Basic, unquoted values and escapes; anything else is no challenge', () => {
    expect(parseChallenge('Basic realm="Registry Realm"')).toMatchObject({
      scheme: 'basic',
      realm: 'Registry Realm',
    });
    expect(
      parseChallenge('bearer realm=http://127.0.0.1:5104/token, service = "a \\"b\\""'),
    ).toMatchObject({ scheme: 'bearer', realm: 'http://127.0.0.1:5104/token', service: 'a "b"' });
    expect(parseChallenge('Negotiate abc')).toBeUndefined();
    expect(parseChallenge(null)).toBeUndefined();
  });
});
