import { trimmedEqualsIgnoreCase } from './headers/ascii';
import { collectConnectionOptions, isConnectionOption } from './headers/connection-options';
import { HeaderRole, headerRoleOf } from './headers/header-role';

export interface ForwardedContext {
  /** The address the request came from: the client, or the proxy in front of us. */
  peerIp: string;
  /**
   * Whether that peer is a trusted proxy, whose X-Forwarded-For chain (and RFC 7239 Forwarded field) is
   * passed on; from anyone else both are dropped, and the chain starts at the peer.
   */
  fromTrustedProxy: boolean;
  proto: string;
  /** The client's original Host header; falls back to the one found in the raw headers. */
  host: string | undefined;
  requestId: string;
}

export type RawHeaderField = Buffer | string;

/*
 * Scratch space reused across calls; both functions are synchronous, so no call can observe
 * another's contents.
 */
const connectionOptions: string[] = [];
const roles: HeaderRole[] = [];
const names: string[] = [];

/**
 * Headers to send upstream, as a flat [name, value, ...] array for undici, from Node's
 * `req.rawHeaders`. Drops hop-by-hop fields, fields named by Connection, Host (the client sets
 * the node's authority), Expect (Node already answered 100-continue; undici rejects it), the
 * client's X-Forwarded-Proto/Host and X-Request-Id, and, unless it comes from a trusted proxy, its
 * X-Forwarded-For and Forwarded; then appends the gateway's forwarding fields.
 */
export function upstreamRequestHeaders(
  rawHeaders: readonly string[],
  forwarded: ForwardedContext,
): string[] {
  connectionOptions.length = 0;
  let forwardedFor: string | undefined;
  let rawHost: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const role = headerRoleOf(rawHeaders[i]);
    roles[i >> 1] = role;
    const value = rawHeaders[i + 1];
    if (role === HeaderRole.Connection) collectConnectionOptions(value, connectionOptions);
    else if (role === HeaderRole.ForwardedFor && forwarded.fromTrustedProxy) {
      forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
    } else if (role === HeaderRole.Host && rawHost === undefined) rawHost = value;
  }
  const hasOptions = connectionOptions.length > 0;
  if (hasOptions && isConnectionOption('x-forwarded-for', connectionOptions)) {
    forwardedFor = undefined;
  }

  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const role = roles[i >> 1];
    const name = rawHeaders[i];
    const value = rawHeaders[i + 1];
    if (role === HeaderRole.Pass || (role === HeaderRole.Forwarded && forwarded.fromTrustedProxy)) {
      if (hasOptions && isConnectionOption(name.toLowerCase(), connectionOptions)) continue;
      out.push(name, value);
    } else if (role === HeaderRole.Te && trimmedEqualsIgnoreCase(value, 'trailers')) {
      out.push(name, value);
    }
  }
  connectionOptions.length = 0;

  const peerIp = forwarded.peerIp;
  if (forwardedFor === undefined) forwardedFor = peerIp;
  else if (peerIp !== '') forwardedFor = `${forwardedFor}, ${peerIp}`;
  if (forwardedFor !== '') out.push('x-forwarded-for', forwardedFor);
  if (forwarded.proto !== '') out.push('x-forwarded-proto', forwarded.proto);
  const host = forwarded.host ?? rawHost;
  if (host !== undefined && host !== '') out.push('x-forwarded-host', host);
  out.push('x-request-id', forwarded.requestId);
  return out;
}

/**
 * Headers to send downstream, as a flat array for `res.writeHead(status, headers)`, from the
 * upstream's raw [name, value, ...] fields (undici's Buffers or strings; Buffers are decoded as
 * latin1 so bytes round-trip). Drops hop-by-hop fields, fields named by Connection and the
 * upstream X-Request-Id, keeps repeated fields such as Set-Cookie in order, and appends ours.
 */
export function downstreamResponseHeaders(
  raw: readonly RawHeaderField[],
  requestId: string,
): string[] {
  connectionOptions.length = 0;
  const fieldCount = raw.length >> 1;
  for (let field = 0; field < fieldCount; field++) {
    const name = toLatin1(raw[field * 2]);
    const role = headerRoleOf(name);
    names[field] = name;
    roles[field] = role;
    if (role === HeaderRole.Connection) {
      collectConnectionOptions(toLatin1(raw[field * 2 + 1]), connectionOptions);
    }
  }
  const hasOptions = connectionOptions.length > 0;

  const out: string[] = [];
  for (let field = 0; field < fieldCount; field++) {
    if (isDroppedDownstream(roles[field])) continue;
    const name = names[field];
    if (hasOptions && isConnectionOption(name.toLowerCase(), connectionOptions)) continue;
    out.push(name, toLatin1(raw[field * 2 + 1]));
  }
  connectionOptions.length = 0;
  names.length = 0;
  out.push('x-request-id', requestId);
  return out;
}

/**
 * The trailer fields to send downstream, as [name, value] pairs, from the upstream's raw trailer fields:
 * all but the hop-by-hop ones, Connection, TE and X-Request-Id.
 */
export function downstreamTrailerFields(raw: readonly RawHeaderField[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = toLatin1(raw[i]);
    const role = headerRoleOf(name);
    if (isDroppedDownstream(role)) continue;
    out.push([name, toLatin1(raw[i + 1])]);
  }
  return out;
}

function isDroppedDownstream(role: HeaderRole): boolean {
  return (
    role === HeaderRole.HopByHop ||
    role === HeaderRole.Connection ||
    role === HeaderRole.Te ||
    role === HeaderRole.RequestId
  );
}

function toLatin1(field: RawHeaderField): string {
  return typeof field === 'string' ? field : field.toString('latin1');
}

/**
 * The head of a 101 answer for the client, from the node's raw header fields: the end-to-end fields as
 * downstreamResponseHeaders keeps them, then the Connection and Upgrade fields that a protocol switch needs
 * (the node's Upgrade value, or the one requested if the node sent none).
 */
export function switchingProtocolsHead(
  raw: readonly RawHeaderField[],
  requestedProtocol: string,
  requestId: string,
): string {
  let protocol = requestedProtocol;
  for (let i = 0; i < raw.length; i += 2) {
    if (toLatin1(raw[i]).toLowerCase() === 'upgrade') {
      protocol = toLatin1(raw[i + 1]);
      break;
    }
  }
  const fields = downstreamResponseHeaders(raw, requestId);
  let head = 'HTTP/1.1 101 Switching Protocols\r\n';
  for (let i = 0; i < fields.length; i += 2) head += `${fields[i]}: ${fields[i + 1]}\r\n`;
  return `${head}connection: upgrade\r\nupgrade: ${protocol}\r\n\r\n`;
}
