import { benchMain } from '@pipewright/testing';
import { concurrentRunsBench } from './concurrent-runs.bench';
import { triggerToFirstTaskBench } from './trigger-to-first-task.bench';

/** `npm run bench -- engine [trigger-to-first-task|concurrent-runs ...]`: each prints its figures, then `name: value (target)`. */
benchMain('engine', {
  'trigger-to-first-task': triggerToFirstTaskBench,
  'concurrent-runs': concurrentRunsBench,
});
