/**
 * Quote a string as one POSIX sh word. Single quotes keep everything literal; a single quote
 * is closed, escaped and reopened. Carriage returns are produced by printf at run time, so the
 * script file never holds a DOS line break (sbatch refuses those).
 */
export function shQuote(s: string): string {
  if (s.includes('\0')) throw new Error('a shell word cannot contain NUL');
  return s
    .split('\r')
    .map((part) => `'${part.replace(/'/g, `'\\''`)}'`)
    .join(`"$(printf '\\r')"`);
}
