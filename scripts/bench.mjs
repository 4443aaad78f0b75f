// npm run bench [-- --quick]: xdf's speed as ratios to `node -e 0`, measured side by side in one run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/xdf.cjs');
const RSS = path.join(ROOT, 'scripts/bench-rss.mjs');
const quick = process.argv.includes('--quick');
const RUNS = quick ? 5 : 15;

function time(args, cwd, runs = RUNS, env = process.env) {
  const samples = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    last = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env });
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (last.status > 1) throw new Error(`${args.join(' ')} failed: ${last.stderr}`);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], min: samples[0], max: samples[samples.length - 1], last };
}
const fmt = (t) => `median ${t.median.toFixed(1)} ms (min ${t.min.toFixed(1)}, max ${t.max.toFixed(1)})`;
const tmp = (name) => fs.mkdtempSync(path.join(os.tmpdir(), `xdf-bench-${name}-`));
const write = (dir, files) => { for (const [f, t] of Object.entries(files)) { fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true }); fs.writeFileSync(path.join(dir, f), t); } };
const rssOf = (r) => Number(/XDF_MAX_RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN);

console.log(`xdf bench: node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${RUNS} runs each${quick ? ' (--quick)' : ''}`);
const base = time(['-e', '0'], ROOT);
const baseRss = rssOf(spawnSync(process.execPath, ['--import', RSS, '-e', '0'], { encoding: 'utf8' }));
console.log(`node -e 0: ${fmt(base)}, peak RSS ${(baseRss / 1024).toFixed(1)} MiB`);

// P1: an up-to-date 3-arch check, as the installed bin runs.
const p1 = tmp('p1');
write(p1, { '.git/HEAD': '', 'Dockerfile.tpl': 'FROM python:3.12-slim\nRUN pip install flask\nCOPY . /app\nCMD ["python", "/app/app.py"]\n', 'xdf.yaml': 'arches: [amd64, arm32v7, arm64v8]\n' });
spawnSync(process.execPath, [BIN, 'generate'], { cwd: p1 });
spawnSync(process.execPath, [BIN, 'check'], { cwd: p1 }); // the first check after generate runs for real
// Interleaved with node -e 0, so that both see the same machine state.
const pairs = Array.from({ length: RUNS }, () => [time(['-e', '0'], p1, 1).median, time([BIN, 'check'], p1, 1)]);
if (pairs.some(([, r]) => r.last.status !== 0)) throw new Error('P1: check is not up to date');
const ratios = pairs.map(([n, r]) => r.median / n).sort((a, b) => a - b);
const check1 = { median: pairs.map(([, r]) => r.median).sort((a, b) => a - b)[Math.floor(RUNS / 2)], min: Math.min(...pairs.map(([, r]) => r.median)), max: Math.max(...pairs.map(([, r]) => r.median)) };
console.log(`P1 check, 3 arches, up to date: ${fmt(check1)}; ratio to node -e 0 run just before it: median ${ratios[Math.floor(RUNS / 2)].toFixed(2)}x (min ${ratios[0].toFixed(2)}, max ${ratios[RUNS - 1].toFixed(2)}) (goal <= 1.25x)`);

// P2: a monorepo of templates x 4 arches in one process.
const count = quick ? 200 : 1000;
const p2 = tmp('p2');
const files = { '.git/HEAD': '', 'xdf.yaml': `arches: [amd64, arm32v7, arm64v8, ppc64le]\ntemplates:\n${Array.from({ length: count }, (_, i) => `  - svc${i}/Dockerfile.tpl\n`).join('')}` };
for (let i = 0; i < count; i++) files[`svc${i}/Dockerfile.tpl`] = `ARG BASE=debian:bookworm\nFROM golang:1.22 AS build\nRUN go build ./cmd/svc${i}\nFROM $BASE\nCOPY --from=build /go/bin/svc${i} /usr/bin/\nRUN apt-get update && apt-get install -y ca-certificates\nENV SERVICE=svc${i} ARCH={{arch.debian}}\nCMD ["svc${i}"]\n`;
write(p2, files);
const cold = time([BIN, 'generate', '--quiet'], p2, 1);
const coldOut = count * 4;
const upToDate = time([BIN, 'check', '--quiet'], p2, quick ? 3 : 5);
console.log(`P2 generate, ${count} templates x 4 arches, cold: ${cold.median.toFixed(0)} ms = ${Math.round(coldOut / (cold.median / 1000))} Dockerfiles/s (goal: ${count === 1000 ? '<= 1000 ms' : '>= 4000/s'})`);
console.log(`P2 check, up to date: ${fmt(upToDate)} (goal <= ${count === 1000 ? 500 : 100} ms)`);

// P3: one large Dockerfile for 4 arches: time, peak RSS, and how time scales with size.
function bigDockerfile(bytes) {
  const parts = ['ARG BASE=debian:bookworm\n'];
  let size = parts[0].length;
  for (let i = 0; size < bytes; i++) {
    const stage = `ARG V${i}=1\nFROM \${BASE} AS s${i}\nRUN echo stage ${i} && apt-get update && apt-get install -y curl ca-certificates && rm -rf /var/lib/apt/lists/*\nCOPY --from=s${Math.max(0, i - 1)} /etc/os-release /x${i}\n`;
    parts.push(stage);
    size += stage.length;
  }
  return parts.join('');
}
const sizes = quick ? [200 * 1024, 2 * 1024 * 1024] : [400 * 1024, 4 * 1024 * 1024];
const p3 = sizes.map((bytes) => {
  const dir = tmp('p3');
  write(dir, { '.git/HEAD': '', 'Dockerfile.tpl': bigDockerfile(bytes), 'xdf.yaml': 'arches: [amd64, arm32v7, arm64v8, s390x]\n' });
  const t = time(['--import', RSS, BIN, 'generate', '--no-template', '--quiet'], dir, quick ? 1 : 3);
  fs.rmSync(dir, { recursive: true, force: true });
  return { bytes, t, rss: rssOf(t.last) };
});
const [small, large] = p3;
console.log(`P3 ${(large.bytes / 1048576).toFixed(1)} MiB Dockerfile x 4 arches: ${fmt(large.t)} (goal <= 2000 ms), peak RSS above node's ${((large.rss - baseRss) / 1024).toFixed(1)} MiB = ${((large.rss - baseRss) * 1024 / large.bytes).toFixed(1)}x the input (goal <= 30x)`);
console.log(`P3 scaling: ${(large.bytes / small.bytes).toFixed(0)}x the input takes ${(large.t.median / small.t.median).toFixed(2)}x the time (goal <= 12x)`);
