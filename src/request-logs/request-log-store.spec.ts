import { duplicateOperationIndexes, onlyDuplicatesOf } from './request-log-store';

const duplicate = (index: number) => ({ index, code: 11000 });

describe('onlyDuplicatesOf', () => {
  it('is true when every document not inserted now was a duplicate key', () => {
    expect(
      onlyDuplicatesOf({ writeErrors: [duplicate(0), duplicate(2)], insertedCount: 2 }, 4),
    ).toBe(true);
    expect(onlyDuplicatesOf({ writeErrors: [duplicate(0)], result: { insertedCount: 0 } }, 1)).toBe(
      true,
    );
  });

  it('is false for network errors, other write errors, write concern errors and missing documents', () => {
    expect(onlyDuplicatesOf(new Error('connect ECONNREFUSED'), 3)).toBe(false);
    expect(onlyDuplicatesOf({ writeErrors: [], insertedCount: 0 }, 3)).toBe(false);
    expect(
      onlyDuplicatesOf(
        { writeErrors: [duplicate(0), { index: 1, code: 121 }], insertedCount: 1 },
        3,
      ),
    ).toBe(false);
    expect(
      onlyDuplicatesOf(
        { writeErrors: [duplicate(0)], insertedCount: 1, writeConcernError: { code: 64 } },
        2,
      ),
    ).toBe(false);
    // a network error part-way: some documents are neither inserted nor reported as duplicates
    expect(onlyDuplicatesOf({ writeErrors: [duplicate(0)], insertedCount: 1 }, 5)).toBe(false);
    expect(onlyDuplicatesOf(null, 1)).toBe(false);
  });
});

describe('duplicateOperationIndexes', () => {
  it('lists the operations that lost an upsert race on the unique key', () => {
    expect(duplicateOperationIndexes({ writeErrors: [duplicate(1), duplicate(4)] })).toEqual([
      1, 4,
    ]);
  });

  it('is undefined when anything else failed', () => {
    expect(duplicateOperationIndexes(new Error('timeout'))).toBeUndefined();
    expect(
      duplicateOperationIndexes({ writeErrors: [duplicate(1), { index: 2, code: 2 }] }),
    ).toBeUndefined();
  });
});
