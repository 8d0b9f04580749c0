import { Module } from '@nestjs/common';
import { ComponentsModule } from '../components/components.module';
import { DoraController } from './dora.controller';
import { DoraService } from './dora.service';

@Module({
  imports: [ComponentsModule],
  controllers: [DoraController],
  providers: [DoraService],
})
export class DoraModule {}
