import { get } from 'node:http';

/**
 * One GET without keep-alive (a pooled socket to a process we are about to kill helps nobody).
 * Resolves with the status code; rejects with a short reason (`ECONNREFUSED`, `timed out after 2000 ms`).
 */
export function probeHttp(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    request.once('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code ?? error.message)));
  });
}
