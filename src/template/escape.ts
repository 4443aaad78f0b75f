// Literal Dockerfile text as template text that renders back to itself (init and adopt write it).

/** Every `{{` escaped as `\{{`: Handlebars prints `\{{` as `{{`. */
export function escapeTemplate(text: string): string {
  return text.replace(/\{\{/g, '\\{{');
}

/**
 * Template text from literal parts and tags, so that each literal renders as itself: `{{` is
 * escaped, and a backslash that ends a literal right before a tag is doubled (Handlebars reads
 * `\{{` as an escaped tag and `\\{{` as one backslash before a tag).
 */
export function joinTemplate(parts: ({ literal: string } | { tag: string })[]): string {
  let out = '';
  parts.forEach((part, i) => {
    if ('tag' in part) {
      out += part.tag;
      return;
    }
    const text = escapeTemplate(part.literal);
    const next = parts[i + 1];
    out += next && 'tag' in next && text.endsWith('\\') ? `${text}\\` : text;
  });
  return out;
}
