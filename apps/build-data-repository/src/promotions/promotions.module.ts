import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ComponentsModule } from '../components/components.module';
import { EnvironmentVersionsController } from './environment-versions.controller';
import { Promotion } from './promotion.entity';
import { PromotionService } from './promotion.service';
import { PromotionsController } from './promotions.controller';

@Module({
  imports: [TypeOrmModule.forFeature([Promotion]), ComponentsModule],
  controllers: [PromotionsController, EnvironmentVersionsController],
  providers: [PromotionService],
})
export class PromotionsModule {}
