import {
  type CanActivate,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { ResolvedIamportOptions } from '../iamport.options.js';
import { IAMPORT_OPTIONS } from '../iamport.tokens.js';

/** The V1 routes answer 404 when only V2 is configured (the routes are mounted before async options resolve). */
@Injectable()
export class IamportV1EnabledGuard implements CanActivate {
  constructor(
    @Inject(IAMPORT_OPTIONS) private readonly options: ResolvedIamportOptions,
  ) {}

  canActivate(): boolean {
    if (!this.options.v1)
      throw new NotFoundException('PortOne V1 (iamport) is not configured');
    return true;
  }
}
