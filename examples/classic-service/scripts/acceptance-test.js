// Acceptance tests against the environment the pipeline started ($PIPEWRIGHT_ENV_URL).
const assert = require('node:assert');

async function main() {
  const base = process.env.PIPEWRIGHT_ENV_URL;
  assert.ok(base, 'PIPEWRIGHT_ENV_URL is not set');
  const placed = await fetch(`${base}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ item: 'berries', quantity: 3 }),
  });
  assert.strictEqual(placed.status, 201);
  const rejected = await fetch(`${base}/orders`, { method: 'POST', body: '{"item":"berries","quantity":0}' });
  assert.strictEqual(rejected.status, 400);
  const list = await (await fetch(`${base}/orders`)).json();
  assert.strictEqual(list.length, 1);
  console.log('acceptance: place an order, reject a bad one, list orders: ok');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
