import { isOptionalWhitespace, rangeEqualsIgnoreCase } from './ascii';

/** Options that name no field beyond those the proxy strips anyway; skipped without allocating. */
const ALREADY_HANDLED_OPTIONS: readonly string[] = [
  'close',
  'keep-alive',
  'te',
  'upgrade',
  'trailer',
  'transfer-encoding',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'connection',
];

/** Appends to `into` the lower-cased field names listed in one Connection header value. */
export function collectConnectionOptions(value: string, into: string[]): void {
  let start = 0;
  while (start <= value.length) {
    let end = value.indexOf(',', start);
    if (end === -1) end = value.length;
    let tokenStart = start;
    let tokenEnd = end;
    while (tokenStart < tokenEnd && isOptionalWhitespace(value.charCodeAt(tokenStart)))
      tokenStart++;
    while (tokenEnd > tokenStart && isOptionalWhitespace(value.charCodeAt(tokenEnd - 1)))
      tokenEnd--;
    if (tokenEnd > tokenStart && !isAlreadyHandled(value, tokenStart, tokenEnd)) {
      into.push(value.slice(tokenStart, tokenEnd).toLowerCase());
    }
    start = end + 1;
  }
}

export function isConnectionOption(lowercaseName: string, options: readonly string[]): boolean {
  for (let i = 0; i < options.length; i++) {
    if (options[i] === lowercaseName) return true;
  }
  return false;
}

function isAlreadyHandled(value: string, start: number, end: number): boolean {
  for (let i = 0; i < ALREADY_HANDLED_OPTIONS.length; i++) {
    if (rangeEqualsIgnoreCase(value, start, end, ALREADY_HANDLED_OPTIONS[i])) return true;
  }
  return false;
}
