// Simulation feature: the demo server's own telemetry feeder (the CLI beside it talks to any server over HTTP).
import { Module } from '@nestjs/common';
import { DemoTelemetryFeeder } from './demo-telemetry-feeder';

@Module({ providers: [DemoTelemetryFeeder] })
export class SimulationModule {}
