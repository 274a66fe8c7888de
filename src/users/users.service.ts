import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { ApiError } from '../common/api-error';
import { isDuplicateKeyError } from '../common/mongo-errors';
import { PasswordHasher } from './password-hasher';
import { User } from './schemas/user.schema';

export interface ActiveUser {
  id: string;
  email: string;
}

export type UserDeletedListener = (user: ActiveUser) => Promise<void>;

const WRONG_CREDENTIALS = 'Wrong email or password';

@Injectable()
export class UsersService implements OnModuleInit {
  private readonly deletionListeners: UserDeletedListener[] = [];

  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly hasher: PasswordHasher,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.users.createIndexes();
  }

  onUserDeleted(listener: UserDeletedListener): void {
    this.deletionListeners.push(listener);
  }

  async register(email: string, password: string): Promise<ActiveUser> {
    const normalized = normalizeEmail(email);
    const passwordHash = await this.hasher.hash(password);
    try {
      const user = await this.users.create({ email: normalized, passwordHash, deletedAt: null });
      return { id: user.id as string, email: normalized };
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw ApiError.conflict('There is already a user registered with that email');
      }
      throw error;
    }
  }

  async verifyCredentials(email: string, password: string): Promise<ActiveUser> {
    const normalized = normalizeEmail(email);
    const user = await this.users
      .findOne({ email: normalized, deletedAt: null }, { passwordHash: 1 })
      .lean();
    if (!(await this.hasher.verify(user?.passwordHash, password)) || !user) {
      throw ApiError.unauthorized(WRONG_CREDENTIALS);
    }
    return { id: String(user._id), email: normalized };
  }

  async delete(email: string, password: string): Promise<ActiveUser> {
    const user = await this.verifyCredentials(email, password);
    for (const listener of this.deletionListeners) await listener(user);
    const result = await this.users.updateOne(
      { _id: new Types.ObjectId(user.id), deletedAt: null },
      {
        $set: { email: `deleted:${user.id}`, deletedEmail: user.email, deletedAt: new Date() },
        $unset: { passwordHash: 1 },
      },
    );
    if (result.modifiedCount === 0) throw ApiError.unauthorized(WRONG_CREDENTIALS);
    return user;
  }

  async findActive(id: string): Promise<ActiveUser | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    const user = await this.users
      .findOne({ _id: new Types.ObjectId(id), deletedAt: null }, { email: 1 })
      .lean();
    return user ? { id, email: user.email } : null;
  }
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
