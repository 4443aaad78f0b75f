// npm run bench [-- --quick]: every row of issue 13, each a ratio to its yardstick measured in the
// same run (interleaved), with median, min and max. Exits 1 if a cache could be answering `check`.
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
const MONO = quick ? 200 : 1000; // templates in the monorepo rows
const BIG = quick ? 1 << 20 : 4 << 20; // bytes of the large Dockerfile
const ARCHES4 = ['amd64', 'arm32v7', 'arm64v8', 'ppc64le'];

// Everything on tmpfs when there is one: the cold-generate row asks for it, the rest is less noisy.
const hasShm = fs.existsSync('/dev/shm') && fs.statSync('/dev/shm').isDirectory();
const shm = hasShm ? '/dev/shm' : os.tmpdir();
const TOP = fs.mkdtempSync(path.join(shm, 'xdf-bench-'));
process.on('exit', () => fs.rmSync(TOP, { recursive: true, force: true }));
const dir = (name) => fs.mkdtempSync(path.join(TOP, `${name}-`));
const write = (root, files) => {
  for (const [f, t] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), t);
  }
};
const die = (msg) => {
  console.error(`\nxdf bench: FAILED: ${msg}`);
  process.exit(1);
};

// Cache folders xdf could use. Read-only: XDG_CACHE_HOME below a regular file (not even root can
// write there), HOME and TMPDIR empty 0555 folders that must still be empty afterwards.
const blocker = path.join(dir('ro'), 'a-file');
fs.writeFileSync(blocker, '');
const roHome = dir('home');
const roTmp = dir('tmp');
for (const d of [roHome, roTmp]) fs.chmodSync(d, 0o555);
const RO = {
  ...process.env,
  XDG_CACHE_HOME: path.join(blocker, 'cache'),
  HOME: roHome,
  TMPDIR: roTmp,
};
// Warm: a writable cache folder of the bench's own, so a code cache, if any, is used and kept.
const codeCache = dir('cache');
const WARM = { ...RO, XDG_CACHE_HOME: codeCache };
const assertEmpty = () => {
  for (const d of [roHome, roTmp]) {
    if (fs.readdirSync(d).length) die(`${d} was written, standing for a read-only cache folder`);
  }
};

function run(args, cwd, env = WARM) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  r.ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return r;
}
const xdf = (args, cwd, env) => run([BIN, ...args], cwd, env);
const expectStatus = (r, status, what) => {
  if (r.status !== status) die(`${what}: exit ${r.status}, not ${status}\n${r.stdout}${r.stderr}`);
  return r;
};
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
};

/** Yardstick and subject alternately, `runs` times, the order swapped each time; pair ratios. */
function interleave(runs, yard, subject, before = () => {}) {
  const y = [],
    s = [],
    r = [];
  for (let i = 0; i < runs; i++) {
    let a, b;
    before();
    if (i % 2) {
      b = subject();
      before();
      a = yard();
    } else {
      a = yard();
      before();
      b = subject();
    }
    y.push(a);
    s.push(b);
    r.push(b / a);
  }
  return { yard: stats(y), subject: stats(s), ratio: stats(r) };
}

const results = [];
const ms = (x) => `${x.toFixed(0)} ms`;
function report(name, m, goal, judged = true) {
  const within = goal.ratio ? m.ratio.median <= goal.ratio : m.subject.median <= goal.ms;
  const met = judged ? within : null;
  const value = goal.ratio
    ? `${m.ratio.median.toFixed(2)}x (min ${m.ratio.min.toFixed(2)}, max ${m.ratio.max.toFixed(2)})`
    : `${ms(m.subject.median)} (min ${ms(m.subject.min)}, max ${ms(m.subject.max)})`;
  const detail = goal.ratio
    ? `xdf ${ms(m.subject.median)} / ${goal.yard} ${ms(m.yard.median)}`
    : `${m.ratio.median.toFixed(2)}x ${goal.yard} ${ms(m.yard.median)}`;
  const verdict = met === null ? 'not judged at --quick size' : met ? 'met' : 'NOT met';
  const want = goal.ratio ? `<= ${goal.ratio.toFixed(2)}x` : `<= ${ms(goal.ms)}`;
  console.log(`${name}\n    ${value}  [${detail}]  goal ${want}: ${verdict}`);
  results.push(met);
}

console.log(
  `xdf bench: node ${process.version}, ${os.cpus().length} cores ` +
    `(${os.cpus()[0]?.model ?? 'unknown'}), ${RUNS} interleaved pairs a row, on ${shm}` +
    `${quick ? ' (--quick)' : ''}`,
);

