// Spot checks of a target while wrk loads it: which answers the errors were.
/* global fetch, AbortSignal, setTimeout */

/** GET `url` once: "HTTP 200", or the status with the start of its body, or the error code. */
async function probe(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const body = await res.text();
    // Ids (request ids) blanked so that equal answers are counted together.
    const text = body.slice(0, 200).replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/gi, '…');
    return res.ok ? `HTTP ${res.status}` : `HTTP ${res.status} ${text}`;
  } catch (err) {
    return err.cause?.code || err.message;
  }
}

/** Probe `url` every `everyMs` while the row runs; tally the answers. */
export function prober(url, everyMs = 500) {
  const seen = new Map();
  let running = true;
  const loop = (async () => {
    while (running) {
      const what = await probe(url);
      seen.set(what, (seen.get(what) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}

const tally = (seen) => [...seen].map(([what, n]) => `${n}× ${what}`).join('; ');

/** What went wrong in a row with errors: wrk's counts, the probes, the proxy's output. */
export async function describeErrors(target, url, wrk, served, during) {
  const parts = [];
  if (wrk.non2xx) parts.push(`${wrk.non2xx} non-2xx`);
  for (const [kind, n] of Object.entries(wrk.socket)) if (n) parts.push(`${n} socket ${kind}`);
  parts.push(`nodes served ${served.reduce((a, b) => a + b, 0)} of ${wrk.requests} requests`);
  const after = new Map();
  for (let i = 0; i < 5; i++) {
    const what = await probe(url);
    after.set(what, (after.get(what) ?? 0) + 1);
  }
  let text = `${parts.join(', ')}; probes during the row: ${tally(during)}; after it: ${tally(after)}`;
  if (target.proc.tail.length) {
    text += `; last ${target.name} output: ${target.proc.tail.slice(-3).join(' ⏎ ')}`;
  }
  return text;
}
