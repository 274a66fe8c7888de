import { findDocumentSequenceClass } from './document-sequence';

describe('findDocumentSequenceClass', () => {
  it('finds the class in the copy of the driver Mongoose uses, so batches go out as BSON bytes', () => {
    const DocumentSequence = findDocumentSequenceClass();
    expect(DocumentSequence).not.toBeNull();
    const sequence = new DocumentSequence!('documents');
    expect(sequence.push({}, Buffer.from([5, 0, 0, 0, 0]))).toBeGreaterThan(5);
  });
});
