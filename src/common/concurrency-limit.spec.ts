import { ConcurrencyLimit } from './concurrency-limit';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ConcurrencyLimit', () => {
  it('starts at most `limit` tasks and the next waiting one, in arrival order, as each settles', async () => {
    const limit = new ConcurrencyLimit(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const results = gates.map((gate, i) =>
      limit.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    const firstFailure = expect(results[0]).rejects.toThrow('boom');
    await flush();
    expect(started).toEqual([0, 1]);

    gates[1].resolve();
    await flush();
    expect(started).toEqual([0, 1, 2]);

    gates[0].reject(new Error('boom'));
    await flush();
    expect(started).toEqual([0, 1, 2, 3]);

    gates[2].resolve();
    gates[3].resolve();
    await firstFailure;
    await expect(Promise.all(results.slice(1))).resolves.toEqual([1, 2, 3]);
  });

  it('runs a task at once again after all earlier ones settled', async () => {
    const limit = new ConcurrencyLimit(1);
    await limit.run(() => Promise.resolve());
    let started = false;
    const done = limit.run(async () => {
      started = true;
    });
    expect(started).toBe(true);
    await done;
  });

  it('refuses a limit below 1', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(RangeError);
  });
});
