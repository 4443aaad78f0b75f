// The job names of a user's own GitLab output template, read back from what it rendered (GitLab
// names a `parallel: matrix:` job `job: [value, value, …]`, and refuses one over 255 characters).
// What it rendered is the user's text: read with the one bounded YAML reader, and any shape that
// has no job names to read is a typed error at the output template, never a crash.
import { XdfError, type Place } from '../core/errors.js';
import { yaml } from '../core/libs.js';
import { parseYaml, type ParsedYaml } from '../core/yaml.js';

const RENDERED = 'the rendered xdf-gitlab.yml';

/** The longest name of each `parallel: matrix:` job (a list value makes one job per item). */
export function gitlabJobNamesIn(text: string, file: string): string[] {
  const at = (line: number): Place => ({ file, rendered: `line ${line} of ${RENDERED}` });
  // GitLab reads YAML 1.1 (merge keys and all).
  const parsed = parseYaml(text, {
    file,
    code: 'XDF027',
    name: RENDERED,
    hint: 'fix the output template so that it renders valid YAML (quote values with gl or str)',
    at,
    version: '1.1',
  });
  const data = parsed.data;
  if (data === null || data === undefined) return [];
  const bad = (job: string | undefined, message: string): never => {
    throw new XdfError({
      code: 'XDF027',
      message: `output template for gitlab: ${message}`,
      hint:
        'GitLab reads parallel: matrix: as a list of maps of variables, each a string or a list ' +
        'of strings',
      ...at(job === undefined ? 1 : jobLine(parsed, job)),
    });
  };
  if (typeof data !== 'object' || Array.isArray(data))
    bad(undefined, `${RENDERED} is not a map of jobs`);
  const names: string[] = [];
  for (const [job, body] of Object.entries(data as Record<string, unknown>)) {
    const parallel = isMap(body) ? body.parallel : undefined;
    if (!isMap(parallel) || parallel.matrix === undefined) continue; // `parallel: 3`, or none
    const matrix = parallel.matrix;
    if (!Array.isArray(matrix)) bad(job, `job ${job}: parallel.matrix is not a list`);
    for (const entry of matrix as unknown[]) {
      if (!isMap(entry) || Object.keys(entry).length === 0)
        bad(job, `job ${job}: an entry of parallel.matrix is not a map of variables`);
      const values = Object.entries(entry as Record<string, unknown>).map(([name, value]) => {
        const list = Array.isArray(value) ? value : [value];
        if (list.length === 0 || !list.every(isScalar))
          bad(job, `job ${job}: matrix variable ${name} is not a string or a list of strings`);
        // The longest of a list's values makes the longest name.
        return list.map(String).reduce((a, b) => (b.length > a.length ? b : a));
      });
      names.push(`${job}: [${values.join(', ')}]`);
    }
  }
  return names;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);

/** The line of a top-level key of the rendered text. */
function jobLine(parsed: ParsedYaml, job: string): number {
  const { isMap: isMapNode, isScalar: isScalarNode } = yaml();
  const root = parsed.doc.contents;
  if (!isMapNode(root)) return 1;
  const pair = root.items.find((p) => isScalarNode(p.key) && String(p.key.value) === job);
  const offset = (pair?.key as { range?: number[] } | undefined)?.range?.[0];
  return offset === undefined ? 1 : parsed.positionOf(offset).line;
}
