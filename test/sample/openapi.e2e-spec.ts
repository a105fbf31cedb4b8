import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { type INestApplication, RequestMethod } from '@nestjs/common';
import {
  DiscoveryService,
  MetadataScanner,
  ModulesContainer,
} from '@nestjs/core';
import { Validator } from '@seriousme/openapi-schema-validator';
import { readAnswer } from '../support/sample-app.fixture.js';
import { type HttpAdapter, useShop } from './shop.js';

interface Operation {
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<
    string,
    {
      description: string;
      content?: Record<string, { schema: { $ref?: string } }>;
      headers?: Record<string, unknown>;
    }
  >;
  security?: Array<Record<string, string[]>>;
}

interface Document {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, unknown>;
    securitySchemes?: Record<string, { type: string; scheme?: string }>;
  };
}

const METHODS: Partial<Record<RequestMethod, string>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.DELETE]: 'delete',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.OPTIONS]: 'options',
  [RequestMethod.HEAD]: 'head',
};

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [''] : Array.isArray(value) ? value : [value];

/** `/orders/:merchant_uid` → `/orders/{merchant_uid}`, slashes tidied. */
function openApiPath(...parts: string[]): string {
  const joined = `/${parts.join('/')}`
    .replace(/\/+/g, '/')
    .replace(/(.)\/$/, '$1');
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * Every `method path` the app's controllers registered, from Nest's own
 * metadata: each controller's paths joined with each handler's.
 */
function registeredRoutes(app: INestApplication): string[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const routes = new Set<string>();
  for (const wrapper of discovery.getControllers()) {
    const { instance, metatype } = wrapper;
    if (!instance || !metatype) continue;
    const prefixes = asList(
      Reflect.getMetadata(PATH_METADATA, metatype) as string | string[],
    );
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = (prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function') continue;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as
        string | string[] | undefined;
      if (paths === undefined) continue;
      const method = Reflect.getMetadata(
        METHOD_METADATA,
        handler,
      ) as RequestMethod;
      const verb = METHODS[method];
      if (!verb)
        throw new Error(
          `${metatype.name}.${name}: RequestMethod ${method} has no OpenAPI operation`,
        );
      for (const prefix of prefixes)
        for (const path of asList(paths))
          routes.add(`${verb} ${openApiPath(prefix, path)}`);
    }
  }
  return [...routes].sort();
}

/** Express's own routes (what it will actually answer), but the documentation's. */
function expressRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance() as {
    router: {
      stack: Array<{
        route?: { path: string | string[]; methods: Record<string, boolean> };
      }>;
    };
  };
  const routes = new Set<string>();
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    for (const path of asList(layer.route.path)) {
      if (/^\/docs(-json|-yaml|\/.*)?$/.test(path)) continue;
      for (const [verb, on] of Object.entries(layer.route.methods))
        if (on && verb !== '_all') routes.add(`${verb} ${openApiPath(path)}`);
    }
  }
  return [...routes].sort();
}

function documented(document: Document): Set<string> {
  const operations = new Set<string>();
  for (const [path, item] of Object.entries(document.paths))
    for (const verb of Object.keys(item))
      if (Object.values(METHODS).includes(verb))
        operations.add(`${verb} ${path}`);
  return operations;
}

/** Every `$ref` of the document, wherever it stands. */
function refsOf(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsOf(item, found);
  else if (value && typeof value === 'object')
    for (const [key, inner] of Object.entries(value))
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else refsOf(inner, found);
  return found;
}

const statusesOf = (operation: Operation | undefined) =>
  Object.keys(operation?.responses ?? {}).sort();

const ADAPTERS: HttpAdapter[] = ['express', 'fastify'];

