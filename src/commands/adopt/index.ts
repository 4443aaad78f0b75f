// `xdf adopt`: a project's hand-kept per-arch Dockerfiles → one template and an xdf.yaml that
// regenerate each of them byte for byte at its own path. The core is src/adopt (text to text); this
// command finds and reads the files through the one reader, and writes through the one writer,
// only after the proof.
import path from 'node:path';
import { closestArchName, resolveArch } from '../../arches/table.js';
import { fail, formatProblem, XdfError, type Problem } from '../../core/errors.js';
import { isSymlink, listTree, probe, readBytes, readText } from '../../fs/read.js';
import { decodeUtf8 } from '../../core/utf8.js';
import { writeFiles } from '../../fs/write.js';
import { planAdoption, type AdoptPlan, type SetFile } from '../../adopt/adopt.js';
import { discover, familyName, type Found } from '../../adopt/discover.js';
import { originalArch, readBuildFrom, type BuildFrom } from '../../adopt/hassio.js';
import { inferArches } from '../../adopt/infer.js';
import { reportLines, summarize, type Summary } from '../../adopt/report.js';
import { printJson, printWarnings, problemJson, relative, type Io } from '../io.js';

export interface AdoptFlags {
  template?: string;
  dryRun?: boolean;
  normalise?: boolean;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

const LIMIT = 5 * 1024 * 1024;
const HOST = 'amd64';

export async function adopt(io: Io, args: string[], flags: AdoptFlags): Promise<number> {
  const found = args.length ? named(io, args) : discover(listTree(io.cwd, 3));
  const abs = (p: string) => path.resolve(io.cwd, p);
  const texts = found.files.map((f) => {
    if (isSymlink(abs(f.path)))
      fail(
        'XDF005',
        `${f.path} is a symbolic link: adopt rewrites the files it takes over`,
        'name the file it points to instead',
        { file: abs(f.path) },
      );
    const bytes = readBytes(abs(f.path), { kind: 'Dockerfile', limit: LIMIT });
    // xdf reads every text without its byte-order mark: such a file could not come back as it is
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
      throw new XdfError(
        {
          code: 'XDF063',
          message:
            `${f.path} starts with a byte-order mark, which xdf would not write back; ` +
            'nothing written',
          hint: 'remove the mark (docker does not need it), then run xdf adopt again',
          file: abs(f.path),
        },
        1,
      );
    return decodeUtf8(bytes, abs(f.path));
  });
  const buildFrom = found.buildFile ? readHassio(io, found.buildFile) : undefined;
  if (found.files.length < 2 && !buildFrom)
    fail(
      'XDF060',
      `only one file to adopt (${found.files[0]?.path ?? 'none'}): adopt takes over a set of ` +
        'per-arch Dockerfiles',
      `to start from one Dockerfile, run xdf init ${found.files[0]?.path ?? ''}`.trim(),
    );
  const arches = (found as Found & { arches?: (string | undefined)[] }).arches ?? [];
  const files: SetFile[] = buildFrom
    ? [hassioFile(found.files[0].path, texts[0], buildFrom)]
    : inferArches(
        found.files.map((f, i) => ({ ...f, text: texts[i], arch: arches[i] })),
        HOST,
      ).map((d, i) => ({ ...d, text: texts[i] }));
  const template = flags.template
    ? toPosix(path.relative(io.cwd, abs(flags.template)))
    : path.posix.join(commonFolder(files.map((f) => f.path)), `${found.pattern}.tpl`);
  const config = template.startsWith('../')
    ? path.posix.join(path.posix.dirname(template), 'xdf.yaml')
    : 'xdf.yaml';
  for (const target of [template, config]) {
    if (files.some((f) => f.path === target))
      fail('XDF051', `${target} is one of the files to adopt`, 'choose another --template', {
        file: abs(target),
      });
    if (!flags.force && probe(abs(target)) !== 'missing')
      fail(
        'XDF056',
        `${target} already exists`,
        'adopt never overwrites: use --force to replace it',
        {
          file: abs(target),
        },
      );
  }
  const plan = planAdoption({
    cwd: io.cwd,
    files,
    host: HOST,
    template,
    config,
    normalise: flags.normalise,
    buildFrom,
  });
  const summary = summarize({
    plan,
    files,
    leftOut: found.leftOut,
    template,
    config,
    sizes: texts.map((t) => Buffer.byteLength(t)),
  });
  if (plan.divergence.divergent) return refuse(io, flags, summary, divergentProblem(plan));
  const verified = plan.verified!;
  if (verified.error || verified.mismatches.length) {
    if (!flags.json) for (const m of verified.mismatches) io.stdout(`${m.diff}\n`);
    return refuse(io, flags, summary, unreproduced(plan));
  }
  const warnings = verified.warnings.map(problemJson(io));
  if (!flags.json) printWarnings(io, verified.warnings, { quiet: flags.quiet });
  if (flags.dryRun) {
    if (flags.json)
      printJson(io, {
        ...summary,
        templateText: plan.template,
        configText: plan.config,
        wrote: [],
      });
    else
      io.stdout(
        `# ${template}\n${plan.template}${plan.template.endsWith('\n') ? '' : '\n'}` +
          `# ${config}\n${plan.config}\n${reportLines(summary).join('\n')}\n` +
          'dry run: nothing written\n',
      );
    return 0;
  }
  const originals = new Set(files.map((f) => abs(f.path)));
  for (const output of verified.outputs)
    if (!originals.has(output.path) && !flags.force && probe(output.path) !== 'missing')
      fail(
        'XDF058',
        `${relative(io)(output.path)} exists and is not one of the files adopted`,
        'move it, or replace it with --force',
        { file: output.path },
      );
  const result = writeFiles(
    [
      { path: abs(template), content: plan.template },
      { path: abs(config), content: plan.config },
      ...verified.outputs.map((o) => ({ path: o.path, content: o.content })),
    ],
    [],
    relative(io),
  );
  const wrote = result.wrote.map(relative(io));
  if (flags.json) printJson(io, { ...summary, wrote, warnings });
  else if (!flags.quiet)
    io.stdout(
      [...reportLines(summary), ...wrote.map((f) => `wrote ${f}`), 'next: xdf check'].join('\n') +
        '\n',
    );
  return 0;
}

/** FILE[=ARCH] arguments: the arch, when named, in any scheme. */
function named(io: Io, args: string[]): Found & { arches: (string | undefined)[] } {
  const arches: (string | undefined)[] = [];
  const files = args.map((arg) => {
    const m = /^(.+)=([^=]+)$/.exec(arg); // the arch in any scheme: linux/arm/v6 too
    const file = toPosix(path.relative(io.cwd, path.resolve(io.cwd, m ? m[1] : arg)));
    if (m) {
      const resolved = resolveArch(m[2]);
      if (!resolved) {
        const near = closestArchName(m[2]);
        fail(
          'XDF001',
          `unknown architecture "${m[2]}" for ${file}`,
          `${near ? `did you mean ${near}? ` : ''}name an arch in any scheme: arm64v8, aarch64, ` +
            'linux/arm/v7 (see xdf arches)',
        );
      }
      arches.push(resolved.arch.name);
    } else arches.push(undefined);
    return { path: file };
  });
  const folder = path.posix.dirname(files[0].path);
  const build =
    files.length === 1
      ? ['build.yaml', 'build.yml', 'build.json']
          .map((n) => path.posix.join(folder, n))
          .find((n) => probe(path.resolve(io.cwd, n)) === 'file')
      : undefined;
  const pattern = familyName(files.map((f) => f.path));
  return { files, arches, leftOut: [], buildFile: build, pattern, folder };
}

function readHassio(io: Io, file: string): BuildFrom | undefined {
  const full = path.resolve(io.cwd, file);
  return readBuildFrom(full, file, readText(full, { kind: 'build file', limit: 1024 * 1024 }));
}

function hassioFile(file: string, text: string, bf: BuildFrom): SetFile {
  const arch = originalArch(text, bf, HOST);
  return {
    path: file,
    arch,
    text,
    how: `${bf.file}'s build_from: its ARG BUILD_FROM default is ${arch}'s image (else the host's)`,
  };
}

const toPosix = (p: string) => p.split(path.sep).join('/');

function commonFolder(paths: string[]): string {
  const parts = paths.map((p) => p.split('/').slice(0, -1));
  const common: string[] = [];
  for (let i = 0; parts.every((p) => i < p.length && p[i] === parts[0][i]); i++)
    common.push(parts[0][i]);
  return common.join('/') || '.';
}

function divergentProblem(plan: AdoptPlan): Problem {
  const all = plan.divergence.pairs.filter((p) => p.divergent).sort((a, b) => a.shared - b.shared);
  const worst = all.slice(0, 3);
  const groups = plan.divergence.groups.filter((g) => g.length > 1);
  return {
    code: 'XDF062',
    message:
      `these files are not variants of one another: ` +
      worst
        .map(
          (p) =>
            `${p.a} and ${p.b} share ${Math.round(p.shared * 100)}% of their lines ` +
            `(${p.unshared} lines differ)`,
        )
        .join('; ') +
      (all.length > worst.length ? ` (and ${all.length - worst.length} more pairs)` : '') +
      '; nothing written',
    hint: groups.length
      ? 'adopt each family on its own: ' +
        groups.map((g) => `xdf adopt ${g.join(' ')}`).join('; ') +
        ' ' +
        '(with --template to name each template)'
      : 'keep the files as they are, or make them variants of one another first',
  };
}

function unreproduced(plan: AdoptPlan): Problem {
  const v = plan.verified!;
  const which = v.error
    ? `the template does not render: ${v.error.message}`
    : `the template and config would not regenerate ${v.mismatches.length} of the files byte ` +
      'for byte (the diffs above)';
  return {
    code: 'XDF063',
    message: `${which}; nothing written`,
    hint:
      'adopt never changes a file it cannot reproduce: adopt the files that are variants of one ' +
      'another, or report the set',
  };
}

function refuse(io: Io, flags: AdoptFlags, summary: Summary, problem: Problem): number {
  if (flags.json) printJson(io, { ...summary, wrote: [], errors: [problemJson(io)(problem)] });
  else {
    if (!flags.quiet) io.stdout(`${reportLines(summary).join('\n')}\n`);
    io.stderr(`${formatProblem(problem, 'error', relative(io))}\n`);
  }
  return 1;
}
