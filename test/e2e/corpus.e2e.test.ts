// The public corpus and xdf's outputs of it, fed to the real Docker engine (20.10, classic builder):
// whenever docker can parse an input, it must parse every output made from it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ARCH_NAMES } from '../../src/arches/table.js';
import { emitDockerfiles } from '../../src/emit/dockerfiles.js';
import { XdfError } from '../../src/core/errors.js';
import type { Strategy } from '../../src/config/types.js';
import { testConfig } from '../helpers/config.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/public');
const DOCKER = '/usr/bin/docker';
const ready = fs.existsSync(CORPUS) && !inject('e2eProblem');
if (!fs.existsSync(CORPUS) && process.env.CI)
  throw new Error(`the public corpus is missing: ${CORPUS}`);

// The classic builder's words for a Dockerfile it cannot parse, as opposed to a build that fails later.
const PARSE_ERROR =
  /dockerfile parse error|unknown instruction|unknown flag|Unknown flag|failed to process|parse error|not a valid|empty continuation/i;

// Each build gets a context of its own: docker reads the whole folder, and a file that a parallel
// build adds or removes meanwhile fails the upload, which the classifier would count as parsed.
function build(dockerfile: string): Promise<{ parsed: boolean; output: string }> {
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'xdf-corpus-ctx-'));
  const file = path.join(context, 'Dockerfile');
  fs.writeFileSync(file, dockerfile);
  return new Promise((resolve) => {
    const child = spawn(DOCKER, ['build', '-q', '--pull=false', '-f', file, context], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('close', () => {
      fs.rmSync(context, { recursive: true, force: true });
      resolve({ parsed: !PARSE_ERROR.test(output), output });
    });
  });
}

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

describe.skipIf(!ready)('the corpus through docker build', () => {
  it('input parses ⇒ every output parses', async () => {
    // The classifier itself: a broken file is a parse error, an absent base image is not.
    expect((await build('FROM alpine\nFROBNICATE x\n')).parsed).toBe(false);
    expect((await build('FROM xdf-absent-image:1\nRUN true\n')).parsed).toBe(true);
    const files = fs.readdirSync(CORPUS).sort();
    const jobs: { file: string; input: string; outputs: string[] }[] = [];
    for (const file of files) {
      const input = fs.readFileSync(path.join(CORPUS, file), 'utf8');
      const outputs = new Set<string>();
      for (const strategy of ['namespace', 'platform', 'multiarch'] as Strategy[]) {
        try {
          const result = emitDockerfiles(
            { file: path.join(CORPUS, file), text: input },
            testConfig({ dir: CORPUS, arches: [...ARCH_NAMES], strategy }),
            { noTemplate: true },
          );
          for (const o of result.outputs) outputs.add(o.content);
        } catch (e) {
          if (!(e instanceof XdfError)) throw e;
        }
      }
      jobs.push({ file, input, outputs: [...outputs] });
    }
    const failures: string[] = [];
    let inputsParsed = 0;
    let outputsBuilt = 0;
    await pool(jobs, 4, async (job) => {
      const input = await build(job.input);
      if (!input.parsed) return; // e.g. heredocs or RUN --mount, which the classic builder rejects
      inputsParsed++;
      for (const output of job.outputs) {
        outputsBuilt++;
        const r = await build(output);
        if (!r.parsed) failures.push(`${job.file}: ${r.output.trim().split('\n').slice(-1)[0]}`);
      }
    });
    console.log(
      `corpus through docker: ${jobs.length} files, ${inputsParsed} parsed by docker, ${outputsBuilt} distinct outputs fed to docker`,
    );
    expect(failures).toEqual([]);
    expect(inputsParsed).toBeGreaterThan(jobs.length / 2);
  });
});
