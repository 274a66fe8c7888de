import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { AppNameParams } from '../dto/app-name.dto';

export class ApiKeyDto {
  @ApiProperty({ example: 'a1b2c3d4e5f6' }) id: string;
  @ApiProperty({
    example: 'slb_Xk3d9Q',
    description: 'The first characters of the key, to recognise it',
  })
  prefix: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key itself: shown once, send it as X-API-Key' })
  key: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] }) keys: ApiKeyDto[];
}

export class ApiKeyParams extends AppNameParams {
  @ApiProperty({ example: 'a1b2c3d4e5f6', pattern: '^[0-9a-f]{12}$' })
  @Matches(/^[0-9a-f]{12}$/, { message: 'id must be a key id returned by this API' })
  id: string;
}
