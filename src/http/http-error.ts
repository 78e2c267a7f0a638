import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, NotFoundError, UserError } from '../errors.js';

/** The one error the routes throw; the handler turns it into `{error: {code, message}}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof NotFoundError) return new HttpError(404, 'not_found', error.message);
  if (error instanceof ConflictError) return new HttpError(409, 'conflict', error.message);
  if (error instanceof UserError) return new HttpError(422, 'unprocessable', error.message);
  const fastifyError = error as Partial<FastifyError>;
  // Fastify's own client errors (bad JSON, wrong content type, body too large) say nothing secret.
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new HttpError(fastifyError.statusCode, (fastifyError.code ?? 'bad_request').toLowerCase(), fastifyError.message ?? 'Bad request');
  }
  return new HttpError(500, 'internal_error', 'Internal server error.');
}

export function createErrorHandler(log: (message: string) => void) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): void => {
    const http = toHttpError(error);
    if (http.status >= 500) log(`${request.method} ${request.url.split('?')[0]} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void reply.status(http.status).send({ error: { code: http.code, message: http.message, ...(http.details ? { details: http.details } : {}) } });
  };
}
