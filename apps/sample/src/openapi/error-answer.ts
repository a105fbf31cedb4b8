import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/**
 * Nest's error answer (`HttpException`), as every route of the shop sends it:
 * `message` is the list of reasons when a body failed validation, a sentence
 * otherwise.
 */
@ApiSchema({ name: 'ErrorAnswer' })
export class ErrorAnswer {
  @ApiProperty({ type: 'integer', example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['product_id must be an integer number'],
  })
  message: string | string[];
}
