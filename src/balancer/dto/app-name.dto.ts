import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export const APP_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/;

export class AppNameParams {
  @ApiProperty({ example: 'billing', pattern: APP_NAME_PATTERN.source })
  @Matches(APP_NAME_PATTERN, {
    message: 'app name must start with a letter or digit and contain up to 63 letters, digits, _ or -',
  })
  app: string;
}
