/** Start and stop of the loopback HTTP(S) servers under `local/` (ARM emulator, Functions host). */
import type http from 'node:http';

/** Listens on `host:port` (port 0: a free one); rejects when the port cannot be bound. */
export function listen(server: http.Server, port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops accepting connections and drops the open ones, so a stop never waits for idle keep-alive sockets. */
export function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
