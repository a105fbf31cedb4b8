import path from 'node:path';
import { ApiResponse, loadSwagger, OPENAPI_AVAILABLE } from './openapi.js';

describe('the optional @nestjs/swagger', () => {
  it("is the app's own copy when the app has one", () => {
    const swagger = loadSwagger([path.join(process.cwd(), 'noop.js')]);
    expect(typeof swagger?.ApiResponse).toBe('function');
    expect(OPENAPI_AVAILABLE).toBe(true);
  });

  it('is nothing when it cannot be found', () => {
    const nowhere = path.join(
      path.parse(process.cwd()).root,
      'no-app',
      'noop.js',
    );
    expect(loadSwagger([nowhere])).toBeNull();
    expect(loadSwagger([])).toBeNull();
  });

  it('records OpenAPI metadata on a route when loaded', () => {
    class Route {
      handle(): void {}
    }
    const descriptor = Object.getOwnPropertyDescriptor(
      Route.prototype,
      'handle',
    )!;
    ApiResponse({ status: 418, description: 'a teapot' })(
      Route.prototype,
      'handle',
      descriptor,
    );
    expect(
      Reflect.getMetadata('swagger/apiResponse', descriptor.value as object),
    ).toMatchObject({ 418: { description: 'a teapot' } });
  });
});
