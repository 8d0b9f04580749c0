import { DomainError } from '@pipewright/service-runtime';

/** The purl is already recorded for the version with another digest or location: artifacts are immutable. */
export class ArtifactConflict extends DomainError {
  constructor(component: string, version: string, purl: string, recorded: { digest: string; uri: string }) {
    super(
      'artifact.conflict',
      `${purl} is already recorded for ${component} ${version} with digest ${recorded.digest} at ${recorded.uri}`,
      { details: { component, version, purl, recorded } },
    );
  }
}
