import { mongo } from 'mongoose';
import { BsonWriter } from './bson-writer';

const { BSON } = mongo;

describe('BsonWriter', () => {
  it('writes the same bytes as the driver for strings, numbers, dates and arrays', () => {
    const date = new Date('2026-11-28T12:34:56.789Z');
    const w = new BsonWriter(8);
    w.startDocument();
    w.date('date', date.getTime());
    w.string('ascii', '/items?x=1');
    w.string('utf8', 'caf\u00e9 \u{1F600} \u0000 end');
    w.string('empty', '');
    w.number('int', 200);
    w.number('negative', -7);
    w.number('fraction', 1.25);
    w.number('big', 5_000_000_000);
    w.stringArray('list', ['a:1', 'b:2']);
    w.stringArray('none', []);
    w.endDocument();
    const expected = BSON.serialize({
      date,
      ascii: '/items?x=1',
      utf8: 'caf\u00e9 \u{1F600} \u0000 end',
      empty: '',
      int: 200,
      negative: -7,
      fraction: 1.25,
      big: 5_000_000_000,
      list: ['a:1', 'b:2'],
      none: [],
    });
    expect(Buffer.compare(w.bytes(), Buffer.from(expected))).toBe(0);
  });

  it('writes dates before 1970 and past 2038 like the driver', () => {
    for (const date of [
      new Date(-1),
      new Date('1900-01-01T00:00:00Z'),
      new Date('2100-06-01T00:00:00.001Z'),
    ]) {
      const w = new BsonWriter();
      w.startDocument();
      w.date('d', date.getTime());
      w.endDocument();
      expect(Buffer.compare(w.bytes(), Buffer.from(BSON.serialize({ d: date })))).toBe(0);
    }
  });

  it('makes ObjectIds that are unique, increasing and stamped with the current time', () => {
    const w = new BsonWriter();
    const before = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 1000; i++) {
      w.startDocument();
      w.objectId('_id');
      w.endDocument();
    }
    const ids: mongo.ObjectId[] = [];
    const all = w.bytes();
    for (let start = 0; start < all.length; start += all.readInt32LE(start)) {
      ids.push(
        BSON.deserialize(all.subarray(start, start + all.readInt32LE(start)))._id as mongo.ObjectId,
      );
    }
    expect(ids).toHaveLength(1000);
    expect(new Set(ids.map(String)).size).toBe(1000);
    expect(ids[0].getTimestamp().getTime() / 1000).toBeGreaterThanOrEqual(before);
    const increasing = ids.every((id, i) => i === 0 || id.toHexString() > ids[i - 1].toHexString());
    const wrapped = ids.filter((id, i) => i > 0 && id.toHexString() < ids[i - 1].toHexString());
    expect(increasing || wrapped.length === 1).toBe(true); // the 3-byte counter may wrap once
  });

  it('truncate() forgets a document written half-way', () => {
    const w = new BsonWriter();
    w.startDocument();
    w.number('a', 1);
    w.endDocument();
    const length = w.length;
    w.startDocument();
    w.string('b', 'half');
    w.truncate(length);
    w.startDocument();
    w.number('c', 3);
    w.endDocument();
    const first = BSON.deserialize(w.bytes().subarray(0, length));
    const second = BSON.deserialize(w.bytes().subarray(length));
    expect([first, second]).toEqual([{ a: 1 }, { c: 3 }]);
  });
});
