import { VERSION_ALLOCATED, newCDEvent, type VersionAllocated } from '@pipewright/contracts';
import type { Version } from './version.entity';

/** The announcement of `version`; `runId` null: allocated for a tool outside Pipewright, keyed by component. */
export function versionAllocatedEvent(
  source: string,
  version: Pick<Version, 'component' | 'version' | 'revision' | 'requestedBy'>,
  runId: string | null,
): VersionAllocated {
  return newCDEvent(
    VERSION_ALLOCATED,
    source,
    {
      id: subjectId(version.component, version.version),
      source,
      content: {
        component: version.component,
        version: version.version,
        ...(runId === null ? {} : { runId }),
        ...(version.revision === null ? {} : { revision: version.revision }),
        ...(version.requestedBy ? { requestedBy: version.requestedBy } : {}),
      },
    },
    {},
  );
}

/**
 * Stands for the version in an announcement validated before the version is known, by a statement that
 * allocates the version and writes it into the announcement (`subject.id`, `subject.content.version`).
 */
export const VERSION_STAND_IN = '<to be allocated>';

/** The announcement's subject id; `subjectIdSql` is the same in SQL. */
const subjectId = (component: string, version: string) => `${component}@${version}`;
export const subjectIdSql = (component: string, version: string) => `${component} || '@' || ${version}`;

/** SQL: the announcement `payload` (validated with VERSION_STAND_IN) with its version and subject id filled in. */
export const filledInAnnouncementSql = (payload: string, subjectId: string, version: string) =>
  `jsonb_set(jsonb_set(${payload}, '{subject,id}', to_jsonb(${subjectId})), '{subject,content,version}', to_jsonb(${version}))`;
