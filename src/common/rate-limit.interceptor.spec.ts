import { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, of, throwError } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { ApiError, RateLimitedError } from './api-error';
import { ClientIpResolver } from './client-ip';
import { RateLimit } from './rate-limit.decorator';
import { RateLimitInterceptor } from './rate-limit.interceptor';
import { RateLimits } from './rate-limit.service';

class Handlers {
  @RateLimit('login-failures')
  login(): void {}

  @RateLimit('registrations')
  register(): void {}

  plain(): void {}
}

const config = {
  rateLimitLoginFailures: { limit: 2, windowMs: 60_000 },
  rateLimitLoginFailuresPerIp: { limit: 3, windowMs: 60_000 },
  rateLimitRegistrations: { limit: 2, windowMs: 60_000 },
} as AppConfig;

const succeed: CallHandler = { handle: () => of({ ok: true }) };
const failWith = (error: unknown): CallHandler => ({ handle: () => throwError(() => error) });
const wrongPassword = () => failWith(ApiError.unauthorized('Wrong email or password'));

function setup() {
  const limits = new RateLimits(config);
  let ip = '192.0.2.1';
  const ips = { resolve: () => ip } as unknown as ClientIpResolver;
  const interceptor = new RateLimitInterceptor(new Reflector(), limits, ips);
  const call = (handler: keyof Handlers, body: unknown, next: CallHandler) => {
    const context = {
      getType: () => 'http',
      getHandler: () => Handlers.prototype[handler],
      getClass: () => Handlers,
      switchToHttp: () => ({ getRequest: () => ({ body, headers: {} }) }),
    } as unknown as ExecutionContext;
    return (async () => lastValueFrom(interceptor.intercept(context, next)))();
  };
  const login = (email: unknown, next: CallHandler) =>
    call('login', { email, password: 'x' }, next);
  return { limits, call, login, useIp: (other: string) => (ip = other) };
}

describe('RateLimitInterceptor', () => {
  it('leaves routes without @RateLimit alone', async () => {
    const { call } = setup();
    for (let i = 0; i < 10; i++)
      await expect(call('plain', {}, succeed)).resolves.toEqual({ ok: true });
  });

  describe('login-failures', () => {
    it('counts only failed credentials, per IP and email, then refuses even the right password', async () => {
      const { login } = setup();
      for (let i = 0; i < 5; i++)
        await expect(login('ada@example.com', succeed)).resolves.toBeTruthy();
      await expect(login('ada@example.com', failWith(ApiError.badPayload('bad')))).rejects.toThrow(
        'bad',
      );
      await expect(login('ada@example.com', wrongPassword())).rejects.toMatchObject({
        status: 401,
      });
      await expect(login('ADA@example.com ', wrongPassword())).rejects.toMatchObject({
        status: 401,
      });
      const refused = login('ada@example.com', succeed);
      await expect(refused).rejects.toBeInstanceOf(RateLimitedError);
      await expect(refused).rejects.toMatchObject({ limit: 2, retryAfterSeconds: 60 });
      await expect(login('bob@example.com', succeed)).resolves.toBeTruthy();
    });

    it('limits failures per IP whatever the email, without counting the refused attempts', async () => {
      const { login, limits, useIp } = setup();
      for (const email of ['a@x.io', 'b@x.io', 'c@x.io']) {
        await expect(login(email, wrongPassword())).rejects.toMatchObject({ status: 401 });
      }
      await expect(login('d@x.io', succeed)).rejects.toBeInstanceOf(RateLimitedError);
      expect(limits.loginFailuresPerIpAndEmail.size).toBe(3);
      useIp('198.51.100.2');
      await expect(login('d@x.io', succeed)).resolves.toBeTruthy();
    });

    it('forgets earlier failures of the email from that IP after a success', async () => {
      const { login } = setup();
      await expect(login('ada@example.com', wrongPassword())).rejects.toBeTruthy();
      await expect(login('ada@example.com', succeed)).resolves.toBeTruthy();
      await expect(login('ada@example.com', wrongPassword())).rejects.toMatchObject({
        status: 401,
      });
      await expect(login('ada@example.com', succeed)).resolves.toBeTruthy();
    });

    it('counts parallel attempts before they settle', async () => {
      const { login } = setup();
      let failAll: () => void = () => undefined;
      const pending = new Promise<void>((done) => (failAll = done));
      const slowWrong: CallHandler = {
        handle: () =>
          from(
            pending.then(() => {
              throw ApiError.unauthorized('Wrong email or password');
            }),
          ),
      };
      const attempts = Array.from({ length: 10 }, () => login('ada@example.com', slowWrong));
      failAll();
      const outcomes = await Promise.allSettled(attempts);
      const reasons = outcomes.map((o) =>
        o.status === 'rejected' ? (o.reason as ApiError).status : 0,
      );
      expect(reasons.filter((s) => s === 401)).toHaveLength(2);
      expect(reasons.filter((s) => s === 429)).toHaveLength(8);
    });

    it('keys by IP only when the body has no usable email', async () => {
      const { login } = setup();
      for (const email of [undefined, { $ne: null }, '  ']) {
        await expect(login(email, wrongPassword())).rejects.toMatchObject({ status: 401 });
      }
      await expect(login('ada@example.com', succeed)).rejects.toBeInstanceOf(RateLimitedError);
    });
  });

  describe('registrations', () => {
    it('counts every attempt but bad payloads', async () => {
      const { call } = setup();
      await expect(call('register', {}, failWith(ApiError.badPayload('email')))).rejects.toThrow();
      await expect(call('register', {}, succeed)).resolves.toBeTruthy();
      await expect(call('register', {}, failWith(ApiError.conflict('taken')))).rejects.toThrow(
        'taken',
      );
      await expect(call('register', {}, succeed)).rejects.toBeInstanceOf(RateLimitedError);
    });
  });
});
