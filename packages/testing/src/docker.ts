/** Whether a container engine that testcontainers can use is reachable. */
export type DockerProbe = () => Promise<boolean>;

let reachable: Promise<boolean> | undefined;

/**
 * Asks testcontainers to find a container runtime (DOCKER_HOST, ~/.testcontainers.properties, the
 * usual sockets). Without one this fails in well under a second. Memoized per process.
 */
export const dockerAvailable: DockerProbe = () => {
  reachable ??= import('testcontainers').then(
    async ({ getContainerRuntimeClient }) => {
      try {
        await getContainerRuntimeClient();
        return true;
      } catch {
        return false;
      }
    },
    () => false,
  );
  return reachable;
};
