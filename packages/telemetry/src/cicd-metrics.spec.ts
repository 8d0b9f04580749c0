import { DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { cicdMetrics } from './cicd-metrics';
import { CicdAttributes } from './cicd-semconv';

class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

describe(cicdMetrics.name, () => {
  it('creates the CI/CD semconv instruments with their units and kinds', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const sut = cicdMetrics(provider.getMeter('cicd-metrics-spec'));

    const attrs = { [CicdAttributes.pipelineName]: 'build' };
    sut.pipelineRunDuration.record(42, { ...attrs, [CicdAttributes.pipelineResult]: 'success' });
    sut.pipelineRunActive.add(1, attrs);
    sut.pipelineRunErrors.add(1, { ...attrs, [CicdAttributes.errorType]: 'failure' });
    sut.systemErrors.add(1, { [CicdAttributes.systemComponent]: 'scheduler', [CicdAttributes.errorType]: 'db' });
    sut.workerCount.add(2, { [CicdAttributes.workerState]: 'available' });

    const { resourceMetrics } = await reader.collect();
    const byName = new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
    expect(
      [...byName.values()].map((m) => [m.descriptor.name, m.descriptor.unit, DataPointType[m.dataPointType]]),
    ).toEqual(
      expect.arrayContaining([
        ['cicd.pipeline.run.duration', 's', 'HISTOGRAM'],
        ['cicd.pipeline.run.active', '{run}', 'SUM'],
        ['cicd.pipeline.run.errors', '{error}', 'SUM'],
        ['cicd.system.errors', '{error}', 'SUM'],
        ['cicd.worker.count', '{count}', 'SUM'],
      ]),
    );
    expect(byName.size).toBe(5);
    await provider.shutdown();
  });
});
