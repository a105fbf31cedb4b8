/*
 * OpenAPI decorators for the module's routes, taken from the app's own
 * `@nestjs/swagger` (an optional peer, 11 or 12) when it has one, and no-ops
 * when it has none: the module documents its routes in the app's Swagger
 * document without making every app install Swagger.
 *
 * Loaded synchronously, because the controllers are built synchronously
 * (`createRedirectController(path)` at import time) and an app may call
 * `SwaggerModule.createDocument` before `app.init()`. Resolved from the app
 * (its working directory, then its entry script) rather than from this file,
 * which works the same in the ES and the CommonJS build (neither
 * `import.meta` nor `__dirname`) and finds the very copy the app documents
 * with. `@nestjs/swagger` 12 is an ES module, which Node loads with `require`
 * from 20.19 and 22.12 on; where it cannot, the routes simply go undocumented.
 *
 * Only plain values go into the decorators (options and schema objects), so
 * nothing here depends on Swagger's types, and the declarations need none.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

/** A decorator of a class, a method or a property. */
export type AnyDecorator = (
  target: object,
  key?: string | symbol,
  descriptor?: PropertyDescriptor,
) => void;

/** An OpenAPI schema object, as plain JSON (or a class, where Swagger takes one). */
export type SchemaObject = Record<string, unknown>;

type DecoratorFactory = (...args: unknown[]) => AnyDecorator;

const USED = [
  'ApiBody',
  'ApiConsumes',
  'ApiExtraModels',
  'ApiOperation',
  'ApiProduces',
  'ApiProperty',
  'ApiPropertyOptional',
  'ApiResponse',
  'ApiSchema',
  'ApiTags',
] as const;

type SwaggerDecorators = Partial<
  Record<(typeof USED)[number], DecoratorFactory>
>;

/** Where the app's packages are: its working directory, then its entry script. */
function appLocations(): string[] {
  const locations = [path.join(process.cwd(), 'noop.js')];
  const entry = process.argv[1];
  if (entry) locations.push(path.resolve(entry));
  return locations;
}

/** The app's `@nestjs/swagger`, or null when it has none (or it does not load). */
export function loadSwagger(
  locations: readonly string[] = appLocations(),
): SwaggerDecorators | null {
  for (const location of locations) {
    try {
      const swagger = createRequire(location)('@nestjs/swagger') as unknown;
      if (
        swagger &&
        typeof (swagger as SwaggerDecorators).ApiResponse === 'function'
      )
        return swagger as SwaggerDecorators;
    } catch {
      // Not installed there (or not loadable): try the next place, then do without.
    }
  }
  return null;
}

const swagger = loadSwagger();

/** Whether the routes carry OpenAPI metadata (the app has `@nestjs/swagger`). */
export const OPENAPI_AVAILABLE = swagger !== null;

const noop: AnyDecorator = () => undefined;

function decorator<Args extends unknown[]>(
  name: (typeof USED)[number],
): (...args: Args) => AnyDecorator {
  return (...args) => {
    const factory = swagger?.[name];
    return factory ? factory(...args) : noop;
  };
}

export const ApiBody = decorator<[SchemaObject]>('ApiBody');
export const ApiConsumes = decorator<string[]>('ApiConsumes');
export const ApiExtraModels =
  decorator<Array<new () => object>>('ApiExtraModels');
export const ApiOperation = decorator<[SchemaObject]>('ApiOperation');
export const ApiProduces = decorator<string[]>('ApiProduces');
export const ApiProperty = decorator<[SchemaObject?]>('ApiProperty');
export const ApiPropertyOptional = decorator<[SchemaObject?]>(
  'ApiPropertyOptional',
);
export const ApiResponse = decorator<[SchemaObject]>('ApiResponse');
/** `@ApiSchema` came with `@nestjs/swagger` 8.1; older copies leave the class name. */
export const ApiSchema = decorator<[SchemaObject]>('ApiSchema');
export const ApiTags = decorator<string[]>('ApiTags');

/**
 * Nest's error answer (`HttpException`): `{statusCode, error, message}`,
 * `message` a list of reasons for a validation failure and a sentence otherwise.
 */
export function errorAnswer(
  statusCode: number,
  error: string,
  message: string | string[],
): SchemaObject {
  return {
    type: 'object',
    required: ['statusCode', 'error', 'message'],
    properties: {
      statusCode: { type: 'integer', enum: [statusCode] },
      error: { type: 'string', example: error },
      message: Array.isArray(message)
        ? {
            oneOf: [
              { type: 'array', items: { type: 'string' } },
              { type: 'string' },
            ],
            example: message,
          }
        : { type: 'string', example: message },
    },
  };
}
