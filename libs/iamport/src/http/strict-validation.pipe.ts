import {
  BadRequestException,
  type PipeTransform,
  type Type,
} from '@nestjs/common';
import { validate, type ValidationError } from 'class-validator';

interface ParameterDto {
  fields: readonly string[];
}

/**
 * Validates a query or body against a class-validator DTO, and first rejects
 * what a DTO alone would describe poorly: a parameter given twice
 * (`?imp_uid=a&imp_uid=b` arrives as an array) or given as a non-string.
 * Parameters the DTO does not know are ignored (a merchant's own m_redirect_url
 * may carry some).
 */
export class StrictValidationPipe<T extends object> implements PipeTransform<
  unknown,
  Promise<T>
> {
  constructor(private readonly dto: Type<T> & ParameterDto) {}

  async transform(value: unknown): Promise<T> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new BadRequestException(['expected key=value parameters']);
    }
    const problems: string[] = [];
    const known: Record<string, string> = {};
    for (const field of this.dto.fields) {
      const given: unknown = (value as Record<string, unknown>)[field];
      if (given === undefined) continue;
      if (Array.isArray(given))
        problems.push(`${field} was given more than once`);
      else if (typeof given !== 'string')
        problems.push(`${field} must be a string`);
      else known[field] = given;
    }
    if (problems.length > 0) throw new BadRequestException(problems);
    const instance = Object.assign(new this.dto(), known);
    // One reason per parameter: its first failed rule (a missing one is only "required", the
    // presence check being the last decorator and so the first rule run).
    const errors = await validate(instance, { stopAtFirstError: true });
    if (errors.length > 0)
      throw new BadRequestException(errors.flatMap(messagesOf));
    return instance;
  }
}

function messagesOf(error: ValidationError): string[] {
  return Object.values(error.constraints ?? {});
}
