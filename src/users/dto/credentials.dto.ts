import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export const EMAIL_PATTERN = /^[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+$/;

export class CredentialsDto {
  @ApiProperty({ example: 'ada@example.com', pattern: EMAIL_PATTERN.source })
  @IsString()
  @Matches(EMAIL_PATTERN, { message: 'email must be a valid email address' })
  email: string;

  @ApiProperty({ example: 's3cret-pass', minLength: 6, maxLength: 30 })
  @IsString()
  @Length(6, 30, { message: 'password must be a string of 6 to 30 characters' })
  password: string;
}

export class UserDescriptionDto {
  @ApiProperty({ example: 201 })
  status_code: number;

  @ApiProperty({ example: 'ada@example.com' })
  description: string;
}
