/**
 * Text that came from outside (event fields, request bodies, CLI arguments, Azure error messages) made safe to
 * put into a log line, an HTTP error body or a terminal: control characters, ANSI escape sequences, line breaks
 * and bidirectional overrides are shown as `\xNN` / `\uNNNN` escapes, and the result is cut to a bounded length
 * with a note of how much was left out. A 5 MB resource name becomes one short line.
 */

/** Default bound for one piece of echoed input. */
export const DISPLAY_TEXT_MAX = 200;

/** Characters that would move the cursor, start an escape sequence, break a line or reorder text. */
function needsEscape(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x200e && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0xfeff
  );
}

function escapeOf(code: number): string {
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `value` as one bounded, escaped line of at most about `max` characters (plus the truncation note). Lone
 * surrogates are escaped too, so the result is always valid UTF-16.
 */
export function displayText(value: unknown, max = DISPLAY_TEXT_MAX): string {
  const text = typeof value === 'string' ? value : String(value);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const code = text.codePointAt(i) ?? 0;
    const width = code > 0xffff ? 2 : 1;
    const lone = code >= 0xd800 && code <= 0xdfff;
    const piece = needsEscape(code) || lone ? escapeOf(code) : text.slice(i, i + width);
    if (out.length + piece.length > max) break;
    out += piece;
    i += width;
  }
  if (i < text.length) out += `… (${text.length - i} more characters)`;
  return out;
}

/** `"value"` quoted and bounded, for messages that name what was given. */
export function quoted(value: unknown, max = DISPLAY_TEXT_MAX): string {
  return `"${displayText(value, max)}"`;
}
