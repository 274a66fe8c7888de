import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import { TokenDto } from './dto/token.dto';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  /** The token, and whose it is (the caller records who logged in). */
  async login(email: string, password: string): Promise<{ userId: string; token: TokenDto }> {
    const user = await this.users.verifyCredentials(email, password);
    const accessToken = await this.jwt.signAsync({ sub: user.id });
    return {
      userId: user.id,
      token: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: this.config.jwtExpiresIn,
      },
    };
  }
}
