import {
  type CanActivate,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { ResolvedIamportOptions } from '../../iamport.options.js';
import { IAMPORT_OPTIONS } from '../../iamport.tokens.js';

/** The V2 routes answer 404 while the module has no `v2` options (the routes are mounted before async options resolve). */
@Injectable()
export class PortOneV2EnabledGuard implements CanActivate {
  constructor(
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
  ) {}

  canActivate(): boolean {
    if (this.options.v2 === null)
      throw new NotFoundException('PortOne V2 is not configured');
    return true;
  }
}
