import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import { ActiveUser, UsersService } from '../users/users.service';
import { JWT_ALGORITHM } from './jwt-algorithm';

export const tokenFromRequest = ExtractJwt.fromExtractors([
  ExtractJwt.fromAuthHeaderWithScheme('JWT'),
  ExtractJwt.fromAuthHeaderWithScheme('Bearer'),
]);

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    config: AppConfig,
    private readonly users: UsersService,
  ) {
    super({
      jwtFromRequest: tokenFromRequest,
      secretOrKey: config.jwtSecret,
      algorithms: [JWT_ALGORITHM],
      ignoreExpiration: false,
    });
  }

  async validate(payload: { sub?: unknown }): Promise<ActiveUser | false> {
    if (typeof payload.sub !== 'string') return false;
    return (await this.users.findActive(payload.sub)) ?? false;
  }
}
