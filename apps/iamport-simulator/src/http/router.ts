import type { Route } from './types.js';
import { SimError } from './types.js';

interface CompiledRoute {
  route: Route;
  /** Literal segments, or null where a parameter goes. */
  segments: (string | null)[];
  names: string[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** Method + segment matching; routes are tried in the order they were added. */
export class Router {
  private readonly compiled: CompiledRoute[] = [];

  add(...routes: Route[]): this {
    for (const route of routes) {
      const parts = route.pattern.split('/').slice(1);
      this.compiled.push({
        route,
        segments: parts.map((part) => (part.startsWith(':') ? null : part)),
        names: parts
          .filter((part) => part.startsWith(':'))
          .map((part) => part.slice(1)),
      });
    }
    return this;
  }

  match(method: string, path: string): RouteMatch | null {
    const parts = path.split('/').slice(1);
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    for (const { route, segments, names } of this.compiled) {
      if (route.method !== method || segments.length !== parts.length) continue;
      const values: string[] = [];
      let matches = true;
      for (let i = 0; i < segments.length && matches; i++) {
        const literal = segments[i];
        if (literal === null) values.push(parts[i]);
        else matches = literal === parts[i];
      }
      if (!matches || values.some((value) => value === '')) continue;
      const params: Record<string, string> = {};
      names.forEach((name, i) => (params[name] = decodeSegment(values[i])));
      return { route, params };
    }
    return null;
  }
}

function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new SimError(400, `Malformed path segment: ${value}`);
  }
}
