// Readiness probe for ./start and ./status: asks the broker for cluster metadata over the Kafka
// wire protocol (ApiVersions, then Metadata) and exits 0 when it names at least one broker.
// With --warm-up it also asks for a group and a transaction coordinator (which makes the broker
// create and load __consumer_offsets and __transaction_state) and for a producer id (which makes it
// fetch its first block of ids from the controller), and succeeds only once all three answer: the
// first consumer group or idempotent producer of a test run then doesn't hit "coordinator is
// loading" errors and retries.
// No dependencies, so it works in a fresh clone before `npm ci`.
// Usage: node probe.mjs <host> <port> [timeoutMs] [--warm-up]
import net from 'node:net';

const args = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const warmUp = process.argv.includes('--warm-up');
const [host = '127.0.0.1', portArg = '9092', timeoutArg = '3000'] = args;
const API_VERSIONS = 18;
const METADATA = 3;
const FIND_COORDINATOR = 10;
const INIT_PRODUCER_ID = 22;

function frame(apiKey, apiVersion, correlationId, body) {
  const clientId = Buffer.from('pipewright-probe');
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  const payload = Buffer.concat([header, clientId, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

class Reader {
  constructor(buf) {
    this.buf = buf;
    this.at = 0;
  }
  int16() {
    const v = this.buf.readInt16BE(this.at);
    this.at += 2;
    return v;
  }
  int32() {
    const v = this.buf.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  string() {
    const len = this.int16();
    if (len < 0) return null;
    const v = this.buf.toString('utf8', this.at, this.at + len);
    this.at += len;
    return v;
  }
}

function connect() {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: Number(portArg) });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

// One request at a time on the socket: send, then read one size-prefixed response.
function request(socket, message) {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const onClose = () => done(new Error('connection closed by broker'));
    const onData = (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 4 && data.length >= 4 + data.readInt32BE(0))
        done(null, data.subarray(4, 4 + data.readInt32BE(0)));
    };
    const done = (error, response) => {
      socket.off('data', onData).off('error', done).off('close', onClose);
      if (error) reject(error);
      else resolve(response);
    };
    socket.on('data', onData).on('error', done).on('close', onClose);
    socket.write(message);
  });
}

async function probe() {
  const socket = await connect();
  try {
    const versions = new Reader(await request(socket, frame(API_VERSIONS, 0, 1, Buffer.alloc(0))));
    versions.int32(); // correlation id
    const versionsError = versions.int16();
    if (versionsError !== 0) throw new Error(`ApiVersions error code ${versionsError}`);
    let range;
    for (let i = versions.int32(); i > 0; i--) {
      const [key, min, max] = [versions.int16(), versions.int16(), versions.int16()];
      if (key === METADATA) range = { min, max };
    }
    if (!range) throw new Error('broker does not offer Metadata');
    // v4..v7 share one request and response layout (no flexible encoding).
    const version = Math.min(7, range.max);
    if (version < Math.max(4, range.min)) throw new Error(`no usable Metadata version in ${range.min}..${range.max}`);

    const body = Buffer.alloc(5);
    body.writeInt32BE(-1, 0); // all topics
    body.writeInt8(0, 4); // allow_auto_topic_creation = false
    const meta = new Reader(await request(socket, frame(METADATA, version, 2, body)));
    meta.int32(); // correlation id
    meta.int32(); // throttle_time_ms
    const brokers = [];
    for (let i = meta.int32(); i > 0; i--) {
      const nodeId = meta.int32();
      const brokerHost = meta.string();
      const brokerPort = meta.int32();
      meta.string(); // rack
      brokers.push(`${nodeId}@${brokerHost}:${brokerPort}`);
    }
    const clusterId = meta.string();
    const controllerId = meta.int32();
    if (brokers.length === 0) throw new Error('metadata lists no brokers yet');

    if (warmUp) {
      for (const [keyType, what] of [
        [0, 'group'],
        [1, 'transaction'],
      ]) {
        const key = Buffer.from('pipewright-probe');
        const findBody = Buffer.alloc(2 + key.length + 1);
        findBody.writeInt16BE(key.length, 0);
        key.copy(findBody, 2);
        findBody.writeInt8(keyType, 2 + key.length);
        const found = new Reader(await request(socket, frame(FIND_COORDINATOR, 1, 3 + keyType, findBody)));
        found.int32(); // correlation id
        found.int32(); // throttle_time_ms
        const errorCode = found.int16();
        if (errorCode !== 0) throw new Error(`${what} coordinator not available yet (error ${errorCode})`);
      }
      const initBody = Buffer.alloc(6);
      initBody.writeInt16BE(-1, 0); // transactional_id = null: an idempotent, non-transactional producer
      initBody.writeInt32BE(60_000, 2); // transaction_timeout_ms
      const init = new Reader(await request(socket, frame(INIT_PRODUCER_ID, 1, 5, initBody)));
      init.int32(); // correlation id
      init.int32(); // throttle_time_ms
      const initError = init.int16();
      if (initError !== 0) throw new Error(`producer ids not available yet (error ${initError})`);
    }
    return { clusterId, controllerId, brokers };
  } finally {
    socket.destroy();
  }
}

const timer = setTimeout(() => {
  process.stderr.write(`probe: no answer from ${host}:${portArg} within ${timeoutArg} ms\n`);
  process.exit(2);
}, Number(timeoutArg));

try {
  const info = await probe();
  clearTimeout(timer);
  process.stdout.write(
    `cluster ${info.clusterId}, brokers ${info.brokers.join(',')}, controller ${info.controllerId}\n`,
  );
} catch (err) {
  clearTimeout(timer);
  process.stderr.write(`probe: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
