// Whole values (an image reference) that differ by arch only in the arch's name in one scheme: one
// text with `{{arch.<scheme>}}` where each value has its own arch's name.
import { archByName, type Arch } from '../arches/table.js';
import { ORDER, orderedFields, schemeTag } from './schemes.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The one text that renders every value for its arch, with at least one arch name in it. */
export function explainValues(
  values: { text: string; arch: string }[],
  allowed: (keyof Arch)[] = ORDER,
): string | undefined {
  for (const field of orderedFields(values.map((v) => v.text).join('\n'), allowed)) {
    const texts = values.map(({ text, arch }) => replaceName(text, archByName(arch), field));
    if (texts.some((t) => t === undefined)) continue;
    if (texts.every((t) => t === texts[0])) return texts[0];
  }
  return undefined;
}

/** The text with the arch's name in the scheme, wherever it stands as a word, as a tag. */
function replaceName(text: string, arch: Arch, field: keyof Arch): string | undefined {
  const name = arch[field];
  if (!name) return undefined;
  const re = new RegExp(`(?<![A-Za-z0-9])${escape(name)}(?![A-Za-z0-9])`, 'g');
  if (!re.test(text)) return undefined;
  return text.replace(re, schemeTag(field));
}
