import { Types } from 'mongoose';
import { ApiError } from './api-error';

export interface CursorPosition {
  date: Date;
  id: Types.ObjectId;
}

export function encodeCursor(position: { date: Date; _id: Types.ObjectId }): string {
  return Buffer.from(`${position.date.getTime()}.${position._id.toHexString()}`).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  const [millis, id] = Buffer.from(cursor, 'base64url').toString().split('.');
  const date = new Date(Number(millis));
  if (!id || !Types.ObjectId.isValid(id) || Number.isNaN(date.getTime())) {
    throw ApiError.badPayload('cursor is not a cursor this API returned');
  }
  return { date, id: new Types.ObjectId(id) };
}

export function olderThan(position: CursorPosition, dateField = 'date'): Record<string, unknown> {
  return {
    $or: [
      { [dateField]: { $lt: position.date } },
      { [dateField]: position.date, _id: { $lt: position.id } },
    ],
  };
}
