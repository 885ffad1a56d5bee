/**
 * CQL2 `like` patterns: `%` matches any run of characters (also none), `_` exactly one
 * character (a Unicode code point); a backslash makes the next character literal (`\%`, `\_`,
 * `\\`). Case-sensitive, anchored at both ends. Compiled once per query to a RegExp.
 */
export function likeToRegExp(pattern: string): RegExp {
  let src = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && i + 1 < chars.length) {
      src += escapeRegExp(chars[++i]!);
    } else if (c === '%') src += '[^]*';
    else if (c === '_') src += '.';
    else src += escapeRegExp(c);
  }
  // `s`: `.` also matches newlines; `u`: `.` is one code point, not one UTF-16 unit.
  return new RegExp(`^${src}$`, 'su');
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}
