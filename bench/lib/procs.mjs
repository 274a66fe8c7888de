// Child-process bookkeeping: start pinned processes, keep the tail of their
// output for error messages, wait for readiness, and kill them all by PID.
/* global process, console, fetch, AbortSignal, setTimeout */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';

const managed = new Set(); // running processes we started
const groups = new Set(); // every process group we started (leader PIDs)
const tempDirs = new Set();
const TAIL_LINES = 40;

/** Start `cmd args` pinned to `cpu` (via taskset) in its own process group. */
export function start(name, cmd, args, { cpu, env, cwd } = {}) {
  const argv = cpu === undefined ? [cmd, ...args] : ['taskset', '-c', String(cpu), cmd, ...args];
  const child = spawn(argv[0], argv.slice(1), {
    env: env ?? process.env,
    cwd,
    detached: true, // own process group: Ctrl-C reaches only us, we kill it
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = { name, child, pid: child.pid, tail: [], exited: null };
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      proc.tail.push(line);
      if (proc.tail.length > TAIL_LINES) proc.tail.shift();
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (err) => keep(`spawn error: ${err.message}`));
  proc.done = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      proc.exited = { code, signal };
      managed.delete(proc);
      resolve(proc.exited);
    });
  });
  managed.add(proc);
  if (child.pid) groups.add(child.pid);
  return proc;
}

/** Last output lines of a process, indented, for error messages. */
export function tailOf(proc, n = 25) {
  const lines = proc.tail.slice(-n);
  return lines.length ? lines.map((l) => `    | ${l}`).join('\n') : '    | (no output)';
}

export function describeExit(proc) {
  const e = proc.exited;
  return e ? (e.signal ? `killed by ${e.signal}` : `exited with code ${e.code}`) : 'running';
}

/** Fail with the process's last output if it is no longer running. */
export function assertAlive(proc) {
  if (proc.exited) {
    throw new Error(
      `${proc.name} (pid ${proc.pid}) ${describeExit(proc)}; last output:\n${tailOf(proc)}`,
    );
  }
}

export function registerTempDir(dir) {
  tempDirs.add(dir);
}

/** The processes we started that are still running. */
export function runningProcs() {
  return [...managed];
}

/** SIGTERM every process group we started, SIGKILL what is left after a grace period. */
export async function stopAll(graceMs = 3000) {
  const procs = [...managed];
  for (const p of procs) signalGroup(p.pid, 'SIGTERM');
  const timeout = new Promise((r) => setTimeout(r, graceMs).unref());
  await Promise.race([Promise.all(procs.map((p) => p.done)), timeout]);
  killAllNow();
}

/**
 * Runs `main`, then stops every process we started and exits: when it ends, when it fails, and on Ctrl-C,
 * SIGTERM or SIGHUP. Processes get `graceMs` to stop before SIGKILL.
 */
export function runThenStopAll(main, graceMs = 3000) {
  let stopping = false;
  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    await stopAll(graceMs);
    process.exit(code);
  };
  process.on('SIGINT', () => {
    console.error('bench: interrupted, stopping everything');
    shutdown(130);
  });
  process.on('SIGTERM', () => shutdown(143));
  process.on('SIGHUP', () => shutdown(129));
  process.on('exit', killAllNow); // last resort: SIGKILL leftovers, remove temp dirs
  main().then(
    () => shutdown(0),
    (err) => {
      if (!stopping) console.error(`\nbench: FAILED: ${err.message}`);
      shutdown(1);
    },
  );
}

/** SIGTERM one process group we started, SIGKILL it if it is still there after a grace period. */
export async function stop(proc, graceMs = 3000) {
  signalGroup(proc.pid, 'SIGTERM');
  const timeout = new Promise((r) => setTimeout(r, graceMs).unref());
  if ((await Promise.race([proc.done, timeout])) === undefined) signalGroup(proc.pid, 'SIGKILL');
}

/** Synchronous last resort (also used from the 'exit' handler). */
export function killAllNow() {
  // Whole groups, so a leader's leftover children (e.g. nginx workers) go too.
  for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
  groups.clear();
  managed.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal); // the group only: never a bare PID that may be reused
  } catch {
    /* group already gone */
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll until `check()` resolves truthy; fail early if `proc` dies. */
async function waitFor(what, proc, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (proc) assertAlive(proc);
    try {
      if (await check()) return;
    } catch (err) {
      last = err.cause?.code || err.code || err.message;
    }
    await sleep(200);
  }
  const out = proc ? `; last output of ${proc.name}:\n${tailOf(proc)}` : '';
  throw new Error(
    `timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (${last})` : ''}${out}`,
  );
}

export function waitForHttp(url, proc, timeoutMs = 15_000) {
  return waitFor(`${url} to answer 200`, proc, timeoutMs, async () => {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return true;
  });
}

export function waitForPort(port, proc, timeoutMs = 15_000) {
  return waitFor(
    `127.0.0.1:${port} to accept connections`,
    proc,
    timeoutMs,
    () =>
      new Promise((resolve, reject) => {
        const sock = net.connect(port, '127.0.0.1', () => {
          sock.destroy();
          resolve(true);
        });
        sock.on('error', reject);
      }),
  );
}

/** PIDs whose parent is `pid` (scans /proc; no CONFIG_PROC_CHILDREN needed). */
export function childrenOf(pid) {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      /* raced with exit */
    }
  }
  return out;
}

/** `pid` and all its descendants. */
export function processTree(pid) {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]));
  return all;
}

/** The name we gave the process `pid` (or its ancestor) when starting it, else its comm. */
export function procName(pid) {
  for (const p of managed) if (processTree(p.pid).includes(pid)) return p.name;
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return `pid ${pid}`;
  }
}

/** Every live process we started, with their descendants. */
export function ourPids() {
  return [...managed].flatMap((p) => processTree(p.pid));
}

export { sleep };
