import { type DynamicModule, Module } from '@nestjs/common';
import { PriceCatalog } from './price-catalog';

/** The catalog main.ts loaded and validated before Nest started, for whoever prices things. */
@Module({})
export class PricesModule {
  static forRoot(catalog: PriceCatalog): DynamicModule {
    return {
      module: PricesModule,
      global: true,
      providers: [{ provide: PriceCatalog, useValue: catalog }],
      exports: [PriceCatalog],
    };
  }
}
