import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ResourceLifetime } from '../resources/resource-lifetime.entity';
import { CostReportService } from './cost-report.service';
import { CostsController } from './costs.controller';

@Module({
  imports: [TypeOrmModule.forFeature([ResourceLifetime])],
  controllers: [CostsController],
  providers: [CostReportService],
})
export class CostsModule {}