describe.each(ADAPTERS)(
  'the sample app on sqlite (%s): its OpenAPI document',
  (adapter) => {
    const shop = useShop('sqlite', adapter);
    let document: Document;

    beforeAll(async () => {
      const answer = await readAnswer<Document>(
        await fetch(`${shop.current.url}/docs-json`),
      );
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      document = answer.body;
    });

    it('is a valid OpenAPI 3 document, every $ref resolved', async () => {
      expect(document.openapi).toMatch(/^3\./);
      const validator = new Validator();
      const result = await validator.validate(
        structuredClone(document) as unknown as Parameters<
          Validator['validate']
        >[0],
      );
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      const missing = refsOf(document).filter((ref) => {
        const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
        return !name || !(name in document.components.schemas);
      });
      expect(missing).toEqual([]);
    });

    it('names the shop, its version and the admin bearer token', async () => {
      const { version } = (
        await import('../../package.json', { with: { type: 'json' } })
      ).default;
      expect(document.info.title).toMatch(/sample shop/);
      expect(document.info.version).toBe(version);
      expect(document.info.description).toMatch(/iamport/);
      expect(document.components.securitySchemes).toMatchObject({
        bearer: { type: 'http', scheme: 'bearer' },
      });
    });

    it('has every route the app answers', () => {
      const routes = registeredRoutes(shop.current.app);
      // The shop's own, the module's and the pages: the walk itself found them.
      expect(routes).toEqual(
        expect.arrayContaining([
          'get /',
          'get /result',
          'get /favicon.ico',
          'get /favicon.svg',
          'get /products',
          'post /orders',
          'get /orders/{merchant_uid}',
          'get /payments/complete',
          'post /payments/webhook',
          'post /admin/products',
        ]),
      );
      const operations = documented(document);
      expect(routes.filter((route) => !operations.has(route))).toEqual([]);
      if (adapter === 'express') {
        const answered = expressRoutes(shop.current.app);
        expect(answered).toEqual(expect.arrayContaining(routes));
        expect(answered.filter((route) => !operations.has(route))).toEqual([]);
      }
    });

    it("documents the module's redirect: its query and every answer", () => {
      const redirect = document.paths['/payments/complete']?.get;
      expect(
        (redirect?.parameters ?? [])
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => parameter.name)
          .sort(),
      ).toEqual([
        'error_code',
        'error_msg',
        'imp_success',
        'imp_uid',
        'merchant_uid',
        'success',
      ]);
      expect(statusesOf(redirect)).toEqual([
        '200',
        '303',
        '400',
        '404',
        '409',
        '503',
      ]);
      for (const status of ['200', '404', '409', '503'])
        expect(
          redirect?.responses[status].content?.['application/json']?.schema,
        ).toEqual({ $ref: '#/components/schemas/IamportRedirectAnswer' });
      expect(redirect?.responses['303'].headers).toHaveProperty('Location');
      expect(document.components.schemas.IamportRedirectAnswer).toMatchObject({
        required: ['merchant_uid', 'imp_uid', 'outcome', 'message'],
      });
    });

    it("documents the module's webhook: JSON and form bodies, every answer", () => {
      const webhook = document.paths['/payments/webhook']?.post;
      expect(Object.keys(webhook?.requestBody?.content ?? {}).sort()).toEqual([
        'application/json',
        'application/x-www-form-urlencoded',
      ]);
      for (const body of Object.values(webhook?.requestBody?.content ?? {}))
        expect(body.schema).toEqual({
          $ref: '#/components/schemas/IamportWebhookBody',
        });
      expect(statusesOf(webhook)).toEqual([
        '200',
        '400',
        '403',
        '413',
        '415',
        '500',
        '503',
      ]);
      expect(
        webhook?.responses['200'].content?.['application/json']?.schema,
      ).toEqual({ $ref: '#/components/schemas/IamportWebhookAnswer' });
      expect(document.components.schemas.IamportWebhookBody).toMatchObject({
        required: ['imp_uid'],
      });
    });

    it("documents the shop's orders and products with their answers", () => {
      const create = document.paths['/orders']?.post;
      expect(statusesOf(create)).toEqual(['201', '400']);
      expect(create?.requestBody?.content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/CreateOrder',
      });
      expect(
        create?.responses['400'].content?.['application/json'].schema,
      ).toEqual({ $ref: '#/components/schemas/ErrorAnswer' });
      expect(document.components.schemas.ErrorAnswer).toMatchObject({
        required: ['statusCode', 'error', 'message'],
      });
      const read = document.paths['/orders/{merchant_uid}']?.get;
      expect(statusesOf(read)).toEqual(['200', '404']);
      expect(read?.parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'merchant_uid',
            in: 'path',
            required: true,
          }),
        ]),
      );
      expect(statusesOf(document.paths['/products']?.get)).toEqual(['200']);
      expect(document.components.schemas.CreateProduct).toMatchObject({
        required: ['name', 'price'],
      });
      for (const page of ['/', '/result'])
        expect(
          Object.keys(
            document.paths[page]?.get?.responses['200'].content ?? {},
          ),
        ).toEqual(['text/html']);
    });

    it('serves Swagger UI at /docs', async () => {
      const page = await readAnswer<string>(
        await fetch(`${shop.current.url}/docs`),
      );
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.body).toContain('swagger-ui');
      // Its assets (swagger-ui-dist) are served too.
      const script = await fetch(
        `${shop.current.url}/docs/swagger-ui-bundle.js`,
      );
      expect(script.status).toBe(200);
      await script.arrayBuffer();
    });
  },
);
