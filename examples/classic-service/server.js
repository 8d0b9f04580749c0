// The orders service: keeps orders in memory. Listens on $PORT (the pipeline's test environments set it).
const http = require('node:http');

const orders = [];

function placeOrder(item, quantity) {
  if (typeof item !== 'string' || item === '') throw new Error('item is required');
  if (!Number.isInteger(quantity) || quantity < 1) throw new Error('quantity must be a whole number of at least 1');
  const order = { id: orders.length + 1, item, quantity };
  orders.push(order);
  return order;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const json = (status, body) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (url.pathname === '/health') return json(200, { status: 'ok' });
  if (url.pathname === '/orders' && req.method === 'GET') return json(200, orders);
  if (url.pathname === '/orders' && req.method === 'POST') {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      try {
        const { item, quantity } = JSON.parse(body || '{}');
        json(201, placeOrder(item, quantity));
      } catch (error) {
        json(400, { message: error.message });
      }
    });
    return;
  }
  json(404, { message: 'not found' });
});

if (require.main === module) {
  const port = Number(process.env.PORT ?? 8080);
  server.listen(port, '127.0.0.1', () => console.log(`orders listening on ${port}`));
}
module.exports = { placeOrder };
