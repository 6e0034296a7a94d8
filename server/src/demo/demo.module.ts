// Demo feature: the seeded clinic for a first start on an empty embedded database.
import { Module } from '@nestjs/common';
import { DemoSeedService } from './demo-seed.service';

@Module({ providers: [DemoSeedService], exports: [DemoSeedService] })
export class DemoModule {}
