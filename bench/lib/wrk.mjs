// Run wrk against a URL and parse its report.
import { start, tailOf } from './procs.mjs';

const UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const toMs = (value, unit) => Number(value) * UNIT_MS[unit];

/** Parse `wrk --latency` output into numbers (latencies in ms). */
export function parseWrk(text) {
  const num = (re) => {
    const m = text.match(re);
    return m ? Number(m[1]) : undefined;
  };
  const pct = (p) => {
    const m = text.match(new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm'));
    return m ? toMs(m[1], m[2]) : undefined;
  };
  const sock = text.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const [connect, read, write, timeout] = sock ? sock.slice(1).map(Number) : [0, 0, 0, 0];
  const result = {
    requests: num(/^\s*(\d+) requests in/m),
    seconds: num(/requests in ([\d.]+)s/),
    rps: num(/^Requests\/sec:\s+([\d.]+)/m),
    p50: pct(50),
    p75: pct(75),
    p90: pct(90),
    p99: pct(99),
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/) ?? 0,
    socketErrors: connect + read + write + timeout,
    socket: { connect, read, write, timeout },
  };
  if (result.rps === undefined || result.requests === undefined) {
    throw new Error(`could not parse wrk output:\n${text}`);
  }
  return result;
}

/** wrk -t1 -c<connections> -d<seconds>s --latency <url>, pinned to `cpu`. */
export async function runWrk(url, { seconds, connections, cpu }) {
  const proc = start(
    'wrk',
    'wrk',
    ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '--latency', url],
    { cpu },
  );
  let out = '';
  proc.child.stdout.on('data', (d) => (out += d));
  const { code, signal } = await proc.done;
  if (code !== 0) {
    throw new Error(
      `wrk ${signal ? `killed by ${signal}` : `exited with code ${code}`}:\n${tailOf(proc)}`,
    );
  }
  return parseWrk(out);
}
