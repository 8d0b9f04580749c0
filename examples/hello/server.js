// A tiny HTTP service: what a delivery team would put through its pipeline.
const http = require('node:http');

const port = Number(process.env.PORT ?? 8080);

function greet(name) {
  return `hello, ${name}`;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  } else if (url.pathname === '/hello') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(greet(url.searchParams.get('name') ?? 'world') + '\n');
  } else {
    res.writeHead(404).end();
  }
});

if (require.main === module) server.listen(port, '127.0.0.1', () => console.log(`hello listening on ${port}`));
module.exports = { greet };
