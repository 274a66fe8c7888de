import { ApiProperty } from '@nestjs/swagger';
import { SettingsDto } from './settings.dto';

export class NodeViewDto {
  @ApiProperty() host: string;
  @ApiProperty({ type: 'integer' }) port: number;
  @ApiProperty() statuspath: string;
  @ApiProperty({ type: 'integer' }) weight: number;
  @ApiProperty({ enum: ['up', 'down'] }) status: 'up' | 'down';
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) last_check: string | null;
  @ApiProperty({ type: String, nullable: true }) last_error: string | null;
}

export class AppViewDto {
  @ApiProperty() name: string;
  @ApiProperty({ type: SettingsDto }) settings: SettingsDto;
  @ApiProperty({ type: [NodeViewDto] }) nodes: NodeViewDto[];
}

export class AppListDto {
  @ApiProperty({ type: [String], example: ['billing', 'search'] })
  apps: string[];
}

export class DescriptionDto {
  @ApiProperty({ example: 201 })
  status_code: number;

  @ApiProperty({ example: 'billing' })
  description: string;
}
