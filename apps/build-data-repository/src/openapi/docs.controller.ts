import { dirname, join } from 'node:path';
import { Controller, Get, Header, NotFoundException, Param, Res, SetMetadata } from '@nestjs/common';
import { SERVICE_NAME } from '../config/env';
import { buildOpenApiDocument } from './openapi-document';
import { HIDDEN_FROM_DOCS, OpenApiRoutesService } from './openapi-routes.service';

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Build-data repository API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="docs"><p>The OpenAPI document is at <a href="/docs/openapi.json">/docs/openapi.json</a>.</p></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>SwaggerUIBundle({ url: '/docs/openapi.json', dom_id: '#docs' });</script>
</body>
</html>`;

/** The API's version (info.version), not the service build's. */
const API_VERSION = '0.1.0';

/** The only files of swagger-ui-dist the page loads. */
const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js']);
const assetsDir = dirname(require.resolve('swagger-ui-dist/package.json'));

/** `/docs`: Swagger UI over `/docs/openapi.json`, the document generated from the routes' zod schemas. */
@Controller('docs')
@SetMetadata(HIDDEN_FROM_DOCS, true)
export class DocsController {
  private document?: ReturnType<typeof buildOpenApiDocument>;

  constructor(private readonly routes: OpenApiRoutesService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get('openapi.json')
  openApi() {
    // Routes are fixed once the app is up: build once, on first request.
    this.document ??= buildOpenApiDocument(
      {
        title: `Pipewright ${SERVICE_NAME}`,
        version: API_VERSION,
        description:
          'One source of truth for components, versions, runs as executed and their events. ' +
          'Lists are newest first with opaque cursors: pass `nextCursor` back as `cursor` for the next page.',
      },
      this.routes.routes(),
    );
    return this.document;
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() response: { sendFile(path: string): void }): void {
    if (!ASSETS.has(file)) throw new NotFoundException();
    response.sendFile(join(assetsDir, file));
  }
}
