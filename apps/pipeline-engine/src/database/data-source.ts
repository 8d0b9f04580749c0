import { EventBusTables1763800000000, eventBusEntities } from '@pipewright/event-bus';
import { DEFAULT_DATABASE_URL, serviceDataSourceOptions } from '@pipewright/service-runtime';
import { DataSource } from 'typeorm';
import { SCHEMA, SERVICE_NAME } from '../config/env';
import { LongLivedEnvironment } from '../environments/long-lived-environment.entity';
import { StageEnvironment } from '../environments/stage-environment.entity';
import { Run } from '../runs/run.entity';
import { StageRun } from '../runs/stage-run.entity';
import { TaskRun } from '../runs/task-run.entity';
import { TriggerFiring } from '../triggers/trigger-firing.entity';
import { Trigger } from '../triggers/trigger.entity';
import { AfterCommitSubscriber } from './after-commit';
import { Runs1763901000000 } from './migrations/1763901000000-runs.migration';
import { RunState1763902000000 } from './migrations/1763902000000-run-state.migration';
import { Triggers1763906000000 } from './migrations/1763906000000-triggers.migration';
import { RunLeases1763907000000 } from './migrations/1763907000000-run-leases.migration';
import { TaskAssignments1763909000000 } from './migrations/1763909000000-task-assignments.migration';
import { TaskAssignment } from '../workers/task-assignment.entity';
import { LogTail1763908000000 } from './migrations/1763908000000-log-tail.migration';
import { LongLivedEnvironments1763910000000 } from './migrations/1763910000000-long-lived-environments.migration';
import { RunCancellation1763911000000 } from './migrations/1763911000000-run-cancellation.migration';
import { StageLongLivedEnvironment1763912000000 } from './migrations/1763912000000-stage-long-lived-environment.migration';

/** The one description of the engine's database, for Nest (app.module) and the TypeORM CLI alike. */
export function engineDataSourceOptions(url: string) {
  return {
    ...serviceDataSourceOptions({
      url,
      schema: SCHEMA,
      applicationName: SERVICE_NAME,
      entities: [
        ...eventBusEntities,
        Run,
        StageRun,
        TaskRun,
        StageEnvironment,
        Trigger,
        TriggerFiring,
        TaskAssignment,
        LongLivedEnvironment,
      ],
      migrations: [
        EventBusTables1763800000000,
        Runs1763901000000,
        RunState1763902000000,
        Triggers1763906000000,
        RunLeases1763907000000,
        LogTail1763908000000,
        TaskAssignments1763909000000,
        LongLivedEnvironments1763910000000,
        RunCancellation1763911000000,
        StageLongLivedEnvironment1763912000000,
      ],
    }),
    subscribers: [AfterCommitSubscriber],
  };
}

/** For the TypeORM CLI: `npx typeorm -d dist/database/data-source.js migration:show`. */
export default new DataSource(engineDataSourceOptions(process.env.DATABASE_URL || DEFAULT_DATABASE_URL));
