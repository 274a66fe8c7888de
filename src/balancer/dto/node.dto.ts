import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNonNull } from '../../common/is-optional-non-null.decorator';
import { IsNodeHost } from './is-node-host.decorator';

export class NodeAddressDto {
  @ApiProperty({
    example: '10.0.0.12',
    description: 'Hostname or IP address, no scheme or path',
    minLength: 1,
    maxLength: 253,
  })
  @IsNodeHost()
  host: string;

  @ApiProperty({ type: 'integer', example: 8080, minimum: 1, maximum: 65535 })
  @IsInt({ message: 'port must be an integer from 1 to 65535' })
  @Min(1, { message: 'port must be an integer from 1 to 65535' })
  @Max(65535, { message: 'port must be an integer from 1 to 65535' })
  port: number;
}

export class NodeDto extends NodeAddressDto {
  @ApiProperty({
    example: '/health',
    description: 'Absolute path fetched by health checks',
    pattern: '^/\\S*$',
    maxLength: 2048,
  })
  @IsString()
  @MaxLength(2048)
  @Matches(/^\/[^\s]*$/, { message: 'statuspath must be an absolute path such as /health' })
  statuspath: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 1 })
  @IsOptionalNonNull()
  @IsInt({ message: 'weight must be an integer from 1 to 100' })
  @Min(1, { message: 'weight must be an integer from 1 to 100' })
  @Max(100, { message: 'weight must be an integer from 1 to 100' })
  weight?: number;
}