// --- Projects ---------------------------------------------------------------------------------
const TPL =
  'FROM python:3.12-slim\nRUN pip install flask\nCOPY . /app\n' + 'CMD ["python", "/app/app.py"]\n';
const p3 = dir('p3');
write(p3, {
  '.git/HEAD': '',
  'Dockerfile.tpl': TPL,
  'xdf.yaml': 'arches: [amd64, arm32v7, arm64v8]\n',
});
const p6 = dir('p6');
write(p6, {
  '.git/HEAD': '',
  'Dockerfile.tpl': TPL,
  'xdf.yaml':
    'arches: [amd64, arm32v7, arm64v8]\nmatrix:\n' +
    '  formats: [json, yaml, gitlab, bake, make, manifest]\n  image: myorg/app\n',
});
for (const p of [p3, p6]) expectStatus(xdf(['generate', '--quiet'], p), 0, 'generate');

// --- Sanity: no remembered answer, with the cache folders read-only and with a warm code cache ---
function sanity(env, label) {
  const tpl = path.join(p6, 'Dockerfile.tpl');
  const cfg = path.join(p6, 'xdf.yaml');
  const seen = [];
  expectStatus(xdf(['check'], p6, env), 0, `${label}: check of an up-to-date project`);
  fs.appendFileSync(tpl, 'RUN echo changed\n');
  seen.push(expectStatus(xdf(['check'], p6, env), 1, `${label}: check after a template edit`));
  fs.writeFileSync(tpl, TPL);
  expectStatus(xdf(['check'], p6, env), 0, `${label}: check after the edit was undone`);
  const config = fs.readFileSync(cfg, 'utf8');
  fs.writeFileSync(cfg, config.replace('arm64v8]', 'arm64v8, s390x]'));
  seen.push(expectStatus(xdf(['check'], p6, env), 1, `${label}: check after a config edit`));
  fs.writeFileSync(cfg, config);
  expectStatus(xdf(['check'], p6, env), 0, `${label}: check after the config was restored`);
  return seen.map((r) => r.stdout + r.stderr);
}
const roSeen = sanity(RO, 'cache folders read-only');
assertEmpty();
xdf(['--help'], p6); // fills the code cache, if xdf keeps one
const warmSeen = sanity(WARM, 'warm code cache');
if (JSON.stringify(roSeen) !== JSON.stringify(warmSeen)) die('a warm cache changed the output');
const cached = fs
  .readdirSync(codeCache, { recursive: true })
  .filter((f) => fs.statSync(path.join(codeCache, f)).isFile());
const kib = cached.reduce((n, f) => n + fs.statSync(path.join(codeCache, f)).size, 0) >> 10;
console.log(
  'sanity: check sees a template edit and a config edit, with the cache folders read-only' +
    ` and with a warm code cache (same output); code cache: ${cached.length} files, ${kib} KiB`,
);

// --- Start-up rows ------------------------------------------------------------------------------
const node0 = () => run(['-e', '0'], p3).ms;
const timed = (args, cwd, status) => () => expectStatus(xdf(args, cwd), status, args.join(' ')).ms;
report(
  '1. xdf check, up-to-date 3-arch template / node -e 0',
  interleave(RUNS, node0, timed(['check'], p3, 0)),
  { ratio: 1.3, yard: 'node -e 0' },
);
report(
  '2. the same with all six matrix formats / node -e 0',
  interleave(RUNS, node0, timed(['check'], p6, 0)),
  { ratio: 1.5, yard: 'node -e 0' },
);
report('3. xdf --help / node -e 0', interleave(RUNS, node0, timed(['--help'], p3, 0)), {
  ratio: 1.2,
  yard: 'node -e 0',
});

