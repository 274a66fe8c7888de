const SPACE = 0x20;
const TAB = 0x09;
const UPPER_A = 0x41;
const UPPER_Z = 0x5a;
const CASE_BIT = 0x20;

export function isOptionalWhitespace(code: number): boolean {
  return code === SPACE || code === TAB;
}

/** Whether text[start, end) equals `lowercase`, ignoring ASCII case, without allocating. */
export function rangeEqualsIgnoreCase(
  text: string,
  start: number,
  end: number,
  lowercase: string,
): boolean {
  if (end - start !== lowercase.length) return false;
  for (let i = 0; i < lowercase.length; i++) {
    let code = text.charCodeAt(start + i);
    if (code >= UPPER_A && code <= UPPER_Z) code |= CASE_BIT;
    if (code !== lowercase.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether `text`, trimmed of spaces and tabs, equals `lowercase` ignoring ASCII case. */
export function trimmedEqualsIgnoreCase(text: string, lowercase: string): boolean {
  let start = 0;
  let end = text.length;
  while (start < end && isOptionalWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isOptionalWhitespace(text.charCodeAt(end - 1))) end--;
  return rangeEqualsIgnoreCase(text, start, end, lowercase);
}
