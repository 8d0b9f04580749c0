import { benchMain } from '@pipewright/testing';
import { historyQueryBench } from './history-query.bench';
import { ingestBench } from './ingest.bench';
import { versionsBench } from './versions.bench';

/** `npm run bench -- builddata [ingest|versions|history-query ...]`: each prints its figures, then `name: value unit (target)`. */
benchMain('builddata', {
  versions: versionsBench,
  'history-query': historyQueryBench,
  ingest: ingestBench,
});