// --- Monorepo: cold generate against the floor writer, then an up-to-date check ---------------
const mono = dir('mono');
const svc = Array.from({ length: MONO }, (_, i) => `svc${i}`);
const monoFiles = {
  '.git/HEAD': '',
  'xdf.yaml':
    `arches: [${ARCHES4.join(', ')}]\ntemplates:\n` +
    svc.map((s) => `  - ${s}/Dockerfile.tpl\n`).join(''),
};
for (const s of svc) {
  monoFiles[`${s}/Dockerfile.tpl`] =
    `ARG BASE=debian:bookworm\nFROM golang:1.22 AS build\n` +
    `RUN go build ./cmd/${s}\nFROM $BASE\nCOPY --from=build /go/bin/${s} /usr/bin/\n` +
    'RUN apt-get update && apt-get install -y ca-certificates\n' +
    `ENV SERVICE=${s} ARCH={{arch.debian}}\nCMD ["${s}"]\n`;
}
write(mono, monoFiles);
// The floor: the least a Node program must do to produce those files (read each template, write
// four outputs of about the same size through temp + rename).
const floor = path.join(TOP, 'floor.mjs');
fs.writeFileSync(
  floor,
  `import fs from 'node:fs';
const [count, ...arches] = process.argv.slice(2);
for (let i = 0; i < Number(count); i++) {
  const text = fs.readFileSync(\`svc\${i}/Dockerfile.tpl\`, 'utf8');
  for (const a of arches) {
    const out = \`svc\${i}/Dockerfile.\${a}\`;
    const body = \`# Generated by xdf from svc\${i}/Dockerfile.tpl for \${a}.\\n\${text}\`;
    fs.writeFileSync(\`svc\${i}/.tmp-\${a}\`, body, { flag: 'wx' });
    fs.renameSync(\`svc\${i}/.tmp-\${a}\`, out);
  }
}
`,
);
const clean = () => {
  for (const s of svc) {
    for (const a of ARCHES4) fs.rmSync(path.join(mono, s, `Dockerfile.${a}`), { force: true });
  }
};
const monoRuns = quick ? 3 : 5;
const floorRun = () => run([floor, String(MONO), ...ARCHES4], mono).ms;
const gen = timed(['generate', '--quiet'], mono, 0);
report(
  `4. cold xdf generate, ${MONO} templates x 4 arches on ${shm} / the floor writer`,
  interleave(monoRuns, floorRun, gen, clean),
  { ratio: 2.0, yard: 'floor' },
);
clean();
expectStatus(xdf(['generate', '--quiet'], mono), 0, 'monorepo generate');
report(
  `5. xdf check of that monorepo (${MONO} templates), up to date`,
  interleave(monoRuns, node0, timed(['check', '--quiet'], mono, 0)),
  { ms: 500, yard: 'node -e 0' },
  !quick,
);
const last = path.join(mono, svc[MONO - 1], 'Dockerfile.tpl');
fs.appendFileSync(last, 'RUN echo changed\n');
expectStatus(xdf(['check', '--quiet'], mono), 1, 'monorepo check after one template changed');
fs.writeFileSync(last, monoFiles[`${svc[MONO - 1]}/Dockerfile.tpl`]);

// --- One large Dockerfile: time and peak RSS --------------------------------------------------
function bigDockerfile(bytes) {
  const parts = ['ARG BASE=debian:bookworm\n'];
  let size = parts[0].length;
  for (let i = 0; size < bytes; i++) {
    const stage =
      `ARG V${i}=1\nFROM \${BASE} AS s${i}\nRUN echo stage ${i} && apt-get update ` +
      '&& apt-get install -y curl ca-certificates && rm -rf /var/lib/apt/lists/*\n' +
      `COPY --from=s${Math.max(0, i - 1)} /etc/os-release /x${i}\n`;
    parts.push(stage);
    size += stage.length;
  }
  return parts.join('');
}
const big = dir('big');
const bigText = bigDockerfile(BIG);
write(big, {
  '.git/HEAD': '',
  'Dockerfile.tpl': bigText,
  'xdf.yaml': `arches: [${ARCHES4.join(', ')}]\n`,
});
const rssOf = (r) => Number(/XDF_MAX_RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN) * 1024;
const baseRss = rssOf(run(['--import', RSS, '-e', '0'], big));
let peak = 0;
const bigWithRss = () => {
  const r = run(['--import', RSS, BIN, 'generate', '--no-template', '--quiet'], big);
  expectStatus(r, 0, 'large Dockerfile');
  peak = Math.max(peak, rssOf(r));
  return r.ms;
};
const bigClean = () => {
  for (const a of ARCHES4) fs.rmSync(path.join(big, `Dockerfile.${a}`), { force: true });
};
const mib = (BIG / 1048576).toFixed(0);
report(
  `6. xdf generate of one ${mib} MiB Dockerfile with FROM \${VAR} x 4 arches`,
  interleave(quick ? 1 : 3, node0, bigWithRss, bigClean),
  { ms: 2000, yard: 'node -e 0' },
  !quick,
);
const rssX = (peak - baseRss) / bigText.length;
const rssMet = rssX <= 30;
console.log(
  `    peak RSS ${(peak / 1048576).toFixed(0)} MiB, above node -e 0's ` +
    `${(baseRss / 1048576).toFixed(0)} MiB: ${rssX.toFixed(1)}x the input  goal <= 30x: ` +
    `${rssMet ? 'met' : 'NOT met'}`,
);
results.push(rssMet);

assertEmpty();
const missed = results.filter((m) => m === false).length;
console.log(
  `\n${results.filter(Boolean).length} goals met, ${missed} NOT met` +
    `${results.includes(null) ? `, ${results.filter((m) => m === null).length} not judged` : ''}`,
);
