import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that nobody listens on right now. Another process may take it before the
 * environment binds it; the environment then exits early (EADDRINUSE) and provisioning fails visibly.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port assigned')),
      );
    });
  });
}
