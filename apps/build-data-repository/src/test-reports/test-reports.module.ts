import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ComponentsModule } from '../components/components.module';
import { ComponentTestReportsController } from './component-test-reports.controller';
import { RunTestReportsController } from './run-test-reports.controller';
import { TestCase } from './test-case.entity';
import { TestReportQueryService } from './test-report-query.service';
import { TestReport } from './test-report.entity';
import { TestReportService } from './test-report.service';
import { TestSuite } from './test-suite.entity';

@Module({
  imports: [TypeOrmModule.forFeature([TestReport, TestSuite, TestCase]), ComponentsModule],
  controllers: [RunTestReportsController, ComponentTestReportsController],
  providers: [TestReportService, TestReportQueryService],
  exports: [TestReportService],
})
export class TestReportsModule {}
