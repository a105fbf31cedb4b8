import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  type OpenAPIObject,
  SwaggerModule,
} from '@nestjs/swagger';
import packageJson from '../../../../package.json' with { type: 'json' };
import type { SampleConfig } from '../config.js';

/** Swagger UI at `/docs`, the document at `/docs-json` (and `/docs-yaml`). */
export const DOCS_PATH = 'docs';

/** The security scheme of the admin routes (`@ApiBearerAuth(ADMIN_BEARER)`): `Authorization: Bearer <ADMIN_TOKEN>`. */
export const ADMIN_BEARER = 'bearer';

const DESCRIPTION = [
  'A sample shop that takes payments through iamport (PortOne V1) with `nestjs-iamport`.',
  '',
  'A buyer picks a product on the checkout page (`GET /`), which creates an order (`POST /orders`: the server prices it from the product) and opens the payment window with it. iamport then sends the buyer back to `GET /payments/complete` and notifies `POST /payments/webhook`; neither is believed: both fetch the payment from iamport and check it against the order, which moves at most once. The buyer lands on the result page (`GET /result`), which follows the order through `GET /orders/{merchant_uid}`.',
  '',
  'Without iamport keys the shop runs against the bundled iamport simulator (no real money). The `/admin` routes need the admin token (`ADMIN_TOKEN`) as a bearer token.',
].join('\n');

/** The shop's OpenAPI document: every route of the app, the iamport module's included. */
export function createDocument(
  app: INestApplication,
  config: Pick<SampleConfig, 'publicUrl'>,
): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('nestjs-iamport sample shop')
    .setDescription(DESCRIPTION)
    .setVersion(packageJson.version)
    .addServer(config.publicUrl)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        // An opaque secret of the shop's own, not a JWT (Swagger's default format).
        bearerFormat: 'ADMIN_TOKEN',
        description:
          'The admin token (`ADMIN_TOKEN`); without it the `/admin` routes are off (404).',
      },
      ADMIN_BEARER,
    )
    .build();
  return SwaggerModule.createDocument(app, builder);
}

/**
 * Serves the document: Swagger UI at `/docs`, JSON at `/docs-json`. Called
 * before `listen` (on Fastify, Swagger UI's assets are a plugin,
 * `@fastify/static`, registered before the server starts).
 */
export function documentApp(
  app: INestApplication,
  config: Pick<SampleConfig, 'publicUrl'>,
): OpenAPIObject {
  const document = createDocument(app, config);
  SwaggerModule.setup(DOCS_PATH, app, document, {
    customSiteTitle: 'nestjs-iamport sample shop: API',
  });
  return document;
}
