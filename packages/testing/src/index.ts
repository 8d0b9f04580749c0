export { kafka, type KafkaService } from './kafka';
export { postgres, type PostgresService } from './postgres';
export { uniqueId, topicPrefix } from './ids';
export { waitFor, WaitForTimeoutError, type WaitForOptions } from './wait-for';
export { TestServiceUnavailableError, TestServiceConfigError } from './errors';
export { percentile, round, benchLog } from './bench/bench-stats';
export { runBenchmarks, benchMain, type Benchmark } from './bench/run-benchmarks';
export { cpuOfProcesses, LOCAL_SERVERS } from './bench/process-cpu';
