/**
 * Quote a string as one POSIX sh word. Single quotes keep everything literal; a single quote
 * is closed, escaped and reopened. Carriage returns are produced by printf at run time, so the
 * script file never holds a DOS line break (sbatch refuses those). With `newlineVar`, line
 * feeds come from that variable too, so the quoted word never spans lines of the file and no
 * value can start a line (such as "#SBATCH ...") of its own.
 */
export function shQuote(s: string, newlineVar?: string): string {
  if (s.includes('\0')) throw new Error('a shell word cannot contain NUL');
  const single = (part: string) => `'${part.replace(/'/g, `'\\''`)}'`;
  const noCr = (part: string) => part.split('\r').map(single).join(`"$(printf '\\r')"`);
  return newlineVar ? s.split('\n').map(noCr).join(`"$${newlineVar}"`) : noCr(s);
}

/** The sh line that defines `var` as a single line feed without writing one into the file. */
export function newlineDefinition(variable: string): string {
  return `${variable}=$(printf '\\nx'); ${variable}=\${${variable}%x}`;
}
