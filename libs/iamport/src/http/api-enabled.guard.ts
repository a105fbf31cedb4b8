import {
  type CanActivate,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';

// The routes are mounted before async options resolve, so an API that is not configured answers 404 here.
function configured(on: boolean, api: string): true {
  if (!on) throw new NotFoundException(`${api} is not configured`);
  return true;
}

/** The V1 routes answer 404 when only V2 is configured. */
@Injectable()
export class IamportV1EnabledGuard implements CanActivate {
  constructor(
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
  ) {}

  canActivate(): boolean {
    return configured(this.options.v1, 'PortOne V1 (iamport)');
  }
}

/** The V2 routes answer 404 while the module has no `v2` options. */
@Injectable()
export class PortOneV2EnabledGuard implements CanActivate {
  constructor(
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
  ) {}

  canActivate(): boolean {
    return configured(this.options.v2 !== null, 'PortOne V2');
  }
}
