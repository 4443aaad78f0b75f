// Parser directives (`# syntax=`, `# escape=`, `# check=`): BuildKit reads them only as the first
// lines of a Dockerfile, so nothing may be put before them.
export const DIRECTIVE = /^[ \t]*#[ \t]*(syntax|escape|check)[ \t]*=[^\r\n]*$/i;
