// Capacity test: $USERS simulated users place orders at the same time against $PIPEWRIGHT_ENV_URL.
async function main() {
  const base = process.env.PIPEWRIGHT_ENV_URL;
  const users = Number(process.env.USERS ?? 10);
  const started = Date.now();
  const answers = await Promise.all(
    Array.from({ length: users }, (_, i) =>
      fetch(`${base}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ item: `item-${i}`, quantity: 1 }),
      }).then((r) => r.status),
    ),
  );
  const failed = answers.filter((status) => status !== 201).length;
  console.log(`capacity: ${users} users, ${failed} failed, ${Date.now() - started} ms`);
  if (failed > 0) process.exit(1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
